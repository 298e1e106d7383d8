"""Listing what a token's account can open in an org: courses and tutor-side batches."""

from __future__ import annotations

from cpbatch.adapters.classplus.errors import CallErrors
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.adapters.classplus.mapping import (
    batch_from_batch,
    batch_from_course,
    batch_rows,
    course_rows,
    is_entitled,
)
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.tokens import check_token_for_org
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Batch, Org

COURSES_PATH = "/v2/courses"
BATCHES_PATH = "/v2/batches/details"


async def list_courses(
    api: ApiClient, settings: ClassPlusSettings, org: Org, token: AccessToken
) -> list[Batch]:
    """Enrolled courses that are purchased or free, all pages (stop on a short or empty page,
    or a page with no new course: a server ignoring `offset` cannot loop us forever)."""
    errors = CallErrors(path=COURSES_PATH)
    limit = settings.courses_page_size
    kept: list[Batch] = []
    seen: set[int] = set()
    offset = 0
    while True:
        params = {"tabCategoryId": "1", "limit": str(limit), "offset": str(offset)}
        data = await api.call("GET", COURSES_PATH, errors, token=token, params=params)
        rows = course_rows(data, COURSES_PATH)
        new = 0
        for row in rows:
            course = batch_from_course(row, org)
            if course.id in seen:
                continue
            seen.add(course.id)
            new += 1
            if is_entitled(row):
                kept.append(course)
        if len(rows) < limit or not new:
            return kept
        offset += len(rows)


async def list_tutor_batches(
    api: ApiClient, settings: ClassPlusSettings, org: Org, token: AccessToken
) -> list[Batch]:
    """Batches of /v2/batches/details, all pages (until `offset >= batchesCount`, an empty
    page, or a page with nothing new)."""
    errors = CallErrors(path=BATCHES_PATH)
    limit = settings.batches_page_size
    found: dict[int, Batch] = {}
    offset = 0
    while True:
        params = {"limit": str(limit), "offset": str(offset), "sortBy": "createdAt"}
        data = await api.call("GET", BATCHES_PATH, errors, token=token, params=params)
        rows, total = batch_rows(data, BATCHES_PATH)
        new = 0
        for row in rows:
            batch = batch_from_batch(row, org)
            if batch.id not in found:
                found[batch.id] = batch
                new += 1
        offset += len(rows)
        done = offset >= total if total is not None else len(rows) < limit
        if done or not rows or not new:
            return list(found.values())


async def probe_token(api: ApiClient, org: Org, token: AccessToken) -> None:
    """The cheapest authenticated call (one course at most), after the local claim checks:
    returns if ClassPlus accepts the token for `org`, AuthenticationError if not."""
    check_token_for_org(token, org)
    params = {"tabCategoryId": "1", "limit": "1", "offset": "0"}
    await api.call("GET", COURSES_PATH, CallErrors(path=COURSES_PATH), token=token, params=params)
