"""What a host name is: loopback, an IP literal, a special-purpose address."""

from __future__ import annotations

import ipaddress

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def ip_of(host: str) -> IPAddress | None:
    """The address if `host` is an IP literal (brackets allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback_host(host: str) -> bool:
    """'localhost' or a loopback IP literal; a name merely starting with 'localhost' is not."""
    host = host.lower().rstrip(".")
    if host in _LOOPBACK_NAMES:
        return True
    ip = ip_of(host)
    return ip is not None and ip.is_loopback


def is_special_ip(host: str) -> bool:
    """An IP literal that is not a public unicast address (private, link-local, reserved,
    multicast, unspecified; IPv4-mapped IPv6 judged by its IPv4 address)."""
    ip = ip_of(host)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast
