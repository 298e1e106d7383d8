"""What the bounded cache knows about its blobs: sizes in least-recently-used order, and the
disk helpers that rebuild that order after a restart. The helpers are synchronous: run them
in a worker thread."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Container
from pathlib import Path

from cpbatch.adapters.filesystem.blob_files import blob_stat, touch_blob
from cpbatch.adapters.filesystem.layout import digests_under, first_levels

# A used blob's mtime is moved forward at most this often: the order after a restart only
# needs to be roughly right, and a stat on every cache lookup should not write an inode.
TOUCH_GRANULARITY_S = 60.0


class LruIndex:
    """Cached blobs' sizes, least recently used first, and their total in bytes."""

    def __init__(self) -> None:
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self.total = 0

    def __contains__(self, digest: object) -> bool:
        return digest in self._sizes

    def __len__(self) -> int:
        return len(self._sizes)

    def use(self, digest: str, size: int, *, oldest: bool = False) -> None:
        """Record a use: the blob becomes the most recently used (or, with oldest=True, the
        first candidate for eviction), with this size."""
        self.forget(digest)
        self._sizes[digest] = size
        self.total += size
        if oldest:
            self._sizes.move_to_end(digest, last=False)

    def forget(self, digest: str) -> int | None:
        """Drop a blob; its size, or None when it was not known."""
        size = self._sizes.pop(digest, None)
        if size is not None:
            self.total -= size
        return size

    def oldest(self, *, skip: Container[str]) -> str | None:
        """The least recently used blob that is not in `skip`."""
        return next((digest for digest in self._sizes if digest not in skip), None)

    def in_order(self) -> list[str]:
        return list(self._sizes)


def scan_blobs(root: Path) -> list[tuple[float, str, int]]:
    """(last use, sha256, size) of every blob under `root`, least recently used first.

    The last use is the file's mtime, which the cache moves forward whenever it uses a blob;
    atime is not trusted (noatime mounts, and backups or scanners reading every file)."""
    found: list[tuple[float, str, int]] = []
    for first_level in first_levels(root):
        for digest in digests_under(first_level):
            info = blob_stat(root, digest)
            if info is not None:  # else deleted while we scan
                found.append((info.st_mtime, digest, info.st_size))
    found.sort()
    return found


def touch(root: Path, sha256: str) -> int | None:
    """The blob's size, after marking it used on disk; None when it is not there."""
    return touch_blob(root, sha256, older_than=time.time() - TOUCH_GRANULARITY_S)
