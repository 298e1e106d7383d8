"""A key kept in the operating system's keyring (macOS Keychain, Windows Credential Locker,
Secret Service, KWallet) through `keyring`.

`keyring` is imported only when a key is looked up: it costs ~0.1 s, which a command given
its token never needs. Backends raise more than KeyringError (D-Bus errors, for one), so any
exception of a backend counts as the keyring failing; its type is reported, never a value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from cpbatch.domain.errors import CredentialError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = structlog.get_logger(__name__)

SERVICE = "cpbatch"


class OsKeyring:
    """One entry (SERVICE, `entry`) of a keyring backend: the configured one by default
    (PYTHON_KEYRING_BACKEND, keyring's config file, else the best the system offers)."""

    def __init__(self, entry: str, backend: KeyringBackend | None = None) -> None:
        self.entry = entry
        self._backend = backend

    def usable(self) -> bool:
        """False where keyring found no backend (headless machines), or was set to the null
        one (`keyring --disable`): a key there would be lost at once."""
        from keyring.backends import fail, null

        return not isinstance(self._keyring(), fail.Keyring | null.Keyring)

    def read(self) -> str | None:
        """Raises CredentialError when the keyring does not answer (locked, refused)."""
        try:
            return self._keyring().get_password(SERVICE, self.entry)
        except Exception as error:
            log.warning("keyring_unreadable", error_type=type(error).__name__)
            raise CredentialError(
                f"The OS keyring did not give the login key ({type(error).__name__}): unlock "
                "it and try again; or set PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring "
                "to keep a new key in a file instead (then log in again)."
            ) from None

    def store(self, key: str) -> bool:
        """Whether the keyring now holds `key` (read back: some backends drop writes)."""
        try:
            self._keyring().set_password(SERVICE, self.entry, key)
            return self._keyring().get_password(SERVICE, self.entry) == key
        except Exception as error:
            log.warning("keyring_refused_key", error_type=type(error).__name__)
            return False

    def delete(self) -> None:
        try:
            if self._keyring().get_password(SERVICE, self.entry) is not None:
                self._keyring().delete_password(SERVICE, self.entry)
        except Exception as error:
            log.warning("keyring_delete_failed", error_type=type(error).__name__)

    def _keyring(self) -> KeyringBackend:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend
