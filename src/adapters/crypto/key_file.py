"""A key kept in a file only its owner can read: created 0600, whole or not at all.

The file is written under a temporary name opened with O_EXCL and mode 0600 (so no moment
exists when other users could read it, whatever the umask), synced, then hard-linked to its
name: a link never replaces an existing file, so two processes creating the key at once end
up with one key, the first one. Nothing here logs or raises the key.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from cpbatch.domain.errors import CredentialError, StorageError

OWNER_ONLY = 0o600


class KeyFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str | None:
        """The key, or None when the file does not exist. Raises CredentialError when other
        users may read it or it is not a regular file (it is left as it is)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise CredentialError(
                    f"The key file {self.path} is a symbolic link, which is refused: delete it "
                    "and log in again."
                ) from None
            raise CredentialError(
                f"The key file {self.path} cannot be read: {error.strerror}."
            ) from None
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CredentialError(f"The key file {self.path} is not a regular file.")
            if os.name == "posix" and info.st_mode & 0o077:
                raise CredentialError(
                    f"The key file {self.path} can be read by other users, who may have copied "
                    f"it: delete it and log in again (a new key is made, 0600)."
                )
            raw = file.read(4096)
        try:
            return raw.decode("ascii").strip()
        except UnicodeDecodeError:
            raise CredentialError(f"The key file {self.path} is damaged.") from None

    def create(self, key: str) -> str:
        """Store `key` unless a key file appeared meanwhile; returns the key in the file.
        Raises StorageError when the file cannot be written."""
        try:
            self._create(key)
        except OSError as error:
            raise StorageError(
                f"The key file {self.path} cannot be written: {error.strerror}."
            ) from None
        found = self.read()
        if found is None:
            raise CredentialError(f"The key file {self.path} vanished as it was created.")
        return found

    def _create(self, key: str) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(key.encode("ascii") + b"\n")
                file.flush()
                os.fsync(file.fileno())
            try:
                os.link(temporary, self.path)
            except FileExistsError:
                pass  # another process made the key first: theirs is the one
            except OSError:  # a file system without hard links: a rename, nearly as safe
                if not self.path.exists():
                    os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        _sync_folder(self.path.parent)

    def delete(self) -> bool:
        """True when there was a key file (a link there counts: it is removed too)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX; elsewhere a no-op)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
