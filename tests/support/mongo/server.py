"""The MongoDB server of a test session: the one in MONGODB_URI when it is set (any server,
Atlas included: `make test-mongo`), otherwise a throwaway SecantusDB with authentication on,
started from its own virtualenv (`make test` creates `.venv-secantus`) and removed afterwards.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from cpbatch.adapters.mongo.connection import MASK, redact_uri

SECANTUS = "SecantusDB 0.7.0b3"
HOST = "127.0.0.1"
LAUNCHER = Path(__file__).with_name("secantus_launcher.py")
START_TIMEOUT_S = 120.0  # a cold first import of numpy and WiredTiger on a busy CI machine
STOP_TIMEOUT_S = 30.0
NO_SERVER = (
    "The Mongo suites need a MongoDB server: run `make test` (it installs SecantusDB into "
    ".venv-secantus), set SECANTUS_PYTHON to a Python that has SecantusDB, or set MONGODB_URI. "
    "`-m 'not mongo'` leaves them out."
)


@dataclass(frozen=True)
class MongoServer:
    uri: str = field(repr=False)  # holds the password: never printed
    shown: str  # how the run names the server

    @property
    def secrets(self) -> tuple[str, ...]:
        """The password as it is in the URI and percent-decoded, to mask in test reports."""
        password = urlsplit(self.uri).password
        return tuple({password, unquote(password)}) if password else ()


def configured_server() -> MongoServer | None:
    uri = os.environ.get("MONGODB_URI", "").strip()
    return MongoServer(uri, f"MONGODB_URI {redact_uri(uri)}") if uri else None


def secantus_python(root: Path) -> Path | None:
    configured = os.environ.get("SECANTUS_PYTHON")
    python = Path(configured) if configured else root / ".venv-secantus" / "bin" / "python"
    return python if python.exists() else None


@contextmanager
def throwaway_secantus(python: Path) -> Iterator[MongoServer]:
    """A fresh SecantusDB on a free loopback port, with a user and a random password; stopped
    and its data removed on exit. Should this process die instead, the launcher sees its stdin
    close and does the same."""
    user, password = "cpbatch-tests", secrets.token_urlsafe(24)
    storage = tempfile.mkdtemp(prefix="cpbatch-secantus-")
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [str(python), str(LAUNCHER), storage],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            assert process.stdin is not None
            process.stdin.write(f"{user} {password}\n")
            process.stdin.flush()
            port = _read_port(process, errors, password)
            credentials = ":".join(quote(part, safe="") for part in (user, password))
            uri = urlunsplit(("mongodb", f"{credentials}@{HOST}:{port}", "/", "", ""))
            yield MongoServer(uri, f"{SECANTUS} on {HOST}:{port}, authentication on")
        finally:
            _stop(process)
            shutil.rmtree(storage, ignore_errors=True)


def _read_port(process: subprocess.Popen[str], errors: IO[bytes], password: str) -> int:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
    line = process.stdout.readline().strip() if ready else ""
    if line.isdigit():
        return int(line)
    errors.seek(0)
    said = errors.read().decode(errors="replace")[-3000:].replace(password, MASK)
    raise RuntimeError(f"{SECANTUS} did not start (launcher said:\n{said})")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None:
        with suppress(OSError):
            process.stdin.close()  # the launcher's signal to stop and clean up
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"{SECANTUS} did not stop in {STOP_TIMEOUT_S:g} s: killed", file=sys.stderr)
        process.kill()
        process.wait()
