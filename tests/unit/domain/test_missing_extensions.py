"""Upstream names often lack an extension; the file's type supplies one on disk."""

from pathlib import PurePosixPath

import pytest

from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, FileKind, Org
from cpbatch.domain.naming import plan_relative_paths, with_extension


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [
        ("Chapter 1 Notes", "application/pdf", "Chapter 1 Notes.pdf"),
        ("photo", "image/jpeg", "photo.jpg"),
        ("v 1.2 notes", "application/pdf", "v 1.2 notes.pdf"),
        ("already.pdf", "image/png", "already.pdf"),
        ("no type", None, "no type"),
        ("odd type", "application/x-cpbatch-unknown", "odd type"),
        ("Chapter 3.1", "application/pdf", "Chapter 3.1.pdf"),
        ("Notes v1.2", "application/pdf", "Notes v1.2.pdf"),
        ("Class 10.Physics", "application/pdf", "Class 10.Physics.pdf"),
        ("Dr.Ambedkar", "application/pdf", "Dr.Ambedkar.pdf"),
        ("Scan.PDF", "application/pdf", "Scan.PDF"),
        ("Slides.pptx", "application/pdf", "Slides.pptx"),
        ("Archive.tar.gz", "application/zip", "Archive.tar.gz"),
    ],
)
def test_an_extension_is_added_only_when_missing_and_known(
    name: str, mime: str | None, expected: str
) -> None:
    assert with_extension(name, mime) == expected


def test_planned_paths_carry_the_added_extension_and_stay_distinct() -> None:
    org = Org(OrgCode("demo"), 1, "Demo")
    batch = Batch(5, "Physics", org)
    files = [
        BatchFile(
            1, batch, (), "Notes", FileKind.DOCUMENT, "v", url="u", mime_type="application/pdf"
        ),
        BatchFile(2, batch, (), "Notes.pdf", FileKind.DOCUMENT, "v", url="u"),
    ]

    paths = plan_relative_paths(files)

    assert paths[1] == PurePosixPath("demo", "Physics (5)", "Notes.pdf")
    assert paths[2] == PurePosixPath("demo", "Physics (5)", "Notes (2).pdf")


def test_a_dot_suffix_that_is_no_known_extension_is_part_of_the_name() -> None:
    org = Org(OrgCode("demo"), 1, "Demo")
    batch = Batch(5, "Physics", org)
    files = [
        BatchFile(
            id_, batch, (), name, FileKind.DOCUMENT, "v", url="u", mime_type="application/pdf"
        )
        for id_, name in ((1, "Chapter 3.1"), (2, "Chapter 3.1"), (3, "Chapter 3.1.pdf"))
    ]

    paths = plan_relative_paths(files)

    assert [paths[n].name for n in (1, 2, 3)] == [
        "Chapter 3.1.pdf",
        "Chapter 3.1 (2).pdf",
        "Chapter 3.1 (3).pdf",
    ]
