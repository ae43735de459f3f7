"""Calling a user function of any kind (sync, async, generator, async generator) as an async iterator.

Sync code runs in a worker thread so it never blocks the event loop; generators are advanced one item at a
time so a cancelled call stops at the next `yield`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio.to_thread

from mountui.injection import FunctionSpec

_DONE = object()


def _next(iterator: Any) -> Any:
    return next(iterator, _DONE)


async def run_in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn` in a worker thread. A thread cannot be interrupted: when the caller is cancelled, wait for
    the thread to finish before passing the cancellation on, so the concurrency slot stays held meanwhile
    and a generator is never closed while it runs."""
    inner = asyncio.ensure_future(anyio.to_thread.run_sync(fn, *args))
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        with contextlib.suppress(BaseException):
            await inner
        raise


def is_async_callable(fn: Callable[..., Any]) -> bool:
    call = fn if inspect.isroutine(fn) else type(fn).__call__  # a callable object: its __call__
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(call)


async def call_callback(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a user callback (an auth check, an access rule): async ones on the loop, sync ones in a
    worker thread; whatever awaitable comes back is awaited, so a coroutine is never taken for a result."""
    result = await fn(*args) if is_async_callable(fn) else await anyio.to_thread.run_sync(lambda: fn(*args))
    while inspect.isawaitable(result):
        result = await result
    return result


async def iterate_results(spec: FunctionSpec, args: list[Any]) -> AsyncIterator[Any]:
    """Yield each result of the function: once for a plain function, once per `yield` for a generator."""
    fn = spec.fn
    if spec.is_async_generator:
        agen = fn(*args)
        try:
            async for item in agen:
                yield item
        finally:
            await agen.aclose()
    elif spec.is_generator:
        gen = await run_in_thread(lambda: fn(*args))
        try:
            while (item := await run_in_thread(_next, gen)) is not _DONE:
                yield item
        finally:
            if not gen.gi_running:  # still running in a thread that outlived a cancellation
                gen.close()
    elif spec.is_async:
        yield await fn(*args)
    else:
        yield await run_in_thread(lambda: fn(*args))
