"""Ports the command line's stored logins need beyond the credential store: the machine's
key for them, and what a token says about itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cpbatch.application.ports.credentials import SecretCipher
from cpbatch.domain.identifiers import AccessToken


class LoginKeys(Protocol):
    """The key this machine's command-line logins are encrypted with."""

    async def cipher(self, *, create: bool) -> SecretCipher | None:
        """A cipher with the key; when there is no key yet, a new one if `create`, else None.
        Raises CredentialError when a key exists but cannot be used (damaged, readable by
        other users, a keyring that refuses or does not answer). With `create`, a keyring that
        fails is passed over and a new key is kept elsewhere: a caller with stored logins asks
        without `create` first, so that their key is never replaced."""
        ...

    async def discard(self) -> None:
        """Delete the key, wherever it is kept; nothing when there is none."""
        ...


@dataclass(frozen=True, slots=True)
class TokenFacts:
    """What a token's claims say, unverified: for showing and for early warnings only."""

    account_name: str | None
    expires_at: datetime | None  # timezone-aware; None when the token does not say


class TokenReader(Protocol):
    def __call__(self, token: AccessToken) -> TokenFacts:
        """Never raises: an unreadable token has no facts."""
        ...
