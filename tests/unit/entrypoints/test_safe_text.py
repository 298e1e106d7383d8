"""What the CLI prints of upstream text: controls written out, markup escaped, the rest kept."""

from __future__ import annotations

import pytest
from rich.console import Console

from cpbatch.entrypoints.cli.safe_text import shown, visible


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Physics 101", "Physics 101"),
        ("भौतिकी \u200dनोट्स", "भौतिकी \u200dनोट्स"),  # joiners shape Indic scripts: kept
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\x9b2J\x7f", "\\x9b2J\\x7f"),
        ("abc\u202etxt.exe", "abc\\u202etxt.exe"),
    ],
)
def test_controls_are_written_out(raw: str, expected: str) -> None:
    assert visible(raw) == expected


@pytest.mark.parametrize("name", ["[/x]", "[link=https://evil.example]here[/link]", "a\\", "[b]"])
def test_markup_is_printed_as_text(name: str) -> None:
    console = Console(record=True, width=200, force_terminal=True, emoji=False)
    console.print(f"[bold]{shown(name)}[/bold]")
    assert console.export_text().rstrip("\n") == name
