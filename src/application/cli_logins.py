"""The command line's stored logins: one ClassPlus token per org for whoever uses this machine's
`cpbatch`, encrypted with the machine's key before it reaches the credential store.

They share the CredentialRepository with the bot's logins, under CLI_USER_ID: Telegram user
ids are positive, so 0 never names a bot user, in SQLite or in a MongoDB shared with a bot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cpbatch.application.logs import get_logger
from cpbatch.application.ports import CredentialRepository, LoginKeys, SecretCipher, TokenReader
from cpbatch.domain.errors import AuthenticationError, CredentialError, ValidationError
from cpbatch.domain.identifiers import AccessToken, OrgCode

CLI_USER_ID = 0

log = get_logger(__name__)


class NotLoggedInError(ValidationError):
    """No token was given and none is stored for the org."""

    kind = "not_logged_in"

    def __init__(self, org_code: str) -> None:
        super().__init__(
            f"No ClassPlus token for '{org_code}': run `cpbatch login {org_code}`, or pass "
            "`--token -` and the token on standard input, or set CLASSPLUS_TOKEN."
        )


@dataclass(frozen=True, slots=True)
class StoredLogin:
    """A stored login as `cpbatch status` shows it: never the token itself."""

    org_code: str
    account_name: str | None
    expires_at: datetime | None
    readable: bool = True


@dataclass(frozen=True, slots=True)
class UsableLogin:
    token: AccessToken
    login: StoredLogin
    expires_soon: bool  # within the warning period: the user should log in again


class CliLogins:
    def __init__(
        self,
        repository: CredentialRepository,
        keys: LoginKeys,
        read_token: TokenReader,
        warn_before: timedelta,
        now: Callable[[], datetime],
    ) -> None:
        self._repository = repository
        self._keys = keys
        self._read_token = read_token
        self._warn_before = warn_before
        self._now = now

    async def check_key_for(self, org_code: str) -> None:
        """Raises the CredentialError `save` would raise for the org, so that it comes before
        an OTP is spent: the key the other stored logins are encrypted with cannot be used."""
        code = OrgCode.coerce(org_code).value
        if await self._other_logins(code):
            await self._key_of_the_others()

    async def save(self, org_code: str, token: AccessToken) -> StoredLogin:
        """Keep the token (proved by the caller) for the org, replacing any earlier one.

        With other logins stored, their key is the one used (a new key would leave them
        unreadable): CredentialError when it cannot be had. With none, a key that cannot be
        used encrypts nothing worth keeping, and a new one replaces it."""
        code = OrgCode.coerce(org_code).value
        if await self._other_logins(code):
            cipher = await self._key_of_the_others()
        else:
            try:
                cipher = await self._new_cipher()
            except CredentialError:
                log.warning("cli_login_key_replaced", reason="unusable_and_unused")
                await self._keys.discard()
                cipher = await self._new_cipher()
        await self._repository.save_credential(CLI_USER_ID, code, cipher.encrypt(token.secret))
        log.debug("cli_login_saved", org=code)
        return self._login(code, token)

    async def _key_of_the_others(self) -> SecretCipher:
        """No key found while logins are stored: it was kept in an OS keyring that does not
        answer here (no desktop session over SSH, say), or its file was removed. A new key
        would make those logins unreadable for good, so none is made."""
        cipher = await self._keys.cipher(create=False)
        if cipher is None:
            raise CredentialError(
                "The key your other stored logins are encrypted with cannot be found here (kept "
                "in an OS keyring that does not answer now?). Log in where it can be reached, or "
                "run `cpbatch logout` to forget every stored login first."
            )
        return cipher

    async def token_for(self, org_code: str) -> UsableLogin:
        """The stored token of the org. Raises NotLoggedInError when there is none,
        AuthenticationError when it has expired, CredentialError when it cannot be read."""
        code = OrgCode.coerce(org_code).value
        ciphertext = await self._repository.load_credential(CLI_USER_ID, code)
        if ciphertext is None:
            raise NotLoggedInError(code)
        token = _decrypted(await self._keys.cipher(create=False), ciphertext, code)
        login = self._login(code, token)
        expires_at, now = login.expires_at, self._now()
        if expires_at is not None and expires_at <= now:
            raise AuthenticationError(
                f"Your login to '{code}' expired on {expires_at:%Y-%m-%d %H:%M} UTC: run "
                f"`cpbatch login {code}` again."
            )
        soon = expires_at is not None and expires_at - now <= self._warn_before
        return UsableLogin(token, login, expires_soon=soon)

    async def logins(self) -> list[StoredLogin]:
        """Every stored login, by org code; one that cannot be decrypted is listed unreadable."""
        codes = sorted(await self._repository.credential_orgs(CLI_USER_ID))
        cipher = await self._keys.cipher(create=False) if codes else None
        found = []
        for code in codes:
            ciphertext = await self._repository.load_credential(CLI_USER_ID, code)
            if ciphertext is None:  # logged out meanwhile
                continue
            try:
                found.append(self._login(code, _decrypted(cipher, ciphertext, code)))
            except CredentialError:
                found.append(StoredLogin(code, None, None, readable=False))
        return found

    async def forget(self, org_code: str | None) -> int:
        """Delete the org's login, or every login when org_code is None; the key goes with
        the last one, so a logged-out machine keeps nothing. Returns how many were deleted."""
        code = None if org_code is None else OrgCode.coerce(org_code).value
        deleted = await self._repository.delete_credentials(CLI_USER_ID, code)
        if not await self._repository.credential_orgs(CLI_USER_ID):
            await self._keys.discard()
        log.debug("cli_login_forgotten", org=code, count=deleted)
        return deleted

    async def _other_logins(self, code: str) -> bool:
        return bool(set(await self._repository.credential_orgs(CLI_USER_ID)) - {code})

    async def _new_cipher(self) -> SecretCipher:
        """The key's cipher, made first when there is no key."""
        cipher = await self._keys.cipher(create=True)
        assert cipher is not None  # create=True makes one
        return cipher

    def _login(self, code: str, token: AccessToken) -> StoredLogin:
        facts = self._read_token(token)
        return StoredLogin(code, facts.account_name, facts.expires_at)


def _decrypted(cipher: SecretCipher | None, ciphertext: bytes, code: str) -> AccessToken:
    unreadable = CredentialError(
        f"The stored login for '{code}' cannot be read with this machine's key (the key was "
        f"removed or changed, or the data is damaged): run `cpbatch login {code}` again."
    )
    if cipher is None:
        raise unreadable
    try:
        return AccessToken.parse(cipher.decrypt(ciphertext))
    except (CredentialError, ValidationError):
        raise unreadable from None
