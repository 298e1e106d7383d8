"""The bot's stores and cipher, in memory."""

from __future__ import annotations

import base64

from cpbatch.domain.errors import (
    CredentialError,
)


class FakeCipher:
    """SecretCipher that scrambles (never stores plaintext) and knows which key it used."""

    def __init__(self, key: int = 0x5A) -> None:
        self.key = key

    def encrypt(self, plaintext: str) -> bytes:
        scrambled = bytes(b ^ self.key for b in plaintext.encode())
        return f"fake{self.key}:".encode() + base64.b64encode(scrambled)

    def decrypt(self, ciphertext: bytes) -> str:
        prefix = f"fake{self.key}:".encode()
        if not ciphertext.startswith(prefix):
            raise CredentialError("Stored credentials were encrypted with another key.")
        scrambled = base64.b64decode(ciphertext[len(prefix) :])
        return bytes(b ^ self.key for b in scrambled).decode()


class InMemoryCredentialRepository:
    """CredentialRepository in a dict keyed by (user id, org code)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], bytes] = {}

    async def save_credential(self, user_id: int, org_code: str, ciphertext: bytes) -> None:
        self.rows[(user_id, org_code)] = ciphertext

    async def load_credential(self, user_id: int, org_code: str) -> bytes | None:
        return self.rows.get((user_id, org_code))

    async def delete_credentials(self, user_id: int, org_code: str | None = None) -> int:
        doomed = [k for k in self.rows if k[0] == user_id and org_code in (None, k[1])]
        for key in doomed:
            del self.rows[key]
        return len(doomed)

    async def credential_orgs(self, user_id: int) -> list[str]:
        return sorted(org for user, org in self.rows if user == user_id)


class InMemoryRemoteFileIds:
    """RemoteFileIdRepository in a dict keyed by (sha256, part)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, int], str] = {}

    async def load_remote_file_id(self, sha256: str, part: int = 0) -> str | None:
        return self.ids.get((sha256, part))

    async def save_remote_file_id(self, sha256: str, remote_id: str, part: int = 0) -> None:
        self.ids[(sha256, part)] = remote_id
