"""One coroutine per command: parse, call a use case, render. No business rules here."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console

from cpbatch.application.use_cases import SyncRequest
from cpbatch.domain.identifiers import AccessToken
from cpbatch.entrypoints import presenters
from cpbatch.entrypoints.bootstrap import resolved
from cpbatch.entrypoints.cli import login_commands, render, watch_command
from cpbatch.entrypoints.cli.exit_codes import ExitCode
from cpbatch.entrypoints.cli.progress import RichSyncProgress
from cpbatch.entrypoints.cli.token_source import command_token
from cpbatch.entrypoints.config import Settings
from cpbatch.entrypoints.container import Container


class CommandContext:
    def __init__(self, args: argparse.Namespace, settings: Settings, container: Container) -> None:
        self.args = args
        self.settings = settings
        self.container = container  # a command resolves only the use case it runs
        # No :emoji: codes either: names from upstream are printed as they are (see safe_text).
        self.out = Console(highlight=False, emoji=False)
        self.err = Console(stderr=True, highlight=False, emoji=False)
        self._token: AccessToken | None = None

    async def token(self) -> AccessToken:
        if self._token is None:
            self._token = await command_token(self.args, self.settings, self.container, self.err)
        return self._token

    def emit_json(self, payload: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


async def org(ctx: CommandContext) -> ExitCode:
    lookup_org = await resolved(ctx.container.lookup_org())
    found = await lookup_org.execute(ctx.args.org_code)
    if ctx.args.json:
        ctx.emit_json(presenters.org_view(found))
    else:
        render.show_org(ctx.out, found)
    return ExitCode.OK


async def batches(ctx: CommandContext) -> ExitCode:
    get_batches = await resolved(ctx.container.get_batches())
    listing = await get_batches.execute(
        await ctx.token(), ctx.args.org_code, force_refresh=ctx.args.refresh
    )
    if ctx.args.json:
        ctx.emit_json(
            {
                **presenters.org_view(listing.org),
                "batches": [presenters.batch_view(b) for b in listing.batches],
            }
        )
    else:
        render.show_batches(ctx.out, listing)
    return ExitCode.OK


async def files(ctx: CommandContext) -> ExitCode:
    get_batch_files = await resolved(ctx.container.get_batch_files())
    result = await get_batch_files.execute(
        await ctx.token(), ctx.args.org_code, ctx.args.batch, force_refresh=ctx.args.refresh
    )
    if ctx.args.json:
        ctx.emit_json(
            {
                **presenters.org_view(result.org),
                "batch": presenters.batch_view(result.batch),
                "files": [presenters.file_view(f, result.paths.get(f.id)) for f in result.files],
            }
        )
    else:
        render.show_files(ctx.out, result)
    return ExitCode.OK


async def download(ctx: CommandContext) -> ExitCode:
    download_batch = await resolved(ctx.container.download_batch())
    result = await download_batch.execute(
        await ctx.token(),
        ctx.args.org_code,
        ctx.args.file_id,
        batch=ctx.args.batch,
        destination=ctx.args.output or ctx.settings.download_dir,
    )
    if ctx.args.json:
        ctx.emit_json(
            {
                **presenters.file_view(result.file),
                "source": result.source,
                "sha256": result.stored.sha256,
                "size": result.stored.size,
                "path": str(result.path),
            }
        )
    else:
        render.show_download(ctx.out, result)
    return ExitCode.OK


async def sync(ctx: CommandContext) -> ExitCode:
    request = SyncRequest(
        token=await ctx.token(),
        org_code=ctx.args.org_code,
        batch=ctx.args.batch,
        destination=ctx.args.output or ctx.settings.download_dir,
        concurrency=(
            ctx.settings.sync_concurrency if ctx.args.concurrency is None else ctx.args.concurrency
        ),
        include=tuple(ctx.args.include),
        dry_run=ctx.args.dry_run,
        force=ctx.args.force,
    )
    use_case = await resolved(ctx.container.sync_org())
    if ctx.args.json or not ctx.out.is_terminal:
        report = await use_case.execute(request)
    else:
        with RichSyncProgress(ctx.out) as progress:
            report = await use_case.execute(request, progress)
    if ctx.args.json:
        ctx.emit_json(presenters.report_view(report))
    else:
        render.show_report(ctx.out, report)
    return ExitCode.OK if report.ok else ExitCode.PARTIAL_FAILURE


async def watch(ctx: CommandContext) -> ExitCode:
    request = SyncRequest(
        token=await ctx.token(),
        org_code=ctx.args.org_code,
        batch=ctx.args.batch,
        destination=ctx.args.output or ctx.settings.download_dir,
        concurrency=ctx.settings.sync_concurrency,
    )
    every_s = ctx.settings.watch_every if ctx.args.every is None else ctx.args.every
    return await watch_command.watch(ctx.container, request, every_s, ctx.out, ctx.err)


async def verify(ctx: CommandContext) -> ExitCode:
    verify_store = await resolved(ctx.container.verify_store())
    verify_placements = await resolved(ctx.container.verify_placements())
    report = await verify_store.execute(repair=ctx.args.repair)
    placed = await verify_placements.execute()
    if ctx.args.json:
        ctx.emit_json({**presenters.verify_view(report), **presenters.placed_view(placed)})
    else:
        render.show_verify(ctx.out, report)
        render.show_placed(ctx.out, placed)
    return ExitCode.OK if report.ok else ExitCode.PARTIAL_FAILURE


COMMANDS = {
    "org": org,
    "batches": batches,
    "files": files,
    "download": download,
    "sync": sync,
    "watch": watch,
    "verify": verify,
    "login": login_commands.login,
    "logout": login_commands.logout,
    "status": login_commands.status,
}
