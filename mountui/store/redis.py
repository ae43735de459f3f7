"""A store in Redis, so that several workers or machines serve one app.

``store=RedisStore("redis://host:6379/0", signing_key=...)`` shares sign-in sessions, login throttling, OAuth
flows, `State` values and the event logs of calls between every worker that uses the same Redis and namespace.

It also carries what makes any worker able to answer any request: the records of calls (so a stream is
resumed or cancelled through any worker), signals between workers (cancellation, sign-out) over pub/sub, the
cluster-wide queue (store/redis_queue.py) and the records of files (their bytes are in the app's `file_dir`,
a directory every worker shares).

A Redis that cannot be reached raises `StoreUnavailableError` (503 `store_unavailable`) from every method;
redis-py reconnects on the next command once Redis is back, and the signal listener reconnects by itself.

Encoding of values:

- JSON-like values (dict with str keys, list, str, int, float, bool, None) are stored as JSON (orjson), readable
  by any tool. Counters are plain Redis integers.
- Anything else (a `State` record keyed by component id, sets, tuples, arbitrary objects a `State` holds) is
  pickled, and only with an HMAC-SHA256 tag made with `signing_key` over the Redis key and the bytes. A value
  whose tag does not verify is never unpickled: reading it raises `UntrustedValueError`. Without a
  `signing_key`, storing such a value raises `TypeError` saying so. Pass the app's `secret_key` (the same on
  every worker); the tag key is derived from it, so it is never used as-is.
- Items of event logs are JSON too; a tuple there comes back as a list (the pipeline appends ``(event, data)``
  pairs and reads them by unpacking).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import pickle
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import orjson

from mountui.errors import MissingExtraError, MountUIError, StoreUnavailableError
from mountui.store.base import LogRead, Store
from mountui.store.queue import Queue
from mountui.store.redis_logs import CHANNEL as LOG_CHANNEL
from mountui.store.redis_logs import LogWaiters
from mountui.store.redis_scripts import HIT_WINDOWS, INCR, LOG_APPEND, LOG_CLOSE, SET_ADD
from mountui.store.redis_signals import RedisSignals

logger = logging.getLogger("mountui.store")

INSTALL_HINT = "RedisStore needs redis-py: pip install 'mountui[redis]'"

_PICKLED = b"\x01"  # JSON never starts with this byte
_EVENT = b"\x02"  # a log item that is an event as the pipeline logs it: name, newline, its data as JSON text
_TAG_SIZE = 32


class UntrustedValueError(MountUIError, ValueError):
    """A pickled value in Redis whose signature does not verify: it was not written by this app's workers."""


T = TypeVar("T")


