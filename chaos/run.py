"""`python -m chaos [--size full|smoke] [--only faults,crash,bad_input,secrets,load] [--out DIR]`

Runs the chaos sections one after the other, each `run(size, workdir) -> dict` of computed
figures, prints ONE markdown table of what held and what did not, and writes it to
OUT/latest.md and OUT/latest.json with the commit, the machine and the date (`python -m
chaos.readme` then copies the table into the README). A section that cannot be imported or that
raises is shown as "error: <reason>" and the others still run. The exit code is 1 when any
invariant is violated or any section failed, else 0.

Sections: faults (chaos.faults), slow_bodies (chaos.slow_bodies), crash (chaos.crash) and
symlinks (chaos.symlinks) drive the real CLI against a faulty simulator, a killed process or
links planted on disk; bad_input, secrets (with access control) and load are in this package
too.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.provenance import describe_commit, machine_info, measured_commit

REPO_ROOT = Path(__file__).resolve().parent.parent
SECTIONS: dict[str, str] = {
    "faults": "chaos.faults",
    "crash": "chaos.crash",
    "bad_input": "chaos.bad_input",
    "secrets": "chaos.secrets_scan",
    "load": "chaos.load",
    "slow_bodies": "chaos.slow_bodies",
    "symlinks": "chaos.symlinks",
}
ALIASES = {
    "bad-input": "bad_input",
    "badinput": "bad_input",
    "secrets_scan": "secrets",
    "access": "secrets",
    "slow": "slow_bodies",
    "slow-bodies": "slow_bodies",
    "links": "symlinks",
}

Figures = Mapping[str, Any]


# -- running the sections ------------------------------------------------------------------------


def run_section(name: str, size: str, workdir: Path) -> dict[str, Any]:
    """The section's figures, or {"error": "<short reason>"}; never raises (bar Ctrl-C)."""
    try:
        module = importlib.import_module(SECTIONS[name])
        section_run: Callable[[str, Path], dict[str, object]] = module.run
    except Exception as error:
        return {"error": f"not available ({_reason(error)})"}
    started = time.perf_counter()
    try:
        figures = dict(section_run(size, workdir))
    except (Exception, SystemExit) as error:
        return {"error": _reason(error), "elapsed_s": round(time.perf_counter() - started, 2)}
    figures.setdefault("elapsed_s", round(time.perf_counter() - started, 2))
    return figures


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if len(text) > 120:
        text = text[:119] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# -- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    what: str
    measured: str
    invariant: str
    held: bool | None  # None: not run, or the section failed

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "**NO**", None: "-"}[self.held]


def _n(figures: Figures, key: str, default: float = 0) -> float:
    value = figures.get(key, default)
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def _i(figures: Figures, key: str) -> int:
    return int(_n(figures, key))


def _has(figures: Figures, *keys: str) -> bool:
    return all(key in figures for key in keys)


def _yes(value: object) -> str:
    return "yes" if value else "no"


def _load_rows(f: Figures) -> list[Row]:
    if not _has(f, "users", "cross_talk", "job_limit_held"):
        return [Row("Load held", "figures missing", "", None)]
    users = _i(f, "users")
    measured = (
        f"{users} users at once in {_n(f, 'wall_s'):.2f} s, peak RSS {_n(f, 'peak_rss_mb'):.1f} "
        f"MiB (+{_n(f, 'rss_delta_mb'):.1f} MiB); exact own files {_i(f, 'users_exact_files')}/"
        f"{users} ({_i(f, 'files_received')}/{_i(f, 'files_expected')} files, "
        f"{_i(f, 'sent_by_remote_id')} by Telegram id); cross-talk {_i(f, 'cross_talk')}; "
        f"peak jobs {_i(f, 'peak_running_jobs')} (limit {_i(f, 'max_jobs')})"
    )
    held = (
        _i(f, "cross_talk") == 0
        and bool(f.get("job_limit_held"))
        and _i(f, "users_exact_files") == users
        and _i(f, "user_errors") == 0
    )
    return [
        Row(
            "Load held",
            measured,
            "every user exactly their files, cross-talk 0, jobs <= limit",
            held,
        )
    ]


