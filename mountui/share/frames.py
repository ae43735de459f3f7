"""The tunnel's frames: many HTTP exchanges multiplexed over one WebSocket, one binary message per frame.

A frame is ``stream id (4 bytes, big-endian) | kind (1 byte) | payload``. The relay numbers the streams (one
per visitor request, from 1). Kinds, and who sends them:

    HEAD     relay -> app   the request head, JSON: method, path, query, headers, client, scheme, host, prefix
    RESPONSE app -> relay   the response head, JSON: status, headers
    DATA     both ways      a piece of a body, at most MAX_DATA bytes, sent only within the receiver's credit
    END      both ways      the body is complete (empty payload)
    CREDIT   both ways      payload: 4-byte count of further body bytes the sender of CREDIT will accept
    RESET    both ways      abandon the stream (visitor gone, app failed, limit hit); payload: a UTF-8 reason

Each direction of each stream starts with WINDOW bytes of credit; the receiver grants more as the body is
consumed, so a slow reader (an SSE visitor on a bad line) holds back only its own stream, and neither side
ever buffers more than WINDOW bytes for a stream. Control messages (the relay's hello, expiry) are WebSocket
text messages holding JSON, apart from these frames.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import orjson

WINDOW = 1024 * 1024
MAX_DATA = 256 * 1024
_HEADER = struct.Struct(">IB")
_CREDIT = struct.Struct(">I")


class Kind(IntEnum):
    HEAD = 1
    RESPONSE = 2
    DATA = 3
    END = 4
    CREDIT = 5
    RESET = 6


class FrameError(ValueError):
    """A message that is no frame of this protocol: the peer is broken, and the tunnel is closed."""


@dataclass(frozen=True)
class Frame:
    stream: int
    kind: Kind
    payload: bytes = b""

    def json(self) -> dict[str, Any]:
        try:
            value = orjson.loads(self.payload)
        except orjson.JSONDecodeError:
            raise FrameError(
                f"stream {self.stream}: a {self.kind.name} frame whose head is not JSON"
            ) from None
        if not isinstance(value, dict):
            raise FrameError(f"stream {self.stream}: a {self.kind.name} frame whose head is not an object")
        return value

    def credit(self) -> int:
        if len(self.payload) != _CREDIT.size:
            raise FrameError(f"stream {self.stream}: a CREDIT frame of {len(self.payload)} bytes")
        return int(_CREDIT.unpack(self.payload)[0])

    def reason(self) -> str:
        return self.payload.decode("utf-8", "replace")


def encode(stream: int, kind: Kind, payload: bytes = b"") -> bytes:
    return _HEADER.pack(stream, kind) + payload


def head(stream: int, kind: Kind, value: dict[str, Any]) -> bytes:
    return encode(stream, kind, orjson.dumps(value))


def credit(stream: int, amount: int) -> bytes:
    return encode(stream, Kind.CREDIT, _CREDIT.pack(amount))


def reset(stream: int, reason: str) -> bytes:
    return encode(stream, Kind.RESET, reason.encode()[:1000])


def decode(message: bytes | str) -> Frame:
    if isinstance(message, str):
        raise FrameError("a text message where a frame was expected")
    if len(message) < _HEADER.size:
        raise FrameError(f"a frame of {len(message)} bytes is too short")
    stream, kind = _HEADER.unpack_from(message)
    try:
        kind = Kind(kind)
    except ValueError:
        raise FrameError(f"stream {stream}: unknown frame kind {kind}") from None
    payload = bytes(message[_HEADER.size :])
    if kind is Kind.DATA and len(payload) > MAX_DATA:
        raise FrameError(f"stream {stream}: a DATA frame of {len(payload)} bytes (at most {MAX_DATA})")
    return Frame(stream, kind, payload)


def headers_to_wire(headers: list[tuple[bytes, bytes]]) -> list[list[str]]:
    return [[name.decode("latin-1"), value.decode("latin-1")] for name, value in headers]


def headers_from_wire(value: Any) -> list[tuple[bytes, bytes]]:
    if not isinstance(value, list):
        raise FrameError("headers are not a list")
    headers = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise FrameError("a header is not a [name, value] pair of strings")
        name, text = pair
        if any(c in name + text for c in "\r\n\x00"):
            raise FrameError("a header holds a line break or NUL")
        headers.append((name.lower().encode("latin-1"), text.encode("latin-1")))
    return headers
