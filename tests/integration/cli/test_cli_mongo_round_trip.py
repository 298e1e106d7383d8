"""End to end with MongoDB: `cpbatch sync` keeps every file in GridFS, puts a deleted download
folder and cache back from it without asking ClassPlus, and `cpbatch verify` finds damage
done to GridFS chunks, which `--repair` and the next sync mend."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from cpbatch.adapters.mongo.blob_store import DEFAULT_CHUNK_SIZE
from support.cli.harness import Cli
from support.cli.synced_files import hashes_on_disk, record_key
from support.mongo.harness import MongoTestDatabase

pytestmark = [pytest.mark.e2e, pytest.mark.mongo]

ORG = "brightpath"  # small, with two files of several GridFS chunks
BUCKET = "blobs"  # GridFSBlobStore's default, as the CLI composes it


async def test_gridfs_keeps_restores_and_verifies_every_file(
    mongo_cli: Cli, mongo: MongoTestDatabase
) -> None:
    cli = mongo_cli
    token = cli.sim.token_for(ORG)
    manifest = await cli.sim.manifest_async(ORG)
    expected = Counter(entry["sha256"] for entry in manifest)
    each_once = Counter(set(expected))

    first = await cli("sync", ORG, "--json", token=token)

    assert first.code == 0, first.stderr
    assert first.json()["downloaded_files"] == len(manifest)
    assert mongo.stored_digests(BUCKET) == each_once
    assert mongo.incomplete_files(BUCKET) == []
    assert mongo.orphan_chunks(BUCKET) == []

    cli.sim.stats.reset()
    again = await cli("sync", ORG, "--json", token=token)

    assert again.code == 0, again.stderr
    assert again.json()["downloaded_files"] == 0
    assert cli.sim.stats.file_requests == 0

    shutil.rmtree(cli.downloads)
    shutil.rmtree(cli.data_dir)  # the filesystem cache in front of GridFS lives here
    restored = await cli("sync", ORG, "--json", token=token)

    assert restored.code == 0, restored.stderr
    assert restored.json()["downloaded_files"] == 0
    assert restored.json()["skipped_files"] == len(manifest)
    assert cli.sim.stats.file_requests == 0
    assert hashes_on_disk(cli.downloads) == expected

    several_chunks = [e for e in manifest if e["size"] > DEFAULT_CHUNK_SIZE]
    flipped, cut = [e for e in several_chunks if expected[e["sha256"]] == 1][:2]
    mongo.flip_byte(BUCKET, flipped["sha256"], n=1)
    mongo.delete_chunk(BUCKET, cut["sha256"], n=1)
    found = await cli("verify", "--json")

    assert found.code == 5, found.stderr
    report = found.json()
    assert sorted(c["key"] for c in report["corrupt"]) == sorted(
        [record_key(flipped), record_key(cut)]
    )
    assert (report["missing"], report["orphan_blobs"]) == ([], [])

    repaired = await cli("verify", "--repair", "--json")

    assert repaired.code == 0, repaired.stderr
    assert repaired.json()["repaired"] == {
        "records_deleted": 2,
        "corrupt_blobs_deleted": 2,
        "orphan_blobs_deleted": 0,
        "failures": [],
    }

    cli.sim.stats.reset()
    mended = await cli("sync", ORG, "--json", token=token)

    assert mended.code == 0, mended.stderr
    # Kept again from the files the first sync wrote into the folder, intact: 0 downloads
    assert mended.json()["downloaded_files"] == 0
    assert cli.sim.stats.file_requests == 0
    clean = await cli("verify", "--json")
    assert clean.code == 0, clean.stderr
    assert (clean.json()["clean"], clean.json()["records_checked"]) == (True, len(manifest))
    assert mongo.stored_digests(BUCKET) == each_once
    assert mongo.incomplete_files(BUCKET) == []
    assert mongo.orphan_chunks(BUCKET) == []
    assert hashes_on_disk(cli.downloads) == expected
