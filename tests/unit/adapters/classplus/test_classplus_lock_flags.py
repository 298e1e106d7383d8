"""Lock flags fail closed: any lock key that is set, or not clearly false, locks the item.

Every combination of the two keys ClassPlus uses (`isContentLocked`, `isLocked`), each absent,
null, or one of many spellings, on a course document and on a batch attachment."""

from __future__ import annotations

from itertools import product

import pytest

from cpbatch.adapters.classplus.fields import Fields
from cpbatch.adapters.classplus.mapping import attachment_file, content_item
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, BatchSource, Org

ORG = Org(OrgCode("learnwell"), 42, "Learn Well")
COURSE = Batch(7, "Physics", ORG)
BATCH = Batch(8, "Evening batch", ORG, BatchSource.BATCH)
URL = "https://cdn-wl-assets.classplus.co/production/42/abc.pdf"
ABSENT = object()

CLEARLY_FALSE: list[object] = [False, 0, 0.0, "0", "false", "False", " FALSE ", "no", "off"]
SAYS_NOTHING: list[object] = [ABSENT, None]
LOCKED: list[object] = [True, 1, 2, -1, 0.5, float("nan"), "1", "true", "TRUE", "yes", "on",
                        "", " ", "locked", "null", [], [0], {}, {"locked": False}]  # fmt: skip
VALUES = CLEARLY_FALSE + SAYS_NOTHING + LOCKED


def lock_fields(content_locked: object, locked: object) -> dict[str, object]:
    fields: dict[str, object] = {}
    if content_locked is not ABSENT:
        fields["isContentLocked"] = content_locked
    if locked is not ABSENT:
        fields["isLocked"] = locked
    return fields


def _locks(value: object) -> bool:
    if value is ABSENT or value is None:
        return False
    if isinstance(value, bool):
        return value
    return not any(type(value) is type(f) and value == f for f in CLEARLY_FALSE)


def document(**fields: object) -> BatchFile:
    row = {"id": 5, "name": "Notes", "contentType": 3, "format": "pdf", "url": URL, **fields}
    item = content_item(Fields(row, "/v2/course/content/get", "a content item"), COURSE, ())
    assert isinstance(item, BatchFile)
    return item


def attachment(**fields: object) -> BatchFile:
    row = {"id": 6, "fileName": "Notes.pdf", "url": URL, **fields}
    return attachment_file(Fields(row, "/v2/folder", "an attachment"), BATCH, ())


@pytest.mark.parametrize("listed_as", [document, attachment], ids=["document", "attachment"])
def test_every_combination_of_lock_flags_fails_closed(listed_as) -> None:
    wrong = []
    for content_locked, locked in product(VALUES, VALUES):
        want = _locks(content_locked) or _locks(locked)
        file = listed_as(**lock_fields(content_locked, locked))
        if file.locked != want or file.downloadable == want:
            wrong.append((content_locked, locked, file.locked))

    assert wrong == []


@pytest.mark.parametrize(
    ("flags", "locked"),
    [
        ({"isContentLocked": False, "isLocked": 1}, True),  # the first key no longer wins
        ({"isContentLocked": 0, "isLocked": True}, True),
        ({"isContentLocked": "on"}, True),
        ({"isLocked": "locked"}, True),
        ({"isContentLocked": 0, "isLocked": "false"}, False),
        ({"isContentLocked": None, "isLocked": None}, False),
        ({}, False),
    ],
)
def test_the_reported_cases(flags: dict[str, object], locked: bool) -> None:
    assert document(**flags).locked is locked
