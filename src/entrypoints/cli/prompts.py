"""Questions the CLI asks on the terminal; prompts go to stderr, so stdout stays the answer.

A secret (an OTP, a token) is read with getpass when standard input is a terminal, so it is
never echoed; from a pipe it is read as a line, which nothing echoes either. These calls block
on purpose, on the event loop's thread: reading the answer is all the command is doing then,
and only the main thread receives Ctrl-C, which getpass needs to turn echo back on. While one
waits, Ctrl-C raises KeyboardInterrupt at once: asyncio.run's own handler would only cancel
the command's task, which a blocked read never notices until Enter is pressed.
"""

from __future__ import annotations

import getpass
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cpbatch.domain.errors import ValidationError

MAX_ANSWER_CHARS = 16384


def ask(prompt: str, missing: str) -> str:
    """One visible line; ValidationError(`missing`) at end of input or for a blank answer."""
    with _ctrl_c_interrupts():
        _prompt(prompt)
        return _answer(sys.stdin.readline(MAX_ANSWER_CHARS), missing)


def ask_secret(prompt: str, missing: str) -> str:
    """One line that is never echoed: getpass on a terminal, a plain line from a pipe."""
    with _ctrl_c_interrupts():
        if not sys.stdin.isatty():
            _prompt(prompt)
            return _answer(sys.stdin.readline(MAX_ANSWER_CHARS), missing)
        try:
            return _answer(getpass.getpass(prompt, stream=sys.stderr), missing)
        except EOFError:
            raise ValidationError(missing) from None


def read_token_from_stdin() -> str:
    """`--token -`: the token from a pipe (`pass show classplus | cpbatch ... --token -`),
    or typed unseen at a prompt. From a pipe, the first line that is not blank: password
    managers keep notes on the lines below."""
    missing = "`--token -` found no token on standard input."
    if sys.stdin.isatty():
        return ask_secret("ClassPlus token (not shown): ", missing)
    with _ctrl_c_interrupts():
        text = sys.stdin.read(MAX_ANSWER_CHARS)
    first = next((line for line in text.splitlines() if line.strip()), "")
    return _answer(first, missing)


def _prompt(prompt: str) -> None:
    # From a pipe nobody types, so no answer would end the prompt's line.
    sys.stderr.write(prompt if sys.stdin.isatty() else prompt + "\n")
    sys.stderr.flush()


def _answer(text: str, missing: str) -> str:
    answer = text.strip()
    if not answer:
        raise ValidationError(missing)
    return answer


@contextmanager
def _ctrl_c_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; there Ctrl-C is not ours to take
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    except KeyboardInterrupt:
        sys.stderr.write("\n")  # end the prompt's line: "Interrupted." goes below it
        raise
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
