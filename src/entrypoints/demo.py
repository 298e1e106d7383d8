"""`make demo`: start the bundled ClassPlus simulator on a free loopback port and run the real
`cpbatch sync` against its demo organization, into ./downloads.

Run it twice: the second run downloads nothing, because nothing changed upstream."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_ORG = "learnwell"
READY_TIMEOUT_S = 30.0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="cpbatch-demo-") as scratch:
        ready_file = Path(scratch) / "simulator.json"
        simulator = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [
                sys.executable,
                "-m",
                "cpbatch.entrypoints.simulator",
                "--world",
                "demo",
                "--ready-file",
                str(ready_file),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(Path(scratch) / "simulator.log").open("wb"),
        )
        try:
            ready = _wait_ready(ready_file, simulator)
            print(f"ClassPlus simulator running at {ready['base_url']} (demo org '{DEMO_ORG}')")
            print(f"$ cpbatch sync {DEMO_ORG} -o downloads\n", flush=True)
            return subprocess.call(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "cpbatch",
                    "sync",
                    DEMO_ORG,
                    "-o",
                    "downloads",
                ],
                env=_demo_env(ready),
            )
        finally:
            simulator.terminate()
            simulator.wait(timeout=10)


def _wait_ready(ready_file: Path, simulator: subprocess.Popen[bytes]) -> dict[str, object]:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if simulator.poll() is not None:
            raise SystemExit(f"The simulator stopped at start (exit code {simulator.returncode}).")
        if ready_file.exists():
            loaded: dict[str, object] = json.loads(ready_file.read_text())
            return loaded
        time.sleep(0.05)
    raise SystemExit("The simulator did not start within 30 seconds.")


def _demo_env(ready: dict[str, object]) -> dict[str, str]:
    tokens = ready["tokens"]
    assert isinstance(tokens, dict)
    env = dict(os.environ)
    env.update(
        CLASSPLUS_BASE_URL=str(ready["base_url"]),
        CLASSPLUS_TOKEN=str(tokens[DEMO_ORG]),
        # The simulator serves files over plain http on loopback, which only this opt-in allows.
        CLASSPLUS_FILE_HOSTS="127.0.0.1",
        CLASSPLUS_ALLOW_LOOPBACK="true",
        # A local simulator is no upstream to be gentle with; the real host keeps 5 requests/s.
        RATE_LIMIT_REQUESTS=env.get("RATE_LIMIT_REQUESTS", "200"),
        DATA_DIR=env.get("DATA_DIR", ".cpbatch-demo"),
    )
    return env


if __name__ == "__main__":
    sys.exit(main())
