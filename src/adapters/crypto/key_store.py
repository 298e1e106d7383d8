"""LoginKeyStore: the LoginKeys port. The key of the command line's stored logins lives in
the OS keyring where one is usable, otherwise in a 0600 key file in DATA_DIR, beside the store.

Where a key is looked for, in order: the key file (once made, it stays the key, even if a
keyring appears later), then the keyring. A new key goes to the keyring when it takes and
gives it back, else to the file; a keyring that fails or does not answer while a new key is
being made gets no say, and the key goes to the file. The keyring entry is named after
DATA_DIR, like the file lives in it: two data folders never share (or delete) each other's key.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from cryptography.fernet import Fernet

from cpbatch.adapters.crypto.fernet_cipher import FernetCipher, generate_secret_key
from cpbatch.adapters.crypto.key_file import KeyFile
from cpbatch.adapters.crypto.os_keyring import DEFAULT_TIMEOUT_S, OsKeyring
from cpbatch.domain.errors import CredentialError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from cpbatch.application.ports import LoginKeys

log = structlog.get_logger(__name__)

KEY_FILE_NAME = "cli-login.key"


class LoginKeyStore:
    def __init__(
        self,
        data_dir: Path,
        keyring_backend: KeyringBackend | Callable[[], KeyringBackend] | None = None,
        keyring_timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        folder = data_dir.expanduser().absolute()
        self.key_file = KeyFile(folder / KEY_FILE_NAME)
        self.keyring = OsKeyring(f"cli-login-key:{folder}", keyring_backend, keyring_timeout)
        self._cipher: FernetCipher | None = None

    async def cipher(self, *, create: bool) -> FernetCipher | None:
        if self._cipher is None:
            # Files, fsync and a keyring's D-Bus round trips: off the event loop.
            key = await asyncio.to_thread(self._key, create)
            self._cipher = None if key is None else FernetCipher(_checked(key))
        return self._cipher

    async def discard(self) -> None:
        await asyncio.to_thread(self._discard)
        self._cipher = None

    def _key(self, create: bool) -> str | None:
        key = self.key_file.read()
        if key is not None:
            return key
        try:
            keyring_usable = self.keyring.usable()
            key = self.keyring.read() if keyring_usable else None
        except CredentialError:
            if not create:
                raise
            keyring_usable = False  # the caller made sure no stored login needs its key
        if key is not None or not create:
            return key
        key = generate_secret_key()
        if keyring_usable and self.keyring.store(key):
            log.info("login_key_created", kept_in="keyring")
            return key
        log.info("login_key_created", kept_in="file")
        return self.key_file.create(key)

    def _discard(self) -> None:
        if self.key_file.delete():
            return  # the file was the key: a keyring (maybe locked, slow to answer) had none
        with contextlib.suppress(CredentialError):  # logged: nothing more to do about it
            if self.keyring.usable():
                self.keyring.delete()


def _checked(key: str) -> str:
    try:
        Fernet(key)
    except ValueError:
        raise CredentialError(
            "The login key of this machine is damaged: run `cpbatch logout`, then log in again."
        ) from None
    return key


if TYPE_CHECKING:  # mypy proves the class implements the port

    def _implements_the_port(store: LoginKeyStore) -> LoginKeys:
        return store
