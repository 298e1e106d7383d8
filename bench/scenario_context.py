"""What every scenario works with: its context (profile, settings, scratch, simulators), a
target and whether it was met, and one measured `cpbatch sync`."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench.commands import CpbatchSettings, run_cpbatch_sync
from bench.profiles import Profile
from bench.simulator_process import SimulatorProcess, WorldSpec, api_requests

Result = dict[str, Any]
Log = Callable[[str], None]


def target(value: float, op: str, limit: float) -> dict[str, Any]:
    """A target and whether the measured `value` meets it (never met by NaN or infinity)."""
    checks = {"<=": value <= limit, "<": value < limit, "==": value == limit}
    return {
        "value": value,
        "op": op,
        "limit": limit,
        "met": bool(math.isfinite(value) and checks[op]),
    }


@dataclass
class Context:
    profile: Profile
    settings: CpbatchSettings
    scratch: Path
    log: Log = print
    _simulators: dict[WorldSpec, SimulatorProcess] = field(default_factory=dict)

    def simulator(self, spec: WorldSpec) -> SimulatorProcess:
        """The running simulator of this world, started on first use (one per world)."""
        sim = self._simulators.get(spec)
        if sim is None:
            sim = SimulatorProcess(spec, self.scratch)
            sim.start()
            self._simulators[spec] = sim
        return sim

    def release(self, keep: Iterable[WorldSpec] = ()) -> None:
        """Stop every simulator whose world is not in `keep`."""
        kept = set(keep)
        for spec in [spec for spec in self._simulators if spec not in kept]:
            self._simulators.pop(spec).stop()

    def workdir(self, label: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{label}-", dir=self.scratch))


def cpbatch_sync(
    ctx: Context, sim: SimulatorProcess, work: Path, *, durability: str | None = None
) -> dict[str, Any]:
    """One `cpbatch sync` into WORK/out with DATA_DIR WORK/data (kept for a re-sync); with
    `durability`, that DURABILITY setting instead of the default."""
    sim.reset_stats()
    cpu_before = sim.cpu_seconds()
    measured, report = run_cpbatch_sync(
        sim,
        ctx.settings if durability is None else replace(ctx.settings, durability=durability),
        output=work / "out",
        data_dir=work / "data",
        cwd=work,
    )
    simulator_cpu = sim.cpu_seconds() - cpu_before
    stats = sim.stats()
    return {
        "wall_s": measured.wall_s,
        "peak_rss_mb": measured.peak_rss_mb,
        "cpu_s": measured.cpu_s,
        "sync_s": float(report.get("duration_s", math.nan)),
        "downloaded_files": int(report["downloaded_files"]),
        "skipped_files": int(report["skipped_files"]),
        "report_total_bytes": int(report["total_bytes"]),
        "simulator_file_bytes_sent": int(stats["file_bytes_sent"]),
        "simulator_file_requests": int(stats["file_requests"]),
        "simulator_api_requests": api_requests(stats),
        "simulator_cpu_s": simulator_cpu,
    }
