"""A driver for the real `cpbatch` CLI, run as a subprocess against an in-process simulator."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpbatch.entrypoints.simulator import Simulator


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    def __init__(self, sim: Simulator, tmp_path: Path) -> None:
        self.sim = sim
        self.data_dir = tmp_path / "data"
        self.downloads = tmp_path / "downloads"
        self.extra_env: dict[str, str] = {}

    def env(self, token: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLASSPLUS_", "MONGODB"))}
        env.update(
            CLASSPLUS_BASE_URL=self.sim.base_url,
            CLASSPLUS_FILE_HOSTS="127.0.0.1",
            CLASSPLUS_ALLOW_LOOPBACK="true",
            RATE_LIMIT_REQUESTS="500",
            RETRY_BACKOFF_FACTOR="0.01",
            DATA_DIR=str(self.data_dir),
            DOWNLOAD_DIR=str(self.downloads),
            COLUMNS="200",
            # Never the keyring of the machine running the tests: the CLI login key is a file
            # unless a test sets another backend.
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        if token is not None:
            env["CLASSPLUS_TOKEN"] = token
        env.update(self.extra_env)
        return env

    async def __call__(self, *args: str, token: str | None = None, stdin: str = "") -> CliResult:
        """Run `cpbatch ARGS`; `stdin` is all its standard input (a pipe, never a terminal)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cpbatch",
            *args,
            "--env-file",
            "/nonexistent.env",
            env=self.env(token),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=120)
        assert process.returncode is not None
        return CliResult(process.returncode, out.decode(), err.decode())
