"""mount_ui_app: the UI at any path of a FastAPI or Starlette host, the host still whole."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI, Request
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import mountui


def greeter(title: str = "Greeter") -> mountui.Blocks:
    with mountui.Blocks(title=title) as demo:
        name = mountui.Textbox(label="Name")
        out = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(lambda n: f"{title}: hello {n}", name, out, api_name="greet")
    return demo


@pytest.mark.parametrize("path", ["/", "/ui", "/a/b"])
def test_fastapi_host_keeps_its_routes_and_serves_the_ui_at_the_path(serve, http, path):
    app = FastAPI()

    @app.get("/host")
    def host_route() -> dict[str, bool]:
        return {"host": True}

    mountui.mount_ui_app(app, greeter(), path=path)
    base = serve(app)
    prefix = path.rstrip("/")
    assert http.get(f"{base}/host").json() == {"host": True}
    page = http.get(f"{base}{prefix}/")
    assert page.status_code == 200 and "<title>Greeter</title>" in page.text
    assert http.get(f"{base}{prefix}/config").json()["dependencies"][0]["endpoint"] == "greet"
    answer = http.post(f"{base}{prefix}/api/greet", json={"data": ["Ann"]})
    assert answer.json() == {"data": ["Greeter: hello Ann"]}
    assert http.get(f"{base}{prefix}/favicon.ico").status_code == 200


def test_mount_path_without_trailing_slash_redirects_to_the_page(serve, http):
    app = mountui.mount_ui_app(FastAPI(), greeter(), path="/ui")
    base = serve(app)
    response = http.get(f"{base}/ui", follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url).endswith("/ui/")


def test_plain_starlette_host_with_middleware_and_error_handlers(serve, http):
    async def hello(request):
        return PlainTextResponse("host says hi")

    async def teapot(request, exc):
        return PlainTextResponse("custom 404 of the host", status_code=404)

    async def tag(request, call_next):
        response = await call_next(request)
        response.headers["X-Host-Middleware"] = "yes"
        return response

    app = Starlette(
        routes=[Route("/", hello)],
        exception_handlers={404: teapot},
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=tag)],
    )

    mountui.mount_ui_app(app, greeter(), path="/tools/ui")
    base = serve(app)
    assert http.get(f"{base}/").text == "host says hi"
    assert http.get(f"{base}/nowhere").text == "custom 404 of the host"
    response = http.post(f"{base}/tools/ui/api/greet", json={"data": ["Bo"]})
    assert response.json() == {"data": ["Greeter: hello Bo"]}
    assert response.headers["X-Host-Middleware"] == "yes"


def test_two_uis_in_one_host_do_not_mix(serve, http):
    app = FastAPI()
    mountui.mount_ui_app(app, greeter("One"), path="/one")
    mountui.mount_ui_app(app, greeter("Two"), path="/two")
    base = serve(app)
    assert http.post(f"{base}/one/api/greet", json={"data": ["x"]}).json() == {"data": ["One: hello x"]}
    assert http.post(f"{base}/two/api/greet", json={"data": ["x"]}).json() == {"data": ["Two: hello x"]}
    assert "<title>One</title>" in http.get(f"{base}/one/").text
    assert "<title>Two</title>" in http.get(f"{base}/two/").text


def test_mounting_twice_at_one_path_is_refused():
    app = FastAPI()
    mountui.mount_ui_app(app, greeter(), path="/ui")
    with pytest.raises(mountui.ConfigError, match="already mounted"):
        mountui.mount_ui_app(app, greeter(), path="/ui/")


def test_host_lifespan_runs_and_state_reaches_host_requests(http):
    from support.server import BackgroundServer

    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        events.append("host start")
        yield {"db": "connected"}
        events.append("host stop")

    app = FastAPI(lifespan=lifespan)

    @app.get("/state")
    def state(request: Request) -> dict[str, str]:
        return {"db": request.state.db}

    demo = greeter()
    mountui.mount_ui_app(app, demo, path="/ui")
    server = BackgroundServer(app)
    base = server.start()
    try:
        assert events == ["host start"]
        assert http.get(f"{base}/state").json() == {"db": "connected"}
        assert http.post(f"{base}/ui/api/greet", json={"data": ["z"]}).status_code == 200
    finally:
        server.stop()
    assert events == ["host start", "host stop"]


def test_favicon_path_is_served_at_any_mount_path(serve, http, tmp_path):
    icon = tmp_path / "icon.png"
    icon.write_bytes(b"\x89PNG\r\n\x1a\n-fake-icon")
    app = mountui.mount_ui_app(FastAPI(), greeter(), path="/a/b", favicon_path=icon)
    base = serve(app)
    assert http.get(f"{base}/a/b/favicon.ico").content == icon.read_bytes()
    assert 'href="favicon.ico"' in http.get(f"{base}/a/b/").text
