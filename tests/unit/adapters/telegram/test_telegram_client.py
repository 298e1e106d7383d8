"""build_client without any network; the Resource around it starts against a fake data
centre in tests/integration/telegram/test_client_at_the_wire.py."""

from __future__ import annotations

import socket

import pytest
from pyrogram import Client, enums

from cpbatch.adapters.telegram import build_client
from cpbatch.domain.errors import ValidationError

TOKEN = "123456:" + "A" * 35
HASH = "0123456789abcdef" * 2


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_build_client_touches_neither_network_nor_disk_and_keeps_the_session_in_workdir(
    no_network, tmp_path
):
    workdir = tmp_path / "data" / "telegram"

    client = build_client(
        api_id=1234, api_hash=HASH, bot_token=TOKEN, workdir=workdir,
        workers=3, max_concurrent_transmissions=2, sleep_threshold=20,
    )  # fmt: skip

    assert isinstance(client, Client)
    assert client.storage.database == workdir / "cpbatch.session"
    assert not workdir.exists()  # created when the resource starts
    assert (client.workers, client.max_concurrent_transmissions) == (3, 2)
    assert client.sleep_threshold == 20
    assert client.parse_mode is enums.ParseMode.DISABLED
    assert TOKEN not in repr(client)
    assert HASH not in repr(client)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bot_token": " "}, "BOT_TOKEN"),
        ({"api_hash": ""}, "TELEGRAM_API_HASH"),
        ({"api_id": 0}, "TELEGRAM_API_ID"),
        ({"name": "../elsewhere"}, "session name"),
    ],
)
def test_missing_credentials_fail_at_once_instead_of_prompting(tmp_path, kwargs, message):
    arguments = {"api_id": 1234, "api_hash": HASH, "bot_token": TOKEN, "workdir": tmp_path}

    with pytest.raises(ValidationError, match=message) as err:
        build_client(**(arguments | kwargs))

    assert TOKEN not in str(err.value)
    assert HASH not in str(err.value)
