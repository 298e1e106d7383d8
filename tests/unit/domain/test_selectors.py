"""Picking a batch from what a user typed: '123', 'course:123' or 'batch:45'."""

import pytest

from cpbatch.domain.errors import BatchFileNotFoundError, ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchSource, Org
from cpbatch.domain.selectors import BatchSelector

ORG = Org(OrgCode("demo"), 7, "Demo Academy")
COURSE_5 = Batch(5, "Maths course", ORG, BatchSource.COURSE)
BATCH_5 = Batch(5, "Maths batch", ORG, BatchSource.BATCH)
COURSE_9 = Batch(9, "Physics", ORG, BatchSource.COURSE)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (9, BatchSelector(9)),
        ("9", BatchSelector(9)),
        ("course:9", BatchSelector(9, BatchSource.COURSE)),
        (" Batch : 45 ", BatchSelector(45, BatchSource.BATCH)),
    ],
)
def test_selector_parses_a_bare_id_or_a_kind_and_id(raw: object, expected: BatchSelector) -> None:
    assert BatchSelector.parse(raw) == expected


@pytest.mark.parametrize("raw", ["video:9", ":9", "course:", "course:abc", "0", "-9", True, None])
def test_selector_rejects_unknown_kinds_and_bad_ids(raw: object) -> None:
    with pytest.raises(ValidationError):
        BatchSelector.parse(raw)


def test_a_bare_id_picks_the_only_batch_with_that_id() -> None:
    assert BatchSelector(9).pick((COURSE_5, BATCH_5, COURSE_9)) is COURSE_9


def test_a_kind_prefix_picks_between_a_course_and_a_batch_sharing_an_id() -> None:
    batches = (COURSE_5, BATCH_5, COURSE_9)

    assert BatchSelector.parse("course:5").pick(batches) is COURSE_5
    assert BatchSelector.parse("batch:5").pick(batches) is BATCH_5


def test_a_bare_id_shared_by_a_course_and_a_batch_asks_which_one() -> None:
    with pytest.raises(ValidationError, match=r"course:5.*batch:5"):
        BatchSelector(5).pick((COURSE_5, BATCH_5))


def test_a_batch_not_in_the_listing_is_not_found() -> None:
    with pytest.raises(BatchFileNotFoundError):
        BatchSelector(77).pick((COURSE_5, COURSE_9))


def test_the_right_id_of_the_wrong_kind_is_not_found() -> None:
    with pytest.raises(BatchFileNotFoundError):
        BatchSelector.parse("batch:9").pick([COURSE_9])
