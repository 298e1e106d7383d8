"""The project's own logging pipeline around a block of a test, and its JSON lines read back."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from cpbatch.entrypoints.logging_setup import configure_logging


@contextmanager
def project_logging(level: str = "DEBUG", fmt: str = "json") -> Iterator[None]:
    """configure_logging as `cpbatch` runs it, to the (captured) stderr; undone after."""
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("pyrogram", "asyncio")}
    configure_logging(level, fmt)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(root_level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)
        structlog.reset_defaults()


def json_lines(stderr: str) -> list[dict[str, Any]]:
    """Every JSON log line in `stderr`, parsed; other output is left out."""
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def events(stderr: str, name: str) -> list[dict[str, Any]]:
    return [line for line in json_lines(stderr) if line["event"] == name]
