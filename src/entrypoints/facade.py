"""`BatchFileAPI`: the seed project's synchronous facade, with its method names and its dict
envelope (`success`, `message`, `errors: [{type, message}]`).

The seed called files "batches": `download_batch` and `get_batch_info` take a FILE id, and
`get_batches_by_org_code` returns batches with their files. Unlike the seed, a download lands on
disk (`path`) and `file_data` carries bytes only for files up to INLINE_FILE_LIMIT_MB.

For asyncio programs use the use cases directly: `async with cpbatch.entrypoints.bootstrap.running(
settings) as container: sync = await resolved(container.sync_org()); await sync.execute(...)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import structlog

from cpbatch.application.use_cases import BatchFiles, SyncRequest
from cpbatch.domain.errors import AuthenticationError, CpbatchError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.domain.sizes import format_bytes
from cpbatch.entrypoints import presenters
from cpbatch.entrypoints.bootstrap import resolved, running
from cpbatch.entrypoints.config import MIB, Settings, load_settings
from cpbatch.entrypoints.container import Container
from cpbatch.entrypoints.logging_setup import configure_logging

T = TypeVar("T")
log = structlog.get_logger(__name__)
Envelope = dict[str, Any]


class BatchFileAPI:
    def __init__(self, token: str | None = None, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        # Nothing unredacted may reach the caller's output; their own logging setup is kept.
        configure_logging("WARNING", self._settings.log_format, own_root=False)
        self._token = token or self._settings.classplus_token
        self._runner = asyncio.Runner()
        self._stack: AsyncExitStack | None = None
        self._container: Container | None = None

    def get_batches_by_org_code(
        self, org_code: str, *, include_files: bool = True, force_refresh: bool = False
    ) -> Envelope:
        """The org's batches, each with its files: a batch that cannot be listed carries its
        `error` (and is in `errors`), the others are listed all the same, as `sync` does."""

        async def work(app: Container, token: AccessToken) -> Envelope:
            get_batches, get_batch_files = (
                await resolved(app.get_batches()),
                await resolved(app.get_batch_files()),
            )
            listing = await get_batches.execute(token, org_code, force_refresh=force_refresh)
            batches, errors = [], []
            for batch in listing.batches:
                view = presenters.batch_view(batch)
                if include_files and batch.downloadable:  # expired: nothing to list
                    try:
                        found = await get_batch_files.execute(
                            token, listing.org.code, batch.key, force_refresh=force_refresh
                        )
                    except AuthenticationError:
                        raise  # no other batch could be listed either
                    except CpbatchError as error:
                        view.update(files=[], error=presenters.error_view(error))
                        errors.append(_batch_error(batch.name, error))
                    else:
                        view.update(_files_view(found))
                elif include_files:
                    view["files"] = []
                batches.append(view)
            unlisted = f", {len(errors)} could not be listed" if errors else ""
            return {
                "success": not errors,
                "message": f"Found {len(batches)} batches for {listing.org.name}{unlisted}",
                "errors": errors,
                **presenters.org_view(listing.org),
                "batch_count": len(batches),
                "batches": batches,
            }

        return self._call(work)

    def download_batch(
        self,
        file_id: str | int,
        org_code: str,
        *,
        output_dir: str | Path | None = None,
        batch_id: str | int | None = None,
    ) -> Envelope:
        async def work(app: Container, token: AccessToken) -> Envelope:
            use_case, read_file = (
                await resolved(app.download_batch()),
                await resolved(app.read_file()),
            )
            result = await use_case.execute(
                token,
                org_code,
                file_id,
                batch=batch_id,
                destination=Path(output_dir) if output_dir else self._settings.download_dir,
            )
            inline = result.stored.size <= self._settings.inline_file_limit_mb * MIB
            data = await read_file.execute(result) if inline else None
            view = presenters.file_view(result.file)
            view.update(
                filename=result.file.name,
                path=str(result.path),
                file_data=data,
                file_size=result.stored.size,
                file_size_formatted=format_bytes(result.stored.size),
                sha256=result.stored.sha256,
                source=result.source,
            )
            return _ok(f"Downloaded {result.file.name}", **view)

        return self._call(work)

    def sync_org_batches(
        self,
        org_code: str,
        *,
        batch_id: str | int | None = None,
        output_dir: str | Path | None = None,
        concurrency: int | None = None,
        include: Sequence[str] = (),
        dry_run: bool = False,
        force: bool = False,
    ) -> Envelope:
        async def work(app: Container, token: AccessToken) -> Envelope:
            sync_org = await resolved(app.sync_org())
            report = await sync_org.execute(
                SyncRequest(
                    token=token,
                    org_code=org_code,
                    batch=batch_id,
                    destination=Path(output_dir) if output_dir else self._settings.download_dir,
                    concurrency=concurrency or self._settings.sync_concurrency,
                    include=tuple(include),
                    dry_run=dry_run,
                    force=force,
                )
            )
            view = presenters.report_view(report)
            return {
                "success": report.ok,
                "message": f"Downloaded {report.downloaded}/{view['downloadable_files']} files"
                + (f", {report.failed} failed" if report.failed else ""),
                "errors": [
                    {"type": f["type"], "message": f"batch {f['batch_name']}: {f['reason']}"}
                    for f in view["batch_failures"]
                ]
                + [
                    {"type": f["type"], "message": f"{f['name']}: {f['reason']}"}
                    for f in view["failures"]
                ],
                **view,
            }

        return self._call(work)

    def get_batch_info(
        self, file_id: str | int, org_code: str, *, batch_id: str | int | None = None
    ) -> Envelope:
        async def work(app: Container, token: AccessToken) -> Envelope:
            info = await (await resolved(app.file_info())).execute(
                token, org_code, file_id, batch=batch_id
            )
            return _ok(f"Found {info.name}", **presenters.file_view(info))

        return self._call(work)

    def close(self) -> None:
        if self._stack is not None:
            self._runner.run(self._stack.aclose())
            self._stack = None
            self._container = None
        self._runner.close()

    def __enter__(self) -> BatchFileAPI:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, work: Callable[[Container, AccessToken], Awaitable[Envelope]]) -> Envelope:
        try:
            token = AccessToken.parse(self._token)
            return self._runner.run(self._with_container(work, token))
        except CpbatchError as error:
            return {
                "success": False,
                "message": str(error),
                "errors": [presenters.error_view(error)],
            }
        except Exception as error:  # a facade answers with an envelope, never a traceback
            log.exception("facade_unexpected_error")
            return {
                "success": False,
                "message": "An unexpected error occurred; see the log.",
                "errors": [presenters.error_view(error)],
            }

    async def _with_container(
        self, work: Callable[[Container, AccessToken], Awaitable[T]], token: AccessToken
    ) -> T:
        if self._container is None:
            self._stack = AsyncExitStack()
            self._container = await self._stack.enter_async_context(running(self._settings))
        return await work(self._container, token)


def _ok(message: str, **fields: Any) -> Envelope:
    return {"success": True, "message": message, "errors": [], **fields}


def _files_view(found: BatchFiles) -> dict[str, Any]:
    known = [f.size for f in found.files if f.size is not None]
    return {
        "files": [presenters.file_view(f, found.paths.get(f.id)) for f in found.files],
        "file_count": len(found.files),
        # The seed printed a size per batch; ClassPlus listings rarely carry sizes.
        "file_size_formatted": format_bytes(sum(known) if known else None),
    }


def _batch_error(batch_name: str, error: CpbatchError) -> dict[str, str]:
    view = presenters.error_view(error)
    return {"type": view["type"], "message": f"batch {batch_name}: {view['message']}"}
