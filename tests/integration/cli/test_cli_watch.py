"""`cpbatch watch` as a person runs it: it syncs, then prints one line per file a tutor adds
or changes upstream while it runs, and SIGINT or SIGTERM stop it cleanly (exit 0)."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from cpbatch.entrypoints.simulator import Simulator
from support.cli.harness import Cli

FREE_COURSE = "course:41004"


async def line_with(stream: asyncio.StreamReader, text: str, seen: list[str]) -> str:
    while True:
        line = (await asyncio.wait_for(stream.readline(), timeout=60)).decode()
        assert line, f"the output ended before {text!r}; it had {seen}"
        seen.append(line)
        if text in line:
            return line


async def start_watch(sim: Simulator, cli: Cli, out: Path) -> asyncio.subprocess.Process:
    """`cpbatch watch` of the free course into `out`, checking every second."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cpbatch", "watch", "learnwell", "--batch", FREE_COURSE,
        "-o", str(out), "--every", "1s", "--env-file", "/nonexistent.env",
        env=cli.env(sim.token_for("learnwell")),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
async def test_watch_prints_new_and_updated_files_and_stops_cleanly(
    sim: Simulator, cli: Cli, tmp_path: Path, stop: signal.Signals
) -> None:
    out = tmp_path / "out"
    process = await start_watch(sim, cli, out)
    assert process.stdout is not None
    assert process.stderr is not None
    seen: list[str] = []
    try:
        await line_with(process.stdout, "new     Free Demo Classes / Sample notes.pdf", seen)

        document = sim.publish_file("learnwell", FREE_COURSE, "Week 2 notes.pdf", 3_000, "New")
        line = await line_with(process.stdout, "Week 2 notes.pdf", seen)
        assert " new     Free Demo Classes / New / Week 2 notes.pdf" in line

        sim.revise_file("learnwell", document.id)
        line = await line_with(process.stdout, "Week 2 notes.pdf", seen)
        assert " updated Free Demo Classes / New / Week 2 notes.pdf" in line
    finally:
        process.send_signal(stop)
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)

    assert process.returncode == 0, err.decode()
    assert err.decode().rstrip().endswith("Stopped.")
    kept = out / "learnwell" / "Free Demo Classes (41004)" / "New" / "Week 2 notes.pdf"
    assert kept.read_bytes() == sim.file_bytes("learnwell", document.id)  # the new version
    assert sum("Week 2 notes.pdf" in line for line in seen) == 2  # one line per change


async def test_watch_refuses_a_bad_period_and_an_unknown_batch(sim: Simulator, cli: Cli) -> None:
    bad = await cli("watch", "learnwell", "--every", "soon", token=sim.token_for("learnwell"))
    assert bad.code == 2
    assert "not a duration" in bad.stderr

    unknown = await cli("watch", "learnwell", "--batch", "99", token=sim.token_for("learnwell"))
    assert unknown.code == 4
    assert "Batch 99 is not among the batches" in unknown.stderr


async def test_a_file_changed_while_the_watch_was_stopped_is_reported_as_updated(
    sim: Simulator, cli: Cli, tmp_path: Path
) -> None:
    """What `new` and `updated` mean survives a restart: the files placed in the folder by the
    earlier run count as synced before."""
    out = tmp_path / "out"
    document = sim.publish_file("learnwell", FREE_COURSE, "Week 3 notes.pdf", 2_000, "New")

    async def run_until(text: str) -> str:
        process = await start_watch(sim, cli, out)
        assert process.stdout is not None
        try:
            return await line_with(process.stdout, text, [])
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.communicate(), timeout=60)

    first = await run_until("Week 3 notes.pdf")
    assert " new     Free Demo Classes / New / Week 3 notes.pdf" in first
    sim.revise_file("learnwell", document.id)  # while no watch runs

    again = await run_until("Week 3 notes.pdf")

    assert " updated Free Demo Classes / New / Week 3 notes.pdf" in again
