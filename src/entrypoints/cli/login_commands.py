"""`cpbatch login`, `logout` and `status`: the command line's stored logins.

Login proves the token with ClassPlus before it is kept (VerifyOtp, CheckToken), and keeps it
encrypted (CliLogins). The OTP is asked for without echo; a token can be given instead with
`--token -`, read from standard input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.models import Org
from cpbatch.entrypoints.bootstrap import resolved
from cpbatch.entrypoints.cli import login_render, prompts
from cpbatch.entrypoints.cli.exit_codes import ExitCode
from cpbatch.entrypoints.cli.safe_text import visible
from cpbatch.entrypoints.cli.token_source import FROM_STDIN

if TYPE_CHECKING:
    from cpbatch.entrypoints.cli.commands import CommandContext


async def login(ctx: CommandContext) -> ExitCode:
    lookup_org = await resolved(ctx.container.lookup_org())
    org = await lookup_org.execute(ctx.args.org_code)
    logins = await resolved(ctx.container.cli_logins())
    await logins.check_key_for(org.code.value)  # before ClassPlus texts an OTP for nothing
    if ctx.args.token:  # a token the user already has, proved like a fresh one
        token = await _given_token(ctx, org)
    else:
        token = await _token_by_otp(ctx, org)
    stored = await logins.save(org.code.value, token)
    if ctx.args.json:
        ctx.emit_json(login_render.login_view(stored))
    else:
        login_render.show_logged_in(ctx.out, org, stored)
    return ExitCode.OK


async def logout(ctx: CommandContext) -> ExitCode:
    logins = await resolved(ctx.container.cli_logins())
    count = await logins.forget(ctx.args.org_code)
    if ctx.args.json:
        ctx.emit_json({"org_code": ctx.args.org_code, "deleted": count})
    else:
        login_render.show_logged_out(ctx.out, ctx.args.org_code, count)
    return ExitCode.OK


async def status(ctx: CommandContext) -> ExitCode:
    logins = await resolved(ctx.container.cli_logins())
    found = await logins.logins()
    if ctx.args.json:
        ctx.emit_json({"logins": [login_render.login_view(login) for login in found]})
    else:
        login_render.show_logins(ctx.out, found, datetime.now(UTC))
    return ExitCode.OK


async def _token_by_otp(ctx: CommandContext, org: Org) -> AccessToken:
    mobile = prompts.ask(
        f"Mobile number registered with {visible(org.name)}: ",
        "No mobile number given: not logged in.",
    )
    request_otp = await resolved(ctx.container.request_otp())
    session_id = await request_otp.execute(org, mobile)
    otp = prompts.ask_secret(
        "OTP ClassPlus sent to that number (not shown): ", "No OTP given: not logged in."
    )
    verify_otp = await resolved(ctx.container.verify_otp())
    return await verify_otp.execute(org, mobile, session_id, otp)


async def _given_token(ctx: CommandContext, org: Org) -> AccessToken:
    raw = prompts.read_token_from_stdin() if ctx.args.token == FROM_STDIN else ctx.args.token
    token = AccessToken.parse(raw)
    check_token = await resolved(ctx.container.check_token())
    await check_token.execute(org, token)
    return token
