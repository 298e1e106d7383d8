"""SECRET_KEY, the deployment's key for secrets at rest: parsing it into Fernet keys.

SECRET_KEY is a comma-separated list; the first entry encrypts, every entry decrypts (add the
new key in front to rotate, drop the old one once everything was re-encrypted). An entry is
either a Fernet key (url-safe base64 of 32 random bytes, what `generate_secret_key` prints)
or a passphrase of at least 32 characters, stretched into a key with scrypt. A passphrase
cannot contain a comma. No entry is ever logged or put into an error message.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from cpbatch.domain.errors import ValidationError

MIN_PASSPHRASE_CHARS = 32
FERNET_KEY_BYTES = 32
# Near a key's length and all base64: a key mis-pasted, not a passphrase. Taken as a
# passphrase it would work, until someone fixes it and the stored data becomes unreadable.
_KEY_LOOKALIKE = re.compile(r"[A-Za-z0-9_+/-]{38,48}={0,2}")

# A fixed, public application salt. A salt exists to stop one precomputation from attacking
# many passwords at once (many users, one table). Here there is one secret per deployment,
# chosen by its operator, protecting that deployment's data at rest, and the passphrase must
# map to the same key on every start (a random salt would have to be stored next to the
# data, where it protects nothing more). The 32-character minimum and scrypt's cost make
# guessing expensive; never change these values: stored data would become unreadable.
APP_SALT = b"cpbatch/SECRET_KEY/fernet/v1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # ~32 MiB and ~0.1 s per passphrase, once at start


def fernet_keys(secret_key: str) -> list[bytes]:
    """The Fernet keys of a SECRET_KEY value, encrypting key first.

    Raises ValidationError naming SECRET_KEY (and the entry's position, never its value)
    when the value is empty or an entry is neither a Fernet key nor a long passphrase."""
    if not isinstance(secret_key, str) or not secret_key.strip():
        raise ValidationError(
            "SECRET_KEY is not set: set it to a Fernet key (44 characters of url-safe base64, "
            f"as Fernet.generate_key() makes) or a passphrase of at least {MIN_PASSPHRASE_CHARS} "
            "characters."
        )
    entries = [entry.strip() for entry in secret_key.split(",")]
    if any(not entry for entry in entries):
        raise ValidationError("SECRET_KEY has an empty entry: separate keys with single commas.")
    return [_key_of(entry, position) for position, entry in enumerate(entries, start=1)]


def _key_of(entry: str, position: int) -> bytes:
    key = _as_fernet_key(entry)
    if key is not None:
        return key
    where = f"entry {position} of SECRET_KEY" if position > 1 else "SECRET_KEY"
    if _KEY_LOOKALIKE.fullmatch(entry):
        raise ValidationError(
            f"{where} looks like a Fernet key but is not a valid one (a character missing or "
            "changed?): Fernet keys are 44 characters of url-safe base64 encoding 32 bytes."
        )
    if len(entry) >= MIN_PASSPHRASE_CHARS:
        return _stretch(entry)
    raise ValidationError(
        f"{where} is neither a Fernet key (44 characters of url-safe base64) nor a passphrase "
        f"of at least {MIN_PASSPHRASE_CHARS} characters."
    )


def _as_fernet_key(entry: str) -> bytes | None:
    """The entry as a Fernet key if it is url-safe base64 of exactly 32 bytes."""
    if len(entry) != 44 or not entry.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(entry.encode("ascii"))
    except (binascii.Error, ValueError):
        return None
    # Only the canonical spelling counts: a passphrase that merely decodes is not a key.
    if len(raw) != FERNET_KEY_BYTES or base64.urlsafe_b64encode(raw).decode() != entry:
        return None
    return entry.encode("ascii")


def _stretch(passphrase: str) -> bytes:
    kdf = Scrypt(salt=APP_SALT, length=FERNET_KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


def generate_secret_key() -> str:
    """A new random Fernet key, fit to be SECRET_KEY (or to be put in front of it)."""
    return Fernet.generate_key().decode("ascii")
