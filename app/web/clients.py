"""Who the client is: the peer's address, or behind trusted reverse proxies the address the
nearest of them saw (the right-most untrusted entry of X-Forwarded-For). Anyone can write
X-Forwarded-For, so it is read only when the peer is a configured proxy
(PARADE_TRUSTED_PROXIES), as uvicorn's --forwarded-allow-ips does."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network
MAX_CLIENT = 64  # the limit tables' client column


@lru_cache(maxsize=8)
def networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """Return the configured proxies as networks (a bare address is a /32 or /128)."""
    return tuple(ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def real_client(peer: str, forwarded: Iterable[str], trusted: tuple[Network, ...]) -> str:
    """Return the client's address: the peer's, unless the peer is a trusted proxy; then the
    right-most X-Forwarded-For entry that is not itself a trusted proxy (entries further
    left were written by the client and prove nothing)."""
    if not trusted or not _trusted(peer, trusted):
        return peer[:MAX_CLIENT]
    hops = [h.strip() for value in forwarded for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:MAX_CLIENT]
    # Every hop is a proxy of ours: the left-most is the nearest thing to a client.
    return (hops[0] if hops else peer)[:MAX_CLIENT]


def forwarded_scheme(peer: str, forwarded: Iterable[str], trusted: tuple[Network, ...]) -> str:
    """Return "https" or "http" as the nearest trusted proxy says the client spoke it (the
    right-most X-Forwarded-Proto entry), or "" when the peer is no trusted proxy or says
    nothing usable."""
    if not trusted or not _trusted(peer, trusted):
        return ""
    values = [v.strip().lower() for value in forwarded for v in value.split(",") if v.strip()]
    return values[-1] if values and values[-1] in ("http", "https") else ""
