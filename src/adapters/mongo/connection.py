"""Opening the MongoDB client, and showing a MongoDB URI without its secrets.

The raw URI is passed to the driver and nowhere else: every message and log line about it
uses `redact_uri`, and driver errors are described, never quoted.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import suppress

import structlog
from pymongo import AsyncMongoClient

from cpbatch.adapters.mongo.errors import DRIVER_ERRORS, describe
from cpbatch.adapters.mongo.handles import Database, Document
from cpbatch.domain.errors import StorageError

log = structlog.get_logger(__name__)
MASK = "***"
# Query options whose values are secrets (AWS session tokens, key file passwords).
_SECRET_OPTIONS = re.compile(
    r"([?&](?:authMechanismProperties|tlsCertificateKeyFilePassword|sslPEMKeyPassword)=)[^&#]*",
    re.IGNORECASE,
)
# MongoDB's own rules for database names: no /\. "$*<>:|? or NUL, under 64 bytes.
_BAD_DB_CHARS = re.compile(r'[/\\. "$*<>:|?\x00]')


def redact_uri(uri: str) -> str:
    """`uri` with the password (and secret query options) replaced by ***.

    The user name, hosts, database and ordinary options stay readable. When the text cannot
    be read as scheme://[user[:password]@]hosts..., the whole thing is masked; when it is
    ambiguous (an unescaped / ? or @ in a password), more is masked rather than less.
    """
    scheme, sep, rest = uri.partition("://")
    if not sep or not scheme:
        return MASK
    # The last @ of all: an unescaped @, / or ? inside a password must never leave part of it
    # visible (an @ in a query option then masks a little more than needed).
    at = rest.rfind("@")
    if at >= 0:
        user, colon, _password = rest[:at].partition(":")
        if colon:
            rest = f"{user}:{MASK}{rest[at:]}"
    return f"{scheme}://{_SECRET_OPTIONS.sub(lambda m: m.group(1) + MASK, rest)}"


def check_database_name(name: object) -> str:
    if not isinstance(name, str) or not name or _BAD_DB_CHARS.search(name):
        raise StorageError(
            'The MongoDB database name must be non-empty, without spaces or any of /\\. "$*<>:|?'
        )
    if len(name.encode()) >= 64:
        raise StorageError("The MongoDB database name must be shorter than 64 bytes.")
    return name


async def open_mongo(
    uri: str,
    database: str,
    *,
    server_selection_timeout_ms: int = 5000,
    app_name: str = "cpbatch",
) -> tuple[AsyncMongoClient[Document], Database]:
    """Connect, and check the server answers (a `ping`, which also authenticates).

    Returns the client (the caller owns it: `await client.close()` at shutdown) and the
    database. An invalid URI, an unreachable server or refused credentials raise StorageError
    naming the redacted URI; the client is closed before raising.
    """
    name = check_database_name(database)
    shown = redact_uri(uri)
    try:
        client: AsyncMongoClient[Document] = AsyncMongoClient(
            uri, serverSelectionTimeoutMS=server_selection_timeout_ms, appname=app_name
        )
    except (*DRIVER_ERRORS, ValueError, TypeError) as exc:
        log.error("mongo_uri_invalid", uri=shown, error=type(exc).__name__)
        raise StorageError(
            f"MONGODB_URI {shown} is not a valid MongoDB address: write it as "
            "mongodb://USER:PW@HOST[:PORT]/[?OPTIONS] (or mongodb+srv://...), with "
            "special characters in the user name and password percent-encoded."
        ) from None
    try:
        await client.admin.command("ping")
    except BaseException as exc:
        with suppress(Exception):
            await client.close()
        if not isinstance(exc, DRIVER_ERRORS):
            raise
        log.error("mongo_unreachable", uri=shown, error=type(exc).__name__)
        raise StorageError(
            f"Could not use MongoDB at {shown}: {describe(exc)}. Check MONGODB_URI and that "
            "the server is running."
        ) from None
    log.info("mongo_connected", uri=shown, database=name)
    return client, client[name]


async def mongo_database(
    uri: str, database: str, *, server_selection_timeout_ms: int = 5000
) -> AsyncIterator[Database]:
    """The database for the life of the generator: connect (and ping) on start, close the
    client on exit. Shaped for a dependency-injector `Resource` (init at start, shutdown at
    exit), or `contextlib.asynccontextmanager(mongo_database)(...)`."""
    client, db = await open_mongo(
        uri, database, server_selection_timeout_ms=server_selection_timeout_ms
    )
    try:
        yield db
    finally:
        await client.close()
        log.info("mongo_closed", database=database)
