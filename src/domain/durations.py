"""Durations as people write them: '30m', '2h', '1h30m', '90s', or plain seconds ('45')."""

from __future__ import annotations

import re

from cpbatch.domain.errors import ValidationError

_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(raw: str, *, low_s: float = 1.0, high_s: float = 7 * 86400.0) -> float:
    """Seconds. Raises ValidationError for anything else or outside [low_s, high_s]."""
    text = raw.strip().lower().replace(" ", "")
    try:
        seconds = float(text)
    except ValueError:
        parts = _PART.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValidationError(
                f"{raw[:20]!r} is not a duration: write it like 30m, 2h, 1h30m or 90s."
            ) from None
        seconds = sum(float(n) * _UNIT_S[u] for n, u in parts)
    if not low_s <= seconds <= high_s:
        raise ValidationError(
            f"{raw[:20]!r} is out of range: from {low_s:g} s to {high_s / 86400:g} days."
        )
    return seconds
