"""Several processes, one database: two `cpbatch sync` runs of the same org into the same
MongoDB at once (the deployment the README describes for several workers) both succeed,
and store each file once and whole, with no chunk left over."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from cpbatch.adapters.mongo.indexes import FILE_RECORDS
from cpbatch.entrypoints.simulator import run_simulator
from support.cli.harness import Cli
from support.cli.paired_downloads import PairedDownloads
from support.cli.synced_files import hashes_on_disk, record_key
from support.mongo.harness import MongoTestDatabase

pytestmark = [pytest.mark.e2e, pytest.mark.mongo]

ORG = "learnwell"  # 161 files, two with the same bytes: blobs race inside a process too
BUCKET = "blobs"  # GridFSBlobStore's default, as the CLI composes it


async def test_two_syncs_into_one_database_store_each_blob_once_and_whole(
    mongo: MongoTestDatabase, tmp_path: Path
) -> None:
    gate = PairedDownloads(parties=2)
    async with run_simulator(middlewares=[gate.middleware()]) as sim:
        workers = [Cli(sim, tmp_path / name) for name in ("worker-a", "worker-b")]
        for worker in workers:  # each its own DATA_DIR (cache) and download folder
            worker.extra_env.update(MONGODB_URI=mongo.uri, DATABASE_NAME=mongo.name)
        token = sim.token_for(ORG)
        manifest = await sim.manifest_async(ORG)

        results = await asyncio.gather(*(w("sync", ORG, "--json", token=token) for w in workers))

    for result in results:
        assert result.code == 0, result.stderr
    # Both planned before either stored a file, so both stored every file, at once.
    assert gate.unpaired == 0
    assert [r.json()["downloaded_files"] for r in results] == [len(manifest)] * 2
    assert sim.stats.file_requests == 2 * len(manifest)
    expected = Counter(entry["sha256"] for entry in manifest)
    assert mongo.stored_digests(BUCKET) == Counter(set(expected))  # once each, bytes right
    assert mongo.incomplete_files(BUCKET) == []
    assert mongo.orphan_chunks(BUCKET) == []
    stored = {
        doc["metadata"]["sha256"]: doc["length"]
        for doc in mongo.inspect[f"{BUCKET}.files"].find({}, {"metadata": 1, "length": 1})
    }
    records = list(mongo.inspect[FILE_RECORDS].find())
    assert sorted(r["key"] for r in records) == sorted(record_key(e) for e in manifest)
    assert [r["key"] for r in records if stored.get(r["sha256"]) != r["size"]] == []
    for worker in workers:
        assert hashes_on_disk(worker.downloads) == expected
