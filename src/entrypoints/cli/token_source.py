"""The token a command acts with: `--token` (`-` reads it from standard input), else
CLASSPLUS_TOKEN, else the login stored for the command's org by `cpbatch login`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rich.console import Console

from cpbatch.domain.identifiers import AccessToken
from cpbatch.entrypoints.bootstrap import resolved
from cpbatch.entrypoints.cli import prompts
from cpbatch.entrypoints.cli.login_render import expiry_warning
from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container

FROM_STDIN = "-"


async def command_token(
    args: argparse.Namespace, settings: Settings, container: Container, err: Console
) -> AccessToken:
    """Warns on `err` when a stored login expires within LOGIN_EXPIRY_WARNING_DAYS; call it
    once per command."""
    if args.token == FROM_STDIN:
        return AccessToken.parse(prompts.read_token_from_stdin())
    given = args.token or settings.classplus_token
    if given:
        return AccessToken.parse(given)
    logins = await resolved(container.cli_logins())
    usable = await logins.token_for(args.org_code)
    if usable.expires_soon:
        err.print(expiry_warning(usable.login, datetime.now(UTC)), markup=False)
    return usable.token
