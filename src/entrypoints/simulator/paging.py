"""Reading limit/offset the forgiving way the upstream API seems to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def _as_int(value: Any, fallback: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return fallback


def page_window(
    params: Mapping[str, Any], default_limit: int | None, cap: int | None
) -> tuple[int | None, int]:
    """(limit, offset) from query or body params. `default_limit=None` means "everything" when
    no limit is sent; a sent limit is capped at `cap`."""
    offset = max(0, _as_int(params.get("offset"), 0))
    if params.get("limit") in (None, ""):
        return default_limit, offset
    limit = max(0, _as_int(params.get("limit"), default_limit or 0))
    return (limit if cap is None else min(limit, cap)), offset


def page(items: Sequence[T], limit: int | None, offset: int) -> list[T]:
    stop = None if limit is None else offset + limit
    return list(items[offset:stop])
