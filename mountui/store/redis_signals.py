"""Signals between the workers of a Redis store: pub/sub on one connection per process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import orjson

logger = logging.getLogger("mountui.store")


class RedisSignals:
    """Listens to every channel matching `pattern` on one connection, started by the first subscriber, and
    delivers each message to this process's handlers of its channel."""

    def __init__(self, client: Any, pattern: str, connection_errors: tuple[type[BaseException], ...]) -> None:
        self._client = client
        self._pattern = pattern
        self._connection_errors = connection_errors
        self._handlers: dict[str, list[Callable[[Any], None]]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._stopping = False
        # Called each time the listener has (re)subscribed: whatever was sent while it was not is lost.
        self.on_connect: list[Callable[[], None]] = []

    def subscribe(self, channel: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        handlers = self._handlers.setdefault(channel, [])
        handlers.append(handler)
        if self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen())

        def unsubscribe() -> None:
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    async def _listen(self) -> None:
        """After a lost connection, subscribe again: messages sent meanwhile are missed (signals are at most
        once; what needs more, such as the queue, polls as well)."""
        delay = 0.1
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(self._pattern)
                delay = 0.1
                for callback in list(self.on_connect):
                    callback()
                while not self._stopping:
                    # Reads of at most a second: redis-py's endless `listen()` can swallow a cancellation.
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message.get("type") == "pmessage":
                        self._deliver(message["channel"].decode(), message["data"])
                return
            except self._connection_errors as exc:
                logger.warning("mountui: lost Redis pub/sub (%s); reconnecting in %.1f s", exc, delay)
            except Exception:  # whatever else went wrong, signals must keep coming: listen again
                logger.exception(
                    "mountui: the Redis pub/sub listener failed; listening again in %.1f s", delay
                )
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _deliver(self, channel: str, data: bytes) -> None:
        for handler in list(self._handlers.get(channel, ())):
            try:
                handler(orjson.loads(data))
            except Exception:
                logger.exception("mountui: a handler of %s failed", channel)

    async def close(self) -> None:
        if self._listener is not None:
            self._stopping = True
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(self._listener, 3)
            self._listener = None
