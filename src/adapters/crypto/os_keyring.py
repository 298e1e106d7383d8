"""A key kept in the operating system's keyring (macOS Keychain, Windows Credential Locker,
Secret Service, KWallet) through `keyring`.

`keyring` is imported only when a key is looked up: it costs ~0.1 s, which a command given
its token never needs. Backends raise more than KeyringError (D-Bus errors, for one), and a
bad PYTHON_KEYRING_BACKEND fails on loading, so any exception of keyring counts as the keyring
failing; its type is reported, never a value. A locked Secret Service asks for its password in
a desktop prompt and waits for it, forever on a machine with no desktop: every call is given
`timeout` seconds, in a daemon thread that is left behind (it cannot be cancelled) if it takes
longer, and then counts as failing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import structlog

from cpbatch.domain.errors import CredentialError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = structlog.get_logger(__name__)

SERVICE = "cpbatch"
DEFAULT_TIMEOUT_S = 30.0  # time enough to type the keyring's password into its prompt

T = TypeVar("T")


class KeyringUnanswered(Exception):
    """The keyring did not answer within the timeout."""


class OsKeyring:
    """One entry (SERVICE, `entry`) of a keyring backend: `backend`, or the one `backend()`
    finds; by default keyring's (PYTHON_KEYRING_BACKEND, its config file, else the best the
    system offers), looked for on first use."""

    def __init__(
        self,
        entry: str,
        backend: KeyringBackend | Callable[[], KeyringBackend] | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.entry = entry
        self._backend = None if callable(backend) else backend
        self._find_backend = backend if callable(backend) else _configured_backend
        self._timeout = timeout

    def usable(self) -> bool:
        """False where keyring found no backend (headless machines), was set to the null one
        (`keyring --disable`), or cannot load the one it was set to: a key there would be lost
        at once. Raises CredentialError when looking for a backend gets no answer."""
        from keyring.backends import fail, null

        try:
            backend = self._answer(self._keyring)
        except KeyringUnanswered as error:
            raise _unanswered(error) from None
        except Exception as error:
            log.warning("keyring_unavailable", error_type=type(error).__name__)
            return False
        return not isinstance(backend, fail.Keyring | null.Keyring)

    def read(self) -> str | None:
        """Raises CredentialError when the keyring does not answer (locked, refused, no
        answer within the timeout)."""
        try:
            return self._answer(lambda: self._keyring().get_password(SERVICE, self.entry))
        except Exception as error:
            raise _unanswered(error) from None

    def store(self, key: str) -> bool:
        """Whether the keyring now holds `key` (read back: some backends drop writes)."""

        def store_and_read_back() -> bool:
            self._keyring().set_password(SERVICE, self.entry, key)
            return self._keyring().get_password(SERVICE, self.entry) == key

        try:
            return self._answer(store_and_read_back)
        except Exception as error:
            log.warning("keyring_refused_key", error_type=type(error).__name__)
            return False

    def delete(self) -> None:
        def delete_if_there() -> None:
            if self._keyring().get_password(SERVICE, self.entry) is not None:
                self._keyring().delete_password(SERVICE, self.entry)

        try:
            self._answer(delete_if_there)
        except Exception as error:
            log.warning("keyring_delete_failed", error_type=type(error).__name__)

    def _keyring(self) -> KeyringBackend:
        if self._backend is None:
            self._backend = self._find_backend()
        return self._backend

    def _answer(self, call: Callable[[], T]) -> T:
        """`call()`, or KeyringUnanswered once the timeout has passed."""
        outcome: list[T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                outcome.append(call())
            except BaseException as error:  # handed to the waiting thread
                failure.append(error)

        worker = threading.Thread(target=run, name="cpbatch-keyring", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if worker.is_alive():
            raise KeyringUnanswered
        if failure:
            raise failure[0]
        return outcome[0]


def _configured_backend() -> KeyringBackend:
    import keyring

    return keyring.get_keyring()


def _unanswered(error: Exception) -> CredentialError:
    log.warning("keyring_unreadable", error_type=type(error).__name__)
    why = (
        "it did not answer: locked, and waiting on a password prompt nobody can see?"
        if isinstance(error, KeyringUnanswered)
        else type(error).__name__
    )
    return CredentialError(
        f"The OS keyring did not give the login key ({why}): unlock it and try again; or set "
        "PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring to keep a new key in a file "
        "instead (then log in again)."
    )
