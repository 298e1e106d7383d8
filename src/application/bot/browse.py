"""/getbatches: the org's batches as a paged keyboard, and each batch as a folder tree.

Screens are rebuilt from the user's own listing on every press (the listing service caches it),
and the pressed message is edited in place, so navigating never floods the chat."""

from __future__ import annotations

import dataclasses

from cpbatch.application.bot import browse_texts, texts
from cpbatch.application.bot.callbacks import CallbackRegistry, ShowBatches, ShowFolder
from cpbatch.application.bot.credentials import NotLoggedInError, TokenVault
from cpbatch.application.bot.dialog import Dialog
from cpbatch.application.bot.events import IncomingCallback, IncomingMessage
from cpbatch.application.bot.file_sizes import known_sizes
from cpbatch.application.bot.folders import folder_view, paginate
from cpbatch.application.bot.keyboards import batches_keyboard, folder_keyboard
from cpbatch.application.bot.state import AwaitingOrgCode
from cpbatch.application.ports import FileRecords, Keyboard
from cpbatch.application.use_cases import GetBatches, GetBatchFiles, LookupOrg
from cpbatch.domain.errors import CpbatchError, OrgCodeNotFoundError, ValidationError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.domain.models import OrgListing

RESTART = "/getbatches"


class BrowseFlow:
    def __init__(
        self,
        dialog: Dialog,
        vault: TokenVault,
        lookup_org: LookupOrg,
        get_batches: GetBatches,
        get_batch_files: GetBatchFiles,
        callbacks: CallbackRegistry,
        page_size: int,
        repository: FileRecords,
    ) -> None:
        self._dialog = dialog
        self._repository = repository
        self._vault = vault
        self._lookup_org = lookup_org
        self._get_batches = get_batches
        self._get_batch_files = get_batch_files
        self._callbacks = callbacks
        self._page_size = page_size

    async def start(self, event: IncomingMessage, args: list[str]) -> None:
        step = AwaitingOrgCode("browse")
        if args:
            return await self.answer(event, step, args[0])
        self._dialog.expect(event.user_id, step)
        known = await self._vault.orgs(event.user_id)
        await self._dialog.say(event.chat_id, texts.ask_org_code(known))

    async def answer(self, event: IncomingMessage, step: AwaitingOrgCode, text: str) -> None:
        """An org code, typed or given with the command: validated, with a second chance."""
        try:
            code = OrgCode.parse(text)
            token = await self._vault.load(event.user_id, code.value)
            listing = await self._get_batches.execute(token, code)
        except (ValidationError, OrgCodeNotFoundError) as error:
            return await self._dialog.retry_or_stop(event, step, str(error), RESTART)
        except NotLoggedInError as error:
            return await self._not_logged_in(event, step, error)
        except CpbatchError as error:
            self._dialog.forget(event.user_id)
            await self._dialog.say(event.chat_id, texts.explain(error, text.strip().lower()))
            return
        self._dialog.forget(event.user_id)
        screen, keyboard = self._batches(event.user_id, listing, 0)
        await self._dialog.say(event.chat_id, screen, keyboard)

    async def show_batches(self, event: IncomingCallback, action: ShowBatches) -> None:
        token = await self._vault.load(event.user_id, action.org_code)
        listing = await self._get_batches.execute(token, action.org_code)
        screen, keyboard = self._batches(event.user_id, listing, action.page)
        await self._dialog.chat.edit_text(event.chat_id, event.message_id, screen, keyboard)

    async def show_folder(self, event: IncomingCallback, action: ShowFolder) -> None:
        token = await self._vault.load(event.user_id, action.org_code)
        found = await self._get_batch_files.execute(token, action.org_code, action.batch_key)
        view = folder_view(found.files, action.folder)
        page = paginate(len(view.entries), action.page, self._page_size)
        screen = browse_texts.folder_header(
            action.org_code,
            found.batch.name,
            found.batch.key,
            action.folder,
            len(view.folders),
            len(view.files),
        )
        sizes = await known_sizes(self._repository, view.downloadable)
        if len(sizes) < len(view.downloadable):
            screen += "\n" + browse_texts.SIZES_NOT_GIVEN
        if not view.entries:
            screen += "\n" + browse_texts.EMPTY_FOLDER
        elif page.count > 1:
            screen += "\n" + browse_texts.page_counter(page.number, page.count)
        here = dataclasses.replace(action, page=page.number)
        issue = self._callbacks.issuer(event.user_id)
        keyboard = folder_keyboard(issue, here, view, page, sizes)
        await self._dialog.chat.edit_text(event.chat_id, event.message_id, screen, keyboard)

    def _batches(self, user_id: int, listing: OrgListing, page: int) -> tuple[str, Keyboard | None]:
        if not listing.batches:
            return browse_texts.no_batches(listing.org), None
        at = paginate(len(listing.batches), page, self._page_size)
        screen = browse_texts.batches_header(listing.org, len(listing.batches))
        if at.count > 1:
            screen += "\n" + browse_texts.page_counter(at.number, at.count)
        issue = self._callbacks.issuer(user_id)
        return screen, batches_keyboard(issue, listing.org.code.value, listing.batches, at)

    async def _not_logged_in(
        self, event: IncomingMessage, step: AwaitingOrgCode, error: NotLoggedInError
    ) -> None:
        # A mistyped code is reported as unknown, not given advice to log in to it.
        try:
            org = await self._lookup_org.execute(error.org_code)
        except OrgCodeNotFoundError as unknown:
            return await self._dialog.retry_or_stop(event, step, str(unknown), RESTART)
        except CpbatchError:  # ClassPlus out of reach: the plain advice still holds
            self._dialog.forget(event.user_id)
            await self._dialog.say(event.chat_id, str(error))
            return
        self._dialog.forget(event.user_id)
        known = await self._vault.orgs(event.user_id)
        await self._dialog.say(event.chat_id, browse_texts.no_login_for(org, known))
