"""Pressing a file (download and send it) or "Download all" (every downloadable file of the
folder and below). The file is looked up in the user's own listing before any job starts."""

from __future__ import annotations

from cpbatch.application.bot import delivery_texts as say
from cpbatch.application.bot import texts
from cpbatch.application.bot.bulk import send_many
from cpbatch.application.bot.callbacks import DownloadAll, PickFile
from cpbatch.application.bot.credentials import TokenVault
from cpbatch.application.bot.delivery import FileSender
from cpbatch.application.bot.events import IncomingCallback
from cpbatch.application.bot.folders import folder_view
from cpbatch.application.bot.job_runner import ChatJobRunner
from cpbatch.application.bot.progress import ProgressMessage
from cpbatch.application.use_cases import CheckAccess, GetBatchFiles, GetFileInfo


class DownloadFlow:
    def __init__(
        self,
        vault: TokenVault,
        file_info: GetFileInfo,
        get_batch_files: GetBatchFiles,
        sender: FileSender,
        runner: ChatJobRunner,
        confirm_access: CheckAccess,
    ) -> None:
        self._confirm_access = confirm_access
        self._vault = vault
        self._file_info = file_info
        self._get_batch_files = get_batch_files
        self._sender = sender
        self._runner = runner

    async def pick(self, event: IncomingCallback, action: PickFile) -> str | None:
        """Start sending one file; returns what to answer the button press with."""
        if self._runner.busy(event.user_id):
            return texts.JOB_RUNNING
        token = await self._vault.load(event.user_id, action.org_code)
        # Ask ClassPlus now: cached listings and remembered Telegram ids must never outlive
        # the user's access (a revoked or expired token stops here).
        await self._confirm_access.execute(token, action.org_code)
        # The entitlement check: raises unless the user's own listing shows the file.
        file = await self._file_info.execute(
            token, action.org_code, action.file_id, batch=action.batch_key
        )
        if not file.downloadable:
            return texts.NOT_DOWNLOADABLE_BUTTON.format(reason=file.why_not_downloadable)

        async def work(progress: ProgressMessage) -> str:
            sent = await self._sender.send(event.chat_id, token, file, progress)
            return say.sent(sent.name, sent.size, sent.parts, sent.uploaded)

        started = self._runner.start(
            event.user_id, event.chat_id, "file", file.name, action.org_code, work
        )
        return None if started else texts.JOB_RUNNING

    async def download_all(self, event: IncomingCallback, action: DownloadAll) -> str | None:
        if self._runner.busy(event.user_id):
            return texts.JOB_RUNNING
        token = await self._vault.load(event.user_id, action.org_code)
        await self._confirm_access.execute(token, action.org_code)
        found = await self._get_batch_files.execute(token, action.org_code, action.batch_key)
        view = folder_view(found.files, action.folder)
        files = view.downloadable
        where = "/".join((found.batch.name, *action.folder))
        title = say.bulk_title(len(files), where)

        async def work(progress: ProgressMessage) -> str:
            result = await send_many(self._sender, event.chat_id, token, files, progress)
            skipped = len(view.below) - len(files)
            return say.summary(title, result.sent, result.reused, skipped, result.failures)

        started = self._runner.start(
            event.user_id, event.chat_id, "download_all", title, action.org_code, work
        )
        return None if started else texts.JOB_RUNNING
