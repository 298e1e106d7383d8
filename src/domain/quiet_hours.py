"""Quiet hours: a daily span of hours, in a user's time zone, when deliveries wait."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cpbatch.domain.errors import ValidationError

_SPAN = re.compile(r"^(\d{1,2})(?::00)?-(\d{1,2})(?::00)?$")
_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
USAGE = "Quiet hours are written START-END in whole hours, e.g. 23-07 (23:00 to 07:00)."


def parse_zone(raw: str) -> str:
    """A time zone name as users type it: 'Asia/Kolkata', 'UTC', '+05:30', 'UTC-3'."""
    text = raw.strip()
    if text.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    zone_of(text)  # raises ValidationError for an unknown zone
    return text


def zone_of(name: str) -> tzinfo:
    """The tzinfo behind a stored zone name. Raises ValidationError for an unknown one."""
    if name.upper() == "UTC":
        return UTC
    match = _OFFSET.fullmatch(name)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            raise ValidationError(f"{name!r} is not a UTC offset (from -12:00 to +14:00).")
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign == "-" else delta)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+/-]{1,40}", name):
        raise ValidationError(f"{name[:40]!r} is not a time zone: try Asia/Kolkata or +05:30.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{name!r} is not a time zone I know: try Asia/Kolkata or +05:30."
        ) from None


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From `start` o'clock to `end` o'clock local time (crossing midnight when start > end)."""

    start: int
    end: int
    zone: str = "UTC"

    @classmethod
    def parse(cls, span: str, zone: str = "UTC") -> QuietHours:
        match = _SPAN.fullmatch(span.strip())
        if not match:
            raise ValidationError(f"{span[:20]!r} is not a span of hours. {USAGE}")
        start, end = int(match.group(1)), int(match.group(2))
        if start > 23 or end > 24 or start == end % 24:
            raise ValidationError(f"{span!r} is not a span of hours. {USAGE}")
        return cls(start, end % 24, parse_zone(zone))

    def quiet_at(self, epoch_s: float) -> bool:
        hour = datetime.fromtimestamp(epoch_s, zone_of(self.zone)).hour
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end

    def __str__(self) -> str:
        return f"{self.start:02d}:00–{self.end:02d}:00 ({self.zone})"
