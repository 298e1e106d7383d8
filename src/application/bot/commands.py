"""Slash commands and plain-text answers, routed to the flow they belong to."""

from __future__ import annotations

from cpbatch.application.bot import texts
from cpbatch.application.bot.access import AccessControl
from cpbatch.application.bot.browse import BrowseFlow
from cpbatch.application.bot.dialog import Dialog, looks_like_token
from cpbatch.application.bot.events import IncomingMessage
from cpbatch.application.bot.jobs import JobManager
from cpbatch.application.bot.login import LoginFlow
from cpbatch.application.bot.state import AwaitingOrgCode
from cpbatch.application.bot.sync_command import SyncCommand
from cpbatch.application.bot.watch_commands import WatchCommands


class CommandRouter:
    def __init__(
        self,
        dialog: Dialog,
        access: AccessControl,
        jobs: JobManager,
        login: LoginFlow,
        browse: BrowseFlow,
        sync: SyncCommand,
        watch: WatchCommands,
    ) -> None:
        self._dialog = dialog
        self._access = access
        self._jobs = jobs
        self._login = login
        self._browse = browse
        self._sync = sync
        self._watch = watch

    async def command(self, event: IncomingMessage, command: str, args: list[str]) -> None:
        self._dialog.forget(event.user_id)  # a new command abandons an unanswered question
        if command == "start":
            await self._dialog.say(event.chat_id, texts.WELCOME)
        elif command == "help":
            admin = self._access.is_admin(event.user_id)
            await self._dialog.say(event.chat_id, texts.HELP + texts.ADMIN_HELP * admin)
        elif command == "login":
            await self._login.login(event, args)
        elif command == "token":
            await self._login.token(event, args)
        elif command == "logout":
            await self._jobs.cancel(event.user_id)  # a job must not go on with a forgotten token
            await self._login.logout(event, args)
        elif command == "getbatches":
            await self._browse.start(event, args)
        elif command == "sync":
            await self._sync.run(event, args)
        elif command == "watch":
            await self._watch.watch(event, args)
        elif command == "unwatch":
            await self._watch.unwatch(event, args)
        elif command == "watching":
            await self._watch.watching(event)
        elif command == "quiet":
            await self._watch.quiet(event, args)
        elif command == "jobs":
            await self._job_status(event)
        else:
            await self._dialog.say(event.chat_id, texts.unknown_command(command))

    async def answer(self, event: IncomingMessage) -> None:
        """Plain text: the answer to the pending question, if there is one."""
        step = self._dialog.pending(event.user_id)
        if isinstance(step, AwaitingOrgCode) and step.purpose == "browse":
            await self._browse.answer(event, step, event.text)
        elif step is not None:
            await self._login.answer(event, step)
        elif looks_like_token(event.text):
            await self._dialog.delete_secret(event)
            await self._dialog.say(event.chat_id, texts.DELETED_UNASKED_LOGIN)
        else:
            await self._dialog.say(event.chat_id, texts.NOTHING_PENDING)

    async def cancel(self, event: IncomingMessage, job_stopped: bool) -> None:
        step = self._dialog.forget(event.user_id)
        if job_stopped:
            text = texts.CANCELLED_JOB
        else:
            text = texts.CANCELLED_STEP if step is not None else texts.NOTHING_TO_CANCEL
        await self._dialog.say(event.chat_id, text)

    async def _job_status(self, event: IncomingMessage) -> None:
        if not self._access.is_admin(event.user_id):
            self._access.refuse_admin_only(event.user_id, "jobs")
            await self._dialog.say(event.chat_id, texts.ADMIN_ONLY)
            return
        jobs = self._jobs
        status = texts.job_status(jobs.running, jobs.active - jobs.running, jobs.max_jobs)
        await self._dialog.say(event.chat_id, status)
