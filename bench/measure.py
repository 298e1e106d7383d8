"""Run a command as a child process and measure it: wall time, peak RSS, CPU time.

Wall time is `time.perf_counter` around start and reap. Peak RSS is the child's own high-water
mark, `VmHWM` in /proc/PID/status, read every few milliseconds from the moment it runs the
command until it exits. Not `ru_maxrss` from `os.wait4`: Linux folds the memory image the child
had before `exec` (the parent's, copied or shared by fork) into it, so a `true` started by a
300 MiB process reports 300 MiB. Where /proc cannot be read, `ru_maxrss` is the fallback.
A peak reached in the command's last few milliseconds (one polling interval) can be missed: its
mm is gone once it exits. Differences of two peaks (S5's growth) can therefore come out
slightly below zero when two runs peak alike.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

KIB = 1024
MIB = 1024 * 1024


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_rss_mb: float  # MiB
    cpu_s: float  # user + system
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout_s: float = 3600.0,
) -> Measurement:
    """Run `argv` to completion; output goes to temporary files (no pipe can fill up)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - the benchmark's own fixed commands
            list(argv), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        # Popen returns once the child ran `exec`: from here its /proc entry is the command's.
        peak = PeakRss(process.pid)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.kill(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            peak.stop()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Measurement(
            wall_s=wall,
            peak_rss_mb=(peak.kib if peak.kib is not None else usage.ru_maxrss) * KIB / MIB,
            cpu_s=usage.ru_utime + usage.ru_stime,
            returncode=process.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            timed_out=timed_out.is_set(),
        )


class PeakRss:
    """Polls a running process's VmHWM (its peak resident set, in KiB) until `stop`."""

    INTERVAL_S = 0.005

    def __init__(self, pid: int) -> None:
        self._path = Path(f"/proc/{pid}/status")
        self.kib: int | None = None
        self._done = threading.Event()
        self._read()
        self._thread = threading.Thread(target=self._poll, name="peak-rss", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._done.wait(self.INTERVAL_S):
            self._read()

    def _read(self) -> None:
        try:
            text = self._path.read_text()
        except OSError:
            return
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                found = int(line.split()[1])
                self.kib = found if self.kib is None else max(self.kib, found)
                return


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.inf


def tree_size(root: Path) -> tuple[int, int]:
    """(files, bytes) of the regular files under `root`."""
    files = size = 0
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                files += 1
                size += path.stat().st_size
    return files, size


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
