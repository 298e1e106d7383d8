"""Start one simulator process per world and talk to it: tokens, manifest, counters.

The simulator runs as `python -m bench.sim_server` (the simulator's own CLI flags and
`run_simulator`, plus a small control server for its counters; see `bench.sim_server`), in a
separate process so that it never shares an event loop or the GIL with what is measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
ORG_CODE = "benchorg"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class BenchError(RuntimeError):
    """A benchmark could not run as intended (a command failed, a result is inconsistent)."""


@dataclass(frozen=True)
class WorldSpec:
    """The arguments of `generated_world`, as simulator flags."""

    files: int
    min_size: int = 50_000
    max_size: int = 2_000_000
    folder_depth: int = 3
    per_folder: int = 25
    courses: int = 1
    seed: int = 1
    large_files: tuple[int, ...] = field(default_factory=tuple)

    def flags(self) -> list[str]:
        flags = [
            "--world",
            "generated",
            "--org-code",
            ORG_CODE,
            "--files",
            str(self.files),
            "--min-size",
            str(self.min_size),
            "--max-size",
            str(self.max_size),
            "--folder-depth",
            str(self.folder_depth),
            "--per-folder",
            str(self.per_folder),
            "--courses",
            str(self.courses),
            "--seed",
            str(self.seed),
        ]
        for size in self.large_files:
            flags += ["--large-file", str(size)]
        return flags

    def describe(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "min_size": self.min_size,
            "max_size": self.max_size,
            "folder_depth": self.folder_depth,
            "per_folder": self.per_folder,
            "courses": self.courses,
            "seed": self.seed,
            "large_files": list(self.large_files),
        }


class SimulatorProcess:
    """`with SimulatorProcess(spec, scratch) as sim:` a running simulator for one world.
    Subclasses may serve it from another module (`module`) with more flags (`extra_flags`)."""

    module = "bench.sim_server"

    def __init__(self, spec: WorldSpec, scratch: Path) -> None:
        self.spec = spec
        self._scratch = Path(tempfile.mkdtemp(prefix="sim-", dir=scratch))
        self._process: subprocess.Popen[bytes] | None = None
        self._ready: dict[str, Any] = {}

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        ready_file = self._scratch / "ready.json"
        log = (self._scratch / "simulator.log").open("wb")
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
                [
                    sys.executable,
                    "-m",
                    self.module,
                    *self.spec.flags(),
                    *self.extra_flags(),
                    "--ready-file",
                    str(ready_file),
                ],
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        finally:
            log.close()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready_file.exists():
            if self._process.poll() is not None:
                raise BenchError(
                    f"the simulator stopped at start (exit code {self._process.returncode}): "
                    + self.log_tail()
                )
            if time.monotonic() > deadline:
                self.stop()
                raise BenchError(f"the simulator did not start within {READY_TIMEOUT_S:.0f} s")
            time.sleep(0.02)
        self._ready = json.loads(ready_file.read_text(encoding="utf-8"))

    def extra_flags(self) -> list[str]:
        return []

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, lines: int = 20) -> str:
        log = self._scratch / "simulator.log"
        if not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    @property
    def pid(self) -> int:
        if self._process is None:
            raise BenchError("the simulator is not running")
        return self._process.pid

    @property
    def base_url(self) -> str:
        return str(self._ready["base_url"])

    @property
    def token(self) -> str:
        return str(self._ready["tokens"][ORG_CODE])

    def cpu_seconds(self) -> float:
        """User + system CPU time the simulator process has used so far."""
        times = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)

    def _control(self, path: str, method: str = "GET") -> Any:
        url = f"{self._ready['control_url']}{path}"
        body = b"" if method == "POST" else None
        request = urllib.request.Request(url, method=method, data=body)  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read())

    def stats(self) -> dict[str, Any]:
        """{"file_bytes_sent", "file_requests", "range_requests", "requests", "statuses"}."""
        stats: dict[str, Any] = self._control("/stats")
        return stats

    def reset_stats(self) -> None:
        self._control("/reset", method="POST")

    def manifest(self) -> list[dict[str, Any]]:
        """Every file the org's user may download: url, size, name, folder_path, ..."""
        entries: list[dict[str, Any]] = self._control(f"/manifest?org={ORG_CODE}")
        return entries


def api_requests(stats: dict[str, Any]) -> int:
    """API calls (everything but file and video-host requests) in a stats snapshot."""
    requests: dict[str, int] = stats["requests"]
    return sum(n for route, n in requests.items() if route not in ("file", "media_cdn"))
