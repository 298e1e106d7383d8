"""/sync ORG [BATCH]: fetch every downloadable file of a batch (admins: of the whole org) with
SyncOrg, then send them all, with one progress message and a summary at the end."""

from __future__ import annotations

from cpbatch.application.bot import delivery_texts as say
from cpbatch.application.bot import texts
from cpbatch.application.bot.access import AccessControl
from cpbatch.application.bot.bulk import send_many
from cpbatch.application.bot.credentials import TokenVault
from cpbatch.application.bot.delivery import FileSender
from cpbatch.application.bot.dialog import Dialog
from cpbatch.application.bot.events import IncomingMessage
from cpbatch.application.bot.job_runner import ChatJobRunner
from cpbatch.application.bot.progress import ProgressMessage
from cpbatch.application.ports import SyncProgress
from cpbatch.application.use_cases import SyncOrg, SyncRequest
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import Batch, BatchFile, FileOutcome, Org, SyncReport
from cpbatch.domain.selectors import BatchSelector


class SyncCommand:
    def __init__(
        self,
        dialog: Dialog,
        access: AccessControl,
        vault: TokenVault,
        sync_org: SyncOrg,
        sender: FileSender,
        runner: ChatJobRunner,
        concurrency: int,
    ) -> None:
        self._dialog = dialog
        self._access = access
        self._vault = vault
        self._sync_org = sync_org
        self._sender = sender
        self._runner = runner
        self._concurrency = concurrency

    async def run(self, event: IncomingMessage, args: list[str]) -> None:
        if not args or len(args) > 2:
            await self._dialog.say(event.chat_id, say.SYNC_USAGE)
            return
        try:
            code = OrgCode.parse(args[0])
            selector = BatchSelector.parse(args[1]) if len(args) == 2 else None
        except ValidationError as error:
            await self._dialog.say(event.chat_id, f"{error}\n{say.SYNC_USAGE}")
            return
        if selector is None and not self._access.is_admin(event.user_id):
            self._access.refuse_admin_only(event.user_id, "sync_org")
            await self._dialog.say(event.chat_id, say.SYNC_NEEDS_BATCH)
            return
        if self._runner.busy(event.user_id):
            await self._dialog.say(event.chat_id, texts.JOB_RUNNING)
            return
        token = await self._vault.load(event.user_id, code.value)
        where = " ".join(args[:2]).lower()

        async def work(progress: ProgressMessage) -> str:
            listener = _SyncListener(progress, where)
            request = SyncRequest(token, code, batch=selector, concurrency=self._concurrency)
            report = await self._sync_org.execute(request, listener)
            result = await send_many(self._sender, event.chat_id, token, listener.ready(), progress)
            failures = [(b.batch_name, b.reason) for b in report.batch_failures]
            failures += [(f.name, f.reason) for f in report.failures] + result.failures
            title = _title(report, selector, listener.batch_names)
            expired = [(b.batch_name, b.reason) for b in report.skipped_batches]
            return say.summary(
                title, result.sent, result.reused, report.not_downloadable, failures, expired
            )

        if not self._runner.start(event.user_id, event.chat_id, "sync", where, code.value, work):
            await self._dialog.say(event.chat_id, texts.JOB_RUNNING)


def _title(report: SyncReport, selector: BatchSelector | None, listed: list[str]) -> str:
    """The org's name, and for one batch its name (its id only when it has none)."""
    if selector is None:
        return report.org.name
    names = listed + [failure.batch_name for failure in report.batch_failures]
    names += [skipped.batch_name for skipped in report.skipped_batches]
    return f"{report.org.name} · {next((n for n in names if n), str(selector.id))}"


class _SyncListener(SyncProgress):
    """Keeps which files SyncOrg has in store, and shows how far fetching has come."""

    def __init__(self, progress: ProgressMessage, where: str) -> None:
        self._progress = progress
        self._where = where
        self._planned = 0
        self._done = 0
        self._received = 0
        self._ready: list[BatchFile] = []
        self.batch_names: list[str] = []  # of the batches listed, in order

    def ready(self) -> list[BatchFile]:
        """Files stored whole (fetched now or unchanged), in a stable order."""
        return sorted(
            self._ready, key=lambda f: (f.batch.name, f.batch.key, f.folder_path, f.name, f.id)
        )

    def batch_listed(self, batch: Batch, files: int) -> None:
        self.batch_names.append(batch.name)

    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None:
        self._planned = files

    def file_started(self, file: BatchFile, size: int | None) -> None:
        pass

    def bytes_received(self, file: BatchFile, count: int) -> None:
        self._received += count
        self._show()

    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None:
        self._done += 1
        if outcome in (FileOutcome.DOWNLOADED, FileOutcome.SKIPPED):
            self._ready.append(file)
        self._show()

    def _show(self) -> None:
        self._progress.show(
            lambda _: say.sync_downloading(self._where, self._done, self._planned, self._received)
        )
