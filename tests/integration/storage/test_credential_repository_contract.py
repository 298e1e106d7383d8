"""The CredentialRepository contract, run against every adapter (see conftest.py)."""

from __future__ import annotations

import pytest

from cpbatch.adapters.crypto import FernetCipher, generate_secret_key
from cpbatch.application.ports.credentials import CredentialRepository
from support.storage_kits import CredentialKit

ALICE, BOB = 1001, 2002
SECRET = bytes(range(256))  # every byte value: ciphertext is binary, stored as is


@pytest.fixture
async def repo(credential_kit: CredentialKit) -> CredentialRepository:
    return await credential_kit.open()


async def test_a_saved_credential_reads_back_byte_for_byte(repo: CredentialRepository) -> None:
    await repo.save_credential(ALICE, "learnwell", SECRET)
    assert await repo.load_credential(ALICE, "learnwell") == SECRET


async def test_nothing_saved_reads_as_none(repo: CredentialRepository) -> None:
    assert await repo.load_credential(ALICE, "learnwell") is None
    assert await repo.credential_orgs(ALICE) == []


async def test_saving_again_replaces_the_credential(repo: CredentialRepository) -> None:
    await repo.save_credential(ALICE, "learnwell", b"old")
    await repo.save_credential(ALICE, "learnwell", b"new")
    assert await repo.load_credential(ALICE, "learnwell") == b"new"
    assert await repo.credential_orgs(ALICE) == ["learnwell"]


async def test_one_user_never_gets_another_users_credential(repo: CredentialRepository) -> None:
    await repo.save_credential(ALICE, "learnwell", b"alice's")
    assert await repo.load_credential(BOB, "learnwell") is None
    await repo.save_credential(BOB, "learnwell", b"bob's")
    assert await repo.load_credential(ALICE, "learnwell") == b"alice's"
    assert await repo.load_credential(BOB, "learnwell") == b"bob's"
    assert await repo.delete_credentials(BOB) == 1
    assert await repo.load_credential(ALICE, "learnwell") == b"alice's"
    assert await repo.credential_orgs(BOB) == []


async def test_each_org_has_its_own_credential(repo: CredentialRepository) -> None:
    await repo.save_credential(ALICE, "learnwell", b"for learnwell")
    await repo.save_credential(ALICE, "brightpath", b"for brightpath")
    assert await repo.load_credential(ALICE, "learnwell") == b"for learnwell"
    assert await repo.load_credential(ALICE, "brightpath") == b"for brightpath"
    assert await repo.load_credential(ALICE, "emptyorg") is None
    assert sorted(await repo.credential_orgs(ALICE)) == ["brightpath", "learnwell"]


async def test_delete_one_org_or_all_of_a_users(repo: CredentialRepository) -> None:
    for org in ("a1", "b2", "c3"):
        await repo.save_credential(ALICE, org, org.encode())
    await repo.save_credential(BOB, "a1", b"bob")
    assert await repo.delete_credentials(ALICE, "b2") == 1
    assert await repo.delete_credentials(ALICE, "b2") == 0
    assert sorted(await repo.credential_orgs(ALICE)) == ["a1", "c3"]
    assert await repo.delete_credentials(ALICE) == 2
    assert await repo.delete_credentials(ALICE) == 0
    assert await repo.credential_orgs(ALICE) == []
    assert await repo.load_credential(BOB, "a1") == b"bob"


async def test_credentials_persist_across_reopening(credential_kit: CredentialKit) -> None:
    first = await credential_kit.open()
    await first.save_credential(ALICE, "learnwell", SECRET)
    await first.save_credential(BOB, "brightpath", b"bob's")
    second = await credential_kit.open()
    assert await second.load_credential(ALICE, "learnwell") == SECRET
    assert await second.credential_orgs(BOB) == ["brightpath"]


async def test_no_plaintext_token_is_ever_at_rest(credential_kit: CredentialKit) -> None:
    # Built at runtime (no literal token in the code base); JWT-shaped like a real one.
    token = "eyJhbGciOiJIUzM4NCJ9." + "eyJpZCI6" + "Q" * 120 + ".c2ln" + "Z" * 80
    cipher = FernetCipher(generate_secret_key())
    repo = await credential_kit.open()
    for user in range(50):  # enough rows to push pages through the WAL
        await repo.save_credential(user, "learnwell", cipher.encrypt(token))
    stored = await repo.load_credential(7, "learnwell")
    assert stored is not None
    assert cipher.decrypt(stored) == token
    at_rest = credential_kit.at_rest()
    assert at_rest, "the store should have written something"
    for needle in (token, token.split(".")[1], token.split(".")[2], "eyJhbGciOiJIUzM4NCJ9"):
        assert needle.encode() not in at_rest
