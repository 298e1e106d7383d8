"""Typed, tolerant reads of upstream JSON objects. Errors name the endpoint path only."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from cpbatch.adapters.classplus.errors import upstream_shape_error
from cpbatch.domain.errors import UpstreamError, ValidationError
from cpbatch.domain.identifiers import parse_id

_TRUE_TEXT = frozenset({"1", "true", "yes", "on"})
_FALSE_TEXT = frozenset({"0", "false", "no", "off"})


class Fields:
    """One JSON object from `path`, described as `what` ("a course") in error messages.

    Readers take several keys and use the first one present and not null. Optional readers
    return None for absent values and raise UpstreamError for mistyped ones."""

    def __init__(self, obj: object, path: str, what: str) -> None:
        if not isinstance(obj, dict):
            raise upstream_shape_error(path, f"{what} that is not a JSON object")
        self.raw: dict[str, Any] = obj
        self.path = path
        self.what = what

    def _get(self, keys: tuple[str, ...]) -> tuple[str, object]:
        for key in keys:
            value = self.raw.get(key)
            if value is not None:
                return key, value
        return keys[0], None

    def _bad(self, key: str) -> UpstreamError:
        return upstream_shape_error(self.path, f"{self.what} whose '{key}' is not valid")

    def id(self, *keys: str) -> int:
        key, value = self._get(keys)
        if value is None:
            raise upstream_shape_error(self.path, f"{self.what} without '{key}'")
        try:
            return parse_id(value)
        except ValidationError:
            raise self._bad(key) from None

    def optional_id(self, *keys: str) -> int | None:
        key, value = self._get(keys)
        return None if value is None else self.id(key)

    def text(self, *keys: str) -> str | None:
        key, value = self._get(keys)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self._bad(key)

    def number(self, *keys: str) -> float | None:
        key, value = self._get(keys)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self._bad(key)
        try:
            if isinstance(value, int | float):
                number = float(value)
            elif isinstance(value, str):
                number = float(value.strip())
            else:
                raise self._bad(key)
        except (ValueError, OverflowError):
            raise self._bad(key) from None
        if not math.isfinite(number):  # "inf", "nan", 1e400, JSON Infinity: not a count
            raise self._bad(key)
        return number

    def flag(self, *keys: str) -> bool:
        """Clearly true in any of the spellings upstream uses (true, 1, "1", "true", "yes",
        "on"); anything else is False. For flags that grant something, such as a purchase."""
        _, value = self._get(keys)
        if isinstance(value, str):
            return value.strip().lower() in _TRUE_TEXT
        if isinstance(value, bool | int | float):
            return math.isfinite(value) and value != 0
        return False

    def any_not_false(self, *keys: str) -> bool:
        """Fail closed: True when ANY of `keys` holds a value that is not clearly false (false,
        0, "0", "false", "no", "off"); "on", "", 2 or "locked" count as set. Absent and null
        keys say nothing. For flags that withhold something, such as locks."""
        return any(
            not _clearly_false(self.raw[key]) for key in keys if self.raw.get(key) is not None
        )

    def objects(self, key: str, what: str, *, required: bool = True) -> list[Fields]:
        """The list at `key`, each element a Fields; absent -> [] unless required."""
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise upstream_shape_error(self.path, f"{self.what} without a '{key}' list")
        return [Fields(item, self.path, what) for item in value]

    def child(self, key: str) -> Fields | None:
        value = self.raw.get(key)
        return Fields(value, self.path, f"a '{key}'") if isinstance(value, dict) else None

    def time(self, *keys: str) -> datetime | None:
        """A timestamp in any of the forms seen (ISO text, 'YYYY/MM/DD', epoch s or ms);
        unparsable values are None: no listing fails over a date."""
        _, value = self._get(keys)
        return parse_time(value)


def _clearly_false(value: object) -> bool:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str):
        return value.strip().lower() in _FALSE_TEXT
    return False


def parse_time(value: object) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for attempt in (text, text.replace("/", "-")):
        try:
            parsed = datetime.fromisoformat(attempt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
