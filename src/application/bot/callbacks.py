"""Buttons carry short random keys; what a key means stays on the server, bound to the user it
was shown to, until it expires. Stale, forged and foreign keys resolve to nothing."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from cpbatch.application.expiring import ExpiringStore
from cpbatch.application.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ShowBatches:
    """A page of the org's batches."""

    org_code: str
    page: int = 0


@dataclass(frozen=True, slots=True)
class ShowFolder:
    """A page of one folder of a batch; `batches_page` is where Back returns to."""

    org_code: str
    batch_key: str
    folder: tuple[str, ...] = ()
    page: int = 0
    batches_page: int = 0


@dataclass(frozen=True, slots=True)
class PickFile:
    org_code: str
    batch_key: str
    file_id: int


@dataclass(frozen=True, slots=True)
class DownloadAll:
    """Every downloadable file in a folder of a batch and below it."""

    org_code: str
    batch_key: str
    folder: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WatchThis:
    """Watch a batch: its new and updated files arrive on their own."""

    org_code: str
    batch_key: str


@dataclass(frozen=True, slots=True)
class Ignore:
    """A label-only button (the page counter)."""


Action = ShowBatches | ShowFolder | PickFile | DownloadAll | WatchThis | Ignore

KEY_BYTES = 9  # 12 URL-safe characters, 72 random bits: well inside Telegram's 64 bytes


class CallbackRegistry:
    """The server-side meaning of button keys. Each user keeps at most `per_user` live keys
    (their oldest lapse first), so one busy user cannot push out everyone else's buttons."""

    def __init__(
        self,
        ttl_s: float,
        clock: Callable[[], float],
        *,
        max_entries: int = 200_000,
        per_user: int = 2_000,
    ) -> None:
        self._actions: ExpiringStore[str, tuple[int, Action]] = ExpiringStore(
            ttl_s, clock, max_entries=max_entries
        )
        self._per_user = per_user
        self._keys_of: dict[int, OrderedDict[str, None]] = {}

    def issue(self, user_id: int, action: Action) -> str:
        key = secrets.token_urlsafe(KEY_BYTES)
        self._actions.put(key, (user_id, action))
        keys = self._keys_of.setdefault(user_id, OrderedDict())
        keys[key] = None
        while len(keys) > self._per_user:
            oldest, _ = keys.popitem(last=False)
            self._actions.pop(oldest)
        return key

    def issuer(self, user_id: int) -> Callable[[Action], str]:
        """`issue` bound to one user, for building that user's keyboards."""
        return lambda action: self.issue(user_id, action)

    def resolve(self, user_id: int, key: str) -> Action | None:
        """The action behind a key shown to this user, or None when the key is unknown, expired
        or was shown to someone else (who pressed it is logged, what it was is not)."""
        entry = self._actions.get(key)
        if entry is None:
            log.info("bot_callback_unknown")
            return None
        owner, action = entry
        if owner != user_id:
            log.warning("bot_callback_foreign")
            return None
        return action
