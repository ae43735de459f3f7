"""The relay's tunnels, in memory only: link ids, their expiry, and the resume codes that keep a link.

A link id is 128 random bits, so a link cannot be guessed. The resume code handed to the app with its id
is an HMAC, keyed from the relay's token, of the id and its expiry: an app that reconnects presents it and
gets the same link back while it is valid, even from a relay restarted in between (nothing is on disk).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mountui.share.streams import Multiplexer, Stream


def new_link_id() -> str:
    # base32 keeps it one DNS label of 26 lowercase letters and digits
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


class ResumeCodes:
    def __init__(self, token: str) -> None:
        self._key = hmac.new(token.encode(), b"mountui share resume codes", hashlib.sha256).digest()

    def _mac(self, link_id: str, expires_at: int) -> str:
        return hmac.new(self._key, f"{link_id}.{expires_at}".encode(), hashlib.sha256).hexdigest()[:40]

    def issue(self, link_id: str, expires_at: int) -> str:
        return f"{link_id}.{expires_at}.{self._mac(link_id, expires_at)}"

    def check(self, code: str) -> tuple[str, int] | None:
        """(link id, expiry) of a code this relay (or one with the same token) issued; None otherwise."""
        parts = code.strip().split(".")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[0]) != 26 or not parts[0].isalnum():
            return None
        link_id, expires_at = parts[0], int(parts[1])
        if not hmac.compare_digest(parts[2].encode(), self._mac(link_id, expires_at).encode()):
            return None
        return link_id, expires_at


class TooManyStreams(Exception):
    pass


@dataclass(eq=False)
class Tunnel:
    """One connected app: its link, when the link ends, and the streams in flight over its WebSocket."""

    link_id: str
    expires_at: int
    mux: Multiplexer
    max_streams: int
    close: Callable[[int, str], Any]  # close(code, reason): ends the WebSocket
    _next_id: int = 1

    def open_stream(self) -> Stream:
        if len(self.mux.streams) >= self.max_streams:
            raise TooManyStreams
        stream_id, self._next_id = self._next_id, self._next_id + 1
        return self.mux.open(stream_id)


class Registry:
    """The live tunnels by link id, and recently expired ids (so that a visitor is told, not just 404)."""

    def __init__(self, clock: Callable[[], float], remember_expired: int = 10_000) -> None:
        self.clock = clock
        self.live: dict[str, Tunnel] = {}
        self.expired: OrderedDict[str, None] = OrderedDict()
        self._remember = remember_expired

    def find(self, link_id: str) -> Tunnel | None:
        tunnel = self.live.get(link_id)
        if tunnel is not None and self.clock() >= tunnel.expires_at:
            return None
        return tunnel

    def has_expired(self, link_id: str) -> bool:
        tunnel = self.live.get(link_id)
        return link_id in self.expired or (tunnel is not None and self.clock() >= tunnel.expires_at)

    def add(self, tunnel: Tunnel) -> Tunnel | None:
        """Register `tunnel`; returns the tunnel it replaces (the same app, reconnected), if any."""
        previous = self.live.get(tunnel.link_id)
        self.live[tunnel.link_id] = tunnel
        return previous

    def remove(self, tunnel: Tunnel) -> None:
        if self.live.get(tunnel.link_id) is tunnel:
            del self.live[tunnel.link_id]

    def mark_expired(self, link_id: str) -> None:
        self.expired[link_id] = None
        while len(self.expired) > self._remember:
            self.expired.popitem(last=False)

    def due(self) -> list[Tunnel]:
        now = self.clock()
        return [tunnel for tunnel in self.live.values() if now >= tunnel.expires_at]
