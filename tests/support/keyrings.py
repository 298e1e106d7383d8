"""Keyring backends for tests: the OS keyring path of the CLI login key, on a machine that has
no usable keyring. Priority -1: keyring never picks them unless told to (like its own null
backend), so importing this module changes nothing for other tests.

In-process, pass one to LoginKeyStore; for the CLI as a subprocess, set
PYTHON_KEYRING_BACKEND=support.keyrings.FileKeyring, TEST_KEYRING_FILE and PYTHONPATH=tests.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class InMemoryKeyring(KeyringBackend):
    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class ForgetfulKeyring(InMemoryKeyring):
    """Takes every write and keeps none, as some broken setups do."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


class LockedKeyring(InMemoryKeyring):
    """A keyring the user has not unlocked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")


class UnansweringKeyring(InMemoryKeyring):
    """A keyring waiting on an unlock prompt nobody can see (a locked Secret Service on a
    headless machine): every call blocks until the test releases it."""

    def __init__(self) -> None:
        super().__init__()
        self.released = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.released.wait()
        raise KeyringLocked("prompt dismissed")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.get_password(service, username)


class FileKeyring(InMemoryKeyring):
    """Entries in the JSON file TEST_KEYRING_FILE names, so they outlive one process."""

    def __init__(self) -> None:
        super().__init__()
        # keyring instantiates every backend class it knows when it looks for the best one:
        # without the variable this one is simply in memory.
        self.path = Path(os.environ.get("TEST_KEYRING_FILE", os.devnull))
        if self.path.is_file():
            stored = json.loads(self.path.read_text())
            self.entries = {(s, u): p for s, u, p in stored}

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        self._save()

    def delete_password(self, service: str, username: str) -> None:
        super().delete_password(service, username)
        self._save()

    def _save(self) -> None:
        if self.path == Path(os.devnull):
            return
        self.path.write_text(json.dumps([[s, u, p] for (s, u), p in self.entries.items()]))
