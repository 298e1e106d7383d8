"""A user's ClassPlus token per org: encrypted before it is stored, decrypted when used."""

from __future__ import annotations

from cpbatch.application.bot import texts
from cpbatch.application.ports import CredentialRepository, SecretCipher
from cpbatch.domain.errors import CpbatchError, CredentialError, ValidationError
from cpbatch.domain.identifiers import AccessToken


class NotLoggedInError(CpbatchError):
    """The user has no stored token for this org."""

    kind = "not_logged_in"

    def __init__(self, org_code: str) -> None:
        super().__init__(texts.not_logged_in(org_code))
        self.org_code = org_code


class TokenVault:
    def __init__(self, repository: CredentialRepository, cipher: SecretCipher) -> None:
        self._repository = repository
        self._cipher = cipher

    async def load(self, user_id: int, org_code: str) -> AccessToken:
        """The user's token for the org. Raises NotLoggedInError when there is none, and
        CredentialError when it cannot be decrypted (the stored data is left alone)."""
        ciphertext = await self._repository.load_credential(user_id, org_code)
        if ciphertext is None:
            raise NotLoggedInError(org_code)
        try:
            return AccessToken.parse(self._cipher.decrypt(ciphertext))
        except ValidationError:
            raise CredentialError(texts.CREDENTIAL_UNREADABLE) from None

    async def save(self, user_id: int, org_code: str, token: AccessToken) -> None:
        await self._repository.save_credential(
            user_id, org_code, self._cipher.encrypt(token.secret)
        )

    async def forget(self, user_id: int, org_code: str | None) -> int:
        return await self._repository.delete_credentials(user_id, org_code)

    async def orgs(self, user_id: int) -> list[str]:
        return await self._repository.credential_orgs(user_id)
