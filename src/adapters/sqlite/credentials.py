"""The CredentialRepository port on the SQLite file."""

from __future__ import annotations

import sqlite3
import time

import structlog

from cpbatch.adapters.sqlite import statements as sql
from cpbatch.adapters.sqlite.connection import SqliteThread
from cpbatch.domain.errors import StorageError, ValidationError

log = structlog.get_logger(__name__)


class SqliteCredentials:
    """Ciphertext per (chat user id, org code), exactly as given: this class never sees a
    key or a plaintext, so nothing it stores or logs can reveal a token. Org codes are
    compared lower-cased. Each write is committed when it returns."""

    def __init__(self, thread: SqliteThread) -> None:
        self._thread = thread

    async def save_credential(self, user_id: int, org_code: str, ciphertext: bytes) -> None:
        if not isinstance(ciphertext, bytes | bytearray | memoryview) or not ciphertext:
            raise ValidationError("A credential to store must be non-empty ciphertext bytes.")
        args = (_user(user_id), _org(org_code), bytes(ciphertext), time.time())

        def write(db: sqlite3.Connection) -> None:
            db.execute(sql.UPSERT_CREDENTIAL, args)

        await self._thread.run(write, doing="save a credential")
        log.debug("credential_saved", user_id=user_id, org_code=args[1])

    async def load_credential(self, user_id: int, org_code: str) -> bytes | None:
        args = (_user(user_id), _org(org_code))

        def read(db: sqlite3.Connection) -> bytes | None:
            row = db.execute(sql.SELECT_CREDENTIAL, args).fetchone()
            if row is None:
                return None
            if not isinstance(row[0], bytes):
                raise StorageError("A stored credential is malformed: it is not binary data.")
            return row[0]

        return await self._thread.run(read, doing="read a credential")

    async def delete_credentials(self, user_id: int, org_code: str | None = None) -> int:
        args: tuple[object, ...]
        if org_code is None:
            statement, args = sql.DELETE_CREDENTIALS_OF_USER, (_user(user_id),)
        else:
            statement, args = sql.DELETE_CREDENTIAL, (_user(user_id), _org(org_code))

        def delete(db: sqlite3.Connection) -> int:
            return db.execute(statement, args).rowcount

        deleted = await self._thread.run(delete, doing="delete credentials")
        log.debug("credentials_deleted", user_id=user_id, count=deleted)
        return deleted

    async def credential_orgs(self, user_id: int) -> list[str]:
        args = (_user(user_id),)

        def read(db: sqlite3.Connection) -> list[str]:
            return [str(row[0]) for row in db.execute(sql.SELECT_CREDENTIAL_ORGS, args)]

        return await self._thread.run(read, doing="list credentials")


def _user(user_id: int) -> int:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ValidationError("A chat user id must be a whole number.")
    return user_id


def _org(org_code: str) -> str:
    code = org_code.strip().lower() if isinstance(org_code, str) else ""
    if not code:
        raise ValidationError("A credential needs an organization code.")
    return code
