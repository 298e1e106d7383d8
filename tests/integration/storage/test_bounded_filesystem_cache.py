"""What BoundedFilesystemCache promises beyond the BlobStore contract: a cap in bytes, kept by
evicting the least recently used blobs, and an order of use that survives a restart."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cpbatch.adapters.filesystem.bounded_cache import BoundedFilesystemCache
from cpbatch.adapters.filesystem.eviction_gate import EvictionGate
from cpbatch.adapters.filesystem.layout import blob_path
from cpbatch.domain.errors import ValidationError


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


def blob(tag: str, size: int = 100) -> bytes:
    """Distinct content of an exact size."""
    return (tag.encode() * size)[:size]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def put(cache: BoundedFilesystemCache, data: bytes) -> str:
    return (await cache.put(stream(data))).sha256


async def read(cache: BoundedFilesystemCache, digest: str) -> bytes:
    return b"".join([chunk async for chunk in cache.read(digest)])


async def kept(cache: BoundedFilesystemCache) -> set[str]:
    return {digest async for digest in cache.digests()}


def bytes_on_disk(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def age(root: Path, digest: str, seconds_ago: float) -> None:
    when = time.time() - seconds_ago
    os.utime(blob_path(root, digest), (when, when))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def cache(root: Path) -> BoundedFilesystemCache:
    return BoundedFilesystemCache(root, max_bytes=300)


async def test_the_least_recently_used_blob_is_evicted_first(
    cache: BoundedFilesystemCache, root: Path
) -> None:
    a, b, c = [await put(cache, blob(t)) for t in "abc"]
    assert await kept(cache) == {a, b, c}  # exactly at the cap: nothing evicted
    d = await put(cache, blob("d"))
    assert await kept(cache) == {b, c, d}
    e = await put(cache, blob("e", 150))
    assert await kept(cache) == {d, e}  # b and c both had to go to fit 150 bytes
    assert await cache.used_bytes() == bytes_on_disk(root) == 250


async def test_reads_stats_and_exports_count_as_uses(
    cache: BoundedFilesystemCache, tmp_path: Path
) -> None:
    a, _, c = [await put(cache, blob(t)) for t in "abc"]
    assert await read(cache, a) == blob("a")  # order of use now: b c a
    d = await put(cache, blob("d"))
    assert await kept(cache) == {c, a, d}
    assert await cache.stat(c) == 100  # a d c
    await cache.export(a, tmp_path / "out" / "a.bin")  # d c a
    e = await put(cache, blob("e"))
    assert await kept(cache) == {c, a, e}


async def test_putting_content_again_counts_once_and_as_a_use(
    cache: BoundedFilesystemCache,
) -> None:
    a, _, c = [await put(cache, blob(t)) for t in "abc"]
    assert await put(cache, blob("a")) == a  # b c a
    assert await cache.used_bytes() == 300
    d = await put(cache, blob("d"))
    assert await kept(cache) == {c, a, d}


async def test_the_cap_holds_after_every_put_and_the_new_blob_stays(root: Path) -> None:
    cache = BoundedFilesystemCache(root, max_bytes=1000, chunk_size=64)
    sizes = [1, 999, 300, 301, 250, 1000, 7, 512, 488, 100, 0, 640]
    for number, size in enumerate(sizes):
        data = os.urandom(size)
        digest = await put(cache, data)
        assert await read(cache, digest) == data
        assert bytes_on_disk(root) <= 1000, f"over the cap after put #{number}"
        assert await cache.used_bytes() == bytes_on_disk(root)


async def test_a_blob_larger_than_the_cap_is_kept_alone_until_the_next_put(
    cache: BoundedFilesystemCache,
) -> None:
    for tag in "ab":
        await put(cache, blob(tag))
    big = await put(cache, blob("B", 500))
    assert await kept(cache) == {big}
    assert await read(cache, big) == blob("B", 500)  # put-then-read still holds
    c = await put(cache, blob("c"))
    assert await kept(cache) == {c}


async def test_a_restart_rebuilds_sizes_and_order_from_the_files(root: Path) -> None:
    first = BoundedFilesystemCache(root, max_bytes=300)
    a, b, c = [await put(first, blob(t)) for t in "abc"]
    for digest, seconds_ago in ((a, 600), (b, 1800), (c, 1200)):  # used: b, then c, then a
        age(root, digest, seconds_ago)

    again = BoundedFilesystemCache(root, max_bytes=300)
    assert await again.used_bytes() == 300
    d = await put(again, blob("d"))
    assert await kept(again) == {c, a, d}
    e = await put(again, blob("e"))
    assert await kept(again) == {a, d, e}


async def test_a_lower_cap_after_a_restart_evicts_at_once(root: Path) -> None:
    first = BoundedFilesystemCache(root, max_bytes=1000)
    digests = [await put(first, blob(t)) for t in "abcde"]
    for position, digest in enumerate(digests):
        age(root, digest, 1000 - position)  # a oldest … e newest

    smaller = BoundedFilesystemCache(root, max_bytes=250)
    assert await smaller.stat(digests[-1]) == 100
    assert await kept(smaller) == set(digests[-2:])
    assert bytes_on_disk(root) == 200


async def test_a_use_moves_the_files_mtime_forward(
    cache: BoundedFilesystemCache, root: Path
) -> None:
    digest = await put(cache, blob("a"))
    path = blob_path(root, digest)
    for use in (
        lambda: read(cache, digest),
        lambda: cache.stat(digest),
        lambda: cache.export(digest, root.parent / "out.bin"),
    ):
        age(root, digest, 7200)
        await use()
        assert path.stat().st_mtime > time.time() - 600


async def test_a_blob_removed_behind_its_back_is_forgotten(
    cache: BoundedFilesystemCache, root: Path
) -> None:
    a = await put(cache, blob("a", 200))
    os.chmod(blob_path(root, a), 0o644)
    blob_path(root, a).unlink()
    assert await cache.stat(a) is None
    assert await cache.used_bytes() == 0
    b = await put(cache, blob("b", 300))
    assert await kept(cache) == {b}


@pytest.mark.parametrize("bad", ["../../../etc/passwd", "A" * 64, "a" * 63])
async def test_a_name_that_is_not_a_digest_is_refused(
    cache: BoundedFilesystemCache, tmp_path: Path, bad: str
) -> None:
    with pytest.raises(ValidationError):
        await cache.stat(bad)
    with pytest.raises(ValidationError):
        await cache.delete(bad)
    with pytest.raises(ValidationError):
        await cache.export(bad, tmp_path / "out")
    with pytest.raises(ValidationError):
        await read(cache, bad)


async def test_concurrent_puts_keep_the_cap_and_every_kept_blob_intact(root: Path) -> None:
    cache = BoundedFilesystemCache(root, max_bytes=2000, chunk_size=97)
    contents = [os.urandom(100 + 7 * n) for n in range(40)]
    contents += contents[:10]  # the same content again, racing with its own eviction
    pieces = [[data[i : i + 33] for i in range(0, len(data), 33)] for data in contents]
    results = await asyncio.gather(*(cache.put(stream(*parts)) for parts in pieces))

    assert [r.sha256 for r in results] == [sha(data) for data in contents]
    assert bytes_on_disk(root) <= 2000
    assert await cache.used_bytes() == bytes_on_disk(root)
    by_digest = {sha(data): data for data in contents}
    for digest in await kept(cache):
        assert await read(cache, digest) == by_digest[digest]
    assert not list((root / "tmp").glob("*"))


async def test_a_put_never_reports_a_blob_an_eviction_removed_meanwhile(root: Path) -> None:
    # Few distinct contents, many writers, a cap of three: every put rewrites a blob that
    # other puts are busy evicting. What a put returns must still be on disk when it returns.
    cache = BoundedFilesystemCache(root, max_bytes=600, fsync=False)
    contents = [os.urandom(200) for _ in range(6)]
    missing: list[str] = []

    async def writer(offset: int) -> None:
        for turn in range(40):
            data = contents[(offset + turn) % len(contents)]
            stored = await cache.put(stream(*[data[i : i + 50] for i in range(0, 200, 50)]))
            if not Path(stored.location).exists():
                missing.append(stored.sha256)

    await asyncio.gather(*(writer(offset) for offset in range(8)))
    assert missing == []
    assert await cache.used_bytes() == bytes_on_disk(root) == 600


async def test_an_eviction_waits_for_blob_users_and_holds_new_ones_back() -> None:
    gate = EvictionGate()
    events: list[str] = []

    async def evict() -> None:
        async with gate.evicting():
            events.append("evict")
            await asyncio.sleep(0.01)
            events.append("evicted")

    async def use(name: str) -> None:
        async with gate.using():
            events.append(name)

    await gate.enter()  # a put renaming its blob into place
    eviction = asyncio.create_task(evict())
    await asyncio.sleep(0.01)
    assert events == []  # the eviction waits
    gate.leave()
    await asyncio.sleep(0)
    reader = asyncio.create_task(use("read"))
    await asyncio.gather(eviction, reader)
    assert events == ["evict", "evicted", "read"]
