"""Enrolled courses and their content tree: /v2/courses and /v2/course/content/get."""

from __future__ import annotations

from aiohttp import web

from cpbatch.entrypoints.simulator.envelope import ApiFailure, success
from cpbatch.entrypoints.simulator.paging import page, page_window
from cpbatch.entrypoints.simulator.render import content_item, course_entry
from cpbatch.entrypoints.simulator.state import SimulatorState, state_of
from cpbatch.entrypoints.simulator.world import Course, Org, User

CONTENT_DEFAULT_LIMIT = 20
CONTENT_MAX_LIMIT = 100
COURSES_MAX_LIMIT = 100


async def list_courses(request: web.Request) -> web.Response:
    state = state_of(request)
    org, user = state.authenticate(request)
    if request.query.get("tabCategoryId", "1") != "1":
        return success({"courses": []})
    visible = [c for c in org.courses if c.listed or c.id in user.course_ids]
    limit, offset = page_window(request.query, None, COURSES_MAX_LIMIT)
    courses = [course_entry(org, user, c, state.index) for c in page(visible, limit, offset)]
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
    folder = state.index.course_folder(org.id, course.id, folder_id)
    if folder is None:
        raise ApiFailure(404, "Folder not found.")
    limit, offset = page_window(request.query, CONTENT_DEFAULT_LIMIT, CONTENT_MAX_LIMIT)
    items = [
        content_item(item, course.id, org, state.base_url, state.index)
        for item in page(folder.items, limit, offset)
    ]
    return success({"courseContent": items})
