"""The `serve` fixture: a real uvicorn server per app, that starts, honours root_path and always stops."""

import asyncio
import contextlib
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route
from support.server import BackgroundServer


def test_serves_an_app_over_real_http(serve):
    async def hello(request: Request):
        return PlainTextResponse(f"hello from {request.url.path}")

    base_url = serve(Starlette(routes=[Route("/hello", hello)]))

    assert base_url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{base_url}/hello").text == "hello from /hello"


def test_runs_the_lifespan_and_passes_root_path(serve):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield {"greeting": "started"}

    async def where(request: Request):
        return JSONResponse({"root_path": request.scope["root_path"], "state": request.state.greeting})

    base_url = serve(Starlette(routes=[Route("/where", where)], lifespan=lifespan), root_path="/behind/proxy")

    assert httpx.get(f"{base_url}/where").json() == {"root_path": "/behind/proxy", "state": "started"}


def test_each_call_starts_another_server(serve):
    app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])

    first, second = serve(app), serve(app)

    assert first != second
    assert httpx.get(first).text == httpx.get(second).text == "ok"


def test_stops_even_while_a_response_is_still_streaming():
    async def endless(request: Request):
        async def chunks():
            while True:
                yield b"data: tick\n\n"
                await asyncio.sleep(0.05)

        return StreamingResponse(chunks(), media_type="text/event-stream")

    server = BackgroundServer(Starlette(routes=[Route("/stream", endless)]))
    base_url = server.start()
    with httpx.Client(timeout=5) as client, client.stream("GET", f"{base_url}/stream") as response:
        assert next(response.iter_bytes()).startswith(b"data: tick")

        began = time.monotonic()
        assert server.stop(timeout=5), "the server thread is stuck"
        assert time.monotonic() - began < 8


def test_a_failing_startup_is_reported_not_waited_for():
    @contextlib.asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("database unreachable")
        yield

    server = BackgroundServer(Starlette(lifespan=lifespan))

    with pytest.raises(RuntimeError, match="lifespan start-up"):
        server.start(timeout=10)
