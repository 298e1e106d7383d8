"""The results as a markdown table and as JSON, with the commit and machine they measured."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

from bench import provenance
from bench.commands import CURL, REAL_HOST_RATE_LIMIT
from bench.provenance import GIB, REPO_ROOT, describe_commit


def machine_info() -> dict[str, Any]:
    curl = _command_output([CURL, "--version"])
    return {**provenance.machine_info(), "curl": " ".join(curl.split()[:2])}


def _command_output(argv: list[str]) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed command
            argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null (and a target they touch is not met)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def write_results(document: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "latest.json", out / "latest.md"
    json_path.write_text(json.dumps(_finite(document), indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(document), encoding="utf-8")
    return md_path, json_path


# ---------------------------------------------------------------- markdown


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if math.isfinite(seconds) else "n/a"


def _ms(milliseconds: float) -> str:
    return f"{milliseconds:.3f} ms" if math.isfinite(milliseconds) else "n/a"


def _x(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "n/a"


def _bytes(count: float) -> str:
    for unit, size in (("GiB", GIB), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:.0f} B"


def _target(spec: dict[str, Any], unit: str = "") -> tuple[str, str]:
    text = f"{spec['op']} {spec['limit']:g}{unit}"
    return text, "yes" if spec["met"] else "**no**"


def _rows_s1(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    what = f"S1 many files ({r['files']} files, {_bytes(r['bytes'])})"
    measured = (
        f"cpbatch {_s(r['cpbatch_s'])}, curl {_s(r['curl_s'])}: ratio {_x(r['ratio'])}"
        f" (median of {r['repetitions']})"
    )
    return [(what, measured, r["targets"]["ratio"], "")]


def _rows_s2(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    what = f"S2 one large file ({_bytes(r['bytes'])})"
    measured = (
        f"cpbatch {_s(r['cpbatch_s'])}, curl {_s(r['curl_s'])}: ratio {_x(r['ratio'])}"
        f" (median of {r['repetitions']})"
    )
    rss = f"cpbatch peak RSS {r['cpbatch_peak_rss_mb']:.1f} MiB (curl {r['curl_peak_rss_mb']:.1f})"
    return [
        (what, measured, r["targets"]["ratio"], ""),
        ("", rss, r["targets"]["cpbatch_peak_rss_mb"], " MiB"),
    ]


def _rows_s3(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    what = f"S3 re-sync ({r['files']} files, nothing changed)"
    measured = (
        f"first {_s(r['first_s'])}, re-sync {_s(r['resync_s'])}: ratio {_x(r['ratio'])}"
        f" (median of {r['repetitions']})"
    )
    fetched = (
        f"{r['bytes_fetched']} bytes of file content served by the simulator"
        f" ({r['resync_file_requests']} file requests); cpbatch reports {r['report_total_bytes']}"
    )
    return [
        (what, measured, r["targets"]["ratio"], ""),
        ("", fetched, r["targets"]["bytes_fetched"], " bytes"),
    ]


def _rows_s4(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    n = r["iterations"]
    what = f"S4 cache tiers (DownloadBatch, {_bytes(r['file_size'])}, in-process)"
    upstream = {"op": "", "limit": math.nan, "met": None}
    return [
        (
            what,
            f"memory hit p50 {_ms(r['memory_p50_ms'])}, p99 {_ms(r['memory_p99_ms'])}"
            f" ({n['memory']} calls)",
            r["targets"]["memory_p50_ms"],
            " ms (p50)",
        ),
        (
            "",
            f"filesystem hit p50 {_ms(r['fs_p50_ms'])}, p99 {_ms(r['fs_p99_ms'])}"
            f" ({n['filesystem']} calls)",
            r["targets"]["fs_p50_ms"],
            " ms (p50)",
        ),
        (
            "",
            f"upstream miss p50 {_ms(r['upstream_p50_ms'])}, p99 {_ms(r['upstream_p99_ms'])}"
            f" ({n['upstream']} calls)",
            upstream,
            "",
        ),
    ]


def _rows_s5(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    sizes = list(r["per_file_ms"])
    per_file = ", ".join(f"{n}: {r['per_file_ms'][n]:.3f}" for n in sizes)
    rss = ", ".join(f"{n}: {r['peak_rss_mb'][n]:.1f}" for n in sizes)
    return [
        (
            "S5 scaling (1 KiB files)",
            f"ms per file {per_file}: ratio {_x(r['per_file_ratio'])}",
            r["targets"]["per_file_ratio"],
            "",
        ),
        (
            "",
            f"peak RSS MiB {rss}: growth {r['rss_growth_mb']:.1f} MiB",
            r["targets"]["rss_growth_mb"],
            " MiB",
        ),
    ]


def _rows_s6(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    what = f"S6 disk used by a CLI sync ({r['files']} files, {_bytes(r['files_bytes'])})"
    measured = (
        f"output folder {_bytes(r['output_allocated'])} + DATA_DIR "
        f"{_bytes(r['data_dir_allocated'])} allocated: ratio {r['ratio']:.3f}"
    )
    return [(what, measured, r["targets"]["disk_ratio"], " × the files' bytes")]


def _rows_s7(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    measured = (
        f"{r['version_s']:.3f} s; `python -c pass` {r['python_s']:.3f} s"
        f" (median of {r['repetitions']})"
    )
    return [("S7 `cpbatch --version`", measured, r["targets"]["version_s"], " s")]


def _rows_s8(r: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    measured = (
        f"DURABILITY=flush {_s(r['flush_s'])}, DURABILITY=os {_s(r['os_s'])}: ratio "
        f"{_x(r['ratio'])} (median of {r['repetitions']})"
    )
    reported = {"op": "", "limit": math.nan, "met": None}
    return [("S8 durability cost (the S1 sync)", measured, reported, "")]


_ROWS = {
    "S1": _rows_s1,
    "S2": _rows_s2,
    "S3": _rows_s3,
    "S4": _rows_s4,
    "S5": _rows_s5,
    "S6": _rows_s6,
    "S7": _rows_s7,
    "S8": _rows_s8,
}


def render_table(scenarios: dict[str, Any]) -> str:
    lines = ["| scenario | measured | target | met |", "|---|---|---|---|"]
    for name, result in scenarios.items():
        for what, measured, spec, unit in _ROWS[name](result):
            if spec["met"] is None:
                lines.append(f"| {what} | {measured} | (reported) | - |")
            else:
                text, met = _target(spec, unit)
                lines.append(f"| {what} | {measured} | {text} | {met} |")
    return "\n".join(lines)


def _mean(runs: list[dict[str, Any]], key: str) -> float:
    return sum(float(run[key]) for run in runs) / len(runs) if runs else math.nan


def _walls(runs: list[dict[str, Any]]) -> str:
    return ", ".join(_s(run["wall_s"]) for run in runs)


def _details(scenarios: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name in ("S1", "S2"):
        r = scenarios.get(name)
        if r is None:
            continue
        mine, peer = r["runs"]["cpbatch"], r["runs"]["curl"]
        lines.append(
            f"- {name}: cpbatch runs {_walls(mine)}; curl runs {_walls(peer)}. "
            f"cpbatch per run: CPU {_mean(mine, 'cpu_s'):.2f} s, "
            f"sync inside the process {_mean(mine, 'sync_s'):.2f} s, "
            f"{_mean(mine, 'simulator_api_requests'):.0f} API calls, "
            f"peak RSS {max(run['peak_rss_mb'] for run in mine):.1f} MiB. "
            f"curl CPU {_mean(peer, 'cpu_s'):.2f} s/run. Simulator CPU per run: "
            f"{_mean(mine, 'simulator_cpu_s'):.2f} s under cpbatch, "
            f"{_mean(peer, 'simulator_cpu_s'):.2f} s under curl."
        )
    if (r := scenarios.get("S3")) is not None:
        lines.append(
            f"- S3: re-sync runs {_walls(r['runs']['resync'])}; "
            f"{r['resync_api_requests']:.0f} API calls per re-sync, "
            f"sync inside the process {_s(r['resync_sync_s'])}."
        )
    if (r := scenarios.get("S4")) is not None:
        lines.append(
            f"- S4: tiers that answered {r['sources']}; requests reaching the simulator during "
            f"hits: {r['upstream_requests_during_hits']}."
        )
    if (r := scenarios.get("S5")) is not None:
        parts = [
            f"{n} files {_s(d['wall_s'])} (sync inside the process {_s(d['sync_s'])}, "
            f"{d['api_requests']:.0f} API calls)"
            for n, d in r["detail"].items()
        ]
        lines.append(f"- S5: {'; '.join(parts)}.")
    return lines


def render_markdown(document: dict[str, Any]) -> str:
    machine, run = document["machine"], document["run"]
    scenarios, commit = document["scenarios"], describe_commit(document.get("commit"))
    header = [
        f"# cpbatch benchmarks ({run['size']})",
        "",
        f"{machine['cores']} cores, {machine['memory_gb']} GiB, Python {machine['python']}, "
        f"{machine['platform']}, {machine['date']}, {commit}; "
        f"peer: {machine['curl'] or 'curl'}.",
        "",
        f"cpbatch runs as the real CLI (`cpbatch sync benchorg --concurrency "
        f"{run['concurrency']} --json`) in a subprocess, against the ClassPlus simulator in its "
        f"own process on loopback; curl gets the same file URLs with "
        f"`--parallel --parallel-max {run['concurrency']}`. RATE_LIMIT_REQUESTS="
        f"{run['rate_limit_requests']} against the local simulator only: the real host keeps "
        f"its upstream-friendly default of {REAL_HOST_RATE_LIMIT}/s. Runs of the two commands "
        f"alternate, each on a clean output dir and DATA_DIR, after {run['warmup']} untimed "
        f"warm-up pair(s); times are medians, ratios are ratios of medians; RSS is the "
        f"command's own peak (VmHWM from /proc, polled while it runs), in MiB.",
        "",
        render_table(scenarios),
        "",
        f"Targets met: {document['targets_met']} of {document['targets_total']}.",
        "",
        "## Details",
        "",
        *_details(scenarios),
        "",
    ]
    return "\n".join(header)
