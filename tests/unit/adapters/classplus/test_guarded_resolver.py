"""The resolver guard on its own: which resolved addresses are kept."""

from __future__ import annotations

import re
import socket

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from cpbatch.adapters.classplus.guarded_resolver import GuardedResolver, RefusedAddress


class Answers(AbstractResolver):
    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=a, port=port, family=family, proto=0, flags=0)
            for a in self.addresses
        ]

    async def close(self) -> None:
        return None


async def kept(*addresses: str, loopback: bool = False) -> list[str]:
    guard = GuardedResolver(Answers(*addresses), allow_loopback=loopback)
    return [r["host"] for r in await guard.resolve("cdn.example", 443)]


async def test_public_addresses_pass_and_special_ones_are_dropped() -> None:
    assert await kept("104.16.1.1", "10.0.0.1", "2606:4700::1", "fe80::1") == [
        "104.16.1.1",
        "2606:4700::1",
    ]


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "fc00::5",
     "fe80::1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::ffff:127.0.0.1", "not-an-address"],
)  # fmt: skip
async def test_a_name_with_only_special_addresses_is_refused(address: str) -> None:
    with pytest.raises(RefusedAddress, match=re.escape(f"cdn.example resolves to {address}")):
        await kept(address)


async def test_loopback_passes_only_when_allowed_and_private_never() -> None:
    assert await kept("127.0.0.1", "::1", "10.0.0.1", loopback=True) == ["127.0.0.1", "::1"]
    with pytest.raises(RefusedAddress):
        await kept("192.168.0.10", loopback=True)