def _reachable(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """A Redis that cannot be reached is one clear error, `StoreUnavailableError`, whatever the command."""

    @functools.wraps(method)
    async def wrapper(self: RedisStore, *args: Any, **kwargs: Any) -> T:
        try:
            return await method(self, *args, **kwargs)
        except self.connection_errors as exc:
            logger.warning("mountui: Redis cannot be reached: %s", exc)
            raise StoreUnavailableError(str(exc)) from None

    return wrapper


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _is_json_like(value: Any) -> bool:
    """True if JSON gives back exactly this value (so no tuples, sets, non-str keys or other objects)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return type(value) in (str, bool, int, float, type(None))
    if type(value) is list:
        return all(_is_json_like(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_json_like(v) for k, v in value.items())
    return False


class RedisStore(Store):
    """The `Store` in Redis (redis-py's asyncio client). Every key is prefixed with ``namespace + ":"``.

    Apps sharing a Redis keep apart by `namespace`; every worker of one app uses the same one.

    `signing_key` (bytes or str; use the app's `secret_key`) lets the store keep values that are not JSON,
    such as `State`, as signed pickles; see the module docstring. `open_log_ttl` bounds how long the log of a
    call that never closed (its worker died) stays in Redis.
    """

    shared = True

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "mountui",
        signing_key: bytes | str | None = None,
        open_log_ttl: float | None = 24 * 3600,
        max_connections: int = 64,
    ) -> None:
        try:
            import redis.asyncio as redis_asyncio
            import redis.exceptions as redis_errors
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise MissingExtraError(INSTALL_HINT) from exc
        self.connection_errors: tuple[type[BaseException], ...] = (
            redis_errors.ConnectionError,
            redis_errors.TimeoutError,
            OSError,
        )
        self.url = url
        self.namespace = namespace
        self.open_log_ttl = open_log_ttl
        if isinstance(signing_key, str):
            signing_key = signing_key.encode()
        self._tag_key = (
            None
            if not signing_key
            else hmac.new(signing_key, b"mountui.store.pickle.v1", hashlib.sha256).digest()
        )
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff

        # Commands share a pool that waits for a free connection rather than fail when all are busy; a
        # connection Redis dropped (a restart) is found out and replaced on the next command, with retries.
        pool = redis_asyncio.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=10,
            socket_connect_timeout=5,
            socket_timeout=10,
            health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
        )
        self._client = redis_asyncio.Redis(connection_pool=pool)
        self._logs = LogWaiters()  # readers waiting for events, woken over pub/sub
        self._hearing_logs = False
        self._signals = RedisSignals(self._client, f"{namespace}:ch:*", self.connection_errors)
        self._incr = self._client.register_script(INCR)
        self._set_add = self._client.register_script(SET_ADD)
        self._hit_windows = self._client.register_script(HIT_WINDOWS)
        self._log_append = self._client.register_script(LOG_APPEND)
        self._log_close = self._client.register_script(LOG_CLOSE)

    def __repr__(self) -> str:
        return f"RedisStore(namespace={self.namespace!r})"  # no URL: it may hold a password

    # --- keys and encoding ---
    def _key(self, key: str) -> str:
        return f"{self.namespace}:kv:{key}"

    def _log_keys(self, log_id: str) -> tuple[str, str, str]:
        """The stream, its closed flag and its writer (`log_append(writer=)`)."""
        # One hash tag, so the keys of a log land on the same Redis Cluster slot.
        base = f"{self.namespace}:log:{{{log_id}}}"
        return base, base + ":closed", base + ":writer"

    def use_app_secret(self, secret: str) -> None:
        # Without a signing_key of its own, the store signs with one derived from the app's secret_key.
        if self._tag_key is None:
            self._tag_key = hmac.new(secret.encode(), b"mountui.store.pickle.v1", hashlib.sha256).digest()

    def _tag(self, redis_key: str, payload: bytes) -> bytes:
        assert self._tag_key is not None
        return hmac.new(self._tag_key, redis_key.encode() + b"\0" + payload, hashlib.sha256).digest()

    def _encode(self, redis_key: str, value: Any) -> bytes:
        if _is_json_like(value):
            try:
                return orjson.dumps(value)
            except TypeError:
                pass  # an int too large for JSON: pickled below
        if self._tag_key is None:
            raise TypeError(
                f"RedisStore can keep only JSON-like values without a signing key, not {type(value).__name__} "
                "(State values are kept as signed pickles): pass RedisStore(url, signing_key=<your secret_key>)"
            )
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return _PICKLED + self._tag(redis_key, payload) + payload

    def _decode(self, redis_key: str, raw: bytes | None) -> Any:
        if raw is None:
            return None
        if not raw.startswith(_PICKLED):
            return orjson.loads(raw)
        tag, payload = raw[1 : 1 + _TAG_SIZE], raw[1 + _TAG_SIZE :]
        if self._tag_key is None or not hmac.compare_digest(tag, self._tag(redis_key, payload)):
            logger.warning("mountui: refused a pickled value in Redis whose signature does not verify")
            raise UntrustedValueError(
                f"the value of {redis_key!r} in Redis is not signed with this store's signing key; it was not "
                "unpickled (a different secret_key on another worker, or it was tampered with)"
            )
        return pickle.loads(payload)  # noqa: S301 - verified above: written by a holder of the signing key

    def _encode_item(self, log_key: str, item: Any) -> bytes:
        if type(item) is tuple and len(item) == 2 and type(item[0]) is str and type(item[1]) is str:
            return _EVENT + f"{item[0]}\n{item[1]}".encode()  # kept as they are: no JSON decoding on read
        try:
            raw = orjson.dumps(item)  # tuples become arrays; anything else JSON cannot hold is an error
        except TypeError:
            return self._encode(log_key, item)
        return raw

    def _decode_item(self, log_key: str, raw: bytes) -> Any:
        if raw.startswith(_EVENT):
            name, _, payload = raw[1:].decode().partition("\n")
            return (name, payload)
        return self._decode(log_key, raw)

    # --- keys with optional expiry ---
    @_reachable
    async def get(self, key: str) -> Any | None:
        redis_key = self._key(key)
        return self._decode(redis_key, await self._client.get(redis_key))

    @_reachable
    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        redis_key = self._key(key)
        raw = self._encode(redis_key, value)
        if ttl is not None and ttl <= 0:
            await self._client.delete(redis_key)  # already expired, as in MemoryStore
        elif ttl is None:
            await self._client.set(redis_key, raw)
        else:
            await self._client.set(redis_key, raw, px=_ms(ttl))

    @_reachable
    async def delete(self, key: str) -> None:
        await self._client.delete(self._key(key))

    @_reachable
    async def incr(self, key: str, ttl: float) -> int:
        return int(await self._incr(keys=[self._key(key)], args=[_ms(ttl)]))

    # --- moving-window rate limits ---
    @_reachable
    async def hit_windows(self, key: str, windows: Sequence[tuple[str, int, float]]) -> float:
        # One hash tag: every window of a key lands on the same Redis Cluster slot, as the script needs.
        keys = [
            f"{self.namespace}:rate:{{{key}}}:{name}:{limit}/{seconds!r}" for name, limit, seconds in windows
        ]
        args = [part for _name, limit, seconds in windows for part in (limit, max(1, round(seconds * 1e6)))]
        wait_us = int(await self._hit_windows(keys=keys, args=args))
        return wait_us / 1e6

    # --- sets ---
    @_reachable
    async def set_add(self, key: str, member: str, ttl: float | None = None) -> None:
        await self._set_add(keys=[self._key(key)], args=[member, "" if ttl is None else _ms(ttl)])

    @_reachable
    async def set_remove(self, key: str, member: str) -> None:
        await self._client.srem(self._key(key), member)

    @_reachable
    async def set_members(self, key: str) -> set[str]:
        return {m.decode() for m in await self._client.smembers(self._key(key))}

    # --- event logs ---
    @_reachable
    async def log_append(
        self, log_id: str, item: Any, keep: int | None = None, writer: str | None = None, claim: bool = False
    ) -> int:
        keys = self._log_keys(log_id)
        ttl = "" if self.open_log_ttl is None else _ms(self.open_log_ttl)
        args = [
            self._encode_item(keys[0], item),
            ttl,
            "" if keep is None else keep,
            *self._wake_args(log_id),
            writer or "",
            "1" if claim and writer else "",
        ]
        return int(await self._log_append(keys=keys, args=args))

    @_reachable
    async def log_close(self, log_id: str, retention: float) -> None:
        await self._log_close(keys=self._log_keys(log_id), args=[_ms(retention), *self._wake_args(log_id)])

    def _wake_args(self, log_id: str) -> list[Any]:
        return [self.channel_name(LOG_CHANNEL), orjson.dumps(log_id)]

    async def _snapshot(self, stream: str, closed: str, after: int) -> tuple[LogRead, bool, bytes]:
        """In one transaction: items after `after` (and closed?), exists?, and the last id (to block from)."""
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.xrange(stream, min=f"{after + 2}-0", max="+")
            pipe.exists(closed)
            pipe.xrevrange(stream, max="+", min="-", count=1)
            entries, is_closed, last = await pipe.execute()
        kept = [(entry_id, fields[b"v"]) for entry_id, fields in entries if b"v" in fields]
        items = [self._decode_item(stream, raw) for _id, raw in kept]
        # Entry ids are "<index + 1>-0", so the first kept entry says where the items start.
        first = int(kept[0][0].split(b"-")[0]) - 1 if kept else after + 1
        last_id = last[0][0] if last else b"0-0"
        return LogRead(items, bool(is_closed), first), bool(last), last_id

    @_reachable
    async def log_read(self, log_id: str, after: int, timeout: float) -> LogRead:
        stream, closed, _writer = self._log_keys(log_id)
        if not self._hearing_logs:
            self._hearing_logs = True
            self.subscribe(LOG_CHANNEL, self._logs.on_message)
            self._signals.on_connect.append(self._logs.wake_all)
        deadline = time.monotonic() + timeout
        while True:
            # Armed before reading: an event added from now on wakes the wait below.
            woken = self._logs.arm(log_id)
            try:
                read, exists, _last = await self._snapshot(stream, closed, after)
                if not exists:
                    return LogRead([], True, after + 1)  # unknown, or expired after its retention
                if read.items or read.closed:
                    return read
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return read
                await self._logs.wait(woken, remaining)
            finally:
                self._logs.disarm(log_id, woken)

    # --- signals: pub/sub on one connection per process, listening to every channel of the namespace ---
    @property
    def client(self) -> Any:
        """The redis-py client (for the queue's scripts)."""
        return self._client

    def channel_name(self, channel: str) -> str:
        """The Redis pub/sub channel of a store channel."""
        return f"{self.namespace}:ch:{channel}"

    @_reachable
    async def publish(self, channel: str, message: Any) -> None:
        await self._client.publish(self.channel_name(channel), orjson.dumps(message))

    def subscribe(self, channel: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        return self._signals.subscribe(self.channel_name(channel), handler)

    def queue(self, max_waiting: int, lease: float) -> Queue:
        from mountui.store.redis_queue import RedisQueue

        return RedisQueue(self, max_waiting, lease)

    async def close(self) -> None:
        await self._signals.close()
        closer = getattr(self._client, "aclose", None) or self._client.close  # aclose: redis-py >= 5.0.1
        await closer()


__all__ = ["RedisStore", "UntrustedValueError"]
