"""End to end: names from upstream holding Rich markup, terminal escapes and newlines are
printed as text, never obeyed, whatever the command (the simulator's hostile-names world)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from cpbatch.entrypoints.simulator import Simulator, run_simulator
from cpbatch.entrypoints.simulator.demo import demo_world
from cpbatch.entrypoints.simulator.hostile_names import with_hostile_names
from cpbatch.entrypoints.simulator.world import Video
from support.cli.harness import Cli
from support.cli.login import ASHA, answers, next_otp

pytestmark = pytest.mark.e2e

COURSE = "41001"
ONLY_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # what Rich itself sends to a terminal


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    world = with_hostile_names(demo_world())
    course = world.org_by_code("learnwell").courses[0]  # type: ignore[union-attr]
    course.root.add(Video(9_100_001, "Locked lecture", locked=True))
    async with run_simulator(world) as running:
        yield running


@pytest.fixture
def terminal(cli: Cli) -> Cli:
    cli.extra_env.update(FORCE_COLOR="1", TERM="xterm-256color")  # Rich writes as to a terminal
    return cli


def obeyed_escapes(text: str) -> list[str]:
    """Control characters a terminal would act on, beyond Rich's own colours."""
    return [c for c in ONLY_COLOURS.sub("", text) if (ord(c) < 32 and c != "\n") or c == "\x7f"]


async def test_batches_prints_markup_and_escapes_as_text(terminal: Cli) -> None:
    result = await terminal("batches", "learnwell", token=terminal.sim.token_for("learnwell"))

    assert result.code == 0, result.stderr
    assert obeyed_escapes(result.stdout) == []
    assert "\x1b]8;" not in result.stdout  # no hyperlink
    assert "[link=https://evil.example]" in result.stdout
    assert "\\x1b[2J" in result.stdout  # shown, not obeyed


async def test_files_prints_one_line_per_file_and_labels_a_locked_video(terminal: Cli) -> None:
    result = await terminal("files", "learnwell", COURSE, token=terminal.sim.token_for("learnwell"))

    assert result.code == 0, result.stderr
    assert obeyed_escapes(result.stdout) == []
    assert "line one\\nline two" in result.stdout
    assert "line one\n" not in result.stdout
    assert "\u202e" not in result.stdout
    assert "\\u202e" in result.stdout
    assert re.search(r"Locked lecture.*\(video, locked, not downloadable\)", result.stdout)


async def test_an_error_quoting_the_org_name_is_printed_not_parsed(terminal: Cli) -> None:
    token = terminal.sim.token_for("learnwell")
    result = await terminal("download", "learnwell", "999999", token=token)

    assert result.code == 4, result.stderr  # not found; not 1, "unexpected"
    assert "Traceback" not in result.stderr
    assert "MarkupError" not in result.stderr
    assert "[/x]" in result.stderr
    assert obeyed_escapes(result.stderr) == []


async def test_login_prints_the_org_name_as_text_in_its_prompt_and_answer(terminal: Cli) -> None:
    otp = next_otp(terminal.sim, ASHA)

    result = await terminal("login", "learnwell", stdin=answers(ASHA, otp))

    assert result.code == 0, result.stderr
    for printed in (result.stdout, result.stderr):
        assert obeyed_escapes(printed) == []
        assert "\\x1b]0;pwned\\x07" in printed
    assert "[link=https://evil.example]" in result.stdout
