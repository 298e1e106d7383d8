"""/watch ORG BATCH (and a batch's 🔔 Watch button), /unwatch ORG BATCH, /watching and /quiet:
thin translations to the watch use cases; the checking itself runs in the watcher."""

from __future__ import annotations

from collections.abc import Callable

from cpbatch.application.bot import watch_texts as say
from cpbatch.application.bot.callbacks import WatchThis
from cpbatch.application.bot.credentials import TokenVault
from cpbatch.application.bot.dialog import Dialog
from cpbatch.application.bot.events import IncomingCallback, IncomingMessage
from cpbatch.application.ports.watch import WatchPreferences
from cpbatch.application.watch.subscribe import ListWatches, UnwatchBatch, WatchBatch
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.quiet_hours import QuietHours
from cpbatch.domain.selectors import BatchSelector


class WatchCommands:
    def __init__(
        self,
        dialog: Dialog,
        vault: TokenVault,
        watch: WatchBatch,
        unwatch: UnwatchBatch,
        list_watches: ListWatches,
        preferences: WatchPreferences,
        default_zone: str,
        on_watch: Callable[[], None] = lambda: None,
    ) -> None:
        self._dialog = dialog
        self._vault = vault
        self._watch = watch
        self._unwatch = unwatch
        self._list = list_watches
        self._preferences = preferences
        self._default_zone = default_zone
        self._on_watch = on_watch  # wakes the watcher, which may be asleep with nothing to do

    async def watch(self, event: IncomingMessage, args: list[str]) -> None:
        """Raises what logging in and listing raise (the conversation explains them)."""
        if len(args) != 2:
            await self._dialog.say(event.chat_id, say.WATCH_USAGE)
            return
        try:
            code, selector = OrgCode.parse(args[0]), BatchSelector.parse(args[1])
        except ValidationError as error:
            await self._dialog.say(event.chat_id, f"{error}\n{say.WATCH_USAGE}")
            return
        await self._start(event.user_id, event.chat_id, code.value, str(selector))

    async def press(self, event: IncomingCallback, action: WatchThis) -> str | None:
        await self._start(event.user_id, event.chat_id, action.org_code, action.batch_key)
        return None

    async def _start(self, user_id: int, chat_id: int, org_code: str, batch: str) -> None:
        token = await self._vault.load(user_id, org_code)
        watching = await self._watch.execute(user_id, chat_id, token, org_code, batch)
        self._on_watch()
        await self._dialog.say(chat_id, say.started(watching, await self._zone(user_id)))

    async def unwatch(self, event: IncomingMessage, args: list[str]) -> None:
        if len(args) != 2:
            await self._dialog.say(event.chat_id, say.UNWATCH_USAGE)
            return
        try:
            selector = BatchSelector.parse(args[1])
            ended = await self._unwatch.execute(event.user_id, args[0], selector)
        except ValidationError as error:
            await self._dialog.say(event.chat_id, f"{error}\n{say.UNWATCH_USAGE}")
            return
        names = [s.batch_name for s in ended]
        await self._dialog.say(event.chat_id, say.stopped(names) if names else say.NOT_WATCHED)

    async def watching(self, event: IncomingMessage) -> None:
        watches = await self._list.execute(event.user_id)
        zone = await self._zone(event.user_id)
        logged_in = set(await self._vault.orgs(event.user_id))
        text = say.listing(watches, zone, logged_in) if watches else say.NO_WATCHES
        await self._dialog.say(event.chat_id, text)

    async def quiet(self, event: IncomingMessage, args: list[str]) -> None:
        if not args:
            quiet = await self._preferences.quiet_hours(event.user_id)
            text = say.quiet_set(quiet) if quiet else say.QUIET_OFF
            await self._dialog.say(event.chat_id, f"{text}\n{say.QUIET_USAGE}")
            return
        if args == ["off"]:
            await self._preferences.save_quiet_hours(event.user_id, None)
            await self._dialog.say(event.chat_id, say.QUIET_OFF)
            return
        zone = args[1] if len(args) > 1 else await self._zone(event.user_id)
        try:
            if len(args) > 2:
                raise ValidationError("Too many words.")
            quiet = QuietHours.parse(args[0], zone)
        except ValidationError as error:
            await self._dialog.say(event.chat_id, f"{error}\n{say.QUIET_USAGE}")
            return
        await self._preferences.save_quiet_hours(event.user_id, quiet)
        await self._dialog.say(event.chat_id, say.quiet_set(quiet))

    async def _zone(self, user_id: int) -> str:
        quiet = await self._preferences.quiet_hours(user_id)
        return quiet.zone if quiet is not None else self._default_zone
