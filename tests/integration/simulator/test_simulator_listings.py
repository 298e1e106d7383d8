"""The JSON API: envelopes, listings, pagination and entitlement, over a real socket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cpbatch.entrypoints.simulator import FaultConfig, Simulator

if TYPE_CHECKING:
    from support.simulator_api import Api

PHYSICS, CHEMISTRY, FREE_DEMO, NEET, LIBRARY = 41001, 41002, 41004, 41005, 41006


def by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(item for item in items if item["name"] == name)


async def test_org_lookup_is_case_insensitive_and_needs_no_token(api: Api) -> None:
    status, body = await api.get("/v2/orgs/LearnWell", token="")
    assert status == 200
    assert body["status"] == "success"
    assert body["data"]["orgId"] == 361842
    assert body["data"]["orgName"] == "LearnWell Academy"


async def test_unknown_org_is_404_failure(api: Api) -> None:
    status, body = await api.get("/v2/orgs/nosuchorg", token="")
    assert status == 404
    assert body["status"] == "failure"
    assert body["message"]


async def test_courses_list_purchased_free_and_store_only_courses(api: Api) -> None:
    status, body = await api.get("/v2/courses", tabCategoryId=1)
    assert status == 200
    assert body["status"] == "success"
    courses = {course["id"]: course for course in body["data"]["courses"]}
    assert LIBRARY not in courses  # hidden content library
    assert courses[PHYSICS]["isPurchased"] is True
    assert courses[FREE_DEMO]["totalAmount"] == 0
    assert courses[FREE_DEMO]["isPurchased"] is False
    assert courses[NEET]["price"] > 0
    assert courses[NEET]["isPurchased"] is False
    expected = {"id", "name", "price", "finalPrice", "totalAmount", "isPurchased", "resources"}
    expected |= {"orgId", "shareableLink", "expiresAt", "createdAt"}
    assert expected <= set(courses[PHYSICS])
    assert courses[PHYSICS]["shareableLink"].startswith("https://learnwell.courses.store/")


async def test_courses_paginate_with_limit_and_offset(api: Api) -> None:
    _, everything = await api.get("/v2/courses", tabCategoryId=1)
    seen = []
    for offset in range(0, 10, 2):
        _, body = await api.get("/v2/courses", tabCategoryId=1, limit=2, offset=offset)
        seen += [course["id"] for course in body["data"]["courses"]]
    assert seen == [course["id"] for course in everything["data"]["courses"]]


async def test_batches_paginate_and_report_count(api: Api) -> None:
    _, first = await api.get("/v2/batches/details", limit=1, offset=0, sortBy="createdAt")
    _, second = await api.get("/v2/batches/details", limit=1, offset=1, sortBy="createdAt")
    _, third = await api.get("/v2/batches/details", limit=1, offset=2, sortBy="createdAt")
    assert first["data"]["batchesCount"] == 2
    assert third["data"]["totalBatches"] == []
    batches = first["data"]["totalBatches"] + second["data"]["totalBatches"]
    assert {b["batchId"] for b in batches} == {73001, 73002}
    assert {"batchId", "batchName", "subjectName", "createdDate"} <= set(batches[0])


async def test_content_items_carry_their_kind_specific_fields(api: Api, sim: Simulator) -> None:
    root = await api.content(PHYSICS)
    intro = by_name(root, "Course introduction")
    assert intro["contentType"] == 2
    assert intro["contentHashId"].startswith("U2FsdGVkX1")
    assert "/media-cdn/" in intro["thumbnailUrl"]
    syllabus = by_name(root, "Course syllabus.pdf")
    assert syllabus["contentType"] == 3
    assert syllabus["format"] == "pdf"
    assert syllabus["url"].startswith(f"{sim.base_url}/production/361842/")
    assert syllabus["isContentLocked"] == 0
    chapter_2 = by_name(root, "Chapter 2: Laws of Motion")
    assert chapter_2["contentType"] == 1
    assert chapter_2["contentCourseId"] == PHYSICS
    items = await api.content(PHYSICS, chapter_2["id"])
    kinds = {item["contentType"] for item in items}
    assert {2, 3, 4, 7} <= kinds
    test = next(item for item in items if item["contentType"] == 4)
    assert test["testId"]
    assert test["maxMarks"] == 120
    locked = by_name(items, "Premium answer key.pdf")
    assert locked["isContentLocked"] == 1
    assert [i["name"] for i in items].count("Notes.pdf") == 2
    assert {"Free body diagrams.pdf", "Free Body Diagrams.pdf"} <= {i["name"] for i in items}


async def test_content_pagination_defaults_to_20_and_caps_at_100(api: Api, sim: Simulator) -> None:
    sim.faults = FaultConfig(page_cap=None)
    sheets = by_name(await api.content(PHYSICS), "Daily practice sheets")
    assert len(await api.content(PHYSICS, sheets["id"])) == 20
    assert len(await api.content(PHYSICS, sheets["id"], limit=500, offset=0)) == 100
    names: list[str] = []
    for offset in range(0, 200, 50):
        names += [
            i["name"] for i in await api.content(PHYSICS, sheets["id"], limit=50, offset=offset)
        ]
    assert len(names) == len(set(names)) == 120


async def test_empty_folder_lists_nothing(api: Api) -> None:
    empty = by_name(await api.content(PHYSICS), "Chapter 3: Work and Energy (coming soon)")
    assert await api.content(PHYSICS, empty["id"]) == []


async def test_shared_folder_opens_only_through_the_owning_course(api: Api) -> None:
    shared = by_name(await api.content(PHYSICS), "Maths toolkit")
    assert shared["contentCourseId"] == LIBRARY
    status, body = await api.get("/v2/course/content/get", courseId=LIBRARY, folderId=shared["id"])
    assert status == 403
    assert body["status"] == "failure"
    items = await api.content(LIBRARY, shared["id"], originalCourseId=PHYSICS)
    assert "Trigonometry identities.pdf" in {item["name"] for item in items}


async def test_unpurchased_course_content_is_forbidden(api: Api) -> None:
    status, body = await api.get("/v2/course/content/get", courseId=NEET, folderId=0)
    assert status == 403
    assert body["status"] == "failure"
    assert await api.content(FREE_DEMO)  # free courses open without purchase


async def test_other_user_sees_only_own_entitlements(api: Api, sim: Simulator) -> None:
    kabir = sim.token_for("learnwell", "9000000004")
    status, _ = await api.get("/v2/course/content/get", token=kabir, courseId=PHYSICS)
    assert status == 403
    _, body = await api.get("/v2/batches/details", token=kabir)
    assert [b["batchId"] for b in body["data"]["totalBatches"]] == [73003]


async def test_empty_org_user_has_nothing(api: Api, sim: Simulator) -> None:
    token = sim.token_for("emptyorg")
    _, courses = await api.get("/v2/courses", token=token, tabCategoryId=1)
    _, batches = await api.get("/v2/batches/details", token=token)
    assert courses["data"]["courses"] == []
    assert batches["data"] == {"totalBatches": [], "batchesCount": 0}


async def test_batch_folders_list_folders_then_attachments(api: Api, sim: Simulator) -> None:
    body = {"batchFreeResource": 1, "batchId": "73001", "limit": 30, "offset": 0}
    status, root = await api.post("/v2/folder", body)
    assert status == 200
    assert root["status"] == "success"
    assert [f["name"] for f in root["data"]["folders"]] == ["Week 1", "Week 2"]
    attachment = root["data"]["attachments"][0]
    assert {"id", "url", "fileName", "updatedAt", "format"} <= set(attachment)
    assert attachment["url"].startswith(sim.base_url)
    week_1 = root["data"]["folders"][0]["id"]
    _, sub = await api.post(f"/v2/folder/{week_1}", {**body, "folderId": week_1})
    assert {a["fileName"] for a in sub["data"]["attachments"]} == {
        "Homework 1.pdf",
        "Class photo board.jpg",
    }
    _, page = await api.post("/v2/folder", {**body, "limit": 2, "offset": 1})
    assert len(page["data"]["folders"]) == 1
    assert len(page["data"]["attachments"]) == 1


async def test_batch_the_user_is_not_in_is_forbidden(api: Api) -> None:
    status, body = await api.post("/v2/folder", {"batchFreeResource": 1, "batchId": 73003})
    assert status == 403
    assert body["status"] == "failure"


async def test_odd_names_survive_the_wire(api: Api) -> None:
    revision = by_name(await api.content(PHYSICS), "Revision")
    names = [item["name"] for item in await api.content(PHYSICS, revision["id"], limit=100)]
    assert "भौतिकी नोट्स.pdf" in names
    assert any("🔥" in name for name in names)
    assert max(len(name) for name in names) == 300
    assert sum(len(name) == 50 for name in names) == 2
    chapter_2 = by_name(await api.content(PHYSICS), "Chapter 2: Laws of Motion")
    odd = [i["name"] for i in await api.content(PHYSICS, chapter_2["id"]) if "?" in i["name"]]
    assert odd == ["Unit 1/2: What is force?.pdf"]
