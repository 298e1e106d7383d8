"""Known extensions: Python's built-in mimetypes table and the formats ClassPlus serves."""

from __future__ import annotations

import pytest

from cpbatch.domain.extensions import split_extension


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.pdf", ("notes", "pdf")),
        ("Notes.PDF", ("Notes", "PDF")),
        ("report.docx", ("report", "docx")),
        ("Chapter 3.1", ("Chapter 3.1", "")),
        ("Notes v1.2", ("Notes v1.2", "")),
        ("Class 10.Physics", ("Class 10.Physics", "")),
        ("Dr. Who", ("Dr. Who", "")),
        (".pdf", (".pdf", "")),
        ("README", ("README", "")),
    ],
)
def test_only_a_known_extension_is_split_off(name: str, expected: tuple[str, str]) -> None:
    assert split_extension(name) == expected
