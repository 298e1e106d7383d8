"""The simulator as a separate process, as a user's script or the CLI would meet ClassPlus."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 30.0


@contextmanager
def simulator_process(scratch: Path, *flags: str) -> Iterator[dict[str, Any]]:
    """`python -m cpbatch.entrypoints.simulator FLAGS`; yields its ready file ({"base_url",
    "tokens", "pid"}) and stops it on exit."""
    ready = scratch / "ready.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "cpbatch.entrypoints.simulator", *flags, "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready.exists():
            assert process.poll() is None, "simulator exited at start"
            assert time.monotonic() < deadline, "simulator did not start"
            time.sleep(0.05)
        yield json.loads(ready.read_text())
    finally:
        process.terminate()
        process.wait(timeout=10)


def manifest(*flags: str) -> list[dict[str, Any]]:
    """The files the first user of each org may download, from `--manifest`."""
    printed = subprocess.run(
        [sys.executable, "-m", "cpbatch.entrypoints.simulator", *flags, "--manifest"],
        capture_output=True,
        check=True,
        text=True,
    )
    entries: list[dict[str, Any]] = json.loads(printed.stdout)
    return entries
