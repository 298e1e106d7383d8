"""Every log line passes the redactor: tokens, passwords and file URLs never reach a log."""

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from cpbatch.application.logs import bound, get_logger
from cpbatch.entrypoints.logging_setup import REDACTED, configure_logging, redact_text

JWT = "eyJhbGciOiJIUzM4NCJ9" + ".eyJpZCI6MTIzNDU2Nzg5MH0" + ".c2lnbmF0dXJlLXBhcnQ"
BOT_TOKEN = "1234567890:" + "AA" + "b" * 33


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def test_known_secret_shapes_are_redacted_inside_free_text() -> None:
    uri = "mongodb+srv://me:" + "pa55word" + "@cluster0/x"  # built here: no literal secret
    text = f"calling with {JWT} and bot {BOT_TOKEN} on {uri}"

    cleaned = redact_text(text)

    assert JWT not in cleaned
    assert BOT_TOKEN not in cleaned
    assert "pa55word" not in cleaned
    assert "mongodb+srv://me:" + "[redacted]" + "@cluster0/x" in cleaned


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_structlog_and_stdlib_lines_are_redacted(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("DEBUG", fmt)
    structlog.get_logger("test").info("login", token=JWT, note=f"header was {JWT}")
    logging.getLogger("cpbatch.application.test").warning("plain stdlib line carrying %s", JWT)
    try:
        raise RuntimeError(f"upstream said {JWT}")
    except RuntimeError:
        structlog.get_logger("test").exception("failed", url="https://cdn.example/secret.pdf")

    err = capsys.readouterr().err
    assert JWT not in err
    assert "secret.pdf" not in err
    assert REDACTED in err
    if fmt == "json":
        lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert {line["event"] for line in lines} >= {"login", "failed"}


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_bound_and_application_fields_are_redacted_too(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mobile, otp = "9876501234", "369611"
    configure_logging("DEBUG", fmt)
    with bound(user_id=11, org="demo", token=JWT, mobile=mobile):
        get_logger("cpbatch.application.test").info(
            "login_step", otp=otp, phone=mobile, note=f"pasted {BOT_TOKEN}"
        )
        structlog.get_logger("test").info("adapter_step", session_string="s" * 40)

    err = capsys.readouterr().err
    for secret in (JWT, BOT_TOKEN, mobile, otp, "s" * 40):
        assert secret not in err
    assert "login_step" in err
    assert "adapter_step" in err
    if fmt == "json":
        lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert [(line["user_id"], line["token"], line["mobile"]) for line in lines] == [
            (11, REDACTED, REDACTED)
        ] * 2
