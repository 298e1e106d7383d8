"""The run's result table: every setup phase and scenario step with its result and seconds,
printed at the end of `make e2e-telegram` (a pytest plugin registered by the conftest)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

PLUGIN_NAME = "tg-e2e-results"
_HERE = "e2e/telegram/"
SETUP = "setup:"  # how the environment's phases are named


@dataclass
class Row:
    step: str
    result: str
    seconds: float


def step_name(test_name: str) -> str:
    """'test_07_file_tap_sends_the_document' -> '07 file tap sends the document'."""
    return test_name.removeprefix("test_").replace("_", " ")


class ResultTable:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    @contextmanager
    def phase(self, step: str) -> Iterator[None]:
        """Time a setup or teardown phase of the environment."""
        started = time.monotonic()
        try:
            yield
        except BaseException as error:
            result = "skipped" if type(error).__name__ == "Skipped" else "error"
            self.rows.append(Row(step, result, time.monotonic() - started))
            raise
        self.rows.append(Row(step, "passed", time.monotonic() - started))

    def pytest_runtest_logreport(self, report: Any) -> None:
        if _HERE not in report.nodeid:
            return
        name = step_name(report.nodeid.rsplit("::", 1)[-1])
        if report.when == "call":
            self.rows.append(Row(name, report.outcome, report.duration))
        elif report.when == "setup" and report.outcome != "passed":
            result = "skipped" if report.skipped else "error"
            self.rows.append(Row(name, result, report.duration))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not any(row.step.startswith(SETUP) for row in self.rows):
            return  # the environment never came up (no piltover, or not the E2E venv)
        width = max(len(row.step) for row in self.rows)
        write = terminalreporter.write_line
        terminalreporter.section("telegram end-to-end: results")
        write(f"| {'step'.ljust(width)} | result  | seconds |")
        write(f"|{'-' * (width + 2)}|---------|---------|")
        for row in self.rows:
            write(f"| {row.step.ljust(width)} | {row.result.ljust(7)} | {row.seconds:7.1f} |")
        total = sum(row.seconds for row in self.rows)
        passed = sum(row.result == "passed" for row in self.rows)
        write(f"{passed} of {len(self.rows)} passed; {total:.1f} s in all")
