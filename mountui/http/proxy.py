"""Forwarded headers, believed only from trusted proxies: the scheme, host, prefix and client a browser used.

A proxy in `trusted_proxies` may tell the app, through `X-Forwarded-Proto`, `X-Forwarded-Host`,
`X-Forwarded-Prefix`, `X-Forwarded-For` or RFC 7239 `Forwarded`, what the browser really asked for. From any
other peer these headers are ignored. Values are checked before use: a scheme is http or https, a host is
host[:port], a prefix is a plain path, an address is an IP address. The result goes into the request's scope
(`mountui.forwarded_proto`, `mountui.forwarded_host`, `mountui.forwarded_prefix`, and `client`/`scheme`),
where `mountui.http.urls` reads it. Shared configuration is never changed per request.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("mountui.proxy")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}\Z){_LABEL}(?:\.{_LABEL})*\.?")
# A prefix is a plain absolute path: no query, no fragment, no percent-encoding, no backslash, no empty,
# "." or ".." segment, so that it can never turn a redirect into "//other.host" or climb out of the app.
_PREFIX_SEGMENT = re.compile(r"[A-Za-z0-9._~@+-]+")
_MAX_PREFIX = 1024
# RFC 7239: forwarded-pair = token "=" ( token / quoted-string ), pairs joined by ";", elements by ",".
_FORWARDED_PAIR = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)=("(?:[^"\\]|\\.)*"|[^;,"\s]*)\s*([;,]?)')


def parse_trusted_proxies(entries: Iterable[str]) -> tuple[bool, tuple[IPNetwork, ...]]:
    """("*" present, the networks); raise ValueError naming an entry that is neither an IP nor a CIDR."""
    networks: list[IPNetwork] = []
    trust_all = False
    for raw in entries:
        entry = raw.strip()
        if entry == "*":
            trust_all = True
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or network (write '10.0.0.5', '10.0.0.0/8', '::1' or '*')"
            ) from None
    return trust_all, tuple(networks)


# The request headers ForwardedHeaders reads; a request without any of them needs no parsing at all.
_FORWARDED_HEADERS = frozenset(
    {b"forwarded", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-prefix"}
)


class TrustedProxies:
    """The peers whose forwarded headers are believed. "*" trusts every peer, unix sockets included."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.trust_all, self.networks = parse_trusted_proxies(entries)
        self._peers: dict[str, bool] = {}  # peer host -> trusted, for the few peers a server sees (proxies)

    def __contains__(self, address: IPAddress | None) -> bool:
        if self.trust_all:
            return True
        return address is not None and any(address in network for network in self.networks)

    def trusts_peer(self, scope: Scope) -> bool:
        if self.trust_all:
            return True
        client = scope.get("client")
        if client is None:
            return False
        host = str(client[0])
        trusted = self._peers.get(host)
        if trusted is None:
            trusted = parse_address(host) in self
            if len(self._peers) < 1024:  # bounded: direct clients are many, proxies few
                self._peers[host] = trusted
        return trusted


def parse_address(value: str) -> IPAddress | None:
    """An IP address from "192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]:4711" or "2001:db8::1"; else None."""
    value = value.strip().strip('"')
    if value.startswith("["):
        end = value.find("]")
        if end == -1 or (end + 1 < len(value) and value[end + 1] != ":"):
            return None
        value = value[1:end]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def valid_proto(value: str) -> str | None:
    value = value.strip().lower()
    return value if value in ("http", "https") else None


def valid_host(value: str) -> str | None:
    """host[:port] as a browser's Host header would carry it, or None for anything else."""
    value = value.strip()
    if not value or len(value) > 300 or "%" in value:  # no IPv6 zone ids, no encodings
        return None
    if value.startswith("["):
        end = value.find("]")
        if end == -1:
            return None
        try:
            ipaddress.IPv6Address(value[1:end])
        except ValueError:
            return None
        rest = value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] if rest else None
    else:
        host, _, port_text = value.partition(":")
        port = port_text if ":" in value else None
        if not _HOST_NAME.fullmatch(host):
            return None
    if port is not None and not (port.isdigit() and len(port) <= 5 and 0 < int(port) < 65536):
        return None
    return value.lower()