def _faults_rows(f: Figures) -> list[Row]:
    rows: list[Row] = []
    if _has(f, "files_expected", "files_stored_ok"):
        expected, stored = _i(f, "files_expected"), _i(f, "files_stored_ok")
        kinds = ", ".join(
            f"{kind} {_i(f, 'faults_' + kind)}"
            for kind in ("5xx", "429", "reset", "truncate", "stall")
            if f"faults_{kind}" in f
        )
        measured = (
            f"{_i(f, 'faults_injected')} faults injected ({kinds}) in {_i(f, 'requests_total')} "
            f"requests; files stored {stored}/{expected}; retries {_i(f, 'retries')}, resumed "
            f"{_i(f, 'resumed')}; sync runs {_i(f, 'sync_runs_needed')}; leftovers "
            f"{_i(f, 'temp_or_partial_files_left')} temp, {_i(f, 'orphan_blobs')} orphan blobs"
        )
        held = (
            stored == expected
            and _i(f, "faults_injected") > 0
            and _i(f, "temp_or_partial_files_left") == 0
            and _i(f, "orphan_blobs") == 0
        )
        rows.append(
            Row(
                "Faults injected and survived",
                measured,
                "all files stored, nothing left over",
                held,
            )
        )
    else:
        rows.append(Row("Faults injected and survived", "figures missing", "", None))
    if _has(f, "exit_code", "others_stored"):
        measured = (
            f"exit {_i(f, 'exit_code')}; failure named the file: "
            f"{_yes(f.get('failed_ids_match'))}; others stored {_i(f, 'others_stored')}/"
            f"{_i(f, 'others_expected')}; failed file absent: {_yes(f.get('failed_file_absent'))}"
        )
        held = (
            _i(f, "exit_code") == 5
            and bool(f.get("failed_ids_match"))
            and _i(f, "others_stored") == _i(f, "others_expected")
            and bool(f.get("failed_file_absent"))
        )
        rows.append(
            Row("Persistent failure isolated", measured, "exit 5, only that file missing", held)
        )
    if _has(f, "cases", "cases_clear"):
        measured = (
            f"{_i(f, 'cases_clear')}/{_i(f, 'cases')} malformed-upstream cases clear; tracebacks "
            f"{_i(f, 'tracebacks')}; half-written {_i(f, 'half_written')}"
        )
        held = (
            _i(f, "cases_clear") == _i(f, "cases")
            and _i(f, "tracebacks") == 0
            and _i(f, "half_written") == 0
        )
        rows.append(
            Row(
                "Malformed upstream handled",
                measured,
                "clear error, no traceback, nothing half-written",
                held,
            )
        )
    return rows


def _crash_rows(f: Figures) -> list[Row]:
    if not _has(f, "trials", "trials_recovered"):
        return [Row("Crash safety (kill -9)", "figures missing", "", None)]
    trials = _i(f, "trials")
    measured = (
        f"{_i(f, 'trials_recovered')}/{trials} trials recovered ({_i(f, 'trials_killed')} killed "
        f"mid-run); committed files re-downloaded {_i(f, 'redownloaded_committed_files')}; "
        f"verify clean {_i(f, 'verify_clean')}/{trials}"
    )
    if "repair_detected" in f:
        measured += (
            f"; damaged blob detected {_yes(f.get('repair_detected'))}, repaired "
            f"{_yes(f.get('repair_fixed'))}, restored {_yes(f.get('repair_restored'))}"
        )
    held = (
        _i(f, "trials_recovered") == trials
        and _i(f, "redownloaded_committed_files") == 0
        and _i(f, "verify_clean") == trials
        and _i(f, "files_lost_or_corrupted") == 0
    )
    return [
        Row(
            "Crash safety (kill -9)", measured, "all recovered, 0 re-downloaded, verify clean", held
        )
    ]


def _bad_input_rows(f: Figures) -> list[Row]:
    if not _has(f, "inputs_tried", "violations"):
        return [Row("Bad inputs tried", "figures missing", "", None)]
    by = f.get("by_category")
    parts = ", ".join(f"{k} {v}" for k, v in by.items()) if isinstance(by, Mapping) else ""
    measured = f"{_i(f, 'inputs_tried')} inputs ({parts}); violations {_i(f, 'violations')}"
    where = f.get("violations_by_check")
    if isinstance(where, Mapping) and where:
        measured += " (" + ", ".join(f"{k} {v}" for k, v in where.items()) + ")"
    samples = f.get("violation_samples")
    if isinstance(samples, Mapping) and samples:
        examples = [f"{check}: {str(found[0])[:110]}" for check, found in samples.items() if found]
        measured += " — e.g. " + "; ".join(examples[:3])
    held = _i(f, "violations") == 0 and _i(f, "inputs_tried") > 0
    return [Row("Bad inputs tried", measured, "violations 0", held)]


