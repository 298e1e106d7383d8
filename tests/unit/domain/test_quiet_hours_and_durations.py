"""Quiet hours in a user's time zone, and durations as people write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cpbatch.domain.durations import parse_duration
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.quiet_hours import QuietHours


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_a_span_across_midnight() -> None:
    quiet = QuietHours.parse("23-07")
    assert [quiet.quiet_at(at(f"2025-03-01 {h:02d}:30")) for h in (22, 23, 0, 6, 7)] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_a_span_within_a_day_and_in_a_zone() -> None:
    lunch = QuietHours.parse("12-14", "+05:30")  # 06:30 to 08:30 UTC
    assert lunch.quiet_at(at("2025-03-01 07:00"))
    assert not lunch.quiet_at(at("2025-03-01 12:30"))
    kolkata = QuietHours.parse("23:00-07:00", "Asia/Kolkata")
    assert kolkata.quiet_at(at("2025-03-01 18:00"))  # 23:30 there
    assert str(kolkata) == "23:00–07:00 (Asia/Kolkata)"


@pytest.mark.parametrize("span", ["", "23", "23-23", "24-07", "7-25", "a-b", "23-07-01"])
def test_spans_that_are_not_spans_are_refused(span: str) -> None:
    with pytest.raises(ValidationError, match="span of hours"):
        QuietHours.parse(span)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "+15:00", "../../etc/passwd", "x" * 60])
def test_unknown_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValidationError):
        QuietHours.parse("23-07", zone)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("90s", 90), ("45", 45), ("1d", 86400)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "m", "30x", "-5m", "0", "8d", "1h 30"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_duration(text)
