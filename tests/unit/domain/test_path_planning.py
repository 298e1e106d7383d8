"""plan_relative_paths: every file of a batch gets its own stable path under <org>/<batch>/."""

import random
from pathlib import PurePosixPath

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, FileKind, Org
from cpbatch.domain.naming import plan_relative_paths

ORG = Org(OrgCode("demo"), 7, "Demo Academy")
PHYSICS = Batch(12, "Physics", ORG)


def doc(file_id: int, name: str, *folders: str) -> BatchFile:
    return BatchFile(file_id, PHYSICS, folders, name, FileKind.DOCUMENT, "v1", url="https://x")


def test_path_is_org_then_batch_folder_then_content_folders_then_name() -> None:
    paths = plan_relative_paths([doc(1, "notes.pdf", "Unit 1", "Week: 2")])

    assert paths == {1: PurePosixPath("demo", "Physics (12)", "Unit 1", "Week_ 2", "notes.pdf")}


def test_clashing_names_are_told_apart_by_id_and_the_lowest_id_keeps_the_plain_name() -> None:
    paths = plan_relative_paths([doc(30, "notes.pdf"), doc(4, "notes.pdf"), doc(17, "notes.pdf")])

    assert {i: p.name for i, p in paths.items()} == {
        4: "notes.pdf",
        17: "notes (17).pdf",
        30: "notes (30).pdf",
    }


def test_names_differing_only_in_case_clash_too() -> None:
    paths = plan_relative_paths([doc(2, "Notes.PDF"), doc(1, "notes.pdf")])

    assert paths[1].name == "notes.pdf"
    assert paths[2].name == "Notes (2).PDF"


def test_names_that_clash_only_after_sanitizing_are_told_apart() -> None:
    paths = plan_relative_paths([doc(1, "a:b.pdf"), doc(2, "a?b.pdf")])

    assert paths[1] != paths[2]


def test_the_same_name_in_different_folders_does_not_clash() -> None:
    paths = plan_relative_paths([doc(1, "notes.pdf", "A"), doc(2, "notes.pdf", "B")])

    assert paths[1].name == paths[2].name == "notes.pdf"


def test_a_tagged_name_never_takes_the_path_of_another_file() -> None:
    files = [doc(1, "notes.pdf"), doc(5, "notes (42).pdf"), doc(42, "notes.pdf")]

    paths = plan_relative_paths(files)

    assert len(set(paths.values())) == 3
    assert paths[5].name == "notes (42).pdf"  # a file's own name wins over another's tag


def test_folders_differing_only_in_case_merge_under_the_lowest_ids_spelling() -> None:
    paths = plan_relative_paths([doc(2, "a.pdf", "notes"), doc(1, "a.pdf", "Notes")])

    assert paths[1].parts[2:] == ("Notes", "a.pdf")
    assert paths[2].parts[2:] == ("Notes", "a (2).pdf")  # case-insensitive filesystems agree


@pytest.mark.parametrize("file_name", ["Unit 1", "unit 1"])
def test_a_file_never_lands_on_the_path_of_a_folder(file_name: str) -> None:
    paths = plan_relative_paths([doc(1, file_name), doc(2, "a.pdf", "Unit 1")])

    folder_of_2 = str(paths[2].parent).casefold()
    assert str(paths[1]).casefold() != folder_of_2


def test_a_folder_named_with_dots_and_spaces_cannot_climb_out_of_the_destination() -> None:
    path = plan_relative_paths([doc(1, "x.pdf", ". ... .", ". ... .", ". ... .")])[1]

    assert ".." not in path.parts


# -- properties ----------------------------------------------------------------------------

NAMES = st.sampled_from(["a.pdf", "A.pdf", "a.PDF", "b.pdf", "a", "a?.pdf", "a:.pdf", ""])
FOLDERS = st.lists(st.sampled_from(["x", "y", "x y", "x:y"]), max_size=2).map(tuple)
FILES = st.lists(st.tuples(NAMES, FOLDERS), max_size=12).map(
    lambda specs: [doc(10 + i * 7, name, *folders) for i, (name, folders) in enumerate(specs)]
)


@given(FILES)
def test_every_file_gets_a_path_of_its_own(files: list[BatchFile]) -> None:
    paths = plan_relative_paths(files)

    assert set(paths) == {f.id for f in files}
    assert len({str(p).casefold() for p in paths.values()}) == len(files)


@given(FILES, st.randoms())
def test_paths_do_not_depend_on_listing_order(files: list[BatchFile], rnd: random.Random) -> None:
    shuffled = list(files)
    rnd.shuffle(shuffled)

    assert plan_relative_paths(shuffled) == plan_relative_paths(files)


@given(FILES, st.integers(min_value=1, max_value=5))
def test_a_new_file_with_a_higher_id_never_renames_existing_ones(
    files: list[BatchFile], count: int
) -> None:
    before = plan_relative_paths(files)
    newcomers = [doc(10_000 + i, f.name, *f.folder_path) for i, f in enumerate(files[:count])]

    after = plan_relative_paths([*files, *newcomers])

    assert {i: after[i] for i in before} == before


@given(st.lists(st.tuples(st.text(), st.lists(st.text(), max_size=3)), min_size=1, max_size=6))
@example([("x.pdf", [". ... .", ". ... ."])])
def test_paths_are_relative_and_stay_inside_the_destination(
    specs: list[tuple[str, list[str]]],
) -> None:
    files = [doc(i + 1, name, *folders) for i, (name, folders) in enumerate(specs)]

    for path in plan_relative_paths(files).values():
        assert not path.is_absolute()
        assert path.parts[:2] == ("demo", "Physics (12)")
        assert not {".", ".."} & set(path.parts)
