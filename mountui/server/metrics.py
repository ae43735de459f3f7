"""Prometheus metrics of one mounted UI (`metrics=True`), served at `P/metrics` for the operator's own
scraper. mountui sends nothing to anyone: these numbers stay on the server until something asks for them.

One registry per mounted app. With several worker processes, prometheus-client's multiprocess mode
(`PROMETHEUS_MULTIPROC_DIR` set before the workers start) sums every worker's numbers in each answer.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mountui.auth.identity import ANONYMOUS, Identity, IdentitySource
from mountui.errors import ConfigError, MissingExtraError
from mountui.http.responses import NO_STORE, error_response
from mountui.http.urls import route_path
from mountui.server.observer import CallObserver
from mountui.settings import Settings

if TYPE_CHECKING:
    from mountui.blocks import Blocks
    from mountui.events import Dependency
    from mountui.server.jobs import Job

INSTALL_HINT = "metrics=True needs prometheus-client: pip install 'mountui[metrics]'"
PATH = "/metrics"
# Seconds: from quick functions to minutes-long model runs.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class _Endpoint:
    """The labelled children of one endpoint, looked up once (a `labels()` call per event costs a lock)."""

    __slots__ = ("calls", "duration", "queue_length", "queue_wait", "rate_limited")

    def __init__(self, metrics: Metrics, endpoint: str) -> None:
        self.calls = metrics.calls.labels(endpoint)
        self.duration = metrics.duration.labels(endpoint)
        self.queue_wait = metrics.queue_wait.labels(endpoint)
        self.queue_length = metrics.queue_length.labels(endpoint)
        self.rate_limited = metrics.rate_limited_calls.labels(endpoint)


def _waited(job: Job) -> bool:
    """Whether the call had to wait in the queue (it was counted in the queue's length)."""
    return job.ticket is not None and job.ticket.wait is not None


class Metrics(CallObserver):
    __slots__ = (
        "_endpoints", "calls", "duration", "errors", "failed_sign_ins", "multiprocess", "queue_length",
        "queue_wait", "rate_limited_calls", "registry", "sign_ins", "streams",
    )  # fmt: skip

    def __init__(self, endpoints: Iterable[str], *, multiprocess: bool | None = None) -> None:
        try:
            from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
        except ImportError as exc:
            raise MissingExtraError(INSTALL_HINT) from exc
        # prometheus-client itself reads this variable (at import) to keep values in shared files.
        self.multiprocess = (
            bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR")) if multiprocess is None else multiprocess
        )
        self.registry = registry = CollectorRegistry()
        by_endpoint = ["endpoint"]
        self.calls = Counter(
            "mountui_calls", "Calls that ended, whatever the outcome", by_endpoint, registry=registry
        )
        self.errors = Counter(
            "mountui_call_errors",
            "Calls that ended with an error (code: app_error, internal_error, cancelled, ...)",
            ["endpoint", "code"],
            registry=registry,
        )
        self.duration = Histogram(
            "mountui_call_duration_seconds",
            "Time from a call's start (out of the queue) to its end",
            by_endpoint,
            buckets=BUCKETS,
            registry=registry,
        )
        self.queue_wait = Histogram(
            "mountui_queue_wait_seconds",
            "Time calls waited in the queue before they started (0 for calls that started at once)",
            by_endpoint,
            buckets=BUCKETS,
            registry=registry,
        )
        self.queue_length = Gauge(
            "mountui_queue_length", "Calls waiting in the queue", by_endpoint, multiprocess_mode="livesum",
            registry=registry,
        )  # fmt: skip
        self.streams = Gauge(
            "mountui_open_event_streams", "Event streams being read now", multiprocess_mode="livesum",
            registry=registry,
        )  # fmt: skip
        self.rate_limited_calls = Counter(
            "mountui_rate_limited_calls", "Calls refused by a rate limit", by_endpoint, registry=registry
        )
        self.sign_ins = Counter("mountui_sign_ins", "Sign-ins that succeeded", ["kind"], registry=registry)
        self.failed_sign_ins = Counter(
            "mountui_failed_sign_ins", "Sign-ins refused or failed", ["kind"], registry=registry
        )
        self._endpoints = {name: _Endpoint(self, name) for name in endpoints}

    # --- what the pipeline reports ---
    def queued(self, job: Job) -> None:
        self._endpoints[job.dep.endpoint].queue_length.inc()

    def started(self, job: Job) -> None:
        children = self._endpoints[job.dep.endpoint]
        if _waited(job):
            children.queue_length.dec()
        children.queue_wait.observe((job.started_at or job.queued_at) - job.queued_at)

    def finished(self, job: Job, outcome: tuple[str, dict[str, Any]]) -> None:
        children = self._endpoints[job.dep.endpoint]
        children.calls.inc()
        event, data = outcome
        if event != "complete":
            self.errors.labels(job.dep.endpoint, str(data.get("code", "error"))).inc()
        if job.started_at is not None:
            children.duration.observe(time.time() - job.started_at)
        elif _waited(job):  # left the queue without starting (cancelled, shutting down)
            children.queue_length.dec()

    def rate_limited(self, dep: Dependency) -> None:
        self._endpoints[dep.endpoint].rate_limited.inc()

    def stream_opened(self) -> None:
        self.streams.inc()

    def stream_closed(self) -> None:
        self.streams.dec()

    # --- what sign-in reports (SessionManager.on_sign_in) ---
    def sign_in(self, kind: str, succeeded: bool) -> None:
        (self.sign_ins if succeeded else self.failed_sign_ins).labels(kind).inc()

    # --- the exposition ---
    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        registry = self.registry
        if self.multiprocess:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # every worker's files, summed
        return generate_latest(registry), CONTENT_TYPE_LATEST


def enable_metrics(blocks: Blocks, settings: Settings) -> Metrics | None:
    if settings.metrics_token and not settings.metrics:
        raise ConfigError("metrics_token opens P/metrics for scrapers: set metrics=True as well")
    return Metrics(d.endpoint for d in blocks.dependencies) if settings.metrics else None


def _bearer(request: Any) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


class MetricsTokenSource(IdentitySource):
    """`metrics_token`: a bearer token that opens `P/metrics` and nothing else, for scrapers."""

    required = False  # it adds a way in; it never makes signing in necessary
    USERNAME = "metrics-scraper"

    def __init__(self, token: str) -> None:
        self.token = token

    def accepts(self, request: Any) -> bool:
        given = _bearer(request)
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    async def identify(self, request: Request) -> Identity | None:
        if route_path(request.scope) == PATH and self.accepts(request):
            return Identity(username=self.USERNAME)
        return None


class MetricsRoute:
    """`GET P/metrics`, behind the guard like every route; with `metrics_token`, the token is needed unless
    the caller signed in to an app that requires signing in."""

    def __init__(self, metrics: Metrics, token: MetricsTokenSource | None, sign_in_required: bool) -> None:
        self.metrics = metrics
        self.token = token
        self.sign_in_required = sign_in_required

    def routes(self) -> list[Route]:
        return [Route(PATH, self.serve, methods=["GET"])]

    async def serve(self, request: Request) -> Response:
        if self.token is not None and not self.token.accepts(request):
            identity = request.scope.get("mountui.identity", ANONYMOUS)
            if not (self.sign_in_required and identity.username):
                return error_response(
                    401,
                    "unauthorized",
                    "send the metrics token: Authorization: Bearer <metrics_token>",
                    {"WWW-Authenticate": 'Bearer realm="metrics"', **NO_STORE},
                )
        body, content_type = self.metrics.render()
        return Response(body, media_type=content_type, headers=NO_STORE)
