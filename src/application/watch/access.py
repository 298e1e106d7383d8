"""Whether a subscriber may still receive a batch's files, decided with their own token: their
own listing of the org (cached like every listing) must show the batch, with access that has
not ended. A subscription paused because its token stopped working stays paused while that
token is the one stored (asking again would only be refused); a new login resumes it. One
paused because the batch was not open to a working token is asked about again at each check,
through the cached listing, so a renewed purchase resumes it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cpbatch.application.ports.services import BatchListings
from cpbatch.application.watch import texts
from cpbatch.domain.errors import AuthenticationError, CpbatchError, StorageError
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch
from cpbatch.domain.watch import Subscription


class SubscriberTokens(Protocol):
    async def load(self, user_id: int, org_code: str) -> AccessToken:
        """The user's token for the org; a CpbatchError when there is none that works."""
        ...


@dataclass(frozen=True, slots=True)
class Entitled:
    subscription: Subscription
    token: AccessToken
    batch: Batch  # as the subscriber's own listing shows it


@dataclass(frozen=True, slots=True)
class Lost:
    subscription: Subscription
    # The principal of a token that stopped working; None when there is no token, or when the
    # token works and the batch is not open to it (asked about again at the next check).
    principal: str | None
    reason: str

    @property
    def needs_login(self) -> bool:
        """A token problem (none, unreadable, expired): only a new login resumes."""
        return self.principal is not None or self.reason == texts.LOGGED_OUT


class SubscriberAccess:
    def __init__(self, tokens: SubscriberTokens, listings: BatchListings) -> None:
        self._tokens = tokens
        self._listings = listings

    async def resolve(self, subscription: Subscription) -> Entitled | Lost | None:
        """Entitled, Lost (access ended now), or None (paused, and still no new login).
        Raises BudgetSpent, StorageError and upstream errors (the check is retried later)."""
        try:
            token = await self._tokens.load(subscription.user_id, subscription.org_code)
        except StorageError:  # a store that did not answer is not a logout
            raise
        except CpbatchError:  # logged out, or a credential that cannot be read
            return Lost(subscription, None, texts.LOGGED_OUT) if subscription.active else None
        if not subscription.active and token.principal == subscription.paused_principal:
            return None
        try:
            listing = await self._listings.org_listing(token, OrgCode.parse(subscription.org_code))
        except AuthenticationError:
            return Lost(subscription, token.principal, texts.EXPIRED)
        batch = next((b for b in listing.batches if b.key == subscription.batch_key), None)
        if batch is None:
            return Lost(subscription, None, texts.NOT_OPEN)
        if batch.access_expired_on is not None:
            return Lost(subscription, None, texts.access_ended(batch.access_expired_on))
        return Entitled(subscription, token, batch)
