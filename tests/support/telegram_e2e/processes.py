"""The two processes under test: the bundled ClassPlus simulator (demo world plus one large
file) and the real `cpbatch bot`, started through the launcher that points pyrogram at piltover.

Both run with this interpreter (the E2E venv, kurigram 2.2.6). The bot runs in an empty
working directory (no .env) with only the settings given here, at LOG_LEVEL=DEBUG; its stdout
and stderr go to one log file, which the last step scans for secrets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support.telegram_e2e.paths import REPO_ROOT

SIMULATOR_SEED = 7  # the demo world's; fixes file bytes, ids and OTPs
LARGE_FILE = "300MiB"
LAUNCHER = Path(__file__).with_name("launcher.py")
_CPBATCH_PREFIXES = ("CLASSPLUS_", "MONGODB_", "DATA_DIR", "BOT_", "TELEGRAM_", "SECRET_KEY")
_WORLD = ["--world", "demo", "--seed", str(SIMULATOR_SEED), "--large-file", LARGE_FILE]


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_CPBATCH_PREFIXES)}


def _wait_for(path: Path, process: subprocess.Popen[bytes], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start (code {process.returncode})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start within {timeout_s:.0f} s")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes] | None, timeout_s: float) -> int | None:
    if process is None:
        return None
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class SimulatorProcess:
    """`python -m cpbatch.entrypoints.simulator` serving the demo world on a free loopback port."""

    def __init__(self, scratch: Path) -> None:
        self._scratch = scratch
        self._process: subprocess.Popen[bytes] | None = None
        self.ready: dict[str, Any] = {}

    def start(self) -> None:
        ready_file = self._scratch / "simulator-ready.json"
        with (self._scratch / "simulator.log").open("wb") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cpbatch.entrypoints.simulator",
                    *_WORLD,
                    "--control",  # files published during the run (the watch step)
                    "--ready-file",
                    ready_file,
                ],
                cwd=REPO_ROOT,
                env=_clean_environ(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        _wait_for(ready_file, self._process, "the simulator", 60)
        self.ready = json.loads(ready_file.read_text(encoding="utf-8"))

    @property
    def base_url(self) -> str:
        return str(self.ready["base_url"])

    def tokens(self) -> dict[str, str]:
        return {str(org): str(token) for org, token in self.ready["tokens"].items()}

    def stop(self) -> None:
        _stop(self._process, 10)
        self._process = None


def manifest(org_code: str) -> list[dict[str, Any]]:
    """The simulator's own manifest of the org (every downloadable file, with its sha256)."""
    out = subprocess.run(
        [sys.executable, "-m", "cpbatch.entrypoints.simulator", *_WORLD, "--manifest", org_code],
        cwd=REPO_ROOT,
        env=_clean_environ(),
        check=True,
        capture_output=True,
        timeout=300,
    ).stdout
    entries: list[dict[str, Any]] = json.loads(out)
    return entries


class BotProcess:
    """The real bot: the launcher imports the kit's patch, then runs `cpbatch bot`."""

    def __init__(self, scratch: Path, kit: Path, piltover_dir: Path) -> None:
        self.data_dir = scratch / "bot-data"
        self.log_path = scratch / "bot.log"
        self._cwd = scratch / "bot-cwd"
        self._kit = kit
        self._piltover_dir = piltover_dir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, settings: Mapping[str, str], timeout_s: float = 60) -> None:
        self._cwd.mkdir(mode=0o700, exist_ok=True)
        env = {
            **_clean_environ(),
            **settings,
            "DATA_DIR": str(self.data_dir),
            "LOG_LEVEL": "DEBUG",
            "PILTOVER_DIR": str(self._piltover_dir),
            "TELEGRAM_E2E_KIT": str(self._kit),
            "PYTHONUNBUFFERED": "1",
        }
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, str(LAUNCHER)],
                cwd=self._cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while "bot_started" not in self.log_text():
            if self._process.poll() is not None:
                raise RuntimeError(f"the bot exited at start (code {self._process.returncode})")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not start within {timeout_s:.0f} s")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the bot is not running")
        return self._process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout_s: float = 30) -> int | None:
        """SIGTERM, as a service manager would; the exit code (None if it never ran)."""
        code = _stop(self._process, timeout_s)
        self._process = None
        return code

    @property
    def outgoing_dir(self) -> Path:
        """The bot's scratch space for uploads (DATA_DIR/telegram/outgoing)."""
        return self.data_dir / "telegram" / "outgoing"
