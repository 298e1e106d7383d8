"""The README's results tables: generated from the committed results files, never typed in.

Each table sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md. `python -m
bench.readme` and `python -m chaos.readme` (both: `make readme-tables`) rewrite what is between
from the results JSON; with `--check` they only say whether the README differs, which is what
the test in `make test` asserts, so a table can never disagree with its results file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.provenance import REPO_ROOT

README = REPO_ROOT / "README.md"


class MissingBlock(LookupError):
    """The README has no (or more than one) pair of markers for this table."""


@dataclass(frozen=True)
class TableSource:
    """One README table: its marker name, its results file, how a results document renders to
    the text between the markers, and the command that writes it."""

    name: str
    command: str
    results: Path
    render: Callable[[dict[str, Any]], str]

    def rendered(self, results: Path | None = None) -> str:
        path = results or self.results
        return self.render(json.loads(path.read_text(encoding="utf-8")))


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def _span(text: str, name: str) -> tuple[int, int]:
    """Where the text between the markers begins and ends."""
    start, end = _markers(name)
    if text.count(start) != 1 or text.count(end) != 1:
        raise MissingBlock(f"README.md needs exactly one {start} and one {end}")
    begin, finish = text.index(start) + len(start), text.index(end)
    if finish < begin:
        raise MissingBlock(f"{end} comes before {start} in README.md")
    return begin, finish


def read_block(text: str, name: str) -> str:
    begin, finish = _span(text, name)
    return text[begin:finish].strip("\n")


def replace_block(text: str, name: str, block: str) -> str:
    begin, finish = _span(text, name)
    body = block.strip("\n")
    return f"{text[:begin]}\n\n{body}\n\n{text[finish:]}"


def main(source: TableSource, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=source.command,
        description=f"Write the README's {source.name} block from {source.results.name}.",
    )
    parser.add_argument("--check", action="store_true", help="only report a difference")
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--results", type=Path, default=source.results)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    updated = replace_block(text, source.name, source.rendered(args.results))
    if updated == text:
        return 0
    if args.check:
        print(
            f"{args.readme}: the {source.name} block differs from {args.results}", file=sys.stderr
        )
        return 1
    args.readme.write_text(updated, encoding="utf-8")
    print(f"Updated the {source.name} block of {args.readme} from {args.results}")
    return 0
