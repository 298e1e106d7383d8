"""Who may talk to the bot. Strangers hear one polite refusal, then silence; every refusal is
logged with the user id and the reason, never with what they wrote."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable

from cpbatch.application.bot.settings import BotPolicy
from cpbatch.application.expiring import ExpiringStore
from cpbatch.application.logs import get_logger

log = get_logger(__name__)


class Entry(enum.Enum):
    ADMITTED = "admitted"
    REFUSE = "refuse"  # a stranger's first contact: answer once
    IGNORE = "ignore"  # a stranger already answered: say nothing


class AccessControl:
    def __init__(
        self, policy: BotPolicy, clock: Callable[[], float], *, max_remembered: int = 100_000
    ) -> None:
        self._policy = policy
        # Bounded, so a swarm of accounts cannot grow it without end; one forgotten stranger
        # is refused once more, which is harmless.
        self._refused: ExpiringStore[int, bool] = ExpiringStore(
            math.inf, clock, max_entries=max_remembered
        )

    def check(self, user_id: int) -> Entry:
        if self._policy.is_allowed(user_id):
            return Entry.ADMITTED
        if self._refused.get(user_id):
            log.info("bot_access_refused", reason="not_allowed", repeat=True)
            return Entry.IGNORE
        self._refused.put(user_id, True)
        log.warning("bot_access_refused", reason="not_allowed", repeat=False)
        return Entry.REFUSE

    def is_admin(self, user_id: int) -> bool:
        return self._policy.is_admin(user_id)

    def refuse_admin_only(self, user_id: int, what: str) -> None:
        """Log a refused admin-only request (`what` names the command, not its arguments)."""
        log.warning("bot_access_refused", reason="admin_only", command=what)
