"""Org lookup and listings against the demo world: every downloadable file, exactly once."""

from __future__ import annotations

from collections import Counter

import pytest

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import BatchFileNotFoundError, OrgCodeNotFoundError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchSource, FileKind
from support.classplus_kit import (
    downloadable_keys,
    everything,
    manifest_keys,
    org_of,
    settings_for,
    token,
)

PHYSICS, NEET = 41001, 41005


async def test_lookup_org_reads_id_and_name(gateway, sim):
    org = await gateway.lookup_org(OrgCode.parse("LearnWell"))
    expected = sim.world.org_by_code("learnwell")
    assert (org.code.value, org.id, org.name) == ("learnwell", expected.id, expected.name)


async def test_unknown_org_code_is_org_not_found_and_not_retried(gateway, sim):
    with pytest.raises(OrgCodeNotFoundError, match="nosuchorg"):
        await gateway.lookup_org(OrgCode.parse("nosuchorg"))
    assert sim.stats.requests["org"] == 1
    assert gateway.stats.retries == 0


@pytest.mark.parametrize("org_code", ["learnwell", "brightpath", "emptyorg"])
async def test_listing_equals_the_manifest(gateway, sim, org_code):
    _, files = await everything(gateway, sim, org_code)
    assert downloadable_keys(files) == manifest_keys(sim, org_code)
    ids = [(f.batch.key, f.id) for f in files]
    assert len(ids) == len(set(ids))  # each item once per batch


async def test_folder_paths_names_and_versions_match_upstream(gateway, sim):
    _, files = await everything(gateway, sim)
    by_key = {(f.batch.key, f.id): f for f in files}
    for entry in sim.manifest("learnwell"):
        file = by_key[(f"{entry['batch_source']}:{entry['batch_id']}", entry["file_id"])]
        assert file.folder_path == tuple(entry["folder_path"])
        assert file.name == entry["name"]
        assert file.version == entry["updated_at"]
        assert file.url == entry["url"]


async def test_small_pages_still_list_everything(sim):
    settings = settings_for(
        sim, courses_page_size=2, batches_page_size=1, content_page_size=7, folder_page_size=2
    )
    async with ClassPlusHttpGateway(settings) as gw:
        batches, files = await everything(gw, sim)
    assert downloadable_keys(files) == manifest_keys(sim)
    assert len(batches) == 6
    assert sim.stats.requests["batches"] >= 2
    assert sim.stats.requests["folder"] + sim.stats.requests["folder_sub"] > 6


async def test_a_folder_of_more_than_100_items_is_paged(gateway, sim):
    _, files = await everything(gateway, sim)
    sheets = [f for f in files if f.folder_path == ("Daily practice sheets",)]
    assert len(sheets) == 120


async def test_shared_content_is_walked_with_the_original_course(gateway, sim):
    _, files = await everything(gateway, sim)
    shared = {f.name for f in files if f.folder_path[:1] == ("Maths toolkit",)}
    assert shared == {"Trigonometry identities.pdf", "Log table.pdf"}
    assert all(f.batch.id == PHYSICS for f in files if f.folder_path[:1] == ("Maths toolkit",))


async def test_unpurchased_course_is_filtered_and_its_content_refused(gateway, sim):
    org = await org_of(gateway)
    tok = token(sim)
    batches = await gateway.list_batches(org, tok)
    assert NEET not in {b.id for b in batches}
    assert {b.source for b in batches} == {BatchSource.COURSE, BatchSource.BATCH}
    neet = Batch(NEET, "NEET", org, BatchSource.COURSE)
    with pytest.raises(BatchFileNotFoundError, match="cannot open batch 41005"):
        await gateway.list_files(neet, tok)


async def test_videos_tests_unknown_and_locked_items_are_listed_not_downloadable(gateway, sim):
    _, files = await everything(gateway, sim)
    kinds = Counter(f.kind for f in files if not f.downloadable)
    assert kinds[FileKind.VIDEO] >= 5
    assert kinds[FileKind.TEST] >= 2
    assert kinds[FileKind.UNSUPPORTED] == 1
    for file in files:
        if file.kind in (FileKind.VIDEO, FileKind.TEST, FileKind.UNSUPPORTED):
            assert file.url is None
            assert file.why_not_downloadable
    locked = [f for f in files if f.locked]
    assert [f.name for f in locked if f.kind is FileKind.DOCUMENT] == ["Premium answer key.pdf"]


async def test_kinds_and_mime_types_of_documents(gateway, sim):
    _, files = await everything(gateway, sim)
    by_name = {f.name: f for f in files}
    assert by_name["Periodic table.png"].kind is FileKind.IMAGE
    assert by_name["Coordination compounds.zip"].kind is FileKind.OTHER
    assert by_name["Lecture 1 notes.pdf"].mime_type == "application/pdf"


async def test_depth_limit_stops_descending_without_failing(sim):
    async with ClassPlusHttpGateway(settings_for(sim, max_depth=1)) as gw:
        _, files = await everything(gw, sim)
    assert files
    assert max(len(f.folder_path) for f in files) == 1
    assert downloadable_keys(files) < manifest_keys(sim)
