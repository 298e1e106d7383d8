"""S6 disk used by a sync, S7 start-up time of `cpbatch --version`, S8 what durability costs.

S6: one `cpbatch sync` of the S1 world into a fresh output dir with a fresh DATA_DIR; the disk
both use afterwards (blocks allocated, `st_blocks`) against the files' bytes. A sync writes each
file once, into the output folder: DATA_DIR holds only the records.

S7: `cpbatch --version` (the installed console script) and `python -c pass` alternated, median
wall time of each: what a command costs before it does anything.

S8: the S1 sync with DURABILITY=flush (each file flushed before it is renamed into place, the
default) and DURABILITY=os (the kernel writes it back in its own time), alternated: the price of
knowing a file is on disk once it has its name. Reported, no target.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.commands import clean_environ
from bench.measure import median, ratio, remove, run_measured
from bench.scenario_context import Context, Result, cpbatch_sync, target
from bench.simulator_process import BenchError

DISK_TARGET = 1.05
VERSION_TARGET_S = 0.15


def disk_used(root: Path) -> tuple[int, int]:
    """(allocated, apparent) bytes of everything under `root`, folders included; hard links
    counted once."""
    allocated = apparent = 0
    seen: set[tuple[int, int]] = set()
    for directory, folders, names in os.walk(root):
        for name in [*folders, *names]:
            found = os.lstat(os.path.join(directory, name))
            if (found.st_dev, found.st_ino) in seen:
                continue
            seen.add((found.st_dev, found.st_ino))
            allocated += found.st_blocks * 512
            apparent += found.st_size
    return allocated, apparent


def s6_disk_used(ctx: Context) -> Result:
    spec = ctx.profile.s1_world
    sim = ctx.simulator(spec)
    manifest = sim.manifest()
    files_bytes = sum(int(entry["size"]) for entry in manifest)
    work = ctx.workdir("S6")
    try:
        run = cpbatch_sync(ctx, sim, work)
        if run["downloaded_files"] != len(manifest):
            raise BenchError(f"S6: cpbatch downloaded {run['downloaded_files']} files")
        output_allocated, output_apparent = disk_used(work / "out")
        data_allocated, data_apparent = disk_used(work / "data")
    finally:
        remove(work)
    used = output_allocated + data_allocated
    ctx.log(f"  S6 {used} bytes on disk for {files_bytes} bytes of files")
    return {
        "files": len(manifest),
        "files_bytes": files_bytes,
        "output_allocated": output_allocated,
        "output_apparent": output_apparent,
        "data_dir_allocated": data_allocated,
        "data_dir_apparent": data_apparent,
        "ratio": ratio(used, files_bytes),
        "repetitions": 1,
        "settings": ctx.settings.describe(),
        "world": spec.describe(),
        "targets": {"disk_ratio": target(ratio(used, files_bytes), "<=", DISK_TARGET)},
    }


def _wall(argv: list[str], ctx: Context) -> float:
    measured = run_measured(argv, env=clean_environ(), cwd=ctx.scratch, timeout_s=60)
    if measured.returncode != 0:
        raise BenchError(f"{' '.join(argv)} exited with {measured.returncode}: {measured.stderr}")
    return measured.wall_s


def s7_version(ctx: Context) -> Result:
    repeat = ctx.profile.repeat["S7"]
    script = Path(sys.executable).parent / "cpbatch"
    if not script.exists():
        raise BenchError(f"S7: no cpbatch console script beside {sys.executable}")
    version_s: list[float] = []
    python_s: list[float] = []
    for _ in range(repeat):
        version_s.append(_wall([str(script), "--version"], ctx))
        python_s.append(_wall([sys.executable, "-c", "pass"], ctx))
    mine, floor = median(version_s), median(python_s)
    ctx.log(f"  S7 cpbatch --version {mine:.3f} s, python -c pass {floor:.3f} s")
    return {
        "version_s": mine,
        "python_s": floor,
        "ratio": ratio(mine, floor),
        "repetitions": repeat,
        "settings": {"command": f"{script} --version", "floor": f"{sys.executable} -c pass"},
        "runs": {"version": version_s, "python": python_s},
        "targets": {"version_s": target(mine, "<=", VERSION_TARGET_S)},
    }


def s8_durability(ctx: Context) -> Result:
    spec = ctx.profile.s1_world
    sim = ctx.simulator(spec)
    repeat = ctx.profile.repeat["S8"]
    walls: dict[str, list[float]] = {"flush": [], "os": []}
    for number in range(repeat):
        for durability in walls:
            work = ctx.workdir(f"S8-{durability}")
            try:
                run = cpbatch_sync(ctx, sim, work, durability=durability)
            finally:
                remove(work)
            walls[durability].append(float(run["wall_s"]))
            ctx.log(f"  S8 {number + 1}/{repeat} DURABILITY={durability} {run['wall_s']:.2f} s")
    flush_s, os_s = median(walls["flush"]), median(walls["os"])
    return {
        "flush_s": flush_s,
        "os_s": os_s,
        "ratio": ratio(flush_s, os_s),
        "repetitions": repeat,
        "settings": ctx.settings.describe(),
        "world": spec.describe(),
        "runs": walls,
        "targets": {},
    }
