"""The `nginx` fixture: a private nginx on loopback, in front of an app served by `serve`."""

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from support.nginx import NginxError, NginxProcess, render_nginx_config


def echo_app() -> Starlette:
    async def echo(request: Request):
        return JSONResponse(
            {
                "path": request.url.path,
                "prefix": request.headers.get("x-forwarded-prefix"),
                "forwarded_for": request.headers.get("x-forwarded-for"),
            }
        )

    return Starlette(routes=[Route("/{path:path}", echo)])


def test_proxies_a_location_to_the_app(serve, nginx):
    upstream = serve(echo_app())

    proxy = nginx(
        f"""
        location /tools/ {{
            proxy_pass {upstream}/;
            proxy_set_header X-Forwarded-Prefix /tools;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
        location / {{
            return 404;
        }}
        """
    )

    response = httpx.get(f"{proxy}/tools/hello")
    assert response.headers["server"].startswith("nginx")
    assert response.json() == {"path": "/hello", "prefix": "/tools", "forwarded_for": "127.0.0.1"}
    assert httpx.get(f"{proxy}/elsewhere").status_code == 404


def test_http_level_directives_can_be_added(serve, nginx):
    upstream = serve(echo_app())

    proxy = nginx(
        "location / { proxy_pass http://app; }",
        http_extra=f"upstream app {{ server {upstream.removeprefix('http://')}; }}",
    )

    assert httpx.get(f"{proxy}/via/upstream").json()["path"] == "/via/upstream"


def test_a_broken_configuration_is_reported_with_nginx_s_own_words(tmp_path):
    process = NginxProcess("not_a_directive on;", workdir=tmp_path)

    with pytest.raises(NginxError, match="unknown directive"):
        process.start()


def test_every_file_nginx_writes_is_in_the_test_directory(tmp_path):
    config = render_nginx_config(workdir=tmp_path, port=8080, server_body="location / { return 204; }")

    assert "listen 127.0.0.1:8080;" in config
    for directive in ("pid", "error_log", "access_log", "proxy_temp_path", "client_body_temp_path"):
        line = next(line for line in config.splitlines() if line.strip().startswith(directive + " "))
        assert str(tmp_path) in line
