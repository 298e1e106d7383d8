"""The RemoteFileIdRepository contract, run against every adapter (see conftest.py)."""

from __future__ import annotations

import hashlib

import pytest

from cpbatch.application.ports.credentials import RemoteFileIdRepository
from support.storage_kits import RemoteFileIdKit

BLOB = hashlib.sha256(b"a blob").hexdigest()
OTHER = hashlib.sha256(b"another blob").hexdigest()


@pytest.fixture
async def repo(remote_file_id_kit: RemoteFileIdKit) -> RemoteFileIdRepository:
    return await remote_file_id_kit.open()


async def test_an_unknown_blob_has_no_remote_id(repo: RemoteFileIdRepository) -> None:
    assert await repo.load_remote_file_id(BLOB) is None
    assert await repo.load_remote_file_id(BLOB, part=3) is None


async def test_a_saved_id_reads_back(repo: RemoteFileIdRepository) -> None:
    await repo.save_remote_file_id(BLOB, "BQACAgIAAxkBAAI")
    assert await repo.load_remote_file_id(BLOB) == "BQACAgIAAxkBAAI"
    assert await repo.load_remote_file_id(BLOB, part=0) == "BQACAgIAAxkBAAI"
    assert await repo.load_remote_file_id(OTHER) is None


async def test_each_part_has_its_own_id(repo: RemoteFileIdRepository) -> None:
    for part in range(3):
        await repo.save_remote_file_id(BLOB, f"id-{part}", part=part)
    assert [await repo.load_remote_file_id(BLOB, part) for part in range(4)] == [
        "id-0",
        "id-1",
        "id-2",
        None,
    ]


async def test_saving_again_replaces_the_id(repo: RemoteFileIdRepository) -> None:
    await repo.save_remote_file_id(BLOB, "first", part=1)
    await repo.save_remote_file_id(BLOB, "second", part=1)
    await repo.save_remote_file_id(OTHER, "other", part=1)
    assert await repo.load_remote_file_id(BLOB, 1) == "second"
    assert await repo.load_remote_file_id(OTHER, 1) == "other"


async def test_ids_persist_across_reopening(remote_file_id_kit: RemoteFileIdKit) -> None:
    first = await remote_file_id_kit.open()
    await first.save_remote_file_id(BLOB, "kept", part=2)
    second = await remote_file_id_kit.open()
    assert await second.load_remote_file_id(BLOB, 2) == "kept"
