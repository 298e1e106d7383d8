"""A small world for driving the conversation: fake ClassPlus, stores, chat and clock, plus
helpers to type messages and press buttons as a given Telegram user (chat id = user id)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from dependency_injector import providers

from cpbatch.application.bot.conversation import BotConversation
from cpbatch.application.bot.events import IncomingCallback, IncomingMessage
from cpbatch.application.bot.settings import BotPolicy
from cpbatch.domain.identifiers import AccessToken
from support.app import Services, WatchStores, build_services
from support.bot.chat import FakeChat, Message
from support.fakes import (
    FakeCipher,
    FakeClassPlus,
    InMemoryBlobStore,
)

ADMIN = 1
ALICE = 11
BOB = 12
CAROL = 13
STRANGER = 99


def default_policy(**changes: object) -> BotPolicy:
    policy = BotPolicy(
        allowed_user_ids=frozenset({ALICE, BOB, CAROL}),
        admin_user_ids=frozenset({ADMIN}),
        rate_count=1000,
    )
    return replace(policy, **changes)  # type: ignore[arg-type]


class BotWorld:
    def __init__(
        self,
        work_root: Path,
        *,
        gateway: FakeClassPlus | None = None,
        policy: BotPolicy | None = None,
        tiers: list[InMemoryBlobStore] | None = None,
        chat: FakeChat | None = None,
        clock: Callable[[], float] | None = None,
        watch: WatchStores | None = None,
        settings: dict[str, Any] | None = None,
        ttl_s: float = 300.0,
    ) -> None:
        self.gateway = gateway or FakeClassPlus()
        self.app: Services = build_services(
            self.gateway,
            tiers=tiers,
            data_dir=work_root,
            watch=watch,
            settings=settings,
            ttl_s=ttl_s,
        )
        self.chat = chat or FakeChat()
        self.cipher = FakeCipher()
        self.credentials = self.app.credentials
        self.remote_ids = self.app.remote_ids
        self.clock = self.app.clock
        self.policy = policy or default_policy()
        self.work_dir = work_root / "telegram" / "outgoing"
        container = self.app.container
        container.chat.override(providers.Object(self.chat))
        container.cipher.override(providers.Object(self.cipher))
        container.policy.override(providers.Object(self.policy))
        if clock is not None:
            container.clock.override(providers.Object(clock))
        self.bot: BotConversation = container.conversation()
        self._message_ids = itertools.count(100_000)
        self._callback_ids = itertools.count(1)

    def log_in(self, user: int, org_code: str, token: AccessToken) -> None:
        """Store a credential as /login would, without the conversation."""
        self.credentials.rows[(user, org_code)] = self.cipher.encrypt(token.secret)

    async def say(self, user: int, text: str) -> int:
        """The user types `text`; returns the id of their message."""
        message_id = next(self._message_ids)
        await self.bot.on_message(IncomingMessage(user, user, message_id, text))
        return message_id

    async def press(self, user: int, label: str) -> tuple[str | None, bool]:
        """Press the first button containing `label` on the user's newest keyboard; returns
        the callback answer (text, alert)."""
        message, button = self.chat.button(user, label)
        return await self.press_key(user, button.key, message.message_id)

    async def press_key(
        self, user: int, key: str, message_id: int = 1, chat_id: int | None = None
    ) -> tuple[str | None, bool]:
        callback_id = f"cb-{next(self._callback_ids)}"
        event = IncomingCallback(user, chat_id or user, message_id, callback_id, key)
        await self.bot.on_callback(event)
        return self.chat.answers.get(callback_id, (None, False))

    async def settle(self) -> None:
        """Let every background job finish."""
        await self.bot.drain()

    def texts(self, user: int) -> list[str]:
        return self.chat.texts(user)

    def last(self, user: int) -> Message:
        return self.chat.last(user)
