"""`cpbatch watch ORG [--batch ID] -o DIR [--every 30m]`: sync new and changed files into DIR
until SIGINT or SIGTERM, one line per change."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime

from rich.console import Console

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.errors import CpbatchError
from cpbatch.domain.models import BatchFile, SyncReport
from cpbatch.domain.watch import Change
from cpbatch.entrypoints.bootstrap import resolved
from cpbatch.entrypoints.cli.exit_codes import ExitCode
from cpbatch.entrypoints.cli.safe_text import shown
from cpbatch.entrypoints.container import Container

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ChangeLines:
    """One line per new, updated or failed file; a line when a whole pass failed."""

    def __init__(self, out: Console, err: Console, every_s: float) -> None:
        self._out = out
        self._err = err
        self._every_s = every_s

    def changed(self, file: BatchFile, change: Change) -> None:
        where = " / ".join((file.batch.name, *file.folder_path, file.name))
        self._out.print(f"{_now()} {change.value:<7} {shown(where)}", soft_wrap=True)

    def failed(self, file: BatchFile, reason: str) -> None:
        where = " / ".join((file.batch.name, *file.folder_path, file.name))
        self._out.print(f"{_now()} failed  {shown(where)}: {shown(reason)}", soft_wrap=True)

    def pass_done(self, report: SyncReport | None, error: CpbatchError | None) -> None:
        if error is not None:
            self._err.print(
                f"{_now()} check failed: {shown(error)} (next try in {self._every_s:g} s)"
            )


def _now() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")


async def watch(
    container: Container,
    request: SyncRequest,
    every_s: float,
    out: Console,
    err: Console,
) -> ExitCode:
    keep_synced = await resolved(container.keep_synced())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    err.print(
        f"Watching {shown(request.org_code)} into {shown(request.destination)} every "
        f"{every_s:g} s; Ctrl+C stops."
    )
    try:
        await keep_synced.run(request, every_s, ChangeLines(out, err, every_s), stop)
    finally:
        for signum in _STOP_SIGNALS:
            loop.remove_signal_handler(signum)
    err.print("Stopped.")
    return ExitCode.OK
