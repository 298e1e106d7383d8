"""structlog, configured once: readable console lines by default, JSON when LOG_FORMAT=json.
Standard-library loggers (the application layer's, libraries') go through the same pipeline:
the application's key/values and the fields bound with `cpbatch.application.logs.bound` (user,
org, batch) become fields of every line, and every line passes the redactor, so secrets never
reach a log."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from cpbatch.application.logs import RECORD_FIELDS, bound_fields

_SECRET_KEYS = re.compile(
    r"(token|secret|password|passwd|api_hash|authorization|otp|cookie|session_string|uri|url"
    r"|mobile|phone)",
    re.IGNORECASE,
)
_SECRET_VALUES = (
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),  # JWTs
    re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b"),  # Telegram bot tokens
    re.compile(r"(mongodb(?:\+srv)?://[^:/@\s]+:)[^@\s]+(@)"),  # passwords in Mongo URIs
)
REDACTED = "[redacted]"


def redact_text(text: str) -> str:
    for pattern in _SECRET_VALUES:
        text = pattern.sub(
            lambda m: (m.group(1) + REDACTED + m.group(2)) if m.groups() else REDACTED, text
        )
    return text


def redact_secrets(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if key != "event" and _SECRET_KEYS.search(key) and value is not None:
            event_dict[key] = REDACTED
        elif isinstance(value, str):
            event_dict[key] = redact_text(value)
    return event_dict


def add_application_fields(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """The fields bound where the line is logged, then those of the line itself (the
    application's stdlib records carry them as one attribute): the line's own win."""
    own = getattr(event_dict.get("_record"), RECORD_FIELDS, None) or {}
    return {**bound_fields(), **own, **event_dict}


def configure_logging(level: str = "INFO", fmt: str = "console", *, own_root: bool = True) -> None:
    """Route structlog and stdlib logging through the redactor to stderr. With
    own_root=False (cpbatch used as a library) a handler is installed only if the host program
    has none, and the host's level is left alone."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        add_application_fields,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        # Plain tracebacks: rich's would print every local variable (settings, tokens) of
        # every frame.
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a module's logger used before (or after) a reconfiguration would keep
        # the pipeline of its first use; the lookup costs microseconds on a few lines a second.
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact_secrets,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    if own_root:
        root.handlers[:] = [handler]
        root.setLevel(level)
    elif not root.handlers:
        root.addHandler(handler)
        root.setLevel(level)
    for noisy in ("aiohttp.access", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # pyrogram's DEBUG lines dump every MTProto message in full: what people type (OTPs,
    # mobile numbers, pasted tokens) and what the bot sends them. No redactor can tell an OTP
    # from any other number, so those lines are never let through.
    logging.getLogger("pyrogram").setLevel(max(logging.INFO, root.level))
