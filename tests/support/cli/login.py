"""Driving `cpbatch login` against the simulator: its OTPs, its throttle, and a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiohttp

from cpbatch.entrypoints.simulator import Simulator
from cpbatch.entrypoints.simulator.otp import MAX_GENERATES_PER_IDENTIFIER, expected_otp
from support.cli.harness import Cli

ASHA = "9000000001"  # a learnwell student of the demo world
ROHAN = "9000000002"  # a brightpath student
STRANGER = "9000000099"  # registered nowhere
CTRL_C = "\x03"  # typed as it is, without Enter


def next_otp(sim: Simulator, mobile: str) -> str:
    """The OTP the simulator will text to `mobile` (its codes are fixed per world seed)."""
    return expected_otp(sim.world.seed, mobile)


def answers(mobile: str, otp: str) -> str:
    return f"{mobile}\n{otp}\n"


async def use_up_otps(sim: Simulator, org_code: str, mobile: str) -> None:
    """Ask for as many OTPs as the simulator gives a number: the next request is throttled."""
    org = sim.world.org_by_code(org_code)
    assert org is not None
    body = {"orgId": org.id, "orgCode": org_code, "mobile": mobile, "countryExt": "91"}
    async with aiohttp.ClientSession() as session:
        for _ in range(MAX_GENERATES_PER_IDENTIFIER):
            async with session.post(f"{sim.base_url}/v2/otp/generate", json=body) as answer:
                assert answer.status == 200


@dataclass
class TerminalRun:
    code: int
    output: str  # everything the terminal showed: prompts, echoed keys, stdout and stderr
    echoes_after: bool  # the terminal echoes typing again once the program has ended


def run_on_terminal(
    cli: Cli, args: Sequence[str], replies: Sequence[tuple[str, Callable[[], str]]]
) -> TerminalRun:
    """Run `cpbatch ARGS` on a pseudo-terminal (which echoes what is typed, unless the program
    turns echo off) and type each reply once its prompt has appeared. Blocking: call it
    through asyncio.to_thread so the simulator keeps serving."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cpbatch", *args, "--env-file", "/nonexistent.env"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=cli.env(None),
        # Its own session, with the pseudo-terminal as its controlling terminal: getpass
        # opens /dev/tty as it would in a person's terminal.
        start_new_session=True,
        preexec_fn=_take_the_terminal,
    )
    os.close(slave)
    output, pending, deadline = b"", list(replies), time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the program exited and the terminal closed
                break
            if not chunk:
                break
            output += chunk
            if pending and pending[0][0].encode() in output:
                reply = pending.pop(0)[1]()
                os.write(master, reply.encode() + (b"" if reply == CTRL_C else b"\n"))
        code = process.wait(timeout=10)
        echoes_after = bool(termios.tcgetattr(master)[3] & termios.ECHO)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    return TerminalRun(code, output.decode(errors="replace").replace("\r\n", "\n"), echoes_after)


def _take_the_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
