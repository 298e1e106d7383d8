"""Encryption of secrets at rest (the bot's stored ClassPlus tokens), keyed by SECRET_KEY."""

from cpbatch.adapters.crypto.fernet_cipher import FernetCipher, generate_secret_key

__all__ = ["FernetCipher", "generate_secret_key"]
