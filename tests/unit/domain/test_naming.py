"""Where files land: safe single path components and stable, collision-free relative paths."""

import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, BatchSource, FileKind, Org
from cpbatch.domain.naming import (
    MAX_NAME_BYTES,
    batch_dir_name,
    sanitize_name,
    with_suffix_tag,
)

ORG = Org(OrgCode("demo"), 7, "Demo Academy")
PHYSICS = Batch(12, "Physics", ORG)


def doc(file_id: int, name: str, *folders: str, batch: Batch = PHYSICS) -> BatchFile:
    return BatchFile(file_id, batch, folders, name, FileKind.DOCUMENT, "v1", url="https://x")


# -- sanitize_name: examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("notes.pdf", "notes.pdf"),
        ("Chapter 1: Intro/Part?.pdf", "Chapter 1_ Intro_Part_.pdf"),
        ('a\\b*c"d<e>f|g.png', "a_b_c_d_e_f_g.png"),
        ("  lots   of  space .pdf ", "lots of space .pdf"),
        ("...hidden.", "hidden"),
        ("tab\there\nnow", "tab_here_now"),
        ("e\u0301te\u0301.pdf", "été.pdf"),  # decomposed accents become composed (NFC)
        ("invoice\u202efdp.exe", "invoice_fdp.exe"),  # bidi override cannot fake an extension
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1"),
    ],
)
def test_sanitize_name_examples(raw: str, expected: str) -> None:
    assert sanitize_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", ".", "..", "...", " . ", " .. ", "\u00a0"])
def test_sanitize_name_uses_the_fallback_when_nothing_is_left(raw: str) -> None:
    assert sanitize_name(raw) == "untitled"
    assert sanitize_name(raw, fallback="folder") == "folder"


def test_sanitize_name_truncates_long_names_but_keeps_the_extension() -> None:
    name = sanitize_name("ह" * 200 + ".pdf")  # 3 bytes per character

    assert name.endswith(".pdf")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert set(name.removesuffix(".pdf")) == {"ह"}  # cut between characters, never inside one


def test_sanitize_name_does_not_treat_a_long_or_spaced_tail_as_an_extension() -> None:
    assert sanitize_name("a" * 300 + ".this-is-not-an-extension").startswith("a" * 200)
    assert sanitize_name("Dr. Who and friends") == "Dr. Who and friends"


@pytest.mark.parametrize("raw", [". .. .", ". ... ."])
def test_sanitize_name_never_returns_a_dot_reference(raw: str) -> None:
    assert sanitize_name(raw) not in {".", ".."}


# -- sanitize_name: properties -------------------------------------------------------------


@given(st.text())
def test_sanitized_name_has_no_path_separator(raw: str) -> None:
    name = sanitize_name(raw)

    assert "/" not in name
    assert "\\" not in name


@given(st.text())
def test_sanitized_name_fits_255_utf8_bytes_and_is_never_empty(raw: str) -> None:
    name = sanitize_name(raw)

    assert 0 < len(name.encode()) <= MAX_NAME_BYTES


@given(st.text())
@example("bad\x9bname.pdf")
def test_sanitized_name_has_no_control_characters(raw: str) -> None:
    assert not [ch for ch in sanitize_name(raw) if unicodedata.category(ch) == "Cc"]


@given(st.text())
@example(". ... .")
def test_sanitized_name_is_never_a_dot_reference(raw: str) -> None:
    assert sanitize_name(raw) not in {".", ".."}


ORDINARY_STEM = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9_ -]*[A-Za-z0-9])?", fullmatch=True)
ORDINARY_EXT = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)


@given(ORDINARY_STEM, ORDINARY_EXT)
def test_sanitized_name_keeps_the_extension_of_ordinary_names(stem: str, ext: str) -> None:
    expected = " ".join(stem.split()) + f".{ext}"  # runs of spaces collapse to one

    assert sanitize_name(f"{stem}.{ext}") in {expected, f"_{expected}"}  # '_' marks CON, AUX...


@given(ORDINARY_STEM, ORDINARY_EXT, st.integers(min_value=250, max_value=400))
def test_truncation_keeps_the_extension(stem: str, ext: str, length: int) -> None:
    name = sanitize_name((stem * length)[:length] + f".{ext}")

    assert name.endswith(f".{ext}")
    assert len(name.encode()) <= MAX_NAME_BYTES


# -- suffix tags and batch folders ---------------------------------------------------------


def test_suffix_tag_goes_before_the_extension() -> None:
    assert with_suffix_tag("notes.pdf", "42") == "notes (42).pdf"
    assert with_suffix_tag("README", "42") == "README (42)"


def test_suffix_tag_goes_after_a_dot_suffix_that_is_no_extension() -> None:
    assert with_suffix_tag("Chapter 3.1", "42") == "Chapter 3.1 (42)"
    assert with_suffix_tag("Class 10.Physics", "42") == "Class 10.Physics (42)"
    assert with_suffix_tag("Scan.PDF", "42") == "Scan (42).PDF"


def test_batch_folders_keep_their_names_of_earlier_versions() -> None:
    # Batch folders are not files: their tag placement never moved, so no batch moves folder.
    assert batch_dir_name(Batch(7, "Class 10.Physics", ORG)) == "Class 10 (7).Physics"


def test_suffix_tag_still_fits_255_bytes() -> None:
    tagged = with_suffix_tag("n" * 251 + ".pdf", "123456789")

    assert tagged.endswith(" (123456789).pdf")
    assert len(tagged.encode()) <= MAX_NAME_BYTES


def test_batch_folder_always_carries_the_id_and_the_kind_of_batch() -> None:
    assert batch_dir_name(PHYSICS) == "Physics (12)"
    assert batch_dir_name(Batch(12, "Physics", ORG, BatchSource.BATCH)) == "Physics (batch 12)"
    assert batch_dir_name(Batch(3, " / ", ORG)) == "_ (3)"
    assert batch_dir_name(Batch(3, "", ORG)) == "batch (3)"
