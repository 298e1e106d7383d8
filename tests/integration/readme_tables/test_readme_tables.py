"""The README's performance and reliability tables are what the committed results files render
to, and say which commit they measured. Nothing is run: only the results files are read.

When a test here fails after `make bench` or `make chaos` wrote new results (or after the
renderer changed), `make readme-tables` rewrites the README's blocks."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:  # `bench` and `chaos` live at the repository root
    sys.path.insert(0, str(REPO_ROOT))

from bench.readme import PERFORMANCE  # noqa: E402
from bench.readme_tables import README, MissingBlock, TableSource, main, read_block  # noqa: E402
from chaos.readme import RELIABILITY  # noqa: E402

TABLES = pytest.mark.parametrize("source", [PERFORMANCE, RELIABILITY], ids=lambda s: s.name)


@TABLES
def test_the_readme_table_is_what_the_results_file_renders_to(source: TableSource) -> None:
    in_readme = read_block(README.read_text(encoding="utf-8"), source.name)

    assert in_readme == source.rendered(), (
        f"README.md's {source.name} block differs from {source.results.relative_to(REPO_ROOT)}: "
        "run `make readme-tables`"
    )


@TABLES
def test_the_results_file_carries_the_commit_date_and_machine(source: TableSource) -> None:
    document = json.loads(source.results.read_text(encoding="utf-8"))
    commit, machine = document["commit"], document["machine"]

    assert re.fullmatch(r"[0-9a-f]{40}", commit["hash"])
    assert commit["hash"].startswith(commit["short"])
    assert isinstance(commit["dirty"], bool)
    assert {"cores", "memory_gb", "python", "platform", "date"} <= set(machine)
    shown = read_block(README.read_text(encoding="utf-8"), source.name)
    assert f"commit `{commit['short']}`" in shown
    assert machine["date"][:10] in shown


@TABLES
def test_an_edited_cell_is_caught_and_rewritten(source: TableSource, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    block = read_block(README.read_text(encoding="utf-8"), source.name)
    edited = block.replace("| yes |", "| **no** |", 1)
    assert edited != block
    readme.write_text(
        f"intro\n<!-- {source.name}:start -->\n{edited}\n<!-- {source.name}:end -->\n"
    )

    assert main(source, ["--check", "--readme", str(readme)]) == 1
    assert "**no**" in readme.read_text()  # --check never writes
    assert main(source, ["--readme", str(readme)]) == 0
    assert read_block(readme.read_text(), source.name) == source.rendered()
    assert readme.read_text().startswith("intro\n")
    assert main(source, ["--check", "--readme", str(readme)]) == 0


@pytest.mark.parametrize(
    "text",
    [
        "no markers at all",
        "<!-- bench-table:start -->\nonly a start",
        "<!-- bench-table:end -->\n<!-- bench-table:start -->",
        "<!-- bench-table:start -->\n<!-- bench-table:end -->\n" * 2,
    ],
)
def test_a_readme_without_one_pair_of_markers_is_refused(text: str) -> None:
    with pytest.raises(MissingBlock):
        read_block(text, "bench-table")
