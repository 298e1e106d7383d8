"""What the MongoDB adapters promise beyond the shared contracts (on the session's MongoDB).

Inspection goes through the harness's synchronous client: chunk and file documents are
counted directly in `<bucket>.chunks` / `<bucket>.files`.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from gridfs import AsyncGridFSBucket

from cpbatch.adapters.mongo import GridFSBlobStore, MongoMetadata, open_mongo
from cpbatch.adapters.mongo.indexes import ORG_LISTINGS
from cpbatch.domain.errors import StorageError, ValidationError
from support import storage_samples as make
from support.mongo.harness import MongoTestDatabase
from support.mongo.server import MongoServer
from support.mongo.ttl_monitor import ttl_monitor_period

pytestmark = pytest.mark.mongo

BUCKET = "blobs"
CHUNK = 255 * 1024
ODD_SIZES = (1, 70_001, 4093, 262_147, 7, 300_001)
HOUR = 3600.0


async def stream(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


def split(data: bytes, sizes: Iterable[int] = ODD_SIZES) -> list[bytes]:
    parts, offset, sizes = [], 0, list(sizes)
    while offset < len(data):
        size = sizes[len(parts) % len(sizes)]
        parts.append(data[offset : offset + size])
        offset += size
    return parts


@pytest.fixture
async def store(mongo: MongoTestDatabase) -> GridFSBlobStore:
    return await GridFSBlobStore.open(await mongo.open(), bucket=BUCKET, chunk_size=CHUNK)


def counts(mongo: MongoTestDatabase) -> tuple[int, int]:
    files = mongo.inspect[f"{BUCKET}.files"].count_documents({})
    return files, mongo.inspect[f"{BUCKET}.chunks"].count_documents({})


async def test_a_file_of_many_chunks_streams_in_odd_pieces_and_is_standard_gridfs(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    data = os.urandom(7 * CHUNK + 12_345)
    stored = await store.put(stream(split(data)))
    sha = hashlib.sha256(data).hexdigest()
    assert (stored.sha256, stored.size) == (sha, len(data))
    assert counts(mongo) == (1, math.ceil(len(data) / CHUNK))
    doc = mongo.inspect[f"{BUCKET}.files"].find_one()
    assert doc is not None
    assert doc["filename"] == sha
    assert doc["metadata"] == {"sha256": sha, "size": len(data)}
    assert (doc["length"], doc["chunkSize"]) == (len(data), CHUNK)
    pieces = [chunk async for chunk in store.read(sha)]
    assert b"".join(pieces) == data
    assert all(len(piece) == CHUNK for piece in pieces[:-1])
    # Any driver's GridFS reader understands what was written.
    bucket = AsyncGridFSBucket(await mongo.open(), bucket_name=BUCKET)
    assert await (await bucket.open_download_stream(doc["_id"])).read() == data


async def test_identical_content_is_one_file_with_one_set_of_chunks(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    data = os.urandom(3 * CHUNK + 1)
    first = await store.put(stream(split(data)))
    second = await store.put(stream([data]))
    assert first.sha256 == second.sha256
    assert counts(mongo) == (1, 4)
    assert mongo.orphan_chunks(BUCKET) == []


async def test_a_failed_upload_leaves_no_file_and_no_chunks(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    async def broken() -> AsyncIterator[bytes]:
        for _ in range(6):  # several write batches reach the server first
            yield os.urandom(CHUNK)
        raise ConnectionResetError("upstream went away")

    with pytest.raises(ConnectionResetError):
        await store.put(broken())
    assert counts(mongo) == (0, 0)


async def test_a_cancelled_upload_leaves_no_file_and_no_chunks(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    halfway = asyncio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        for _ in range(6):
            yield os.urandom(CHUNK)
        halfway.set()
        await asyncio.Event().wait()
        yield b"never"

    task = asyncio.create_task(store.put(stalls()))
    await asyncio.wait_for(halfway.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert counts(mongo) == (0, 0)


async def test_concurrent_writers_of_the_same_content_end_with_exactly_one_file(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    data = os.urandom(2 * CHUNK + 99)
    others = [
        GridFSBlobStore(await mongo.open(), bucket=BUCKET, chunk_size=CHUNK) for _ in range(3)
    ]
    writers = [store, *others] * 2
    results = await asyncio.gather(*(w.put(stream(split(data))) for w in writers))
    assert {r.sha256 for r in results} == {hashlib.sha256(data).hexdigest()}
    assert counts(mongo) == (1, 3)
    assert mongo.orphan_chunks(BUCKET) == []
    assert b"".join([c async for c in store.read(results[0].sha256)]) == data


async def test_a_damaged_blob_is_reported_not_served_short(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    stored = await store.put(stream([os.urandom(2 * CHUNK + 5)]))
    mongo.inspect[f"{BUCKET}.chunks"].delete_one({"n": 1})
    with pytest.raises(StorageError, match="damaged"):
        _ = [chunk async for chunk in store.read(stored.sha256)]
    other = await store.put(stream([b"small"]))
    mongo.inspect[f"{BUCKET}.files"].update_one(
        {"metadata.sha256": other.sha256}, {"$set": {"metadata.size": 6}}
    )
    with pytest.raises(StorageError, match="malformed"):
        await store.stat(other.sha256)


async def test_orphan_chunks_of_old_uploads_are_swept_young_ones_kept(
    mongo: MongoTestDatabase, store: GridFSBlobStore
) -> None:
    kept = await store.put(stream([b"a real blob"]))
    old = ObjectId.from_datetime(datetime.now(UTC) - timedelta(days=2))
    young = ObjectId()
    chunks = mongo.inspect[f"{BUCKET}.chunks"]
    chunks.insert_many([{"files_id": i, "n": 0, "data": b"x"} for i in (old, young)])
    assert await store.sweep_orphan_chunks() == 1
    assert {c["files_id"] for c in chunks.find({"files_id": {"$in": [old, young]}})} == {young}
    assert await store.stat(kept.sha256) == len(b"a real blob")


async def test_listings_expire_by_max_age_and_carry_a_ttl_expiry(
    mongo: MongoTestDatabase,
) -> None:
    repo = await MongoMetadata.open(await mongo.open(), listing_retention_s=HOUR)
    listing = make.listing()
    await repo.listing_cache.save_org_listing("tok:alice", listing)
    assert await repo.listing_cache.load_org_listing("tok:alice", "ABCDE ", HOUR) == listing
    assert (
        await repo.listing_cache.load_org_listing("tok:alice", "abcde", 0) is None
    )  # max_age 0: expired
    index = mongo.inspect[ORG_LISTINGS].index_information()["expires_at_ttl"]
    assert (index["key"], index["expireAfterSeconds"]) == ([("expires_at", 1)], 0)
    doc = mongo.inspect[ORG_LISTINGS].find_one()
    assert doc is not None
    expires = doc["expires_at"].replace(tzinfo=UTC)
    assert abs((expires - listing.fetched_at).total_seconds() - HOUR) < 1


async def test_the_ttl_monitor_removes_an_expired_listing(mongo: MongoTestDatabase) -> None:
    listings = mongo.inspect[ORG_LISTINGS]
    with ttl_monitor_period(mongo.inspect.client.admin) as period_s:
        expired = await MongoMetadata.open(await mongo.open(), listing_retention_s=0)
        kept = await MongoMetadata.open(await mongo.open(), listing_retention_s=HOUR)
        await kept.listing_cache.save_org_listing("tok:bob", make.listing())
        await expired.listing_cache.save_org_listing("tok:alice", make.listing())
        # Polled, not timed: the bound only keeps a server whose monitor never runs from
        # hanging the run (two periods: the listing may land just after a pass).
        for _ in range(int(2 * period_s / 0.1) + 50):
            if listings.count_documents({}) < 2:
                break
            await asyncio.sleep(0.1)
        assert await kept.listing_cache.load_org_listing("tok:bob", "abcde", HOUR) is not None
        assert listings.count_documents({}) == 1


async def test_hostile_keys_are_literals_or_refused(mongo: MongoTestDatabase) -> None:
    repo = await MongoMetadata.open(await mongo.open())
    for key in ("$gt", "$where", "a.b", "{'$ne': null}"):
        await repo.file_records.save_record(replace(make.record(1), key=key))
    found = await repo.file_records.get_records(["$gt", "a.b", ""])
    assert sorted(found) == ["$gt", "a.b"]
    with pytest.raises(ValidationError):
        await repo.file_records.get_records([{"$ne": None}])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        await repo.listing_cache.load_org_listing({"$ne": ""}, "abcde", HOUR)  # type: ignore[arg-type]
    assert await repo.credentials.load_credential(1, "$ne") is None


async def test_refused_credentials_are_reported_without_the_password(
    mongo_server: MongoServer,
) -> None:
    scheme, _, rest = mongo_server.uri.partition("://")
    if "@" not in rest or ":" not in rest.split("@", 1)[0]:
        pytest.skip("MONGODB_URI has no password to get wrong (the server runs without auth)")
    user = rest.split(":", 1)[0]
    wrong = "not-the-" + "password-" + os.urandom(4).hex()
    bad_uri = f"{scheme}://{user}:{wrong}@{rest.rsplit('@', 1)[1]}"
    with pytest.raises(StorageError) as caught:
        await open_mongo(bad_uri, "cpbatch_auth_check", server_selection_timeout_ms=3000)
    assert wrong not in str(caught.value)
    assert "***" in str(caught.value)
