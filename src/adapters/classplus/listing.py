"""Listing what a token's account can open in an org: courses and tutor-side batches."""

from __future__ import annotations

from datetime import UTC, datetime

from cpbatch.adapters.classplus.errors import CallErrors
from cpbatch.adapters.classplus.fields import Fields
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.adapters.classplus.mapping import (
    batch_from_batch,
    batch_from_course,
    batch_rows,
    course_rows,
    is_entitled,
)
from cpbatch.adapters.classplus.paging import ListingBudget, all_pages
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.tokens import check_token_for_org
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Batch, Org

COURSES_PATH = "/v2/courses"
BATCHES_PATH = "/v2/batches/details"


async def list_courses(
    api: ApiClient, settings: ClassPlusSettings, org: Org, token: AccessToken
) -> list[Batch]:
    """Enrolled courses that are purchased or free, all pages (see `paging`)."""
    errors = CallErrors(path=COURSES_PATH)
    limit = str(settings.courses_page_size)

    async def read(offset: int) -> tuple[list[Fields], int | None]:
        params = {"tabCategoryId": "1", "limit": limit, "offset": str(offset)}
        data = await api.call("GET", COURSES_PATH, errors, token=token, params=params)
        return course_rows(data, COURSES_PATH), None

    budget = ListingBudget.for_listing(f"the courses of {org.name}", settings)
    rows = await all_pages(read, lambda row: row.id("id", "courseId"), budget)
    now = datetime.now(UTC)
    return [batch_from_course(row, org, now) for row in rows if is_entitled(row)]


async def list_tutor_batches(
    api: ApiClient, settings: ClassPlusSettings, org: Org, token: AccessToken
) -> list[Batch]:
    """Batches of /v2/batches/details, all pages (up to `batchesCount` when given)."""
    errors = CallErrors(path=BATCHES_PATH)
    limit = str(settings.batches_page_size)

    async def read(offset: int) -> tuple[list[Fields], int | None]:
        params = {"limit": limit, "offset": str(offset), "sortBy": "createdAt"}
        data = await api.call("GET", BATCHES_PATH, errors, token=token, params=params)
        return batch_rows(data, BATCHES_PATH)

    budget = ListingBudget.for_listing(f"the batches of {org.name}", settings)
    rows = await all_pages(read, lambda row: row.id("batchId", "id"), budget)
    return [batch_from_batch(row, org) for row in rows]


async def probe_token(api: ApiClient, org: Org, token: AccessToken) -> None:
    """The cheapest authenticated call (one course at most), after the local claim checks:
    returns if ClassPlus accepts the token for `org`, AuthenticationError if not."""
    check_token_for_org(token, org)
    params = {"tabCategoryId": "1", "limit": "1", "offset": "0"}
    await api.call("GET", COURSES_PATH, CallErrors(path=COURSES_PATH), token=token, params=params)
