"""CliLogins: one encrypted token per org for the command line's user, with the rules for
expired and nearly expired logins, and logout leaving nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cpbatch.adapters.crypto import FernetCipher, generate_secret_key
from cpbatch.application.cli_logins import CLI_USER_ID, CliLogins, NotLoggedInError
from cpbatch.application.ports import TokenFacts
from cpbatch.domain.errors import AuthenticationError, CredentialError
from cpbatch.domain.identifiers import AccessToken
from support.fakes import InMemoryCredentialRepository

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TOKEN = AccessToken("eyJhbGciOiJIUzM4NCJ9.eyJpZCI6MX0.c2lnbmF0dXJlLW9mLWEtdG9rZW4")


class FakeKeys:
    def __init__(self) -> None:
        self.current: FernetCipher | None = None

    async def cipher(self, *, create: bool) -> FernetCipher | None:
        if self.current is None and create:
            self.current = FernetCipher(generate_secret_key())
        return self.current

    async def discard(self) -> None:
        self.current = None


class UnreachableKeys(FakeKeys):
    """The key exists but cannot be had now (a keyring that does not answer, a key file
    others may read); a new key could still be made."""

    def __init__(self) -> None:
        super().__init__()
        self.reachable = False
        self.discarded = 0

    async def cipher(self, *, create: bool) -> FernetCipher | None:
        if not self.reachable:
            raise CredentialError("The key cannot be used.")
        return await super().cipher(create=create)

    async def discard(self) -> None:
        self.discarded += 1
        self.reachable = True
        await super().discard()


def logins_expiring_at(
    expires_at: datetime | None, repository: InMemoryCredentialRepository | None = None
) -> tuple[CliLogins, InMemoryCredentialRepository, FakeKeys]:
    repository = repository or InMemoryCredentialRepository()
    keys = FakeKeys()
    logins = CliLogins(
        repository,
        keys,
        lambda token: TokenFacts("Asha", expires_at),
        timedelta(days=3),
        lambda: NOW,
    )
    return logins, repository, keys


async def test_a_saved_login_is_stored_encrypted_under_the_cli_user():
    logins, repository, _keys = logins_expiring_at(NOW + timedelta(days=7))

    saved = await logins.save("LearnWell", TOKEN)
    usable = await logins.token_for("learnwell")

    assert (saved.org_code, saved.account_name) == ("learnwell", "Asha")
    assert usable.token == TOKEN
    assert not usable.expires_soon
    [(user, org)] = repository.rows
    assert (user, org) == (CLI_USER_ID, "learnwell")
    assert TOKEN.secret.encode() not in repository.rows[(user, org)]


async def test_a_login_within_the_warning_period_is_usable_but_expires_soon():
    logins, _repository, _keys = logins_expiring_at(NOW + timedelta(days=2, hours=23))
    await logins.save("learnwell", TOKEN)

    usable = await logins.token_for("learnwell")

    assert usable.token == TOKEN
    assert usable.expires_soon


async def test_an_expired_login_says_to_log_in_again_without_the_token():
    logins, _repository, _keys = logins_expiring_at(NOW - timedelta(seconds=1))
    await logins.save("learnwell", TOKEN)

    with pytest.raises(AuthenticationError, match="cpbatch login learnwell") as error:
        await logins.token_for("learnwell")

    assert TOKEN.secret not in str(error.value)


async def test_no_login_for_the_org_is_a_clear_error():
    logins, _repository, keys = logins_expiring_at(None)

    with pytest.raises(NotLoggedInError, match="cpbatch login learnwell"):
        await logins.token_for("learnwell")

    assert keys.current is None  # looking made no key


async def test_a_login_the_key_cannot_read_is_listed_unreadable_and_refused():
    logins, _repository, keys = logins_expiring_at(None)
    await logins.save("learnwell", TOKEN)
    keys.current = FernetCipher(generate_secret_key())  # the key was replaced

    [listed] = await logins.logins()
    with pytest.raises(CredentialError, match="cpbatch login learnwell"):
        await logins.token_for("learnwell")

    assert (listed.org_code, listed.readable) == ("learnwell", False)


async def test_logout_of_the_last_org_discards_the_key_and_leaves_bot_users_alone():
    repository = InMemoryCredentialRepository()
    repository.rows[(42, "learnwell")] = b"a bot user's ciphertext"
    logins, _repository, keys = logins_expiring_at(None, repository)
    await logins.save("learnwell", TOKEN)
    await logins.save("brightpath", TOKEN)

    assert await logins.forget("learnwell") == 1
    assert keys.current is not None  # brightpath still needs it
    assert await logins.forget(None) == 1

    assert keys.current is None
    assert list(repository.rows) == [(42, "learnwell")]
    assert await logins.logins() == []


def logins_with(repository: InMemoryCredentialRepository, keys: FakeKeys) -> CliLogins:
    return CliLogins(
        repository, keys, lambda token: TokenFacts("Asha", None), timedelta(days=3), lambda: NOW
    )


async def test_a_login_never_makes_a_new_key_the_other_logins_cannot_use():
    repository = InMemoryCredentialRepository()
    await logins_with(repository, FakeKeys()).save("learnwell", TOKEN)
    before = dict(repository.rows)
    keys = UnreachableKeys()
    logins = logins_with(repository, keys)

    with pytest.raises(CredentialError):
        await logins.check_key_for("brightpath")
    with pytest.raises(CredentialError):
        await logins.save("brightpath", TOKEN)

    assert repository.rows == before
    assert keys.discarded == 0


async def test_with_no_other_login_an_unusable_key_is_replaced():
    repository = InMemoryCredentialRepository()
    await logins_with(repository, FakeKeys()).save("learnwell", TOKEN)
    keys = UnreachableKeys()
    logins = logins_with(repository, keys)

    await logins.check_key_for("learnwell")  # only its own login would be replaced: go on
    await logins.save("learnwell", TOKEN)

    assert keys.discarded == 1
    assert (await logins.token_for("learnwell")).token == TOKEN
