"""Folders below a root, opened one component at a time without following symbolic links.

Paths below the output folder (DIR) are built from upstream names, and paths below the store's
root from our own layout; either way a folder on the path could be, or be replaced by between
two runs, a symbolic link leading anywhere, and `mkdir(parents=True)`, `open` and `os.replace`
would write through it. `open_folder` opens each component relative to its parent's descriptor
with O_NOFOLLOW | O_DIRECTORY (creating it when asked), and refuses a link with a message
naming it. All further work (temp file, copy, rename, unlink, listing) is done relative to the
`Folder`'s descriptor, so a link swapped in after the check is never followed: there is no
window between checking and renaming.

What is accepted: the root itself may be a link (DIR and DATA_DIR are the user's choice), and a
folder already opened could be *moved* elsewhere by someone allowed to write to its parent; the
file then lands in that same folder, wherever it now is, which that person could have done to
the finished file anyway. POSIX only (dir_fd, O_NOFOLLOW), as is cpbatch.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from cpbatch.domain.errors import StorageError

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_RW = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_WRITE_FILE = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
DEFAULT_MODE = 0o777  # less the umask: the user's own folders and files


class Folder:
    """An open folder. Names passed to its methods are single components (never paths)."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path  # for messages only: never used to reach the folder again

    def create(self, name: str, mode: int) -> int:
        """A new file's descriptor (write-only); FileExistsError if the name is taken."""
        return os.open(_component(name), _NEW_FILE, mode, dir_fd=self.fd)

    def create_rw(self, name: str, mode: int) -> int:
        """A new file's descriptor for reading and writing; FileExistsError if the name is
        taken."""
        return os.open(_component(name), _NEW_FILE_RW, mode, dir_fd=self.fd)

    def open_read(self, name: str) -> int:
        """A file's descriptor (read-only); a link there is refused (OSError ELOOP)."""
        return os.open(_component(name), _READ_FILE, dir_fd=self.fd)

    def open_rw(self, name: str) -> int:
        """An existing file's descriptor for reading and writing; a link is refused."""
        return os.open(_component(name), _READ_WRITE_FILE, dir_fd=self.fd)

    def lstat(self, name: str) -> os.stat_result | None:
        """What the name is (links not followed), or None when there is nothing."""
        try:
            return os.stat(_component(name), dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def move(self, name: str, into: Folder, new_name: str) -> None:
        """Atomically rename `name` to `into/new_name`, replacing what is there (a link there is
        replaced itself, never followed)."""
        os.replace(_component(name), _component(new_name), src_dir_fd=self.fd, dst_dir_fd=into.fd)

    def unlink(self, name: str) -> None:
        os.unlink(_component(name), dir_fd=self.fd)

    def files(self) -> list[str]:
        """Names of the regular files in it (links and folders left out)."""
        with os.scandir(self.fd) as entries:
            return [entry.name for entry in entries if entry.is_file(follow_symlinks=False)]

    def entries(self) -> list[os.DirEntry[str]]:
        with os.scandir(self.fd) as listing:
            return list(listing)

    def utime(self, name: str) -> None:
        os.utime(_component(name), dir_fd=self.fd, follow_symlinks=False)

    def fsync(self) -> None:
        """Make renames and unlinks in it durable."""
        os.fsync(self.fd)


@contextmanager
def open_folder(
    root: Path, parts: Sequence[str], *, create: bool, mode: int = DEFAULT_MODE
) -> Iterator[Folder]:
    """`root/parts...` as an open Folder. `root` may be a link; below it, a link (or a file)
    where a folder should be raises StorageError naming it. With `create`, missing folders
    (and `root`) are made with `mode` (less the umask); without it, FileNotFoundError."""
    fd = _open_root(root, create=create, mode=mode)
    path = root
    try:
        for part in parts:
            child = _open_child(fd, _component(part), root, path / part, create=create, mode=mode)
            os.close(fd)
            fd, path = child, path / part
        yield Folder(fd, path)
    finally:
        os.close(fd)


def folder_parts(root: Path, destination: Path) -> tuple[str, ...]:
    """The components of `destination` below `root` (its folders, then its name), judged on
    the names alone; StorageError when it is not below `root`."""
    try:
        parts = Path(destination).relative_to(root).parts
    except ValueError:
        parts = ()
    if not parts or any(part in ("", ".", "..") for part in parts):
        raise StorageError(f"{destination} is not inside {root}; cpbatch will not write there.")
    return parts


def _open_root(root: Path, *, create: bool, mode: int) -> int:
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC  # the root may be a link: the user's
    try:
        return os.open(root, flags)
    except FileNotFoundError:
        if not create:
            raise
    root.parent.mkdir(parents=True, exist_ok=True)  # above the root: ordinary folders
    with suppress(FileExistsError):  # made meanwhile
        os.mkdir(root, mode)
    return os.open(root, flags)


def _open_child(parent: int, name: str, root: Path, path: Path, *, create: bool, mode: int) -> int:
    try:
        return os.open(name, _FOLDER, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
    except OSError as error:
        if error.errno in (errno.ENOTDIR, errno.ELOOP):
            raise _not_a_folder(parent, name, root, path) from None
        raise
    with suppress(FileExistsError):  # made meanwhile (another worker): opened like any other
        os.mkdir(name, mode, dir_fd=parent)
    try:
        return os.open(name, _FOLDER, dir_fd=parent)
    except OSError as error:
        if error.errno in (errno.ENOTDIR, errno.ELOOP):
            raise _not_a_folder(parent, name, root, path) from None
        raise


def _not_a_folder(parent: int, name: str, root: Path, path: Path) -> StorageError:
    try:
        linked = stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
    except OSError:
        linked = False
    if linked:
        return StorageError(
            f"{path} is a symbolic link; cpbatch does not write through links below {root} "
            "(they can lead outside it). Remove the link, or choose the folder it points to "
            "as the destination."
        )
    return StorageError(f"{path} is a file where cpbatch needs a folder; move it away.")


def _component(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise StorageError(f"{name!r} is not a file or folder name cpbatch will use.")
    return name
