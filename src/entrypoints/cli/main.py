"""`cpbatch` entry point: settings, logging, container, command, exit code."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence

import structlog
from rich.console import Console

from cpbatch.application.logs import bound
from cpbatch.domain.errors import CpbatchError, ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.selectors import BatchSelector
from cpbatch.entrypoints import presenters
from cpbatch.entrypoints.bootstrap import running
from cpbatch.entrypoints.cli.commands import COMMANDS, CommandContext
from cpbatch.entrypoints.cli.exit_codes import ExitCode, exit_code_for
from cpbatch.entrypoints.cli.parser import build_parser
from cpbatch.entrypoints.cli.safe_text import shown
from cpbatch.entrypoints.config import Settings, load_settings
from cpbatch.entrypoints.logging_setup import configure_logging

log = structlog.get_logger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = Console(stderr=True, highlight=False, emoji=False)
    if args.command == "secret-key":
        from cpbatch.adapters.crypto import generate_secret_key  # only this command needs it

        sys.stdout.write(generate_secret_key() + "\n")
        return ExitCode.OK
    with bound(**_log_context(args)):
        return _main(args, err)


def _log_context(args: argparse.Namespace) -> dict[str, object]:
    """What every line of this command carries. Not for `bot`: its lines carry the user, org
    and batch of the update they belong to."""
    if args.command == "bot":
        return {}
    return {
        "command": args.command,
        "org": _as_parsed(OrgCode.parse, getattr(args, "org_code", None)),
        "batch": _as_parsed(BatchSelector.parse, getattr(args, "batch", None)),
    }


def _as_parsed(parse: Callable[[str], object], typed: str | None) -> str | None:
    """As the bot logs it ('LearnWell' -> 'learnwell'); as typed when it does not parse."""
    if typed is None:
        return None
    try:
        return str(parse(typed))
    except ValidationError:
        return typed


def _main(args: argparse.Namespace, err: Console) -> int:
    # The redacting pipeline goes in before anything can fail: an error while reading the
    # settings must not reach structlog's defaults, whose tracebacks print local variables.
    configure_logging(args.log_level or "INFO")
    try:
        settings = load_settings(env_file=args.env_file)
        configure_logging(args.log_level or settings.log_level, settings.log_format)
        return int(asyncio.run(_run(args, settings)))
    except KeyboardInterrupt:
        err.print("Interrupted.")
        return ExitCode.INTERRUPTED
    except CpbatchError as error:
        if getattr(args, "json", False):
            sys.stdout.write(
                json.dumps({"success": False, "errors": [presenters.error_view(error)]}) + "\n"
            )
        err.print(f"[red]Error:[/red] {shown(error)}")  # the message may quote upstream names
        return exit_code_for(error)
    except Exception:
        log.exception("unexpected_error")
        err.print("[red]Error:[/red] something unexpected went wrong; the log above has details.")
        return ExitCode.UNEXPECTED


async def _run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    if args.command == "bot":
        # Imported here: Pyrogram alone takes ~0.4 s to import, which no other command needs.
        from cpbatch.entrypoints.bot_config import load_bot_settings
        from cpbatch.entrypoints.bot_runner import run_bot

        await run_bot(settings, load_bot_settings(env_file=args.env_file))
        return ExitCode.OK
    async with running(settings) as container:
        return await COMMANDS[args.command](CommandContext(args, settings, container))


if __name__ == "__main__":
    sys.exit(main())