def valid_prefix(value: str) -> str | None:
    """A plain path such as "/apps/demo", without its trailing slash ("" for "/"); None if not plain."""
    value = value.strip()
    if not value.startswith("/") or len(value) > _MAX_PREFIX:
        return None
    path = value.rstrip("/")
    if not path:
        return ""
    for segment in path[1:].split("/"):
        if segment in ("", ".", "..") or not _PREFIX_SEGMENT.fullmatch(segment):
            return None
    return path


def parse_forwarded(value: str) -> list[dict[str, str]] | None:
    """The elements of an RFC 7239 `Forwarded` header, oldest first; None if it is malformed."""
    elements: list[dict[str, str]] = [{}]
    position = 0
    while position < len(value):
        match = _FORWARDED_PAIR.match(value, position)
        if match is None or match.end() == position:
            return None
        name, raw, separator = match.group(1).lower(), match.group(2), match.group(3)
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        if name in elements[-1]:
            return None
        elements[-1][name] = raw
        position = match.end()
        if separator == ",":
            elements.append({})
        elif not separator and position < len(value):
            return None
    return [element for element in elements if element]


@dataclass(frozen=True)
class Forwarded:
    """What trusted proxies said about the original request; None where they said nothing usable."""

    proto: str | None = None
    host: str | None = None
    prefix: str | None = None
    client: IPAddress | None = None


