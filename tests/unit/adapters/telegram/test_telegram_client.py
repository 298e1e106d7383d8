"""build_client and the Resource around it, with pyrogram's start/stop replaced: no network."""

from __future__ import annotations

import socket
import stat

import pytest
from pyrogram import Client, enums, errors, types

from adapters.telegram import build_client, telegram_client_resource
from domain.errors import DeliveryError, ValidationError

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


class FakeLifecycle:
    """Stands in for Client.start/stop: signs in as `bot_id`, or raises `error`."""

    def __init__(self, monkeypatch, bot_id: int = 123456, error: Exception | None = None):
        self.started: list[Client] = []
        self.stopped: list[Client] = []
        lifecycle = self

        async def start(client: Client) -> Client:
            if error is not None:
                raise error
            lifecycle.started.append(client)
            client.me = types.User(id=bot_id, is_bot=True, username="cpbatch_bot")
            return client

        async def stop(client: Client, block: bool = True) -> Client:
            lifecycle.stopped.append(client)
            return client

        monkeypatch.setattr(Client, "start", start)
        monkeypatch.setattr(Client, "stop", stop)


def resource(workdir):
    return telegram_client_resource(
        api_id=1234, api_hash=HASH, bot_token=TOKEN, workdir=workdir, workers=2
    )


async def test_the_resource_starts_the_client_and_stops_it_on_shutdown(monkeypatch, tmp_path):
    lifecycle = FakeLifecycle(monkeypatch)
    workdir = tmp_path / "telegram"
    running = resource(workdir)

    client = await anext(running)

    assert lifecycle.started == [client]
    assert lifecycle.stopped == []
    assert stat.S_IMODE(workdir.stat().st_mode) == 0o700  # the session holds the auth key
    await running.aclose()
    assert lifecycle.stopped == [client]


async def test_a_session_saved_for_another_bot_is_refused(monkeypatch, tmp_path):
    lifecycle = FakeLifecycle(monkeypatch, bot_id=999)

    with pytest.raises(ValidationError, match="belongs to another bot"):
        await anext(resource(tmp_path))

    assert len(lifecycle.stopped) == 1


@pytest.mark.parametrize(
    ("error", "raised", "message"),
    [
        (errors.AccessTokenInvalid(), ValidationError, "ACCESS_TOKEN_INVALID"),
        (ConnectionRefusedError(), DeliveryError, "could not be reached"),
    ],
)
async def test_start_failures_become_readable_errors(monkeypatch, tmp_path, error, raised, message):
    FakeLifecycle(monkeypatch, error=error)

    with pytest.raises(raised, match=message) as err:
        await anext(resource(tmp_path))

    assert TOKEN not in str(err.value)
