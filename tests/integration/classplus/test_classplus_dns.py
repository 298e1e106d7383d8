"""Allowed host *names* that resolve to special addresses: refused before any connection.

A fixed resolver stands in for DNS (a hosts file pointing an allowed name wherever the test
wants); the connections are real loopback sockets, counted by a bare TCP server, so "refused
before connecting" means the server saw no connection at all."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import DownloadFailedError, NotDownloadableError
from cpbatch.domain.identifiers import OrgCode
from cpbatch.entrypoints.simulator import run_simulator
from support.classplus_kit import everything, fetch, settings_for

CDN = "cdn-wl-assets.classplus.co"  # on the default allow-list


class HostsFile(AbstractResolver):
    """Every name resolves to `address` (and, if given, to `port` instead of the URL's)."""

    def __init__(self, address: str, port: int | None = None) -> None:
        self.address = address
        self.port = port
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        v6 = ":" in self.address
        return [
            ResolveResult(
                hostname=host,
                host=self.address,
                port=self.port or port,
                family=socket.AF_INET6 if v6 else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


class ConnectionCounter:
    """A TCP server on 127.0.0.1 that counts connections and closes them."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 0

    async def _accept(self, _: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()


@pytest.fixture
async def counter() -> AsyncIterator[ConnectionCounter]:
    counting = ConnectionCounter()
    server = await asyncio.start_server(counting._accept, "127.0.0.1", 0)
    counting.port = server.sockets[0].getsockname()[1]
    async with server:
        yield counting


def strict(**overrides: object) -> dict[str, object]:
    """The real hosts, loopback off: as a user runs cpbatch."""
    return {
        "base_url": "https://api.classplusapp.com",
        "file_hosts": (CDN,),
        "allow_insecure_loopback": False,
        "max_retries": 0,
        "connect_timeout_s": 2.0,
        **overrides,
    }


async def test_an_allowed_file_host_resolving_to_loopback_is_never_connected_to(
    gateway, sim, counter
):
    _, files = await everything(gateway, sim)
    file = next(f for f in files if f.downloadable)
    hosts = HostsFile("127.0.0.1", counter.port)
    async with ClassPlusHttpGateway(settings_for(sim, **strict()), resolver=hosts) as gw:
        with pytest.raises(
            NotDownloadableError, match=re.escape(f"{CDN} resolves to 127.0.0.1")
        ) as err:
            await fetch(gw, replace(file, url=f"https://{CDN}/production/1/a.pdf"))
    assert hosts.asked == [CDN]
    assert counter.connections == 0
    assert "/production/" not in str(err.value)


async def test_the_api_host_resolving_to_loopback_is_never_connected_to(counter):
    hosts = HostsFile("127.0.0.1", counter.port)
    settings = settings_for("https://api.classplusapp.com", **strict())
    async with ClassPlusHttpGateway(settings, resolver=hosts) as gw:
        with pytest.raises(DownloadFailedError, match=re.escape("resolves to 127.0.0.1")):
            await gw.lookup_org(OrgCode.parse("learnwell"))
    assert counter.connections == 0


@pytest.mark.parametrize("address", ["10.9.8.7", "169.254.169.254", "fd00::1", "::ffff:10.0.0.1"])
async def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(address):
    @web.middleware
    async def to_the_cdn(request: web.Request, handler):  # type: ignore[no-untyped-def]
        if request.path.startswith("/production/"):
            raise web.HTTPFound(f"https://{CDN}{request.path}")
        return await handler(request)

    hosts = HostsFile(address)
    async with run_simulator(middlewares=[to_the_cdn]) as sim:
        # Loopback allowed (the simulator is on 127.0.0.1): private addresses still are not.
        settings = settings_for(sim, file_hosts=("127.0.0.1", CDN), max_retries=0)
        async with ClassPlusHttpGateway(settings, resolver=hosts) as gw:
            _, files = await everything(gw, sim)
            file = next(f for f in files if f.downloadable)
            with pytest.raises(NotDownloadableError, match=re.escape(f"resolves to {address}")):
                await fetch(gw, file)
    assert hosts.asked == [CDN]


async def test_loopback_names_are_allowed_when_loopback_is(counter):
    """With CLASSPLUS_ALLOW_LOOPBACK a name for this machine is fine (the simulator's case)."""
    hosts = HostsFile("127.0.0.1", counter.port)
    settings = settings_for(f"http://localhost:{counter.port}", max_retries=0)
    async with ClassPlusHttpGateway(settings, resolver=hosts) as gw:
        with pytest.raises(DownloadFailedError) as err:  # the counter answers nothing
            await gw.lookup_org(OrgCode.parse("learnwell"))
    assert "resolves to" not in str(err.value)
    assert counter.connections >= 1
