"""`python -m bench.readme [--check]`: the README's performance table, from
bench/results/latest.json (see bench.readme_tables)."""

from __future__ import annotations

import math
import sys
from typing import Any

from bench.provenance import REPO_ROOT, describe_commit
from bench.readme_tables import TableSource, main
from bench.report import render_table


def _nan_for_null(value: Any) -> Any:
    """The results file stores NaN as null (JSON has no NaN); the table shows it as n/a."""
    if value is None:
        return math.nan
    if isinstance(value, dict):
        return {key: _nan_for_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_for_null(item) for item in value]
    return value


def render_block(document: dict[str, Any]) -> str:
    machine, run = document["machine"], document["run"]
    measured = (
        f"Measured on {machine['date'][:10]} at {describe_commit(document.get('commit'))} "
        f"({machine['cores']} cores, {machine['memory_gb']} GiB, Python {machine['python']}, "
        f"{machine['curl'] or 'curl'}; {run['size']} size, medians of alternating runs):"
    )
    targets = f"Targets met: {document['targets_met']} of {document['targets_total']}."
    return "\n\n".join([measured, render_table(_nan_for_null(document["scenarios"])), targets])


PERFORMANCE = TableSource(
    command="python -m bench.readme",
    name="bench-table",
    results=REPO_ROOT / "bench" / "results" / "latest.json",
    render=render_block,
)

if __name__ == "__main__":
    sys.exit(main(PERFORMANCE))
