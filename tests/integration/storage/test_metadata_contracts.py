"""The FileRecords, ListingCache and SyncHistory contracts, run against every metadata store
(see conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cpbatch.domain.models import BatchSource, FileKind, Placement
from support import storage_samples as make
from support.storage_kits import MetadataKit, MetadataStore

HOUR = 3600.0
ALICE, BOB = "tok:alice", "tok:bob"


async def test_a_saved_record_reads_back_equal(metadata_store: MetadataStore) -> None:
    record = make.record(1)
    await metadata_store.file_records.save_record(record)
    assert await metadata_store.file_records.get_records([record.key, "7/course:11/404"]) == {
        record.key: record
    }


async def test_saving_the_same_key_replaces_the_record(metadata_store: MetadataStore) -> None:
    await metadata_store.file_records.save_record(make.record(1, version="v1"))
    newer = make.record(1, version="v2")
    await metadata_store.file_records.save_record(newer)
    assert await metadata_store.file_records.get_records([newer.key]) == {newer.key: newer}
    assert [r async for r in metadata_store.file_records.records()] == [newer]


async def test_get_records_handles_thousands_of_keys(metadata_store: MetadataStore) -> None:
    records = [make.record(n) for n in range(2500)]
    for record in records:
        await metadata_store.file_records.save_record(record)
    keys = [r.key for r in records] + [f"missing/{n}" for n in range(300)]
    found = await metadata_store.file_records.get_records(keys)
    assert found == {r.key: r for r in records}
    assert await metadata_store.file_records.get_records([]) == {}


async def test_delete_record(metadata_store: MetadataStore) -> None:
    keep, drop = make.record(1), make.record(2)
    await metadata_store.file_records.save_record(keep)
    await metadata_store.file_records.save_record(drop)
    await metadata_store.file_records.delete_record(drop.key)
    await metadata_store.file_records.delete_record("never/existed")
    assert await metadata_store.file_records.get_records([keep.key, drop.key]) == {keep.key: keep}


async def test_records_iterates_every_record_once(metadata_store: MetadataStore) -> None:
    records = [make.record(n) for n in range(1234)]  # more than one page
    for record in records:
        await metadata_store.file_records.save_record(record)
    seen = [r async for r in metadata_store.file_records.records()]
    assert len(seen) == len(records)
    assert {r.key: r for r in seen} == {r.key: r for r in records}


async def test_a_fresh_org_listing_is_returned_an_expired_one_is_not(
    metadata_store: MetadataStore,
) -> None:
    listing = make.listing()
    await metadata_store.listing_cache.save_org_listing(ALICE, listing)
    assert await metadata_store.listing_cache.load_org_listing(ALICE, "abcde", HOUR) == listing
    assert await metadata_store.listing_cache.load_org_listing(ALICE, "abcde", 0) is None
    old = make.listing(fetched_at=datetime.now(UTC) - timedelta(minutes=2))
    await metadata_store.listing_cache.save_org_listing(ALICE, old)  # replaces
    assert await metadata_store.listing_cache.load_org_listing(ALICE, "abcde", 60) is None
    assert await metadata_store.listing_cache.load_org_listing(ALICE, "abcde", HOUR) == old
    assert await metadata_store.listing_cache.load_org_listing(ALICE, "other", HOUR) is None


async def test_listings_are_never_shared_between_principals(
    metadata_store: MetadataStore,
) -> None:
    alices = make.listing()
    batch = alices.batches[0]
    await metadata_store.listing_cache.save_org_listing(ALICE, alices)
    await metadata_store.listing_cache.save_batch_files(ALICE, batch, [make.batch_file(1, batch)])
    assert await metadata_store.listing_cache.load_org_listing(BOB, "abcde", HOUR) is None
    assert await metadata_store.listing_cache.load_batch_files(BOB, batch, HOUR) is None
    bobs = replace(alices, batches=alices.batches[1:])
    await metadata_store.listing_cache.save_org_listing(BOB, bobs)
    assert await metadata_store.listing_cache.load_org_listing(ALICE, "abcde", HOUR) == alices
    assert await metadata_store.listing_cache.load_org_listing(BOB, "abcde", HOUR) == bobs


async def test_batch_files_round_trip_per_batch(metadata_store: MetadataStore) -> None:
    course = make.batch(11)
    same_id_batch = make.batch(11, source=BatchSource.BATCH)  # same number, other listing
    files = [
        make.batch_file(1, course),
        make.batch_file(2, course, kind=FileKind.VIDEO, url=None, size=None, mime_type=None),
        make.batch_file(3, course, folder_path=(), locked=True, name="Ünïcode ✓.pdf"),
    ]
    await metadata_store.listing_cache.save_batch_files(ALICE, course, files)
    assert await metadata_store.listing_cache.load_batch_files(ALICE, course, HOUR) == files
    assert await metadata_store.listing_cache.load_batch_files(ALICE, same_id_batch, HOUR) is None
    assert await metadata_store.listing_cache.load_batch_files(ALICE, course, 0) is None
    await metadata_store.listing_cache.save_batch_files(ALICE, course, files[:1])  # replaces
    assert await metadata_store.listing_cache.load_batch_files(ALICE, course, HOUR) == files[:1]
    await metadata_store.listing_cache.save_batch_files(ALICE, course, [])
    assert await metadata_store.listing_cache.load_batch_files(ALICE, course, HOUR) == []


async def test_data_persists_across_reopening(metadata_kit: MetadataKit) -> None:
    repo = await metadata_kit.open()
    listing, record = make.listing(), make.record(1)
    batch_files = [make.batch_file(1)]
    await repo.file_records.save_record(record)
    await repo.listing_cache.save_org_listing(ALICE, listing)
    await repo.listing_cache.save_batch_files(ALICE, batch_files[0].batch, batch_files)
    await repo.sync_history.record_sync(make.report())
    await repo.close()
    await repo.close()  # idempotent

    reopened = await metadata_kit.open()
    assert await reopened.file_records.get_records([record.key]) == {record.key: record}
    assert await reopened.listing_cache.load_org_listing(ALICE, "abcde", HOUR) == listing
    assert (
        await reopened.listing_cache.load_batch_files(ALICE, batch_files[0].batch, HOUR)
        == batch_files
    )


async def test_placements_round_trip_by_path(metadata_store: MetadataStore) -> None:
    placed = metadata_store.placements
    first = Placement("/home/me/downloads/org/a (1)/notes.pdf", make.record(1))
    second = Placement("/home/me/downloads/org/a (1)/slides.pdf", make.record(2))
    await placed.save_placement(first)
    await placed.save_placement(second)
    newer = Placement(first.path, make.record(1, version="v2"))
    await placed.save_placement(newer)  # replaces

    found = await placed.get_placements([first.path, second.path, "/nowhere"])
    assert found == {first.path: newer, second.path: second}
    await placed.delete_placement(second.path)
    await placed.delete_placement("/never/placed")
    assert [p async for p in placed.placements()] == [newer]


async def test_many_placements_are_listed_once_each(metadata_store: MetadataStore) -> None:
    placed = metadata_store.placements
    paths = [f"/d/org/b/file {n:04}.pdf" for n in range(1_203)]
    for number, path in enumerate(paths):
        await placed.save_placement(Placement(path, make.record(number)))

    assert sorted([p.path async for p in placed.placements()]) == sorted(paths)
    assert len(await placed.get_placements(paths)) == len(paths)
