"""Calls across the workers of one app: their records in the shared store, the signals that reach the
worker running a call, and taking over the calls of a worker that is gone.

With the in-memory store there is one worker: nothing is recorded or sent, every call is local.
With a shared store (Redis) any worker answers any request:

- a streamed call has a record (`call:<event_id>`: owner, sign-in session, endpoint, state, times), so
  `GET/DELETE P/api/events/{id}` on another worker finds it, checks its owner and reads its log;
- cancelling, a reader coming and going, and signing out are signals on the store's `calls` channel, acted
  on by the worker that runs the call;
- when the queue finds that a worker stopped renewing its leases (store/redis_queue.py), the worker that
  took them over ends each of its calls with a `worker_lost` error, or runs it once more when its endpoint
  has `retry_on_worker_loss=True` (the record then keeps the call's inputs).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from mountui.errors import CallError, StoreUnavailableError
from mountui.server.call_log import logged
from mountui.server.jobs import WORKER_LOST, Caller, Job, RemoteJob

if TYPE_CHECKING:
    from mountui.server.pipeline import Pipeline

logger = logging.getLogger("mountui")

CHANNEL = "calls"
OPEN_RECORD_TTL = 24 * 3600.0  # bounds the record of a call nobody finished (its whole cluster went down)


# Credentials never go into the store: a call run again gets its identity from the record, not from these.
PRIVATE_HEADERS = frozenset(
    {b"cookie", b"authorization", b"proxy-authorization", b"x-mountui-session", b"x-api-key"}
)
TAKE_OVER_ATTEMPTS = 5


def _scope_record(request: Any) -> dict[str, Any] | None:
    """What a call run again elsewhere needs of its request to give the function a like `Request` (its
    headers without credentials)."""
    scope = getattr(request, "scope", None)
    if scope is None:
        return None
    return {
        "method": scope.get("method", "POST"),
        "path": scope.get("path", "/"),
        "root_path": scope.get("root_path", ""),
        "scheme": scope.get("scheme", "http"),
        "query_string": scope.get("query_string", b"").decode("latin-1"),
        "headers": [
            [k.decode("latin-1"), v.decode("latin-1")]
            for k, v in scope.get("headers", [])
            if k.lower() not in PRIVATE_HEADERS
        ],
        "client": list(scope["client"]) if scope.get("client") else None,
        "server": list(scope["server"]) if scope.get("server") else None,
    }


def _request_from(record: dict[str, Any] | None) -> Request | None:
    if record is None:
        return None
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": record["method"],
        "path": record["path"],
        "raw_path": record["path"].encode(),
        "root_path": record["root_path"],
        "scheme": record["scheme"],
        "query_string": record["query_string"].encode("latin-1"),
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in record["headers"]],
        "client": tuple(record["client"]) if record["client"] else None,
        "server": tuple(record["server"]) if record["server"] else None,
    }
    return Request(scope)


class Cluster:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.store = pipeline.store
        self.shared = pipeline.store.shared
        self._unsubscribe: Any = None
        self._tasks: set[asyncio.Task[Any]] = set()
        # Whether a sign-in session still exists (set by the app when it has sign-in): a call is not run
        # again for a user who signed out meanwhile.
        self.session_alive: Callable[[str], Awaitable[bool]] | None = None
        self._outbox: list[dict[str, Any]] = []  # signals not yet sent, in order
        # Signals of other parts of the server (the MCP server's cancellations), by their `op`.
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._sender: asyncio.Future[None] | None = None

    def start(self) -> None:
        """At the app's start (in its event loop): hear signals and what the queue says of leases."""
        if not self.shared or self._unsubscribe is not None:
            return
        self._unsubscribe = self.store.subscribe(CHANNEL, self._on_signal)
        self.pipeline.queue.on_lost = self._on_lost
        self.pipeline.queue.on_reaped = self._on_reaped
        self.pipeline.queue.start()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- records ---
    async def record(self, job: Job, caller: Caller | None = None, values: list[Any] | None = None) -> None:
        if not self.shared:
            return
        record: dict[str, Any] = {
            "owner": job.owner,
            "session": job.login_session_id,
            "endpoint": job.dep.endpoint,
            "attempt": job.attempt,
            "state": "done" if job.finished else "open",
            "queued_at": job.queued_at,
            "started_at": job.started_at,
        }
        if not job.finished and job.dep.retry_on_worker_loss and caller is not None and job.attempt == 0:
            record["call"] = {
                "values": values,
                "username": caller.username,
                "tab_id": caller.tab_id,
                "base_path": caller.base_path,
                "login_session_id": caller.login_session_id,
                "request": _scope_record(caller.request),
            }
        ttl = self.pipeline.settings.event_retention if job.finished else OPEN_RECORD_TTL
        await self.store.set(f"call:{job.event_id}", record, ttl)

    async def find(self, event_id: str) -> RemoteJob | None:
        if not self.shared:
            return None
        record = await self.store.get(f"call:{event_id}")
        if not isinstance(record, dict):
            return None
        return RemoteJob(event_id, record.get("owner"), record.get("state") == "done")

    # --- signals ---
    def send(self, op: str, **fields: Any) -> None:
        """Tell every worker, in the order sent (at most once: a failure is logged and the call goes on)."""
        self._outbox.append({"op": op, **fields})
        if self._sender is None:
            self._sender = asyncio.ensure_future(self._send_all())

    async def _send_all(self) -> None:
        try:
            while self._outbox:
                message = self._outbox.pop(0)
                try:
                    await self.store.publish(CHANNEL, message)
                except Exception:
                    logger.warning("mountui: could not send %r to the other workers", message["op"])
        finally:
            self._sender = None

    def _on_signal(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        pipeline, op = self.pipeline, message.get("op")
        if op in self.handlers:
            self.handlers[op](message)
            return
        if op == "end_sessions":
            pipeline.end_local_sessions({str(i) for i in message.get("ids", ())})
            return
        job = pipeline.jobs.get(str(message.get("id")))
        if job is None:
            return  # run by another worker, or finished
        if op == "cancel":
            pipeline.cancel(job)
        elif op == "attach":
            pipeline.attach(job)
        elif op == "detach":
            pipeline.detach(job)

    # --- lost workers ---
    def _on_lost(self, holder: str) -> None:
        event_id = holder.rpartition(":")[0]
        job = self.pipeline.jobs.get(event_id)
        if job is not None and job.holder == holder:
            logger.warning(
                "mountui: call %s was taken over by another worker (this one missed renewals)", event_id
            )
            self.pipeline.lose(job)

    def _on_reaped(self, holder: str, running: bool) -> None:
        self._on_lost(holder)
        self._spawn(self._take_over(holder))

    async def _take_over(self, holder: str) -> None:
        """End (or run again) a lost worker's call; this worker alone was handed it, so a store that fails
        meanwhile is tried again rather than leave its readers waiting."""
        pause = self.pipeline.settings.worker_lease / 3
        for attempt in range(TAKE_OVER_ATTEMPTS):
            try:
                await self._end_or_run_again(holder)
                return
            except StoreUnavailableError:
                await asyncio.sleep(pause * (attempt + 1))
            except Exception:
                logger.exception("mountui: taking over call %s failed", holder)
                return
        logger.error("mountui: could not take over call %s: the store stayed unreachable", holder)

    async def _end_or_run_again(self, holder: str) -> None:
        event_id, _, attempt = holder.rpartition(":")
        settings = self.pipeline.settings
        record = await self.store.get(f"call:{event_id}")
        if not isinstance(record, dict) or record.get("state") == "done":
            return  # a JSON call (its caller's connection went with the worker), or already ended
        if str(record.get("attempt")) != attempt:
            return
        call = record.get("call")
        if call is not None and record.get("attempt") == 0:
            logger.warning("mountui: running call %s again: the worker running it is gone", event_id)
            if await self._run_again(event_id, record, call):
                return
        logger.warning("mountui: call %s ended: the worker running it is gone", event_id)
        # Claimed for the ending: should the lost worker be only frozen, what it writes later is refused.
        await self.store.log_append(
            event_id,
            logged(*WORKER_LOST),
            settings.event_log_max_events,
            writer=f"{event_id}:lost",
            claim=True,
        )
        await self.store.log_close(event_id, settings.event_retention)
        await self.store.set(f"call:{event_id}", {**record, "state": "done"}, settings.event_retention)

    async def _run_again(self, event_id: str, record: dict[str, Any], call: dict[str, Any]) -> bool:
        pipeline = self.pipeline
        dep = pipeline.endpoints.get(record.get("endpoint", ""))
        if dep is None:
            return False
        session = call.get("login_session_id")
        if session and self.session_alive is not None and not await self.session_alive(session):
            return False  # signed out since: nothing runs in their name any more
        caller = Caller(
            username=call.get("username"),
            tab_id=call.get("tab_id"),
            request=_request_from(call.get("request")),
            base_path=call.get("base_path", ""),
            login_session_id=call.get("login_session_id"),
        )
        try:
            await pipeline.start(dep, list(call.get("values") or []), caller, event_id=event_id, attempt=1)
        except CallError as exc:
            logger.warning("mountui: call %s could not run again: %s", event_id, exc.message)
            return False
        return True
