"""The bot's conversation: every update from the chat adapter comes in here.

An update passes the gate (allow-list, rate limit), then goes to the flow it belongs to, under
the user's lock so one user's updates are handled in order. Long work runs as jobs. Every line
logged while an update is handled, and by the jobs it starts, carries the user's and chat's ids
(the flows add the org and batch once known)."""

from __future__ import annotations

from cpbatch.application.bot import texts
from cpbatch.application.bot.browse import BrowseFlow
from cpbatch.application.bot.callbacks import (
    Action,
    CallbackRegistry,
    DownloadAll,
    PickFile,
    ShowBatches,
    ShowFolder,
    WatchThis,
)
from cpbatch.application.bot.commands import CommandRouter
from cpbatch.application.bot.credentials import NotLoggedInError
from cpbatch.application.bot.delivery import FileSender
from cpbatch.application.bot.dialog import Dialog, looks_like_token
from cpbatch.application.bot.downloads import DownloadFlow
from cpbatch.application.bot.events import ConversationHandler, IncomingCallback, IncomingMessage
from cpbatch.application.bot.gate import Gate, parse_command
from cpbatch.application.bot.jobs import JobManager
from cpbatch.application.bot.log_fields import action_fields, message_fields
from cpbatch.application.bot.state import AwaitingOtp, UserLocks
from cpbatch.application.bot.watch_commands import WatchCommands
from cpbatch.application.logs import bound, get_logger
from cpbatch.application.ports import (
    ChatPort,
)
from cpbatch.domain.errors import AuthenticationError, CpbatchError, CredentialError

log = get_logger(__name__)


class BotConversation(ConversationHandler):
    """Implements ConversationHandler. The composition root builds it and its collaborators
    (see entrypoints/container.py). Call `close()` at shutdown: it cancels running jobs and
    waits for their clean-up."""

    def __init__(
        self,
        *,
        chat: ChatPort,
        gate: Gate,
        dialog: Dialog,
        callbacks: CallbackRegistry,
        locks: UserLocks,
        jobs: JobManager,
        sender: FileSender,
        browse: BrowseFlow,
        downloads: DownloadFlow,
        commands: CommandRouter,
        watch: WatchCommands,
    ) -> None:
        self._chat = chat
        self._gate = gate
        self._dialog = dialog
        self._callbacks = callbacks
        self._locks = locks
        self._jobs = jobs
        self._sender = sender
        self._browse = browse
        self._downloads = downloads
        self._commands = commands
        self._watch = watch

    async def on_message(self, event: IncomingMessage) -> None:
        named = message_fields(event.text, self._dialog.pending(event.user_id))
        with bound(user_id=event.user_id, chat_id=event.chat_id, **named):
            await self._on_message(event)

    async def on_callback(self, event: IncomingCallback) -> None:
        with bound(user_id=event.user_id, chat_id=event.chat_id):
            await self._on_callback(event)

    async def _on_message(self, event: IncomingMessage) -> None:
        if not await self._gate.admit(
            event.user_id, event.chat_id, before_limit=lambda: self._scrub(event)
        ):
            return
        command, args = parse_command(event.text)
        if command == "cancel":  # a running job is stopped at once, not after the lock
            stopped = await self._jobs.cancel(event.user_id)
            async with self._locks.of(event.user_id):
                # A button press handled meanwhile may have started a job: stop that one too.
                stopped = await self._jobs.cancel(event.user_id) or stopped
                await self._commands.cancel(event, stopped)
            return
        async with self._locks.of(event.user_id):
            try:
                if command is None:
                    await self._commands.answer(event)
                else:
                    await self._commands.command(event, command, args)
            except CpbatchError as error:
                await self._dialog.say(event.chat_id, texts.explain(error, ""))
            except Exception:
                log.exception("bot_message_failed")
                await self._dialog.say(event.chat_id, texts.UNEXPECTED)

    async def _on_callback(self, event: IncomingCallback) -> None:
        if not await self._gate.admit(event.user_id, event.chat_id, event.callback_id):
            return
        action = self._callbacks.resolve(event.user_id, event.data)
        if action is None:
            return await self._chat.answer_callback(
                event.callback_id, texts.STALE_BUTTON, alert=True
            )
        note: str | None = None
        with bound(**action_fields(action)):
            async with self._locks.of(event.user_id):
                try:
                    note = await self._act(event, action)
                except CpbatchError as error:
                    note = texts.explain(error, getattr(action, "org_code", ""))
                    if isinstance(error, AuthenticationError | NotLoggedInError | CredentialError):
                        await self._dialog.say(event.chat_id, note)  # lasts longer than an alert
                except Exception:
                    log.exception("bot_callback_failed")
                    note = texts.UNEXPECTED
        await self._chat.answer_callback(event.callback_id, note, alert=note is not None)

    async def _scrub(self, event: IncomingMessage) -> None:
        """Delete a message carrying a token (anywhere in it) or an awaited one-time code,
        whatever step the conversation is at, before anything else happens to it."""
        carries_token = any(looks_like_token(word) for word in event.text.split())
        if carries_token or isinstance(self._dialog.pending(event.user_id), AwaitingOtp):
            await self._dialog.delete_secret(event)

    async def start(self) -> None:
        """Before serving: remove scratch files a crash or a kill may have left behind."""
        await self._sender.sweep()

    async def drain(self) -> None:
        """Wait until every running job has finished."""
        await self._jobs.drain()

    async def close(self) -> None:
        """Cancel every running job, wait for its clean-up, and empty the scratch space."""
        await self._jobs.close()
        await self._sender.sweep()

    async def _act(self, event: IncomingCallback, action: Action) -> str | None:
        if isinstance(action, ShowBatches):
            await self._browse.show_batches(event, action)
        elif isinstance(action, ShowFolder):
            await self._browse.show_folder(event, action)
        elif isinstance(action, PickFile):
            return await self._downloads.pick(event, action)
        elif isinstance(action, DownloadAll):
            return await self._downloads.download_all(event, action)
        elif isinstance(action, WatchThis):
            return await self._watch.press(event, action)
        return None  # Ignore: a label