def _secrets_rows(f: Figures) -> list[Row]:
    if not _has(f, "secrets_found", "plaintext_tokens_at_rest"):
        return [Row("Secrets found", "figures missing", "", None)]
    measured = (
        f"{_i(f, 'secrets_found')} found: {_i(f, 'secrets_checked')} secrets searched for in "
        f"{_i(f, 'log_lines_scanned')} log lines and {_i(f, 'outputs_scanned')} outputs; "
        f"plaintext tokens at rest {_i(f, 'plaintext_tokens_at_rest')} "
        f"({_i(f, 'files_at_rest_scanned')} SQLite files); wrong SECRET_KEY: clear error "
        f"{_yes(f.get('wrong_key_clear_error'))}, data kept {_yes(f.get('wrong_key_data_kept'))}; "
        f"MongoDB password redacted {_yes(f.get('mongo_password_redacted'))}"
    )
    held = (
        _i(f, "secrets_found") == 0
        and _i(f, "plaintext_tokens_at_rest") == 0
        and bool(f.get("wrong_key_clear_error"))
        and bool(f.get("wrong_key_data_kept"))
        and bool(f.get("mongo_password_redacted"))
        and bool(f.get("scanner_self_check", True))
        and "error" not in f
    )
    if "error" in f:
        measured += f"; scenario stopped early: {f['error']}"
    findings = [*_texts(f.get("findings")), *_texts(f.get("at_rest_findings"))]
    if findings:
        measured += " — e.g. " + "; ".join(text[:160] for text in findings[:2])
    rows = [Row("Secrets found", measured, "0 found, 0 at rest, wrong key refused", held)]
    access = f.get("access")
    if isinstance(access, Mapping) and access:
        a = access
        measured = (
            f"stranger: {_i(a, 'stranger_refusals')} refusal, {_i(a, 'stranger_data')} data; "
            f"forged/foreign buttons {_i(a, 'forged_callbacks_effective')} effective of "
            f"{_i(a, 'forged_callbacks')}; admin-only refused {_i(a, 'admin_only_refused')}/"
            f"{_i(a, 'admin_only_tried')}; burst of {_i(a, 'burst_sent')}: "
            f"{_i(a, 'burst_admitted')} admitted (policy {_i(a, 'burst_policy_per_minute')}/min, "
            f"told once: {_yes(a.get('burst_told_once'))})"
        )
        held = (
            _i(a, "stranger_refusals") == 1
            and _i(a, "stranger_data") == 0
            and _i(a, "forged_callbacks_effective") == 0
            and _i(a, "admin_only_refused") == _i(a, "admin_only_tried")
            and _i(a, "admin_only_leaked") == 0
            and bool(a.get("burst_held"))
        )
        rows.append(Row("Access control", measured, "1 refusal, 0 effect, rate limit held", held))
    return rows


def _slow_bodies_rows(f: Figures) -> list[Row]:
    if not _has(f, "stuck_files", "stuck_exit_code", "sometimes_stored"):
        return [Row("Slow bodies cut off", "figures missing", "", None)]
    stuck = _i(f, "stuck_files")
    ended = "still running, killed" if f.get("stuck_timed_out") else "ended"
    measured = (
        f"{stuck} files trickling a byte every 0.9 s (READ_TIMEOUT 1 s) at concurrency 8: sync "
        f"{ended} in {_n(f, 'stuck_sync_s'):.1f} s, exit {_i(f, 'stuck_exit_code')}, "
        f"{_i(f, 'stuck_failed_as_slow')}/{stuck} failed as too slow (MIN_SPEED 20K over 2 s; "
        f"{_i(f, 'stuck_cut_offs')} cut-offs), others stored {_i(f, 'stuck_others_stored')}/"
        f"{_i(f, 'stuck_others_expected')}; without the floor still running after "
        f"{_n(f, 'no_floor_limit_s'):.0f} s: {_yes(f.get('no_floor_still_running'))}; 10 % of "
        f"requests trickling: {_i(f, 'sometimes_trickled')} trickled, "
        f"{_i(f, 'sometimes_resumed_slow')} resumed, files stored {_i(f, 'sometimes_stored')}/"
        f"{_i(f, 'sometimes_expected')}; leftovers "
        f"{_i(f, 'stuck_leftovers') + _i(f, 'sometimes_leftovers')}"
    )
    held = (
        not f.get("stuck_timed_out")
        and _i(f, "stuck_exit_code") == 5
        and _i(f, "stuck_failed_as_slow") == stuck > 0
        and _i(f, "stuck_failed_others") == 0
        and _i(f, "stuck_others_stored") == _i(f, "stuck_others_expected")
        and _i(f, "sometimes_exit_code") == 0
        and _i(f, "sometimes_trickled") > 0
        and _i(f, "sometimes_stored") == _i(f, "sometimes_expected")
        and _i(f, "stuck_leftovers") + _i(f, "sometimes_leftovers") == 0
    )
    return [
        Row(
            "Slow bodies cut off",
            measured,
            "sync ends; only the slow files fail (too slow); all others stored; nothing left",
            held,
        )
    ]


