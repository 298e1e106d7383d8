"""The reduced chaos run of `make test` for listings: `chaos.page_caps` and
`chaos.endless_listings` at smoke size (the real CLI against simulator processes). Timings and
memory are reported by the sections, never asserted here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:  # `chaos` and `bench` live at the repository root
    sys.path.insert(0, str(REPO_ROOT))

from chaos import endless_listings, page_caps, run  # noqa: E402

pytestmark = pytest.mark.e2e


def test_every_course_and_file_is_listed_whatever_the_page_cap(tmp_path: Path) -> None:
    figures = page_caps.run("smoke", tmp_path)

    runs = figures["runs"]
    assert [r["page_cap"] for r in runs] == [*page_caps.CAPS["smoke"], None]
    for capped in runs:
        assert capped["batches_listed"] == figures["batches_expected"]
        assert capped["files_listed"] == capped["files_stored"] == figures["files_expected"]
        assert capped["sync_exit_code"] == 0
    assert run.files_lost({"page_caps": figures}) == 0


def test_an_endless_listing_fails_alone_stopped_by_its_cap(tmp_path: Path) -> None:
    figures = endless_listings.run("smoke", tmp_path)

    cases = {case["case"]: case for case in figures["cases"]}
    assert set(cases) == {case.name for case in endless_listings.CASES}
    assert {name: case["exit_code"] for name, case in cases.items()} == {
        "folder pages": 5,
        "sub-folders": 5,
        "one item a page": 5,
        "course list": 6,
    }
    for case in endless_listings.CASES:
        found = cases[case.name]
        assert (found["setting"], found["named"]) == (case.setting, True)
        assert found["failed_batches"] == ([case.endless_course] if case.endless_course else [])
        assert found["others_stored"] == found["others_expected"]
        assert (
            0
            < found["endless_requests"]
            <= int(endless_listings.CAPS["smoke"]["MAX_LISTING_PAGES"])
        )
    assert cases["course list"]["written"] == 0
