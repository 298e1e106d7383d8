"""Enrolled courses and their content tree: /v2/courses and /v2/course/content/get."""

from __future__ import annotations

from aiohttp import web

from cpbatch.entrypoints.simulator import listing_quirks as quirks
from cpbatch.entrypoints.simulator.envelope import ApiFailure, success
from cpbatch.entrypoints.simulator.paging import page
from cpbatch.entrypoints.simulator.render import content_item, course_entry
from cpbatch.entrypoints.simulator.state import SimulatorState, state_of
from cpbatch.entrypoints.simulator.world import Course, Item, Org, User

CONTENT_DEFAULT_LIMIT = 20
CONTENT_MAX_LIMIT = 100
COURSES_MAX_LIMIT = 100


async def list_courses(request: web.Request) -> web.Response:
    state = state_of(request)
    org, user = state.authenticate(request)
    if request.query.get("tabCategoryId", "1") != "1":
        return success({"courses": []})
    visible = [c for c in org.courses if c.listed or c.id in user.course_ids]
    config = state.faults.config
    limit, offset = quirks.served_window(request.query, None, COURSES_MAX_LIMIT, config)
    courses = [course_entry(org, user, c, state.index) for c in page(visible, limit, offset)]
    if "courses" in config.endless_lists:  # every page full of new courses
        missing = (limit or COURSES_MAX_LIMIT) - len(courses)
        courses += quirks.made(missing, quirks.course_entry, state.synthetic_ids)
    return success({"courses": courses})


def _int_param(request: web.Request, name: str, default: int | None = None) -> int | None:
    raw = request.query.get(name, "")
    if raw in ("", "null", "undefined"):
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ApiFailure(400, f"Invalid {name}.") from error


def _check_access(
    state: SimulatorState, org: Org, user: User, course: Course, original_id: int | None
) -> None:
    """Own the course, or own a course that shares this course's content with you."""
    if org.can_open_course(user, course):
        return
    if course.access_expired and course.id in user.course_ids:
        raise ApiFailure(403, "Your access to this course has expired.")
    original = None if original_id is None else org.course(original_id)
    if (
        original is not None
        and org.can_open_course(user, original)
        and state.index.shares_content(org.id, original.id, course.id)
    ):
        return
    raise ApiFailure(403, "You do not have access to this course. Please purchase it first.")


async def course_content(request: web.Request) -> web.Response:
    state = state_of(request)
    org, user = state.authenticate(request)
    course_id = _int_param(request, "courseId")
    if course_id is None:
        raise ApiFailure(400, "courseId is required.")
    course = org.course(course_id)
    if course is None:
        raise ApiFailure(404, "Course not found.")
    _check_access(state, org, user, course, _int_param(request, "originalCourseId"))
    folder_id = _int_param(request, "folderId", 0) or 0
    config = state.faults.config
    if state.synthetic_ids.is_synthetic(folder_id) and course.id in config.endless_folder_ids:
        real: list[Item] = []  # an endless sub-folder: only its own endless sub-folders
    elif (folder := state.index.course_folder(org.id, course.id, folder_id)) is not None:
        real = folder.items
    else:
        raise ApiFailure(404, "Folder not found.")
    window = quirks.served_window(request.query, CONTENT_DEFAULT_LIMIT, CONTENT_MAX_LIMIT, config)
    limit, offset = CONTENT_MAX_LIMIT if window[0] is None else window[0], window[1]
    items = [
        content_item(item, course.id, org, state.base_url, state.index)
        for item in page(real, limit, offset)
    ]
    folders, documents = quirks.endless_extra(
        course.id, len(real), len(items), (limit, offset), config
    )
    ids = state.synthetic_ids
    items += quirks.made(folders, quirks.content_folder(course.id), ids)
    items += quirks.made(documents, quirks.content_document(state.base_url, org.id), ids)
    return success({"courseContent": items})
