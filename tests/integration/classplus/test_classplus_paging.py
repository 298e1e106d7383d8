"""Paging against servers that cap a page below the `limit` asked for, and against listings
that never end: everything is listed, and an endless listing fails alone, soon and clearly."""

from __future__ import annotations

import pytest

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import ListingTooLargeError
from cpbatch.domain.models import BatchSource
from cpbatch.entrypoints.simulator import (
    FaultConfig,
    IdSequence,
    ItemFactory,
    Simulator,
    run_simulator,
    single_course_world,
)
from support.classplus_kit import (
    downloadable_keys,
    everything,
    manifest_keys,
    org_of,
    settings_for,
    token,
)

PHYSICS, CHEMISTRY, BATCH = 41001, 41002, 73001


async def test_a_server_answering_5_items_a_page_still_lists_all_30() -> None:
    make = ItemFactory(IdSequence(10))
    world = single_course_world(*(make.doc(f"Notes {n}.pdf", 1_000) for n in range(30)))
    async with run_simulator(world, FaultConfig(page_cap=5)) as sim:
        async with ClassPlusHttpGateway(settings_for(sim)) as gw:  # asks for 100 a page
            _, files = await everything(gw, sim, "tinyorg")

        assert len(files) == 30
        assert downloadable_keys(files) == manifest_keys(sim, "tinyorg")


@pytest.mark.parametrize("cap", [1, 3, 7])
async def test_courses_batches_and_folders_capped_to_a_few_a_page_list_everything(
    sim: Simulator, gateway: ClassPlusHttpGateway, cap: int
) -> None:
    sim.faults = FaultConfig(page_cap=None)
    all_batches, all_files = await everything(gateway, sim)
    sim.faults = FaultConfig(page_cap=cap)

    batches, files = await everything(gateway, sim)

    assert sorted(b.key for b in batches) == sorted(b.key for b in all_batches)
    assert downloadable_keys(files) == downloadable_keys(all_files) == manifest_keys(sim)
    assert len(files) == len(all_files)


def small_caps(sim: Simulator, **caps: int) -> ClassPlusHttpGateway:
    values = {"max_listing_pages": 1_000, "max_listing_items": 500, "max_listing_folders": 100}
    return ClassPlusHttpGateway(settings_for(sim, **(values | caps)))


async def test_endless_content_pages_fail_that_course_after_the_item_cap(sim: Simulator) -> None:
    sim.faults = FaultConfig(endless_page_ids=frozenset({PHYSICS}))
    async with small_caps(sim) as gw:
        batches = await gw.list_batches(await org_of(gw), token(sim))
        physics = next(b for b in batches if b.id == PHYSICS)
        chemistry = next(b for b in batches if b.id == CHEMISTRY)

        with pytest.raises(ListingTooLargeError, match="MAX_LISTING_ITEMS") as raised:
            await gw.list_files(physics, token(sim))
        assert await gw.list_files(chemistry, token(sim))  # the next course lists as ever

    assert "course 41001" in str(raised.value)
    assert "kept sending more" in str(raised.value)
    # 500 items at 20 a page, whatever folders were walked meanwhile: bounded, not endless
    assert sim.stats.requests["course_content"] < 500 // 20 + 100


async def test_the_page_cap_stops_a_listing_too(sim: Simulator) -> None:
    sim.faults = FaultConfig(endless_page_ids=frozenset({PHYSICS}), page_cap=1)
    async with small_caps(sim, max_listing_pages=40, max_listing_items=10_000) as gw:
        physics = next(
            b for b in await gw.list_batches(await org_of(gw), token(sim)) if b.id == PHYSICS
        )
        sim.stats.reset()
        with pytest.raises(ListingTooLargeError, match="MAX_LISTING_PAGES"):
            await gw.list_files(physics, token(sim))

    assert sim.stats.requests["course_content"] <= 40


@pytest.mark.parametrize("source", [BatchSource.COURSE, BatchSource.BATCH])
async def test_endless_sub_folders_fail_after_the_folder_cap(
    sim: Simulator, source: BatchSource
) -> None:
    batch_id = PHYSICS if source is BatchSource.COURSE else BATCH
    sim.faults = FaultConfig(endless_folder_ids=frozenset({batch_id}), subfolders_per_folder=50)
    async with small_caps(sim, max_listing_folders=200) as gw:
        batches = await gw.list_batches(await org_of(gw), token(sim))
        batch = next(b for b in batches if b.id == batch_id and b.source is source)
        sim.stats.reset()
        with pytest.raises(ListingTooLargeError, match="MAX_LISTING_FOLDERS"):
            await gw.list_files(batch, token(sim))

    # about 200 / 50 folders listed before the cap, each a page or three: nowhere near endless
    assert sum(sim.stats.requests.values()) < 60


@pytest.mark.parametrize("endless", ["courses", "batches"])
async def test_an_endless_course_or_batch_list_fails_clearly(sim: Simulator, endless: str) -> None:
    sim.faults = FaultConfig(endless_lists=frozenset({endless}))
    async with small_caps(sim) as gw:
        with pytest.raises(ListingTooLargeError, match="MAX_LISTING_ITEMS") as raised:
            await gw.list_batches(await org_of(gw), token(sim))

    assert f"the {endless} of LearnWell Academy" in str(raised.value)
    assert sum(sim.stats.requests.values()) < 500 // 20 + 10
