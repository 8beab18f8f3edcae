"""Which addresses a link may lead the bot to: public ones only.

A link that resolves to the machine itself, its network, a cloud's metadata
service (169.254.169.254) or anything else that is not the public internet
is refused before any connection is made, unless its host is one the
operator allowed (``WATCH_ALLOW_HOSTS``: the tests' local servers).
"""

import ipaddress
import socket
from collections.abc import Callable

# How a host name becomes addresses: the system's resolver, or a test's own.
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for ``host`` (IPv4 first)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    return sorted(addresses, key=lambda address: ":" in address)


def refusal(address: str) -> str | None:
    """Why the bot must not connect to ``address`` (its kind of range); None when public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    for kind, is_kind in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    ):
        if is_kind:
            return kind
    return None
