"""`python -m chaos.readme [--check]`: the README's reliability table, from
chaos/results/latest.json (see bench.readme_tables)."""

from __future__ import annotations

import sys
from typing import Any

from bench.provenance import REPO_ROOT, describe_commit
from bench.readme_tables import TableSource, main
from chaos.run import Row, render_table


def render_block(document: dict[str, Any]) -> str:
    machine, run = document["machine"], document["run"]
    measured = (
        f"Measured on {machine['date'][:10]} at {describe_commit(document.get('commit'))} "
        f"({machine['cores']} cores, {machine['memory_gb']} GiB, Python {machine['python']}; "
        f"{run['size']} size, {run['elapsed_s']:.0f} s in all):"
    )
    # The rows as the run computed and printed them, not recomputed by today's code.
    rows = [Row(**row) for row in document["table"]]
    held = "yes" if document["all_held"] else "**no**"
    return "\n\n".join([measured, render_table(rows), f"All invariants held: {held}."])


RELIABILITY = TableSource(
    command="python -m chaos.readme",
    name="chaos-table",
    results=REPO_ROOT / "chaos" / "results" / "latest.json",
    render=render_block,
)

if __name__ == "__main__":
    sys.exit(main(RELIABILITY))
