"""The five scenarios. Each returns a JSON-ready dict: its numbers, the settings it ran with,
its repetitions, per-run details, and `targets` ({name: {value, op, limit, met}}) computed
from what was measured."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.commands import run_curl, write_curl_config
from bench.footprint import s6_disk_used, s7_version, s8_durability
from bench.measure import median, percentile, ratio, remove, tree_size
from bench.profiles import Profile
from bench.scenario_context import Context, Result, cpbatch_sync, target
from bench.simulator_process import (
    ORG_CODE,
    BenchError,
    SimulatorProcess,
    WorldSpec,
    api_requests,
)

# ---------------------------------------------------------------- single runs


def _cpbatch_first_sync(
    ctx: Context, sim: SimulatorProcess, label: str, expected: tuple[int, int]
) -> dict[str, Any]:
    """One `cpbatch sync` into a fresh output dir with a fresh DATA_DIR, checked and removed."""
    work = ctx.workdir(label)
    try:
        run = cpbatch_sync(ctx, sim, work)
        if run["downloaded_files"] != expected[0]:
            raise BenchError(f"{label}: cpbatch downloaded {run['downloaded_files']} files")
        on_disk = tree_size(work / "out")
        if on_disk != expected:
            raise BenchError(f"{label}: cpbatch left {on_disk} (files, bytes), want {expected}")
        return run
    finally:
        remove(work)


def _curl_run(
    sim: SimulatorProcess, config: Path, output: Path, parallel: int, expected: tuple[int, int]
) -> dict[str, Any]:
    remove(output)
    sim.reset_stats()
    cpu_before = sim.cpu_seconds()
    try:
        measured = run_curl(config, parallel, cwd=output.parent)
        simulator_cpu = sim.cpu_seconds() - cpu_before
        on_disk = tree_size(output)
        if on_disk != expected:
            raise BenchError(f"curl left {on_disk} (files, bytes), want {expected}")
    finally:
        remove(output)
    stats = sim.stats()
    return {
        "wall_s": measured.wall_s,
        "peak_rss_mb": measured.peak_rss_mb,
        "cpu_s": measured.cpu_s,
        "simulator_file_bytes_sent": int(stats["file_bytes_sent"]),
        "simulator_cpu_s": simulator_cpu,
    }


def _pair(
    ctx: Context, sim: SimulatorProcess, label: str, repeat: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[int, int]]:
    """cpbatch and curl on the same files, alternated: warm-ups first (untimed), then
    `repeat` timed pairs. Returns (cpbatch runs, curl runs, (files, bytes))."""
    manifest = sim.manifest()
    expected = (len(manifest), sum(int(entry["size"]) for entry in manifest))
    work = ctx.workdir(f"{label}-curl")
    config, output = work / "urls.curlrc", work / "out"
    write_curl_config(manifest, output, config)
    cpbatch_runs: list[dict[str, Any]] = []
    curl_runs: list[dict[str, Any]] = []
    try:
        for number in range(ctx.profile.warmup + repeat):
            warmup = number < ctx.profile.warmup
            tag = "warm-up" if warmup else f"{number - ctx.profile.warmup + 1}/{repeat}"
            mine = _cpbatch_first_sync(ctx, sim, label, expected)
            ctx.log(f"  {label} {tag} cpbatch {mine['wall_s']:.2f} s")
            peer = _curl_run(sim, config, output, ctx.settings.concurrency, expected)
            ctx.log(f"  {label} {tag} curl    {peer['wall_s']:.2f} s")
            if not warmup:
                cpbatch_runs.append(mine)
                curl_runs.append(peer)
    finally:
        remove(work)
    return cpbatch_runs, curl_runs, expected


def _walls(runs: list[dict[str, Any]], key: str = "wall_s") -> list[float]:
    return [float(run[key]) for run in runs]


# ---------------------------------------------------------------- S1 .. S5


def s1_many_files(ctx: Context) -> Result:
    spec = ctx.profile.s1_world
    repeat = ctx.profile.repeat["S1"]
    mine, peer, (files, size) = _pair(ctx, ctx.simulator(spec), "S1", repeat)
    cpbatch_s, curl_s = median(_walls(mine)), median(_walls(peer))
    return {
        "cpbatch_s": cpbatch_s,
        "curl_s": curl_s,
        "ratio": ratio(cpbatch_s, curl_s),
        "files": files,
        "bytes": size,
        "cpbatch_sync_s": median(_walls(mine, "sync_s")),
        "cpbatch_peak_rss_mb": max(_walls(mine, "peak_rss_mb")),
        "repetitions": repeat,
        "warmup": ctx.profile.warmup,
        "settings": {**ctx.settings.describe(), "curl_parallel_max": ctx.settings.concurrency},
        "world": spec.describe(),
        "runs": {"cpbatch": mine, "curl": peer},
        "targets": {"ratio": target(ratio(cpbatch_s, curl_s), "<=", 1.3)},
    }


def s2_one_large_file(ctx: Context) -> Result:
    spec = ctx.profile.s2_world
    repeat = ctx.profile.repeat["S2"]
    mine, peer, (_, size) = _pair(ctx, ctx.simulator(spec), "S2", repeat)
    cpbatch_s, curl_s = median(_walls(mine)), median(_walls(peer))
    peak = max(_walls(mine, "peak_rss_mb"))
    return {
        "cpbatch_s": cpbatch_s,
        "curl_s": curl_s,
        "ratio": ratio(cpbatch_s, curl_s),
        "cpbatch_peak_rss_mb": peak,
        "curl_peak_rss_mb": max(_walls(peer, "peak_rss_mb")),
        "bytes": size,
        "repetitions": repeat,
        "warmup": ctx.profile.warmup,
        "settings": {**ctx.settings.describe(), "curl_parallel_max": ctx.settings.concurrency},
        "world": spec.describe(),
        "runs": {"cpbatch": mine, "curl": peer},
        "targets": {
            "ratio": target(ratio(cpbatch_s, curl_s), "<=", 1.2),
            "cpbatch_peak_rss_mb": target(peak, "<=", 120.0),
        },
    }


def s3_resync(ctx: Context) -> Result:
    spec = ctx.profile.s1_world
    repeat = ctx.profile.repeat["S3"]
    sim = ctx.simulator(spec)
    manifest = sim.manifest()
    files = len(manifest)
    firsts: list[dict[str, Any]] = []
    resyncs: list[dict[str, Any]] = []
    for number in range(repeat):
        work = ctx.workdir("S3")
        try:
            first = cpbatch_sync(ctx, sim, work)
            if first["downloaded_files"] != files:
                raise BenchError(f"S3: the first sync downloaded {first['downloaded_files']} files")
            again = cpbatch_sync(ctx, sim, work)  # same output dir and DATA_DIR
        finally:
            remove(work)
        ctx.log(
            f"  S3 {number + 1}/{repeat} first {first['wall_s']:.2f} s, re-sync "
            f"{again['wall_s']:.2f} s, {again['simulator_file_bytes_sent']} file bytes"
        )
        firsts.append(first)
        resyncs.append(again)
    first_s, resync_s = median(_walls(firsts)), median(_walls(resyncs))
    # Counted by the simulator (bytes of file bodies it wrote) over every re-sync...
    fetched = sum(int(run["simulator_file_bytes_sent"]) for run in resyncs)
    # ...and cross-checked with cpbatch's own report.
    reported = sum(int(run["report_total_bytes"]) for run in resyncs)
    return {
        "first_s": first_s,
        "resync_s": resync_s,
        "ratio": ratio(resync_s, first_s),
        "bytes_fetched": fetched,
        "report_total_bytes": reported,
        "resync_file_requests": sum(int(run["simulator_file_requests"]) for run in resyncs),
        "resync_downloaded_files": sum(int(run["downloaded_files"]) for run in resyncs),
        "resync_api_requests": median(_walls(resyncs, "simulator_api_requests")),
        "resync_sync_s": median(_walls(resyncs, "sync_s")),
        "files": files,
        "repetitions": repeat,
        "settings": ctx.settings.describe(),
        "world": spec.describe(),
        "runs": {"first": firsts, "resync": resyncs},
        "targets": {
            "bytes_fetched": target(float(fetched + reported), "==", 0.0),
            "ratio": target(ratio(resync_s, first_s), "<=", 0.10),
        },
    }


def s4_cache_tiers(ctx: Context) -> Result:
    spec = ctx.profile.s4_world
    sim = ctx.simulator(spec)
    iterations = ctx.profile.s4_iterations
    timings, sources, upstream_calls = asyncio.run(_s4(ctx, sim, iterations))
    result: Result = {}
    for tier in ("memory", "filesystem", "upstream"):
        short = "fs" if tier == "filesystem" else tier
        result[f"{short}_p50_ms"] = percentile(timings[tier], 0.50)
        result[f"{short}_p99_ms"] = percentile(timings[tier], 0.99)
    result.update(
        file_size=spec.min_size,
        iterations=iterations,
        repetitions=sum(iterations.values()),
        sources=sources,
        upstream_requests_during_hits=upstream_calls,
        settings={
            "RATE_LIMIT_REQUESTS": ctx.settings.rate_limit_requests,
            "memory": "defaults (MEMORY_CACHE_MB=64)",
            "filesystem": "MEMORY_CACHE_MB=0 (no memory tier)",
            "upstream": "a fresh DATA_DIR per iteration; listing and connection warmed first",
            "in_process": True,
        },
        targets={
            "memory_p50_ms": target(result["memory_p50_ms"], "<", 1.0),
            "fs_p50_ms": target(result["fs_p50_ms"], "<", 5.0),
            "sources": target(float(_misrouted(sources)), "==", 0.0),
        },
    )
    return result


def _misrouted(sources: dict[str, dict[str, int]]) -> int:
    """Calls timed as one tier but served by another (e.g. a "memory hit" from the disk)."""
    return sum(n for tier, seen in sources.items() for source, n in seen.items() if source != tier)


async def _s4(
    ctx: Context, sim: SimulatorProcess, iterations: dict[str, int]
) -> tuple[dict[str, list[float]], dict[str, dict[str, int]], int]:
    """DownloadBatch in this process against the simulator process: per-call milliseconds of
    each tier, which tier each call says it was served from, and upstream calls during hits."""
    from cpbatch.domain.identifiers import AccessToken
    from cpbatch.entrypoints.bootstrap import resolved, running
    from cpbatch.entrypoints.config import load_settings
    from cpbatch.entrypoints.logging_setup import configure_logging

    configure_logging("WARNING")
    token = AccessToken.parse(sim.token)
    manifest = sim.manifest()
    if len(manifest) < 2:
        raise BenchError("S4 needs a world with two files")
    warm_id, file_id = int(manifest[0]["file_id"]), int(manifest[1]["file_id"])

    def settings(data_dir: Path, **extra: str) -> Any:
        environ = {
            "CLASSPLUS_BASE_URL": sim.base_url,
            "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "RATE_LIMIT_REQUESTS": str(ctx.settings.rate_limit_requests),
            "DATA_DIR": str(data_dir),
            "LOG_LEVEL": "WARNING",
            **extra,
        }
        return load_settings(environ, env_file=None)

    timings: dict[str, list[float]] = {"memory": [], "filesystem": [], "upstream": []}
    sources: dict[str, Counter[str]] = {tier: Counter() for tier in timings}

    async def timed(app: Any, tier: str) -> None:
        started = time.perf_counter()
        got = await (await resolved(app.download_batch())).execute(token, ORG_CODE, file_id)
        timings[tier].append((time.perf_counter() - started) * 1000)
        sources[tier][got.source] += 1

    for _ in range(iterations["upstream"]):
        data_dir = ctx.workdir("S4-upstream")
        try:
            async with running(settings(data_dir)) as app:
                await (await resolved(app.download_batch())).execute(token, ORG_CODE, warm_id)
                await timed(app, "upstream")
        finally:
            remove(data_dir)

    upstream_calls = 0
    for tier, extra in (("filesystem", {"MEMORY_CACHE_MB": "0"}), ("memory", {})):
        data_dir = ctx.workdir(f"S4-{tier}")
        try:
            async with running(settings(data_dir, **extra)) as app:
                for _ in range(2):  # store it, then let the tier settle
                    await (await resolved(app.download_batch())).execute(token, ORG_CODE, file_id)
                sim.reset_stats()
                for _ in range(iterations[tier]):
                    await timed(app, tier)
                stats = sim.stats()
                upstream_calls += api_requests(stats) + int(stats["file_requests"])
        finally:
            remove(data_dir)
        ctx.log(f"  S4 {tier}: p50 {median(timings[tier]):.3f} ms")
    ctx.log(f"  S4 upstream: p50 {median(timings['upstream']):.3f} ms")
    return timings, {tier: dict(seen) for tier, seen in sources.items()}, upstream_calls


def s5_scaling(ctx: Context) -> Result:
    repeat = ctx.profile.repeat["S5"]
    per_file: dict[str, float] = {}
    peak_rss: dict[str, float] = {}
    detail: dict[str, Any] = {}
    for spec in ctx.profile.s5_worlds:
        sim = ctx.simulator(spec)
        expected = (spec.files, spec.files * spec.min_size)
        runs = []
        for number in range(repeat):
            run = _cpbatch_first_sync(ctx, sim, f"S5-{spec.files}", expected)
            ctx.log(
                f"  S5 {spec.files} files {number + 1}/{repeat}: {run['wall_s']:.2f} s, "
                f"{run['peak_rss_mb']:.1f} MiB"
            )
            runs.append(run)
        ctx.release()  # one world at a time
        key = str(spec.files)
        per_file[key] = median(_walls(runs)) / spec.files * 1000
        peak_rss[key] = max(_walls(runs, "peak_rss_mb"))
        detail[key] = {
            "wall_s": median(_walls(runs)),
            "sync_s": median(_walls(runs, "sync_s")),
            "api_requests": median(_walls(runs, "simulator_api_requests")),
            "runs": runs,
        }
    small, large = str(ctx.profile.s5_worlds[0].files), str(ctx.profile.s5_worlds[-1].files)
    return {
        "per_file_ms": per_file,
        "peak_rss_mb": peak_rss,
        "per_file_ratio": ratio(per_file[large], per_file[small]),
        "rss_growth_mb": peak_rss[large] - peak_rss[small],
        "repetitions": repeat,
        "settings": ctx.settings.describe(),
        "worlds": [spec.describe() for spec in ctx.profile.s5_worlds],
        "detail": detail,
        "targets": {
            "per_file_ratio": target(ratio(per_file[large], per_file[small]), "<=", 1.5),
            "rss_growth_mb": target(peak_rss[large] - peak_rss[small], "<=", 60.0),
        },
    }


SCENARIOS: dict[str, Callable[[Context], Result]] = {
    "S1": s1_many_files,
    "S2": s2_one_large_file,
    "S3": s3_resync,
    "S4": s4_cache_tiers,
    "S5": s5_scaling,
    "S6": s6_disk_used,
    "S7": s7_version,
    "S8": s8_durability,
}
# Run order: S3, S6 and S8 right after S1 (same world, same simulator).
RUN_ORDER = ("S1", "S3", "S6", "S8", "S2", "S4", "S5", "S7")


def worlds_of(profile: Profile, scenario: str) -> tuple[WorldSpec, ...]:
    return {
        "S1": (profile.s1_world,),
        "S2": (profile.s2_world,),
        "S3": (profile.s1_world,),
        "S4": (profile.s4_world,),
        "S5": profile.s5_worlds,
        "S6": (profile.s1_world,),
        "S7": (),
        "S8": (profile.s1_world,),
    }[scenario]


def run_scenarios(ctx: Context, selected: Iterable[str]) -> dict[str, Result]:
    wanted = [name for name in RUN_ORDER if name in set(selected)]
    results: dict[str, Result] = {}
    try:
        for position, name in enumerate(wanted):
            ctx.log(f"{name} ...")
            started = time.perf_counter()
            results[name] = SCENARIOS[name](ctx)
            results[name]["elapsed_s"] = time.perf_counter() - started
            later = [
                spec for other in wanted[position + 1 :] for spec in worlds_of(ctx.profile, other)
            ]
            ctx.release(keep=later)
    finally:
        ctx.release()
    return {name: results[name] for name in sorted(results)}
