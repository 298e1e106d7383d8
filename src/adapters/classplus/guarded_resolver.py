"""Host names checked once they resolve: never a loopback, private or link-local address.

`url_policy` refuses special IP literals before any connection, but a host *name* on the
allow-list (or the API's own) could resolve to 127.0.0.1, 10.x or 169.254.169.254, and then a
listing could reach this machine or the user's network. Every connection of the session is
resolved here, redirect hops and API calls included, so the check holds whatever the URL said.
Special addresses are dropped from the answer; a name left with none is refused. Loopback
addresses pass only with `allow_insecure_loopback` (a stand-in on this machine); private,
link-local and other special ones never do. IP literals do not come here (aiohttp connects to
them directly): `url_policy` has judged those already.
"""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult

from cpbatch.adapters.classplus.hosts import ip_of, is_special_ip


class RefusedAddress(Exception):
    """A host name resolving only to addresses cpbatch will not connect to. Not an OSError, so
    aiohttp passes it through as it is and the retry policy never retries it."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, a loopback, private or link-local address")
        self.host = host
        self.address = address


class GuardedResolver(AbstractResolver):
    """Wraps the resolver that does the lookup (aiohttp's default, or a test's)."""

    def __init__(self, inner: AbstractResolver, *, allow_loopback: bool) -> None:
        self._inner = inner
        self._allow_loopback = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept = [result for result in found if self._allowed(result["host"])]
        if found and not kept:
            raise RefusedAddress(host, found[0]["host"])
        return kept

    async def close(self) -> None:
        await self._inner.close()

    def _allowed(self, address: str) -> bool:
        ip = ip_of(address)
        if ip is None:
            return False  # not an address at all: nothing to connect to
        if ip.is_loopback:
            return self._allow_loopback
        return not is_special_ip(address)
