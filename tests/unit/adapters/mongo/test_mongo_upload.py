"""The put path's own logic, without a server: chunking, streaming into an upload, cleanup.

`FakeUpload` stands in for an upload stream and `RecordingCollection` only records the calls
ChunkUpload makes, in order: these check cpbatch's logic (what is written when, and what
cleanup waits for), never how a MongoDB server would behave."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Iterable
from datetime import UTC
from typing import Any

import pytest
from bson import Int64
from hypothesis import given
from hypothesis import strategies as st
from pymongo.errors import AutoReconnect, DuplicateKeyError

from cpbatch.adapters.mongo.chunking import ChunkSplitter
from cpbatch.adapters.mongo.streaming import HASH_IN_THREAD, upload_stream
from cpbatch.adapters.mongo.upload import (
    ChunkUpload,
    commit_unless_stored,
    stored_digest,
    stored_size,
)
from cpbatch.domain.errors import StorageError


async def stream(pieces: Iterable[bytes]) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece
        await asyncio.sleep(0)


class FakeUpload:
    def __init__(self, *, fail_write: BaseException | None = None) -> None:
        self.written: list[bytes] = []
        self.aborted = 0
        self.fail_write = fail_write
        self.abort_gate: asyncio.Event | None = None

    async def write(self, data: bytes) -> None:
        if self.fail_write is not None:
            raise self.fail_write
        self.written.append(bytes(data))

    async def close(self, filename: str, metadata: dict[str, Any]) -> None:
        raise AssertionError("upload_stream leaves closing to its commit step")

    async def abort(self) -> None:
        if self.abort_gate is not None:
            await self.abort_gate.wait()
        self.aborted += 1


# --- ChunkSplitter -------------------------------------------------------------------------


@given(pieces=st.lists(st.binary(max_size=50), max_size=20), size=st.integers(1, 17))
def test_the_splitter_cuts_any_stream_into_exact_chunks(pieces: list[bytes], size: int) -> None:
    splitter = ChunkSplitter(size)
    chunks = [chunk for piece in pieces for chunk in splitter.feed(piece)]
    assert splitter.pending < size
    last = splitter.finish()
    assert all(len(chunk) == size for chunk in chunks)
    assert len(last) < size
    assert b"".join([*chunks, last]) == b"".join(pieces)


def test_the_splitter_refuses_a_non_positive_size() -> None:
    with pytest.raises(ValueError, match="positive"):
        ChunkSplitter(0)


# --- upload_stream -------------------------------------------------------------------------


async def test_every_piece_is_written_as_it_comes_then_committed_with_digest_and_size() -> None:
    data = os.urandom(HASH_IN_THREAD + 70_001)  # one piece large enough to hash in a thread
    pieces = [data[:7], b"", data[7 : HASH_IN_THREAD + 7], data[HASH_IN_THREAD + 7 :]]
    upload, commits = FakeUpload(), []

    async def commit(sha256: str, size: int) -> None:
        commits.append((sha256, size))

    result = await upload_stream(upload, stream(pieces), commit)
    assert result == (hashlib.sha256(data).hexdigest(), len(data))
    assert commits == [result]
    assert upload.written == [p for p in pieces if p]  # empty pieces are skipped
    assert upload.aborted == 0


async def test_a_failing_stream_aborts_the_upload_and_keeps_its_error() -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"a" * 1000
        raise ConnectionResetError("upstream went away")

    upload = FakeUpload()
    with pytest.raises(ConnectionResetError):
        await upload_stream(upload, broken(), _never_commit)
    assert upload.aborted == 1


async def test_a_driver_error_while_writing_is_a_storage_error_and_aborts() -> None:
    upload = FakeUpload(fail_write=AutoReconnect("connection reset by db.internal:27017"))
    with pytest.raises(StorageError, match="could not be reached") as caught:
        await upload_stream(upload, stream([b"x"]), _never_commit)
    assert "db.internal" not in str(caught.value)
    assert upload.aborted == 1


async def test_a_failing_commit_aborts_the_upload() -> None:
    async def commit(sha256: str, size: int) -> None:
        raise DuplicateKeyError("E11000 duplicate key: secret-looking-value", 11000)

    upload = FakeUpload()
    with pytest.raises(StorageError) as caught:
        await upload_stream(upload, stream([b"x"]), commit)
    assert "secret-looking-value" not in str(caught.value)
    assert upload.aborted == 1


async def test_a_cancelled_put_still_finishes_its_cleanup() -> None:
    halfway = asyncio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        yield b"x" * 10
        halfway.set()
        await asyncio.Event().wait()
        yield b"never"

    upload = FakeUpload()
    upload.abort_gate = asyncio.Event()  # a slow cleanup
    task = asyncio.create_task(upload_stream(upload, stalls(), _never_commit))
    await halfway.wait()
    task.cancel()
    await asyncio.sleep(0.01)
    task.cancel()  # a second cancellation, during the cleanup
    with pytest.raises(asyncio.CancelledError):
        await task
    upload.abort_gate.set()
    await asyncio.sleep(0.01)
    assert upload.aborted == 1  # the shielded cleanup ran to the end


async def _never_commit(sha256: str, size: int) -> None:
    raise AssertionError("must not commit")


# --- ChunkUpload ---------------------------------------------------------------------------


class RecordingCollection:
    def __init__(self, name: str, calls: list[tuple[str, str, Any]]) -> None:
        self.name = name
        self.calls = calls
        self.gate: asyncio.Event | None = None
        self.found: dict[str, Any] | None = None

    async def insert_many(self, docs: list[dict[str, Any]], ordered: bool = True) -> None:
        assert ordered
        if self.gate is not None:
            await self.gate.wait()
        self.calls.append(("insert_many", self.name, list(docs)))

    async def insert_one(self, doc: dict[str, Any]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.calls.append(("insert_one", self.name, doc))

    async def delete_one(self, query: dict[str, Any]) -> None:
        self.calls.append(("delete_one", self.name, query))

    async def delete_many(self, query: dict[str, Any]) -> None:
        self.calls.append(("delete_many", self.name, query))

    async def find_one(self, query: dict[str, Any], projection: Any = None) -> Any:
        self.calls.append(("find_one", self.name, query))
        return self.found


def recording_upload(chunk_size: int, batch_bytes: int) -> tuple[ChunkUpload, list[Any]]:
    calls: list[tuple[str, str, Any]] = []
    files, chunks = RecordingCollection("files", calls), RecordingCollection("chunks", calls)
    upload = ChunkUpload(files, chunks, chunk_size=chunk_size, batch_bytes=batch_bytes)  # type: ignore[arg-type]
    return upload, calls


async def test_chunks_are_numbered_sized_and_sent_in_bounded_batches_as_data_arrives() -> None:
    data = os.urandom(10_000)
    upload, calls = recording_upload(chunk_size=1000, batch_bytes=3000)
    await upload.write(data[:3500])
    assert [c[0] for c in calls] == ["insert_many"]  # written before the stream ends
    for start in range(3500, len(data), 777):
        await upload.write(data[start : start + 777])
    await upload.close("name", {"sha256": "s", "size": len(data)})
    batches = [c[2] for c in calls if c[0] == "insert_many"]
    assert all(sum(len(d["data"]) for d in batch) <= 3000 + 1000 for batch in batches)
    chunk_docs = [doc for batch in batches for doc in batch]
    assert [d["n"] for d in chunk_docs] == list(range(10))
    assert {d["files_id"] for d in chunk_docs} == {upload.file_id}
    assert all(len(d["data"]) == 1000 for d in chunk_docs)
    assert b"".join(d["data"] for d in chunk_docs) == data
    assert calls[-1][0] == "insert_one"  # the files document comes last


async def test_the_files_document_follows_the_gridfs_spec() -> None:
    upload, calls = recording_upload(chunk_size=4, batch_bytes=8)
    await upload.write(b"0123456789")
    await upload.close("digest", {"sha256": "digest", "size": 10})
    doc = calls[-1][2]
    assert set(doc) == {"_id", "length", "chunkSize", "uploadDate", "filename", "metadata"}
    assert doc["_id"] == upload.file_id
    assert isinstance(doc["length"], Int64)
    assert (doc["length"], doc["chunkSize"], doc["filename"]) == (10, 4, "digest")
    assert doc["uploadDate"].tzinfo is UTC
    assert [d["data"] for c in calls if c[0] == "insert_many" for d in c[2]] == [
        b"0123", b"4567", b"89"
    ]  # fmt: skip
    assert upload.committed


async def test_an_empty_file_has_no_chunks() -> None:
    upload, calls = recording_upload(chunk_size=4, batch_bytes=8)
    await upload.close("digest", {"sha256": "digest", "size": 0})
    assert [c[0] for c in calls] == ["insert_one"]
    assert calls[0][2]["length"] == 0


async def test_abort_removes_the_files_document_before_the_chunks() -> None:
    upload, calls = recording_upload(chunk_size=4, batch_bytes=4)
    await upload.write(b"01234567")
    await upload.abort()
    assert [c[:2] for c in calls[-2:]] == [("delete_one", "files"), ("delete_many", "chunks")]
    assert calls[-2][2] == {"_id": {"$eq": upload.file_id}}
    assert calls[-1][2] == {"files_id": {"$eq": upload.file_id}}


async def test_abort_waits_for_a_write_the_cancelled_caller_left_in_flight() -> None:
    upload, calls = recording_upload(chunk_size=4, batch_bytes=4)
    chunks: Any = upload._chunks
    chunks.gate = asyncio.Event()
    writer = asyncio.create_task(upload.write(b"01234567"))
    await asyncio.sleep(0.01)
    writer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writer
    aborting = asyncio.create_task(upload.abort())
    await asyncio.sleep(0.01)
    assert calls == []  # nothing deleted while the insert may still land
    chunks.gate.set()
    await aborting
    assert [c[0] for c in calls] == ["insert_many", "delete_one", "delete_many"]


async def test_a_committed_file_is_never_aborted_even_if_its_caller_was_cancelled() -> None:
    upload, calls = recording_upload(chunk_size=4, batch_bytes=4)
    files: Any = upload._files
    files.gate = asyncio.Event()
    closing = asyncio.create_task(upload.close("d", {"sha256": "d", "size": 0}))
    await asyncio.sleep(0.01)
    closing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await closing
    files.gate.set()
    await upload.abort()  # waits for the insert, which succeeded: the file stays
    assert [c[0] for c in calls] == ["insert_one"]
    assert upload.committed


# --- commit_unless_stored ------------------------------------------------------------------


class ClosingUpload(FakeUpload):
    def __init__(self, close_error: BaseException | None = None) -> None:
        super().__init__()
        self.closed: tuple[str, dict[str, Any]] | None = None
        self.close_error = close_error

    async def close(self, filename: str, metadata: dict[str, Any]) -> None:
        if self.close_error is not None:
            raise self.close_error
        self.closed = (filename, metadata)


async def test_new_content_is_committed_under_its_digest() -> None:
    files = RecordingCollection("files", [])
    upload = ClosingUpload()
    assert await commit_unless_stored(files, upload, "ab" * 32, 5)  # type: ignore[arg-type]
    assert upload.closed == ("ab" * 32, {"sha256": "ab" * 32, "size": 5})
    assert upload.aborted == 0


async def test_content_already_stored_drops_the_upload() -> None:
    files = RecordingCollection("files", [])
    files.found = {"_id": 1}
    upload = ClosingUpload()
    assert not await commit_unless_stored(files, upload, "ab" * 32, 5)  # type: ignore[arg-type]
    assert (upload.closed, upload.aborted) == (None, 1)


async def test_losing_a_race_to_another_writer_drops_the_upload() -> None:
    files = RecordingCollection("files", [])
    upload = ClosingUpload(close_error=DuplicateKeyError("dup", 11000))

    async def found_after_race(query: dict[str, Any], projection: Any = None) -> Any:
        found, files.found = files.found, {"_id": 1}
        return found

    files.find_one = found_after_race  # type: ignore[method-assign]
    assert not await commit_unless_stored(files, upload, "ab" * 32, 5)  # type: ignore[arg-type]
    assert upload.aborted == 1


async def test_a_duplicate_that_is_not_there_is_a_storage_error() -> None:
    files = RecordingCollection("files", [])
    upload = ClosingUpload(close_error=DuplicateKeyError("dup", 11000))
    with pytest.raises(StorageError, match="duplicate"):
        await commit_unless_stored(files, upload, "ab" * 32, 5)  # type: ignore[arg-type]


# --- reading stored files documents --------------------------------------------------------


def test_stored_size_must_agree_with_the_length() -> None:
    assert stored_size(Int64(5), {"size": 5}) == 5
    for length, metadata in [
        (5, {"size": 6}),
        (5, None),
        ("5", {"size": "5"}),
        (True, {"size": True}),
    ]:
        with pytest.raises(StorageError, match="malformed"):
            stored_size(length, metadata)


def test_stored_digest_must_be_text() -> None:
    assert stored_digest({"metadata": {"sha256": "ab"}}) == "ab"
    with pytest.raises(StorageError, match="no sha256"):
        stored_digest({"metadata": {}})