def _header_values(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> list[str]:
    values = [value.decode("latin-1") for key, value in headers if key == name]
    if any("\r" in v or "\n" in v or "\x00" in v for v in values):
        return []
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _last(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    # The value the nearest proxy wrote is the last one; earlier ones may come from the client.
    values = _header_values(headers, name)
    return values[-1] if values else None


def _client_from_chain(addresses: list[str], trusted: TrustedProxies) -> IPAddress | None:
    # Each proxy appends the address it saw; walking back past trusted proxies finds the real client.
    for raw in reversed(addresses):
        address = parse_address(raw)
        if address is None:
            return None
        if address not in trusted:
            return address
    return parse_address(addresses[0]) if addresses else None


def _from_forwarded(elements: list[dict[str, str]], trusted: TrustedProxies) -> Forwarded:
    # The last element was added by the trusted peer; an element further left counts only while the
    # address after it (its `for=`) is a trusted proxy too. The edge proxy's values win.
    proto = host = None
    client: IPAddress | None = None
    for element in reversed(elements):
        if "proto" in element:
            proto = valid_proto(element["proto"])
        if "host" in element:
            host = valid_host(element["host"])
        client = parse_address(element.get("for", ""))
        if client is None or client not in trusted:
            break
    return Forwarded(proto=proto, host=host, client=client)


def read_forwarded(headers: Sequence[tuple[bytes, bytes]], trusted: TrustedProxies) -> Forwarded:
    """What the forwarded headers say; the caller has checked that the peer is trusted.

    `X-Forwarded-*` headers win over `Forwarded` (the proxies people run set them); a proxy must set or
    remove every one of them, or a client's own value would pass through it.
    """
    from_rfc = Forwarded()
    forwarded_values = [v.decode("latin-1") for k, v in headers if k == b"forwarded"]
    if forwarded_values:
        elements = parse_forwarded(", ".join(forwarded_values))
        if elements is None:
            logger.info("mountui: ignored a malformed Forwarded header from a trusted proxy")
        elif elements:
            from_rfc = _from_forwarded(elements, trusted)

    proto_text, host_text = _last(headers, b"x-forwarded-proto"), _last(headers, b"x-forwarded-host")
    prefix_text = _last(headers, b"x-forwarded-prefix")
    chain = _header_values(headers, b"x-forwarded-for")
    proto = valid_proto(proto_text) if proto_text is not None else from_rfc.proto
    host = valid_host(host_text) if host_text is not None else from_rfc.host
    prefix = valid_prefix(prefix_text) if prefix_text is not None else None
    for name, text, value in (
        ("Proto", proto_text, proto),
        ("Host", host_text, host),
        ("Prefix", prefix_text, prefix),
    ):
        if text is not None and value is None:
            logger.info("mountui: ignored X-Forwarded-%s %r: not a valid value", name, text[:100])
    client = _client_from_chain(chain, trusted) if chain else from_rfc.client
    return Forwarded(proto=proto, host=host, prefix=prefix, client=client)


class ForwardedHeaders:
    """Applies what trusted proxies forwarded to a request's scope, before anything reads a URL from it."""

    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self.trusted = TrustedProxies(trusted_proxies)
        self._warned = False

    def apply(self, scope: Scope) -> None:
        if scope["type"] not in ("http", "websocket"):
            return
        if not any(name in _FORWARDED_HEADERS for name, _ in scope.get("headers", ())):
            return  # nothing forwarded: nothing to believe or to warn about
        if not self.trusted.trusts_peer(scope):
            if not self._warned:
                self._warn_if_ignored_headers_matter(scope)
            return
        forwarded = read_forwarded(scope.get("headers", []), self.trusted)
        if forwarded.proto is not None:
            scope["mountui.forwarded_proto"] = forwarded.proto
            secure = forwarded.proto == "https"
            if scope["type"] == "websocket":
                scope["scheme"] = "wss" if secure else "ws"
            else:
                scope["scheme"] = forwarded.proto
        if forwarded.host is not None:
            scope["mountui.forwarded_host"] = forwarded.host
        if forwarded.prefix is not None:
            scope["mountui.forwarded_prefix"] = forwarded.prefix
        if forwarded.client is not None:
            scope["client"] = (str(forwarded.client), 0)

    def _warn_if_ignored_headers_matter(self, scope: Scope) -> None:
        # Once per app, and only when believing the headers would have changed the URLs: the usual cause is a
        # proxy missing from trusted_proxies, or uvicorn's --proxy-headers having hidden the proxy's address.
        headers = scope.get("headers", [])
        prefix, host = _last(headers, b"x-forwarded-prefix"), _last(headers, b"x-forwarded-host")
        server_root = str(scope.get("app_root_path", scope.get("root_path", ""))).rstrip("/")
        host_header = next((v.decode("latin-1").lower() for k, v in headers if k == b"host"), None)
        prefix_matters = prefix is not None and valid_prefix(prefix) not in (None, server_root)
        host_matters = host is not None and valid_host(host) not in (None, host_header)
        if not (prefix_matters or host_matters):
            return
        self._warned = True
        client = scope.get("client")
        logger.warning(
            "mountui: ignored X-Forwarded-Prefix/X-Forwarded-Host from %s, which is not in trusted_proxies, "
            "so links may miss the public prefix or host. If %s is your proxy, add it to trusted_proxies. "
            "If uvicorn runs with --proxy-headers (its default), it has already replaced the proxy's address "
            "by the client's: give uvicorn --root-path instead, or see docs/deploy.md.",
            client[0] if client else "a unix socket",
            "that" if client else "it",
        )


class ForwardedHeadersMiddleware:
    """The same, as an ASGI middleware around a whole host app (use it with uvicorn --no-proxy-headers).

    uvicorn's own `--proxy-headers` replaces the proxy's address by the client's, after which no one can
    tell that the request came through a trusted proxy; this middleware, outermost, still can.
    """

    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] = ("127.0.0.1", "::1")) -> None:
        self.app = app
        self.forwarded = ForwardedHeaders(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.forwarded.apply(scope)
        await self.app(scope, receive, send)
