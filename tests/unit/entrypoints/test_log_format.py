"""One line format for every layer: the application's key/values and the fields bound around a
line are fields of the line, in console and JSON output alike."""

import asyncio
import logging

import pytest
import structlog

from cpbatch.application.logs import bound, bound_fields, get_logger
from support.log_lines import events, json_lines, project_logging

app_log = get_logger("cpbatch.application.probe")
adapter_log = structlog.get_logger("cpbatch.adapters.probe")


def test_application_lines_are_events_with_fields_in_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with project_logging("INFO", "json"), bound(user_id=11, org="demo"):
        app_log.info("bot_job_started", active=2, batch="course:12")

    [line] = json_lines(capsys.readouterr().err)
    assert line["event"] == "bot_job_started"
    assert (line["user_id"], line["org"], line["batch"], line["active"]) == (
        11,
        "demo",
        "course:12",
        2,
    )
    assert (line["level"], line["logger"]) == ("info", "cpbatch.application.probe")


def test_application_lines_render_their_fields_on_the_console(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with project_logging("INFO", "console"), bound(user_id=11, org="demo"):
        app_log.warning("bot_progress_edit_failed", part=3)

    err = capsys.readouterr().err
    assert "bot_progress_edit_failed" in err
    for field in ("user_id=11", "org=demo", "part=3"):
        assert field in err


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_structlog_lines_carry_the_bound_fields_too(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with project_logging("INFO", fmt):
        with bound(org="demo"):
            adapter_log.info("classplus_request_retried", attempt=2)
        structlog.contextvars.bind_contextvars(request_id="r-1")  # structlog's own route
        try:
            app_log.info("verify_repaired", records=1)
        finally:
            structlog.contextvars.clear_contextvars()

    err = capsys.readouterr().err
    if fmt == "json":
        [retried] = events(err, "classplus_request_retried")
        [repaired] = events(err, "verify_repaired")
        assert (retried["org"], retried["attempt"]) == ("demo", 2)
        assert (repaired["request_id"], repaired["records"]) == ("r-1", 1)
        assert "org" not in repaired  # the block is over
    else:
        assert "org=demo" in err
        assert "request_id=r-1" in err


def test_a_lines_own_fields_win_and_record_attribute_names_are_fine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with project_logging("INFO", "json"), bound(command="sync", batch=None):
        app_log.info("bot_access_refused", command="sync_org", name="x", args="y", msg="z")

    [line] = json_lines(capsys.readouterr().err)
    assert line["command"] == "sync_org"
    assert (line["name"], line["args"], line["msg"]) == ("x", "y", "z")
    assert "batch" not in line  # None is left out


def test_an_exception_line_keeps_its_traceback_and_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with project_logging("INFO", "json"):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            app_log.exception("sync_file_unexpected_error", file_id=7)

    [line] = json_lines(capsys.readouterr().err)
    assert line["file_id"] == 7
    assert "RuntimeError: boom" in line["exception"]


def test_lines_below_the_level_are_not_built(capsys: pytest.CaptureFixture[str]) -> None:
    with project_logging("WARNING", "json"):
        app_log.info("bot_job_started")
        app_log.debug("bot_job_started")

    assert json_lines(capsys.readouterr().err) == []


async def test_tasks_keep_the_fields_bound_where_they_were_created() -> None:
    with bound(user_id=11):
        task = asyncio.create_task(_fields_later())
        with bound(org="demo"):
            inner = asyncio.create_task(_fields_later())
    assert bound_fields() == {}

    assert await task == {"user_id": 11}
    assert await inner == {"user_id": 11, "org": "demo"}


async def _fields_later() -> dict[str, object]:
    await asyncio.sleep(0)  # the creator's block has ended by now
    return dict(bound_fields())


def test_application_records_name_their_caller(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)

    app_log.info("probe_line")

    [record] = caplog.records
    assert (record.getMessage(), record.filename) == ("probe_line", "test_log_format.py")
