"""`python -m bench [--size full|smoke] [--repeat N] [--only S1,S3] [--out DIR]`

Starts the ClassPlus simulator on loopback (one process per world), runs the scenarios, prints
the table and writes it to OUT/latest.md and OUT/latest.json. Not part of `make test`; a smoke
test runs every scenario at `--size smoke`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.commands import DEFAULT_RATE_LIMIT, CpbatchSettings
from bench.profiles import ALL_SCENARIOS, PROFILES
from bench.provenance import measured_commit
from bench.report import machine_info, render_table, write_results
from bench.scenario_context import Context
from bench.scenarios import run_scenarios
from bench.simulator_process import REPO_ROOT, BenchError


def _scenario_list(text: str) -> list[str]:
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - set(ALL_SCENARIOS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(unknown) or text!r}; pick from {','.join(ALL_SCENARIOS)}"
        )
    return names


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark cpbatch against curl and itself on the ClassPlus simulator; "
        "writes OUT/latest.md and OUT/latest.json.",
    )
    parser.add_argument("--size", choices=sorted(PROFILES), default="full")
    parser.add_argument(
        "--repeat",
        type=_positive,
        help="timed repetitions of S1, S2, S3, S5, S7 and S8 (default: 5, 3, 5, 2, 20, 3 at "
        "full size; S4 has its own iteration counts, S6 measures one sync)",
    )
    parser.add_argument(
        "--warmup", type=_non_negative, help="untimed warm-up pairs in S1 and S2 (default 1)"
    )
    parser.add_argument(
        "--only", type=_scenario_list, default=list(ALL_SCENARIOS), help="e.g. S1,S3"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "bench" / "results", help="default bench/results"
    )
    parser.add_argument(
        "--concurrency", type=_positive, default=8, help="cpbatch --concurrency and curl's"
    )
    parser.add_argument(
        "--rate-limit",
        type=_positive,
        default=DEFAULT_RATE_LIMIT,
        help="RATE_LIMIT_REQUESTS for cpbatch against the local simulator",
    )
    parser.add_argument("--scratch", type=Path, help="where downloads go (default: system temp)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    profile = PROFILES[args.size].with_repeat(args.repeat, args.warmup)
    settings = CpbatchSettings(concurrency=args.concurrency, rate_limit_requests=args.rate_limit)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    commit = measured_commit()  # before the run: what was measured, whatever happens meanwhile
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cpbatch-bench-", dir=args.scratch) as scratch:
        context = Context(profile=profile, settings=settings, scratch=Path(scratch), log=log)
        try:
            scenarios = run_scenarios(context, args.only)
        except BenchError as error:
            log(f"benchmark failed: {error}")
            return 1
    targets = [spec["met"] for result in scenarios.values() for spec in result["targets"].values()]
    document: dict[str, Any] = {
        "commit": commit,
        "machine": machine_info(),
        "run": {
            "size": profile.name,
            "scenarios": list(scenarios),
            "repetitions": {name: scenarios[name]["repetitions"] for name in scenarios},
            "warmup": profile.warmup,
            "concurrency": settings.concurrency,
            "rate_limit_requests": settings.rate_limit_requests,
            "elapsed_s": time.perf_counter() - started,
        },
        "scenarios": scenarios,
        "targets_met": sum(1 for met in targets if met),
        "targets_total": len(targets),
        "all_targets_met": all(targets),
    }
    md_path, json_path = write_results(document, args.out)
    print(render_table(scenarios))
    print(f"\nTargets met: {document['targets_met']} of {document['targets_total']}")
    print(f"Wrote {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
