"""LoginKeyStore: where the CLI login key is kept (OS keyring, else a 0600 file), and the
refusals that keep it from being replaced or leaked."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from keyring.backends import fail

from cpbatch.adapters.crypto.key_file import KeyFile
from cpbatch.adapters.crypto.key_store import KEY_FILE_NAME, LoginKeyStore
from cpbatch.domain.errors import CredentialError
from support.keyrings import (
    ForgetfulKeyring,
    InMemoryKeyring,
    LockedKeyring,
    UnansweringKeyring,
)

TOKEN = "eyJhbGciOiJIUzM4NCJ9.eyJpZCI6MX0.c2lnbmF0dXJlLW9mLWEtdG9rZW4"


async def round_trip(first: LoginKeyStore, second: LoginKeyStore) -> None:
    made = await first.cipher(create=True)
    found = await second.cipher(create=False)
    assert made is not None
    assert found is not None
    assert found.decrypt(made.encrypt(TOKEN)) == TOKEN


async def test_without_a_keyring_the_key_is_a_file_only_its_owner_can_read(tmp_path: Path):
    old_umask = os.umask(0)  # the most permissive umask: the mode must not depend on it
    try:
        store = LoginKeyStore(tmp_path / "data", fail.Keyring())
        await round_trip(store, LoginKeyStore(tmp_path / "data", fail.Keyring()))
    finally:
        os.umask(old_umask)

    key_file = tmp_path / "data" / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in key_file.parent.iterdir()) == [KEY_FILE_NAME]


async def test_no_key_is_made_just_to_look(tmp_path: Path):
    keyring = InMemoryKeyring()
    store = LoginKeyStore(tmp_path, keyring)

    assert await store.cipher(create=False) is None
    assert not (tmp_path / KEY_FILE_NAME).exists()
    assert keyring.entries == {}


async def test_a_usable_keyring_keeps_the_key_and_no_file_is_written(tmp_path: Path):
    keyring = InMemoryKeyring()

    await round_trip(LoginKeyStore(tmp_path, keyring), LoginKeyStore(tmp_path, keyring))

    assert not (tmp_path / KEY_FILE_NAME).exists()
    [(service, entry)] = keyring.entries
    assert service == "cpbatch"
    assert str(tmp_path) in entry  # one key per data folder


async def test_a_keyring_that_drops_the_key_is_not_trusted_with_it(tmp_path: Path):
    await round_trip(
        LoginKeyStore(tmp_path, ForgetfulKeyring()), LoginKeyStore(tmp_path, ForgetfulKeyring())
    )

    assert (tmp_path / KEY_FILE_NAME).exists()


async def test_a_locked_keyring_is_an_error_when_the_key_is_looked_for(tmp_path: Path):
    store = LoginKeyStore(tmp_path, LockedKeyring())

    with pytest.raises(CredentialError, match="OS keyring") as error:
        await store.cipher(create=False)  # the key of stored logins may be in there

    assert "KeyringLocked" in str(error.value)
    assert not (tmp_path / KEY_FILE_NAME).exists()


async def test_a_new_key_goes_to_the_file_when_the_keyring_fails(tmp_path: Path):
    await round_trip(
        LoginKeyStore(tmp_path, LockedKeyring()), LoginKeyStore(tmp_path, LockedKeyring())
    )

    assert stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode) == 0o600


async def test_a_keyring_that_never_answers_is_given_up_on(tmp_path: Path):
    keyring = UnansweringKeyring()  # waiting on an unlock prompt nobody can see
    try:
        with pytest.raises(CredentialError, match="did not answer"):
            await LoginKeyStore(tmp_path, keyring, keyring_timeout=0.05).cipher(create=False)
        made = await LoginKeyStore(tmp_path, keyring, keyring_timeout=0.05).cipher(create=True)
        await LoginKeyStore(tmp_path, keyring, keyring_timeout=0.05).discard()
    finally:
        keyring.released.set()

    assert made is not None
    assert not (tmp_path / KEY_FILE_NAME).exists()


async def test_forgetting_a_key_kept_in_a_file_never_waits_for_a_keyring(tmp_path: Path):
    await LoginKeyStore(tmp_path, fail.Keyring()).cipher(create=True)  # the key is a file
    keyring = UnansweringKeyring()
    asked = threading.Event()
    original = keyring.get_password

    def noting(service: str, username: str) -> str | None:
        asked.set()
        return original(service, username)

    keyring.get_password = noting  # type: ignore[method-assign]
    try:
        await LoginKeyStore(tmp_path, keyring, keyring_timeout=5.0).discard()
    finally:
        keyring.released.set()

    assert not asked.is_set()
    assert not (tmp_path / KEY_FILE_NAME).exists()


async def test_a_keyring_still_being_looked_for_is_given_up_on(tmp_path: Path):
    found = threading.Event()

    def find_keyring() -> InMemoryKeyring:  # D-Bus not answering keyring's questions
        found.wait()
        return InMemoryKeyring()

    try:
        with pytest.raises(CredentialError, match="did not answer"):
            await LoginKeyStore(tmp_path, find_keyring, keyring_timeout=0.05).cipher(create=False)
        made = await LoginKeyStore(tmp_path, find_keyring, keyring_timeout=0.05).cipher(create=True)
    finally:
        found.set()

    assert made is not None
    assert stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode) == 0o600


async def test_a_key_file_wins_over_a_keyring_that_appeared_later(tmp_path: Path):
    await LoginKeyStore(tmp_path, fail.Keyring()).cipher(create=True)
    keyring = InMemoryKeyring()

    await round_trip(LoginKeyStore(tmp_path, fail.Keyring()), LoginKeyStore(tmp_path, keyring))

    assert keyring.entries == {}


async def test_discard_removes_the_key_wherever_it_is(tmp_path: Path):
    keyring = InMemoryKeyring()
    await LoginKeyStore(tmp_path / "a", keyring).cipher(create=True)
    await LoginKeyStore(tmp_path / "b", fail.Keyring()).cipher(create=True)

    await LoginKeyStore(tmp_path / "a", keyring).discard()
    await LoginKeyStore(tmp_path / "b", fail.Keyring()).discard()

    assert keyring.entries == {}
    assert not (tmp_path / "b" / KEY_FILE_NAME).exists()


def test_a_key_file_others_may_read_is_refused_without_showing_the_key(tmp_path: Path):
    key_file = KeyFile(tmp_path / KEY_FILE_NAME)
    key = key_file.create("a-key-that-must-stay-secret")
    key_file.path.chmod(0o640)

    with pytest.raises(CredentialError, match="other users") as error:
        key_file.read()

    assert key not in str(error.value)


def test_the_first_key_file_made_is_the_key(tmp_path: Path):
    key_file = KeyFile(tmp_path / KEY_FILE_NAME)

    first = key_file.create("first")
    second = key_file.create("second")  # another process, a moment later

    assert first == second == "first"
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]


async def test_a_damaged_key_is_refused(tmp_path: Path):
    KeyFile(tmp_path / KEY_FILE_NAME).create("not a fernet key")

    with pytest.raises(CredentialError, match="damaged"):
        await LoginKeyStore(tmp_path, fail.Keyring()).cipher(create=False)
