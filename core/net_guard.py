"""SSRF guard: webhook URLs may only reach public addresses (unless a setting allows private).

The host is resolved and *every* address checked; the delivery then connects to one of the
checked addresses (see ``pinned_request``) so a DNS answer that changes between the check and
the connection cannot smuggle a request to an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services: refused even when private addresses are allowed.
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("169.254.170.2"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)


class UrlRefused(ValueError):
    """The URL may not be called; the message says why in words a person can act on."""


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    addresses: tuple[str, ...]  # checked addresses, in resolver order


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _plain(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 spelling reaches (mapped, compatible, 6to4, NAT64, Teredo)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # 64:ff9b::a.b.c.d, ::a.b.c.d
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_problem(ip: IPAddress, allow_private: bool) -> str | None:
    """Why this address may not be called, or None."""
    ip = _plain(ip)
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private:
        return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "a reserved address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    return None


def split_url(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of an http(s) URL, or UrlRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"url is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UrlRefused("url must start with http:// or https://.")
    if not parts.hostname:
        raise UrlRefused("url has no host name.")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def _check(url: str, host: str, infos: list[Any], allow_private: bool) -> Target:
    addresses: list[str] = []
    for info in infos:
        ip = _plain(ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        problem = address_problem(ip, allow_private)
        if problem:
            hint = (
                ""
                if "metadata" in problem
                else (
                    " Use a public address, or set DOCBATCH_WEBHOOK_ALLOW_PRIVATE=true"
                    " on a trusted network."
                )
            )
            literal = host.strip("[]") == str(ip)
            where = f"url host {host} is" if literal else f"url host {host} resolves to {ip},"
            raise UrlRefused(f"{where} {problem}; webhooks may not call it.{hint}")
        if str(ip) not in addresses:
            addresses.append(str(ip))
    if not addresses:
        raise UrlRefused(f"url host {host} did not resolve to any address.")
    return Target(url=url, host=host, addresses=tuple(addresses))


def check_url(url: str, allow_private: bool) -> Target:
    """Resolve and check (blocking DNS: call from a thread or sync code)."""
    _, host, port = split_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UrlRefused(f"url host {host} cannot be resolved ({exc.strerror}).") from None
    return _check(url, host, infos, allow_private)


async def check_url_async(url: str, allow_private: bool) -> Target:
    _, host, port = split_url(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UrlRefused(f"url host {host} cannot be resolved ({exc.strerror}).") from None
    return _check(url, host, infos, allow_private)


def pinned_request(
    client: httpx.AsyncClient, target: Target, *, content: bytes, headers: dict[str, str]
) -> httpx.Request:
    """A POST to the checked address, with the original Host header and TLS server name."""
    url = httpx.URL(target.url)
    host_header = url.netloc.decode("ascii").rsplit("@", 1)[-1]
    pinned = url.copy_with(host=target.addresses[0])
    request = client.build_request(
        "POST", pinned, content=content, headers={**headers, "Host": host_header}
    )
    if url.scheme == "https":
        request.extensions["sni_hostname"] = url.host
    return request
