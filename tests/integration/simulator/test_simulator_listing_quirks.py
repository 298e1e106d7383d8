"""Listing quirks of real servers: pages capped below `limit` (by default), lists and folder
trees that never end. Over a real socket, as a client sees them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cpbatch.entrypoints.simulator import FaultConfig, Simulator
from cpbatch.entrypoints.simulator.cli_options import build_parser, fault_config, world_from
from cpbatch.entrypoints.simulator.faults import DEFAULT_PAGE_CAP

if TYPE_CHECKING:
    from support.simulator_api import Api

PHYSICS, BATCH = 41001, 73001
SHEETS = "Daily practice sheets"  # 120 documents in one folder


async def sheets_id(api: Api) -> int:
    root = await api.content(PHYSICS, limit=100)
    return int(next(item["id"] for item in root if item["name"] == SHEETS))


async def test_pages_are_capped_below_the_limit_asked_for_by_default(api: Api) -> None:
    sheets = await sheets_id(api)

    first = await api.content(PHYSICS, sheets, limit=100, offset=0)
    rest = await api.content(PHYSICS, sheets, limit=100, offset=len(first))

    assert len(first) == len(rest) == DEFAULT_PAGE_CAP < 100
    assert not {item["id"] for item in first} & {item["id"] for item in rest}


async def test_the_cap_applies_to_courses_batches_and_folders(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(page_cap=1)

    _, courses = await api.get("/v2/courses", tabCategoryId=1, limit=100, offset=0)
    _, batches = await api.get("/v2/batches/details", limit=50, offset=0)
    _, folder = await api.post("/v2/folder", {"batchId": BATCH, "limit": 30, "offset": 0})

    assert len(courses["data"]["courses"]) == 1
    assert len(batches["data"]["totalBatches"]) == 1
    assert batches["data"]["batchesCount"] > 1
    assert len(folder["data"]["folders"]) + len(folder["data"]["attachments"]) == 1


async def test_an_endless_list_answers_full_pages_of_new_entries(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(endless_lists=frozenset({"courses", "batches"}))
    seen: set[int] = set()
    for offset in (0, 20, 10_000):
        _, body = await api.get("/v2/courses", tabCategoryId=1, limit=100, offset=offset)
        ids = {course["id"] for course in body["data"]["courses"]}
        assert len(ids) == DEFAULT_PAGE_CAP
        assert not ids & seen
        seen |= ids
    _, batches = await api.get("/v2/batches/details", limit=50, offset=10_000)
    assert len(batches["data"]["totalBatches"]) == DEFAULT_PAGE_CAP
    assert batches["data"]["batchesCount"] > 10_000 + DEFAULT_PAGE_CAP


async def test_endless_pages_fill_every_page_of_that_course_only(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(endless_page_ids=frozenset({PHYSICS}))
    sheets = await sheets_id(api)

    far = await api.content(PHYSICS, sheets, limit=100, offset=5_000)
    last_real = await api.content(PHYSICS, sheets, limit=100, offset=110)

    assert len(far) == DEFAULT_PAGE_CAP
    assert all(item["contentType"] == 3 for item in far)
    assert len(last_real) == DEFAULT_PAGE_CAP  # 10 real sheets, then 10 endless documents
    assert [item["name"] for item in last_real[:10]] == [
        f"DPP {n:03d}.pdf" for n in range(111, 121)
    ]
    assert await api.content(41002, 0, limit=100)  # another course is as it was
    assert len(await api.content(41002, 0, limit=100, offset=1_000)) == 0


async def test_endless_folders_hold_new_sub_folders_for_ever(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(
        endless_folder_ids=frozenset({PHYSICS, BATCH}), subfolders_per_folder=3
    )
    root = await api.content(PHYSICS, limit=100)
    endless = [item for item in root if item["name"].startswith("Endless folder")]
    assert len(endless) == 3
    assert all(item["contentType"] == 1 for item in endless)

    below = await api.content(PHYSICS, endless[0]["id"], limit=100)
    again = await api.content(PHYSICS, endless[0]["id"], limit=100)

    assert len(below) == len(again) == 3
    assert not {item["id"] for item in below} & {item["id"] for item in again}
    _, folder = await api.post(f"/v2/folder/{endless[1]['id']}", {"batchId": BATCH, "limit": 30})
    assert len(folder["data"]["folders"]) == 3  # a batch's folders too


def test_flags_and_variables_set_the_listing_quirks() -> None:
    args = build_parser().parse_args(
        ["--page-cap", "0", "--endless-list", "courses", "--endless-pages", "7",
         "--endless-folders", "8", "--endless-folders", "9", "--subfolders-per-folder", "5"]
    )  # fmt: skip
    config = fault_config(args, {})
    assert config.page_cap is None
    assert config.endless_lists == {"courses"}
    assert (config.endless_page_ids, config.endless_folder_ids) == ({7}, {8, 9})
    assert config.subfolders_per_folder == 5

    environ = {"SIM_PAGE_CAP": "5", "SIM_ENDLESS_LISTS": "batches", "SIM_ENDLESS_PAGES": "1,2"}
    from_env = fault_config(build_parser().parse_args([]), environ)
    assert (from_env.page_cap, from_env.endless_lists, from_env.endless_page_ids) == (
        5,
        {"batches"},
        {1, 2},
    )
    assert fault_config(build_parser().parse_args([]), {}).page_cap == DEFAULT_PAGE_CAP


async def test_an_expired_course_is_listed_with_its_date_and_no_longer_opens(
    api: Api, sim: Simulator
) -> None:
    chemistry = 41002
    sim.world.orgs[0].course(chemistry).expires_at = "2024-07-01T00:00:00.000Z"  # type: ignore[union-attr]

    _, body = await api.get("/v2/courses", tabCategoryId=1, limit=100)
    status, refused = await api.get("/v2/course/content/get", courseId=chemistry, folderId=0)

    listed = {course["id"]: course for course in body["data"]["courses"]}
    assert listed[chemistry]["expiresAt"] == "2024-07-01T00:00:00.000Z"
    assert listed[chemistry]["isPurchased"] is True
    assert status == 403
    assert "expired" in refused["message"]
    assert all(entry["batch_id"] != chemistry for entry in sim.manifest("learnwell"))


def test_expire_course_flag_expires_that_course() -> None:
    world = world_from(build_parser().parse_args(["--expire-course", "41002"]))

    courses = {course.id: course for org in world.orgs for course in org.courses}
    assert courses[41002].access_expired
    assert not courses[41001].access_expired
