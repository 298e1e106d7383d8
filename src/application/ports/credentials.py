"""Ports for what the bot keeps per user: encrypted ClassPlus tokens, and Telegram file ids."""

from __future__ import annotations

from typing import Protocol


class SecretCipher(Protocol):
    def encrypt(self, plaintext: str) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> str:
        """Raises CredentialError when the data was encrypted with another key or is damaged;
        the stored data is left untouched."""
        ...


class CredentialRepository(Protocol):
    """Encrypted tokens per chat user and org. Stores ciphertext only, never plaintext."""

    async def save_credential(self, user_id: int, org_code: str, ciphertext: bytes) -> None: ...

    async def load_credential(self, user_id: int, org_code: str) -> bytes | None: ...

    async def delete_credentials(self, user_id: int, org_code: str | None = None) -> int:
        """Delete one org's credential, or all of the user's when org_code is None; returns how
        many were deleted."""
        ...

    async def credential_orgs(self, user_id: int) -> list[str]:
        """Org codes the user has a stored credential for."""
        ...


class RemoteFileIdRepository(Protocol):
    """The chat service's id of an uploaded blob (per part, for files split in parts), so the
    same bytes are never uploaded twice. Permission is checked elsewhere, every time."""

    async def load_remote_file_id(self, sha256: str, part: int = 0) -> str | None: ...

    async def save_remote_file_id(self, sha256: str, remote_id: str, part: int = 0) -> None: ...
