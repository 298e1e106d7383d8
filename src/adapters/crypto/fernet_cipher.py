"""FernetCipher: the SecretCipher port with Fernet (AES-128-CBC + HMAC-SHA256, authenticated).

Guarantees: ciphertext never contains the plaintext; each encryption uses a fresh IV (same
plaintext, different ciphertext); data encrypted with any key of SECRET_KEY decrypts; damaged
or foreign data is refused with CredentialError, never returned garbled. Nothing here logs or
raises a key, a plaintext or a ciphertext.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from cpbatch.adapters.crypto.secret_key import fernet_keys, generate_secret_key
from cpbatch.domain.errors import CredentialError

if TYPE_CHECKING:
    from cpbatch.application.ports.credentials import SecretCipher

log = structlog.get_logger(__name__)

UNREADABLE = (
    "Stored credentials cannot be read with this SECRET_KEY (it was changed, or the data is "
    "damaged): nothing was deleted; set the old key or /login again."
)

__all__ = ["FernetCipher", "generate_secret_key"]


class FernetCipher:
    """Encrypts with the first key of SECRET_KEY, decrypts with any of them (MultiFernet).

    Construct at composition time: a passphrase entry costs one scrypt run (~0.1 s, CPU).
    Raises ValidationError naming SECRET_KEY for an unusable value."""

    def __init__(self, secret_key: str) -> None:
        keys = fernet_keys(secret_key)
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        log.debug("secret_key_loaded", keys=len(keys))

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(ciphertext)).decode("utf-8")
        except (InvalidToken, TypeError, ValueError):
            # UnicodeDecodeError is a ValueError; Fernet authenticated it, so it is ours but
            # not text, which no key of ours would have produced.
            log.warning("stored_credential_unreadable", size=len(ciphertext))
            raise CredentialError(UNREADABLE) from None

    def rotate(self, ciphertext: bytes) -> bytes:
        """Re-encrypt with the first (current) key; CredentialError as `decrypt`."""
        try:
            return self._fernet.rotate(bytes(ciphertext))
        except (InvalidToken, TypeError, ValueError):
            raise CredentialError(UNREADABLE) from None

    def __repr__(self) -> str:
        return "FernetCipher(<keys redacted>)"


if TYPE_CHECKING:  # mypy proves the class implements the port

    def _implements_the_port(cipher: FernetCipher) -> SecretCipher:
        return cipher
