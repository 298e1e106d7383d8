"""One log format in every layer: each logging call in src names a snake_case event as a plain
literal and passes its values as keywords, never formatted into the text (no %-args, f-strings
or concatenation). Checked on the syntax tree, so no call escapes by not running in a test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
LEVELS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "msg"}
LOGGER_NAME = re.compile(r"_?(log|logger|logging)$")
EVENT = re.compile(r"[a-z][a-z0-9_]*")
FORWARDER = "application/logs.py"  # passes its callers' events on; they are checked
ROOT_SETUP = "entrypoints/logging_setup.py"  # may hold standard-library loggers: it routes them


def _logger_receiver(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return bool(LOGGER_NAME.fullmatch(node.id))
    if isinstance(node, ast.Attribute):
        return bool(LOGGER_NAME.fullmatch(node.attr))
    if isinstance(node, ast.Call):  # get_logger(...).info(...)
        return _called_name(node).lower() in {"get_logger", "getlogger"}
    return False


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def problems_in(source: str) -> list[str]:
    """What is wrong with the logging calls in `source`, one entry per offending call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr == "getLogger" and _logger_receiver(node.func.value):
            found.append(f"line {node.lineno}: a standard-library logger")
            continue
        if node.func.attr not in LEVELS | {"log"} or not _logger_receiver(node.func.value):
            continue
        args = node.args[1:] if node.func.attr == "log" else node.args
        event = args[0] if args else None
        if not (isinstance(event, ast.Constant) and isinstance(event.value, str)):
            found.append(f"line {node.lineno}: the event is not a plain string literal")
        elif not EVENT.fullmatch(event.value):
            found.append(f"line {node.lineno}: event {event.value!r} is not snake_case")
        if len(args) > 1:
            found.append(f"line {node.lineno}: positional values (format them as keywords)")
    return found


def test_every_logging_call_in_src_is_an_event_with_key_values() -> None:
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 100  # the scan really covers the source tree

    found = {}
    for path in modules:
        where = path.relative_to(SRC).as_posix()
        wrong = [] if where == FORWARDER else problems_in(path.read_text(encoding="utf-8"))
        if where == ROOT_SETUP:
            wrong = [p for p in wrong if not p.endswith("a standard-library logger")]
        if wrong:
            found[where] = wrong

    assert found == {}


@pytest.mark.parametrize(
    "call",
    [
        'log.info("bot_job_started user_id=%s", user_id)',
        'log.warning(f"refused {user_id}")',
        'log.error("failed: " + reason)',
        'log.info("job %s" % kind)',
        'log.info("Job started")',
        'self._log.debug("x_y", value)',
        'logger.log(logging.INFO, "a=%d", 1)',
        'logging.getLogger(__name__).info("event_name")',
        'structlog.get_logger().info("event %s", x)',
    ],
)
def test_the_check_catches_formatted_log_calls(call: str) -> None:
    assert problems_in(call)


@pytest.mark.parametrize(
    "call",
    [
        'log.info("bot_job_started", active=3)',
        'log.exception("sync_file_unexpected_error", file_id=file.id)',
        'self._log.log(logging.INFO, "event_name", key="value")',
        'parser.error("a %s", x)',  # not a logger
    ],
)
def test_the_check_passes_event_calls(call: str) -> None:
    assert problems_in(call) == []
