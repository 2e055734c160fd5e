"""URL checks and the SSRF guard: which (ip, port) a request may connect to.

The fetcher resolves every host itself, checks each resolved address here and
then connects to that exact address (the Host header and TLS SNI carry the
name), so there is no second lookup for an attacker's DNS to answer
differently (no rebinding gap).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from newsbeam.fetch.result import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# IPv6 prefixes that embed an IPv4 address in their last 32 bits.
_EMBEDDING_V6 = ("::/96", "64:ff9b::/96", "64:ff9b:1::/48")
_DNS_TTL = 300.0
# Characters left as they are when a request target is percent-encoded.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~?[]"


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect and what to say."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, lower case, no brackets
    port: int
    request_target: str  # path?query, percent-encoded
    ip: str
    connect_port: int

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == DEFAULT_PORTS[self.scheme] else f"{name}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host_header}"


def parse_url(url: str) -> tuple[SplitResult, str, int]:
    """Split an absolute http(s) URL; returns (parts, ascii host, port) or raises FetchError."""
    if not isinstance(url, str) or any(c in url for c in "\r\n\t\x00"):
        raise FetchError("invalid_url", f"not a URL: {url!r}")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"'{scheme}:'" if scheme else "a relative URL"
        raise FetchError("blocked_scheme", f"only http and https are fetched, not {shown}: {url}")
    try:
        hostname, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchError("invalid_url", f"bad host or port in {url}: {exc}") from None
    if not hostname:
        raise FetchError("invalid_url", f"no host in {url}")
    if parts.username is not None or parts.password is not None:
        raise FetchError("invalid_url", f"credentials in URLs are not sent: {url}")
    return parts, _ascii_host(hostname, url), port or DEFAULT_PORTS[scheme]


def _ascii_host(hostname: str, url: str) -> str:
    host = hostname.rstrip(".").lower()
    try:
        host.encode("ascii")
        return host
    except UnicodeEncodeError:
        pass
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError("invalid_url", f"host is not a valid domain name in {url}") from None


def request_target(parts: SplitResult) -> str:
    """The path?query to send, percent-encoding anything outside printable ASCII."""
    path = quote(parts.path or "/", safe=_SAFE_PATH)
    if parts.query:
        path += "?" + quote(parts.query, safe=_SAFE_PATH)
    return path


def embedded_addresses(ip: IPAddress) -> set[IPAddress]:
    """``ip`` plus any IPv4 address it embeds (mapped, compatible, NAT64, 6to4)."""
    found: set[IPAddress] = {ip}
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.add(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.add(ip.sixtofour)
        low = int(ip) & 0xFFFFFFFF
        if low > 1 and any(ip in ipaddress.ip_network(prefix) for prefix in _EMBEDDING_V6):
            found.add(ipaddress.IPv4Address(low))
    return found


def is_public(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses (also for the IPv4 an IPv6 embeds)."""
    for addr in embedded_addresses(ip):
        if addr.is_multicast or addr.is_unspecified or addr.is_loopback or addr.is_link_local:
            return False
        if addr.is_private or addr.is_reserved or not addr.is_global:
            return False
    return True


class AddressPolicy:
    """Resolves hosts and decides which addresses may be contacted.

    ``allow_private``: every address is allowed (operator's choice, e.g. a lab).
    ``allowed_networks``: networks the operator trusts although they are not
    public (tests use it to admit one loopback address and refuse the rest).
    ``resolve``: host -> "ip:port" overrides, like ``curl --resolve``; the
    address they name is still checked.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_networks: Iterable[str] = (),
        resolve: dict[str, str] | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.allowed_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in allowed_networks
        )
        self.resolve = {k.lower(): _split_hostport(v) for k, v in (resolve or {}).items()}
        self._dns: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._lock = threading.Lock()

    def allowed(self, ip: IPAddress) -> bool:
        if self.allow_private or is_public(ip):
            return True
        return any(addr in net for addr in embedded_addresses(ip) for net in self.allowed_networks)

    def target(self, url: str) -> Target:
        """Check ``url`` and pick the address to connect to; raises FetchError."""
        parts, host, port = parse_url(url)
        scheme = parts.scheme.lower()
        if host in self.resolve:
            candidates, connect_port = [self.resolve[host][0]], self.resolve[host][1]
        else:
            candidates, connect_port = self._lookup(host, port), port
        refused = []
        for candidate in candidates:
            ip = ipaddress.ip_address(candidate.split("%", 1)[0])
            if self.allowed(ip):
                return Target(url, scheme, host, port, request_target(parts), str(ip), connect_port)
            refused.append(str(ip))
        raise FetchError(
            "blocked_address",
            f"{host} resolves to non-public address {', '.join(refused)}; refused (allow_private_hosts is off)",
        )

    def _lookup(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        key = (host, port)
        now = time.monotonic()
        with self._lock:
            hit = self._dns.get(key)
        if hit and hit[0] > now:
            return hit[1]
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError("dns_error", f"cannot resolve {host}: {exc}", retryable=True) from None
        addrs = list(dict.fromkeys(str(info[4][0]) for info in infos))
        with self._lock:
            self._dns[key] = (now + _DNS_TTL, addrs)
        return addrs


def _split_hostport(value: str) -> tuple[str, int]:
    ip, _, port = value.rpartition(":")
    ip = ip.strip("[]")
    ipaddress.ip_address(ip)  # the override must name an address, not another host
    return ip, int(port)
