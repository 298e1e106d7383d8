"""FernetCipher: what SECRET_KEY may be, rotation, and refusals that never leak a key."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet

from cpbatch.adapters.crypto import FernetCipher, generate_secret_key
from cpbatch.domain.errors import CredentialError, ValidationError

TOKEN = "eyJhbGciOiJIUzM4NCJ9.eyJpZCI6MX0.c2lnbmF0dXJlLW9mLWEtdG9rZW4"
PASSPHRASE = "correct horse battery staple: 32+ characters"


def test_a_round_trip_returns_the_plaintext():
    cipher = FernetCipher(generate_secret_key())
    assert cipher.decrypt(cipher.encrypt(TOKEN)) == TOKEN
    assert cipher.decrypt(cipher.encrypt("")) == ""
    assert cipher.decrypt(cipher.encrypt("ünïcødé ✓")) == "ünïcødé ✓"


def test_ciphertext_never_contains_the_plaintext_and_is_never_repeated():
    cipher = FernetCipher(generate_secret_key())
    first, second = cipher.encrypt(TOKEN), cipher.encrypt(TOKEN)
    assert first != second  # a fresh IV each time
    for blob in (first, second):
        assert TOKEN.encode() not in blob
        assert TOKEN.encode() not in base64.urlsafe_b64decode(blob)
        assert b"eyJ" not in blob


def test_rotation_the_first_key_encrypts_and_every_key_decrypts():
    old, new = generate_secret_key(), generate_secret_key()
    stored = FernetCipher(old).encrypt(TOKEN)
    rotated = FernetCipher(f"{new}, {old}")
    assert rotated.decrypt(stored) == TOKEN
    fresh = rotated.encrypt(TOKEN)
    assert FernetCipher(new).decrypt(fresh) == TOKEN
    with pytest.raises(CredentialError):
        FernetCipher(old).decrypt(fresh)
    assert FernetCipher(new).decrypt(rotated.rotate(stored)) == TOKEN


def test_another_key_is_refused_with_an_actionable_message_that_names_no_key():
    key, other = generate_secret_key(), generate_secret_key()
    stored = FernetCipher(key).encrypt(TOKEN)
    with pytest.raises(CredentialError) as err:
        FernetCipher(other).decrypt(stored)
    message = str(err.value)
    assert "SECRET_KEY" in message
    assert "nothing was deleted" in message
    assert "/login again" in message
    for secret in (key, other, TOKEN, stored.decode()):
        assert secret not in message
    assert err.value.__cause__ is None
    assert err.value.__suppress_context__  # no library traceback chained to it


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[:-1],
        lambda blob: blob[:20] + (b"A" if blob[20:21] != b"A" else b"B") + blob[21:],
        lambda blob: b"",
        lambda blob: b"not a fernet token at all",
    ],
    ids=["truncated", "flipped", "empty", "garbage"],
)
def test_damaged_data_is_refused_never_returned_garbled(damage):
    cipher = FernetCipher(generate_secret_key())
    with pytest.raises(CredentialError, match="cannot be read"):
        cipher.decrypt(damage(cipher.encrypt(TOKEN)))


def test_a_passphrase_maps_to_the_same_key_on_every_start():
    stored = FernetCipher(PASSPHRASE).encrypt(TOKEN)
    assert FernetCipher(PASSPHRASE).decrypt(stored) == TOKEN
    assert FernetCipher(f"  {PASSPHRASE}  ").decrypt(stored) == TOKEN
    with pytest.raises(CredentialError):
        FernetCipher(PASSPHRASE + "!").decrypt(stored)


def test_the_passphrase_stretching_never_changes():
    # Pinned: a change of salt or scrypt cost would make every stored credential unreadable.
    key = b"2k5-IK46-Q330XJdFRWfbMqZlfSrSBnMCokCNweQBZA="
    stored = Fernet(key).encrypt(TOKEN.encode())
    assert FernetCipher(PASSPHRASE).decrypt(stored) == TOKEN


def test_a_passphrase_and_a_fernet_key_can_be_rotated_together():
    stored = FernetCipher(PASSPHRASE).encrypt(TOKEN)
    assert FernetCipher(f"{generate_secret_key()},{PASSPHRASE}").decrypt(stored) == TOKEN


def test_generated_keys_are_fernet_keys_and_differ():
    one, two = generate_secret_key(), generate_secret_key()
    assert one != two
    assert len(base64.urlsafe_b64decode(one)) == 32
    Fernet(one)  # accepted as is by the library too


@pytest.mark.parametrize(
    "secret_key",
    [
        "",
        "   ",
        "short passphrase",
        "x" * 31,
        "A" * 42 + "==",  # base64 of 31 bytes
        generate_secret_key()[:43],
        generate_secret_key().replace("=", "") + "xyz",
        f"{generate_secret_key()},,{generate_secret_key()}",
        f"{generate_secret_key()},too short",
    ],
    ids=["empty", "blank", "short", "31 chars", "base64 not 32 bytes", "cut key", "key with extra",
         "empty entry",
         "second entry bad"],
)  # fmt: skip
def test_unusable_keys_are_refused_naming_secret_key_but_never_echoing_it(secret_key):
    with pytest.raises(ValidationError, match="SECRET_KEY") as err:
        FernetCipher(secret_key)
    message = str(err.value)
    for entry in secret_key.split(","):
        if entry.strip():
            assert entry.strip() not in message


def test_the_cipher_never_shows_its_keys():
    key = generate_secret_key()
    cipher = FernetCipher(key)
    assert key not in repr(cipher)
    assert key not in str(cipher)