def _symlinks_rows(f: Figures) -> list[Row]:
    if not _has(f, "cases", "cases_held", "writes_outside"):
        return [Row("Symlinks refused", "figures missing", "", None)]
    cases = _i(f, "cases")
    measured = (
        f"{cases} cases (org, batch and sub-folder below the output folder, linked before or "
        f"between runs; a blob fan-out and blobs/tmp in DATA_DIR): held {_i(f, 'cases_held')}/"
        f"{cases}; refused naming the link {_i(f, 'refused_clearly')}/{cases} "
        f"({_i(f, 'files_refused')} files); written outside {_i(f, 'writes_outside')}; planted "
        f"leftovers kept {_i(f, 'planted_kept')}/{cases}; others stored "
        f"{_i(f, 'others_stored')}/{_i(f, 'others_expected')}"
    )
    problems = f.get("problems")
    if isinstance(problems, Mapping) and problems:
        measured += " — " + "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items())
    held = _i(f, "cases_held") == cases > 0 and _i(f, "writes_outside") == 0
    return [
        Row(
            "Symlinks refused",
            measured,
            "nothing written or swept outside; each refusal names the link; others stored",
            held,
        )
    ]


def _texts(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def files_lost(sections: Mapping[str, Figures]) -> int:
    """Files lost or corrupted, summed over the sections that ran."""
    total = 0
    for name, f in sections.items():
        if "error" in f and len(f) <= 2:
            continue
        if name == "faults":
            total += max(0, _i(f, "files_expected") - _i(f, "files_stored_ok"))
            total += max(0, _i(f, "others_expected") - _i(f, "others_stored"))
        elif name == "crash":
            total += _i(f, "files_lost_or_corrupted")
        elif name == "slow_bodies":
            total += max(0, _i(f, "stuck_others_expected") - _i(f, "stuck_others_stored"))
            total += max(0, _i(f, "sometimes_expected") - _i(f, "sometimes_stored"))
        elif name == "symlinks":
            total += max(0, _i(f, "others_expected") - _i(f, "others_stored"))
        else:
            total += _i(f, "files_lost") + _i(f, "files_corrupted")
    return total


ROWS: dict[str, Callable[[Figures], list[Row]]] = {
    "load": _load_rows,
    "faults": _faults_rows,
    "crash": _crash_rows,
    "bad_input": _bad_input_rows,
    "secrets": _secrets_rows,
    "slow_bodies": _slow_bodies_rows,
    "symlinks": _symlinks_rows,
}
TITLES = {
    "load": "Load held",
    "faults": "Faults injected and survived",
    "crash": "Crash safety (kill -9)",
    "bad_input": "Bad inputs tried",
    "secrets": "Secrets found",
    "slow_bodies": "Slow bodies cut off",
    "symlinks": "Symlinks refused",
}
ORDER = ("load", "faults", "slow_bodies", "crash", "symlinks", "bad_input", "secrets")


def build_rows(sections: Mapping[str, Figures]) -> list[Row]:
    rows: list[Row] = []
    for name in ORDER:
        if name not in sections:
            continue
        figures = sections[name]
        if "error" in figures and len(figures) <= 2:  # only the error (and elapsed time)
            rows.append(Row(TITLES[name], f"error: {figures['error']}", "", None))
            continue
        try:
            rows.extend(ROWS[name](figures))
        except Exception as error:  # a figure of an unexpected type: say so, go on
            rows.append(
                Row(TITLES[name], f"error: figures unreadable ({_reason(error)})", "", None)
            )
    if sections:
        lost = files_lost(sections)
        rows.append(
            Row("Files lost or corrupted", f"{lost} (summed over the sections run)", "0", lost == 0)
        )
    return rows


def render_table(rows: list[Row]) -> str:
    lines = ["| check | measured | invariant | held |", "|---|---|---|---|"]
    for row in rows:
        cells = (_cell(row.what), _cell(row.measured), _cell(row.invariant), row.verdict)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# -- results files ---------------------------------------------------------------------------------


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_finite(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def render_markdown(document: Mapping[str, Any], table: str) -> str:
    machine, run = document["machine"], document["run"]
    commit = describe_commit(document.get("commit"))
    lines = [
        f"# cpbatch chaos run ({run['size']})",
        "",
        f"{machine['cores']} cores, {machine['memory_gb']} GiB, Python {machine['python']}, "
        f"{machine['platform']}, {machine['date']}, {commit}; "
        f"sections: {', '.join(run['sections'])}; {run['elapsed_s']:.1f} s in all.",
        "",
        table,
        "",
        f"All invariants held: {'yes' if document['all_held'] else '**no**'}.",
        "",
        "## Figures",
        "",
    ]
    for name, figures in document["sections"].items():
        lines.append(f"### {name}")
        lines.append("")
        lines.append("```json")
        lines.append(json.dumps(figures, indent=2, ensure_ascii=False))
        lines.append("```")
        lines.append("")
    return "\n".join(lines)


def write_results(document: Mapping[str, Any], table: str, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "latest.json", out / "latest.md"
    json_path.write_text(
        json.dumps(_finite(document), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    md_path.write_text(render_markdown(_finite(document), table), encoding="utf-8")
    return md_path, json_path


# -- the command -----------------------------------------------------------------------------------


def _section_list(text: str) -> list[str]:
    names = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name not in SECTIONS:
            raise argparse.ArgumentTypeError(
                f"unknown section {part.strip()!r}; pick from {','.join(SECTIONS)}"
            )
        if name not in names:
            names.append(name)
    if not names:
        raise argparse.ArgumentTypeError("name at least one section")
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m chaos",
        description="Faults, kill -9, bad input, secrets and load against the ClassPlus "
        "simulator; prints one table and writes OUT/latest.md and OUT/latest.json.",
    )
    parser.add_argument("--size", choices=("full", "smoke"), default="full")
    parser.add_argument(
        "--only", type=_section_list, default=list(SECTIONS), help="e.g. secrets,load,bad_input"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "chaos" / "results", help="default chaos/results"
    )
    parser.add_argument(
        "--scratch", type=Path, help="where the sections work (default: system temp)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _quiet_logging()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    commit = measured_commit()  # before the run: what was measured, whatever happens meanwhile
    started = time.perf_counter()
    sections: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="cpbatch-chaos-", dir=args.scratch) as scratch:
        for name in args.only:
            say(f"chaos: {name} ({args.size}) …")
            section_started = time.perf_counter()
            sections[name] = run_section(name, args.size, Path(scratch) / name)
            outcome = sections[name].get("error", "done") if "error" in sections[name] else "done"
            say(f"chaos: {name} {outcome} in {time.perf_counter() - section_started:.1f} s")
    rows = build_rows(sections)
    errored = [name for name, figures in sections.items() if "error" in figures]
    violated = [row.what for row in rows if row.held is False]
    document: dict[str, Any] = {
        "commit": commit,
        "machine": machine_info(),
        "run": {
            "size": args.size,
            "sections": list(sections),
            "elapsed_s": time.perf_counter() - started,
        },
        "table": [row.__dict__ for row in rows],
        "sections": sections,
        "files_lost_or_corrupted": files_lost(sections),
        "violated": violated,
        "errored": errored,
        "all_held": not violated and not errored,
    }
    table = render_table(rows)
    md_path, json_path = write_results(document, table, args.out)
    print(table)
    print()
    if violated or errored:
        print(f"Violated: {', '.join(violated) or 'none'}.")
        print(f"Sections with errors: {', '.join(errored) or 'none'}.")
    else:
        print("All invariants held.")
    print(f"Wrote {md_path} and {json_path}")
    return 0 if document["all_held"] else 1


def _quiet_logging() -> None:
    """cpbatch's logging, WARNING and up to stderr, so nothing a section logs reaches stdout
    (structlog's default prints to stdout)."""
    try:
        from cpbatch.entrypoints.logging_setup import configure_logging

        configure_logging("WARNING", "console")
    except Exception:  # the table matters more than the logs
        import logging

        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
