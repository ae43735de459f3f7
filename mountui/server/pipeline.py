"""The pipeline: the one path every call takes, whoever makes it (browser, client, curl, MCP).

validate -> queue (concurrency limits) -> run the function -> events into the store's log.
Routes call `start()`; they never run user code themselves.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any

import anyio.to_thread

from mountui.blocks import Blocks
from mountui.calling import iterate_results
from mountui.components import Component
from mountui.errors import CallError, Error, StoreUnavailableError
from mountui.events import Dependency
from mountui.http.equal import constant_time_equal
from mountui.injection import Progress, Request
from mountui.server import jobs
from mountui.server.call_log import logged
from mountui.server.cluster import Cluster
from mountui.server.conversion import CallContext, initial_values, postprocess, strict_tuple, validate_values
from mountui.server.files import FileStore
from mountui.server.jobs import Caller, FinishedCalls, Job, RemoteJob
from mountui.server.observer import CallObserver
from mountui.server.progress import ProgressRelay
from mountui.server.rate_limits import RateLimiter
from mountui.server.tab_state import TabState
from mountui.settings import Settings
from mountui.store.base import Store

logger = logging.getLogger("mountui")


class Pipeline:
    def __init__(
        self,
        blocks: Blocks,
        settings: Settings,
        store: Store,
        files: FileStore,
        observer: CallObserver | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.files = files
        self.tab_state = TabState(store, settings.state_max_size, settings.state_ttl)
        self.queue = store.queue(settings.max_queue_size, settings.worker_lease)
        self.endpoints = {d.endpoint: d for d in blocks.dependencies}
        self.observer = observer or CallObserver()
        self.limits = RateLimiter(
            blocks.dependencies, settings.rate_limit, settings.rate_limit_key, store, self.observer
        )
        self._validators = {d.endpoint: strict_tuple(d) for d in blocks.dependencies}
        self._has_files = {
            d.endpoint: any(c.handles_files for c in (*d.inputs, *d.outputs)) for d in blocks.dependencies
        }
        self.jobs: dict[str, Job] = {}  # calls not yet finished (and JSON calls until they answer)
        self.finished = FinishedCalls(settings.event_retention)  # then only their owners, for resuming
        self.closing = False  # shutting down: no new calls
        self._running: set[asyncio.Task[None]] = set()  # every call's task until its code has returned
        self._finishing: set[asyncio.Task[None]] = set()
        self.cluster = Cluster(self)  # with a shared store: records, signals, lost workers

    # --- the edge: look up and validate ---
    def endpoint(self, name: str) -> Dependency:
        dep = self.endpoints.get(name)
        if dep is None:
            raise CallError(404, "unknown_endpoint", f"no endpoint named {name!r}; see the API page (docs)")
        return dep

    def validate(self, dep: Dependency, body: Any) -> list[Any]:
        return validate_values(dep, body, self._validators[dep.endpoint])

    async def initial_values(self, components: list[Component]) -> dict[int, Any]:
        return await initial_values(components)

    # --- starting a call ---
    async def start(
        self,
        dep: Dependency,
        values: list[Any],
        caller: Caller,
        *,
        stream: bool = True,
        event_id: str | None = None,
        attempt: int = 0,
    ) -> Job:
        if self.closing:
            raise CallError(
                503,
                "shutting_down",
                f"the server is restarting; try again in {jobs.RETRY_AFTER} s",
                {"Retry-After": str(jobs.RETRY_AFTER)},
            )
        if attempt == 0:  # a call run again after its worker was lost was counted the first time
            await self.limits.check(dep, caller)  # before the queue: every caller meets the same limit
        limit = (
            self.settings.default_concurrency_limit
            if dep.concurrency_limit == "default"
            else dep.concurrency_limit
        )
        job = Job(
            event_id=event_id or secrets.token_urlsafe(16),
            dep=dep,
            owner=caller.username,
            done=asyncio.get_running_loop().create_future(),
            logged=stream,
            login_session_id=caller.login_session_id,
            keep=self.settings.event_log_max_events,
            attempt=attempt,
            queued_at=time.time(),
        )
        gate = dep.concurrency_id or dep.endpoint
        # Raises 503 (queue full, store unreachable) before anything is held.
        ticket = job.ticket = await self.queue.reserve(gate, limit, job.holder)  # type: ignore[arg-type]
        self.jobs[job.event_id] = job
        try:
            if stream:
                await self.cluster.record(job, caller, values)
            # The log exists before anyone reads it: its first event is written here, not by the task.
            # A call run again after its worker was lost claims its log: the lost attempt can write no more.
            claim = attempt > 0
            if ticket.wait is not None:
                await self._emit(
                    job, "queued", {"event_id": job.event_id, "position": ticket.position}, claim
                )
                self.observer.queued(job)  # once accepted: a refused call is not in the queue's length
            else:
                await self._emit(job, "started", {"event_id": job.event_id}, claim)
                job.started_at = job.queued_at
                self.observer.started(job)
        except BaseException:
            # The store failed: hold nothing for a call that was never accepted.
            self.jobs.pop(job.event_id, None)
            await self.queue.release(ticket)
            raise
        job.accepted = True
        if job.closing:  # taken over by another worker before it could start here
            await self.queue.release(ticket)
        elif job.cancel_asked is not None:  # cancelled (say, signed out) while it was being accepted
            self._spawn(self._give_up(job, job.cancel_asked))
        elif ticket.wait is None:
            self._launch(job, values, caller)
        else:
            # A waiting call holds no task until its turn comes: it costs only what it must keep.
            ticket.wait.add_done_callback(lambda fut: self._turn_came(fut, job, values, caller))
        return job

    def _launch(self, job: Job, values: list[Any], caller: Caller) -> None:
        job.task = asyncio.create_task(self._run(job, values, caller))
        self._running.add(job.task)
        job.task.add_done_callback(self._running.discard)

    def _turn_came(self, fut: asyncio.Future[None], job: Job, values: list[Any], caller: Caller) -> None:
        if not fut.cancelled() and not job.closing and job.cancel_asked is None:
            self._launch(job, values, caller)
        # else it was given up meanwhile: `_give_up` hands the slot on

    async def _give_up(self, job: Job, outcome: tuple[str, dict[str, Any]]) -> None:
        """A call that never started: its place (or slot) goes back, and its stream ends with `outcome`."""
        if job.ticket is not None:
            await self.queue.release(job.ticket)
        await self._finish(job, outcome)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

    async def _emit(self, job: Job, event: str, data: dict[str, Any], claim: bool = False) -> None:
        if job.logged and not job.finished:
            # Written as this attempt: a log another worker took over (this one froze past its lease) refuses it.
            index = await self.store.log_append(
                job.event_id, logged(event, data), job.keep, writer=job.holder, claim=claim
            )
            if index < 0:
                logger.warning("mountui: call %s was taken over by another worker; stopping it", job.event_id)
                self.lose(job)

    async def _run(self, job: Job, values: list[Any], caller: Caller) -> None:
        dep, ticket = job.dep, job.ticket
        assert ticket is not None
        outcome: tuple[str, dict[str, Any]]
        try:
            if ticket.wait is not None:  # its turn came (`_turn_came`)
                job.started_at = time.time()
                self.observer.started(job)
                await self._emit(job, "started", {"event_id": job.event_id})
            job.started = True
            outcome = ("complete", {"data": await self._execute(job, values, caller)})
        except asyncio.CancelledError:
            outcome = jobs.CANCELLED
        except Error as exc:
            outcome = ("error", {"code": "app_error", "message": exc.message})
        except CallError as exc:
            outcome = ("error", {"code": exc.code, "message": exc.message})
        except Exception as exc:
            logger.exception("mountui: %s raised", dep.endpoint)
            message = (
                f"{type(exc).__name__}: {exc}"
                if self.settings.show_error
                else "the app hit an error while running this call (details are in the server log)"
            )
            outcome = ("error", {"code": "internal_error", "message": message})
        finally:
            await self.queue.release(ticket)
        await self._finish(job, outcome)

    async def _finish(self, job: Job, outcome: tuple[str, dict[str, Any]]) -> None:
        """Record the call's last event once: when it ends, or as soon as it is cancelled."""
        if job.closing:
            return
        job.closing = True
        if job.progress is not None:
            await job.progress.close()  # its last update goes before the final event
        job.finished = True  # nothing more is written for this call
        self.observer.finished(job, outcome)
        if not job.done.done():
            job.done.set_result(outcome)
        if not job.logged:
            self.jobs.pop(job.event_id, None)
            return
        try:
            if await self.store.log_append(job.event_id, logged(*outcome), job.keep, writer=job.holder) < 0:
                self.jobs.pop(job.event_id, None)  # taken over by another worker: the log and record are its
                return
            await self.store.log_close(job.event_id, self.settings.event_retention)
            await self.cluster.record(job)
        except StoreUnavailableError:
            # Its readers cannot read either; the log and record expire by themselves (open_log_ttl).
            logger.warning(
                "mountui: the end of call %s could not be recorded: the store is unreachable", job.event_id
            )
        # What a finished call keeps, for readers that resume: its owner (its events are in the log).
        job.task = job.ticket = job.progress = None
        if self.jobs.get(job.event_id) is job:
            del self.jobs[job.event_id]
        self.finished.add(job.event_id, job.owner)

    async def _execute(self, job: Job, values: list[Any], caller: Caller) -> list[Any]:
        dep = job.dep
        ctx = CallContext(self.files, caller.username, caller.base_path)
        threaded = self._has_files[dep.endpoint]
        state = await self.tab_state.load(dep.inputs, caller.tab_id, caller.username)
        wire_values = iter(values)

        def preprocess() -> list[Any]:
            return [
                state[c.id] if c.server_side else c.preprocess(next(wire_values), ctx) for c in dep.inputs
            ]

        args = await anyio.to_thread.run_sync(preprocess) if threaded else preprocess()

        progress = Progress()
        if job.logged and any(kind == "progress" for _, kind in dep.spec.params):
            job.progress = ProgressRelay(lambda update: self._emit(job, "progress", update))
            progress = progress._bind(job.progress.report)
        injected = {
            "request": Request(caller.request, username=caller.username, session_id=caller.tab_id),
            "progress": progress,
            "oauth_profile": caller.oauth_profile,
            "oauth_token": caller.oauth_token,
        }
        call_args = dep.spec.build_args(args, injected)
        last: list[Any] | None = None
        outputs_state: dict[int, Any] = {}
        streams = dep.streams
        async for result in iterate_results(dep.spec, call_args):
            outputs_state, wire_out, size = await postprocess(dep, result, ctx, threaded)
            last = wire_out
            if streams:
                # The log keeps about `event_log_max_bytes` of the largest outputs so far (a stalled reader
                # holds at most that), and never more than `event_log_max_events` events.
                job.keep = min(job.keep, max(2, self.settings.event_log_max_bytes // max(size, 1)))
                await self._emit(job, "output", {"data": wire_out})
        if last is None:  # a generator that yielded nothing
            outputs_state, last = {}, [None] * len(dep.wire_outputs)
        if outputs_state:
            await self.tab_state.save(caller.tab_id, caller.username, outputs_state)
        return last

    # --- readers and cancellation ---
    async def find_job(self, event_id: str, username: str | None) -> Job | RemoteJob:
        """The call, run here or (with a shared store) by another worker, if `username` started it."""
        job: Job | RemoteJob | None = self.jobs.get(event_id) or self.finished.find(event_id)
        if job is None:
            job = await self.cluster.find(event_id)
        if job is None:
            raise CallError(404, "not_found", "no such call (it finished too long ago, or never existed)")
        if not constant_time_equal(job.owner, username):
            raise CallError(403, "forbidden", "this call was started by another user")
        return job

    def attach(self, job: Job | RemoteJob) -> None:
        self.observer.stream_opened()
        if isinstance(job, RemoteJob):
            if not job.is_done:  # a finished call has nobody to tell
                self.cluster.send("attach", id=job.event_id)
            return
        job.readers += 1
        if job.cancel_timer is not None:
            job.cancel_timer.cancel()
            job.cancel_timer = None

    def detach(self, job: Job | RemoteJob) -> None:
        self.observer.stream_closed()
        if isinstance(job, RemoteJob):
            if not job.is_done:
                self.cluster.send("detach", id=job.event_id)
            return
        job.readers -= 1
        if job.readers == 0 and not job.done.done():
            # A call still waiting in the queue gives up its place at once; a running one waits a little
            # for its caller to resume the stream.
            grace = self.settings.resume_grace if job.started else 0
            if grace == 0:
                self.cancel(job)
            else:
                job.cancel_timer = asyncio.get_running_loop().call_later(grace, self.cancel, job)

    def cancel(self, job: Job | RemoteJob, outcome: tuple[str, dict[str, Any]] = jobs.CANCELLED) -> None:
        if isinstance(job, RemoteJob):
            if not job.is_done:
                self.cluster.send("cancel", id=job.event_id)
            return
        if job.task is None:  # still being accepted, or waiting for its turn
            if job.cancel_asked is None and not job.closing:
                job.cancel_asked = outcome
                if job.accepted:
                    self._spawn(self._give_up(job, outcome))
            return
        if job.task.done() or job.closing:
            return
        job.task.cancel()
        # The caller hears at once. Sync code in a worker thread cannot be interrupted: it keeps its
        # concurrency slot until it returns, but its results are no longer sent.
        self._spawn(self._finish(job, outcome))

    def end_login_sessions(self, login_session_ids: set[str]) -> None:
        """Signing out ends the calls (and so the open streams) of the ended sessions, on every worker."""
        self.end_local_sessions(login_session_ids)
        if self.cluster.shared:
            self.cluster.send("end_sessions", ids=sorted(login_session_ids))

    def end_local_sessions(self, login_session_ids: set[str]) -> None:
        for job in list(self.jobs.values()):
            if job.login_session_id is not None and job.login_session_id in login_session_ids:
                self.cancel(job)

    def lose(self, job: Job) -> None:
        """Another worker took this call over (this one was thought gone): stop it, write nothing more."""
        if job.closing:
            return
        job.closing = job.finished = True
        self.observer.finished(job, jobs.WORKER_LOST)
        if not job.done.done():
            job.done.set_result(jobs.WORKER_LOST)
        if job.task is not None:
            job.task.cancel()
        self.jobs.pop(job.event_id, None)

    # --- shutting down ---
    def begin_shutdown(self) -> None:
        """Take no new calls; give up queued ones at once and running ones after `shutdown_grace`, each
        with a final `shutting_down` event, so every open stream ends and the server can stop."""
        if self.closing:
            return
        self.closing = True
        for job in list(self.jobs.values()):
            if not job.started:
                self.cancel(job, jobs.SHUTTING_DOWN)
        asyncio.get_running_loop().call_later(self.settings.shutdown_grace, self._end_running)

    def _end_running(self) -> None:
        for job in list(self.jobs.values()):
            self.cancel(job, jobs.SHUTTING_DOWN)

    async def shutdown(self) -> None:
        """At the app's lifespan end the server has closed its connections: nobody can hear a result."""
        self.begin_shutdown()
        self._end_running()
        # Cancelled calls finish their code (generators closed, `finally` blocks run) before the app goes.
        if self._running or self._finishing:
            await asyncio.wait({*self._running, *self._finishing}, timeout=self.settings.shutdown_grace)
        self.finished.close()
        self.cluster.stop()
        await self.queue.close()
