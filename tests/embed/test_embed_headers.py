"""What an embedding site gets over HTTP: exact CORS answers for allowed origins only, `embed.js`, the
`frame-ancestors` of every HTML answer, and the settings that refuse a wildcard."""

from __future__ import annotations

import pytest

import mountui as mu
from mountui.errors import ConfigError

BLOG = "https://blog.example"
SECRET = "an-embedding-test-secret-that-is-long-enough-0123"


def greeter() -> mu.Blocks:
    with mu.Blocks(title="Greeter") as demo:
        name = mu.Textbox(label="Name")
        out = mu.Textbox(label="Greeting")
        mu.Button("Greet").click(lambda n: f"Hello {n}", name, out, api_name="greet")
        mu.File(label="Upload").change(lambda f: None, mu.File(), None)
    return demo


def preflight(client, url: str, origin: str, method: str = "POST", headers: str = "content-type") -> object:
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_allowed_origins_get_exact_cors_answers_on_the_routes_the_component_needs(serve, client) -> None:
    base = serve(greeter().build_app(allowed_origins=[BLOG]))
    for path in ("/config", "/embed.js", "/static/manifest.json"):
        answer = client.get(base + path, headers={"Origin": BLOG})
        assert answer.status_code == 200, path
        assert answer.headers["access-control-allow-origin"] == BLOG
        assert answer.headers["access-control-allow-credentials"] == "true"
        assert "Origin" in answer.headers["vary"]
    call = client.post(
        base + "/api/greet", json={"data": ["Ada"]}, headers={"Origin": BLOG, "Sec-Fetch-Site": "cross-site"}
    )
    assert call.json() == {"data": ["Hello Ada"]}
    assert call.headers["access-control-allow-origin"] == BLOG

    allowed = preflight(client, base + "/api/greet", BLOG, headers="content-type, x-mountui-session")
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == BLOG
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "x-mountui-session" in allowed.headers["access-control-allow-headers"]
    upload = preflight(client, base + "/upload", BLOG, headers="x-mountui-session")
    assert upload.status_code == 204


def test_other_origins_methods_and_routes_get_no_cors_header(serve, client) -> None:
    base = serve(greeter().build_app(allowed_origins=[BLOG]))
    refused = [
        client.get(base + "/config", headers={"Origin": "https://evil.example"}),
        preflight(client, base + "/api/greet", "https://evil.example"),
        preflight(client, base + "/api/greet", BLOG, method="PUT"),
        preflight(client, base + "/api/greet", BLOG, headers="content-type, x-secret"),
        client.get(base + "/", headers={"Origin": BLOG}),  # the page is for frames, not for fetch()
        preflight(client, base + "/login", BLOG),
    ]
    for answer in refused:
        assert "access-control-allow-origin" not in answer.headers, answer.request.url
        assert "access-control-allow-credentials" not in answer.headers
    assert refused[1].status_code == 403 and refused[2].status_code == 403
    # Without allowed_origins nothing is CORS at all, and a preflight is never let in.
    closed = serve(greeter().build_app())
    answer = preflight(client, closed + "/api/greet", BLOG)
    assert "access-control-allow-origin" not in answer.headers and answer.status_code >= 400


def test_preflights_are_answered_before_the_sign_in_check(serve, client) -> None:
    # A browser sends a preflight without cookies: asking for a sign-in would refuse every signed-in call.
    app = greeter().build_app(auth=[("alice", "wonderland-42")], secret_key=SECRET, allowed_origins=[BLOG])
    base = serve(app)
    answer = preflight(client, base + "/api/greet", BLOG, headers="content-type, x-mountui-session")
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == BLOG
    refused = client.get(base + "/config", headers={"Origin": BLOG})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == BLOG  # readable


def test_embed_js_is_public_small_and_loads_the_hashed_bundle(serve, client) -> None:
    base = serve(greeter().build_app(auth=[("alice", "wonderland-42")], secret_key=SECRET))
    answer = client.get(base + "/embed.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert len(answer.content) < 200
    bundle = answer.text.split('import "./')[1].split('"')[0]
    assert client.get(f"{base}/{bundle}").status_code == 200
    assert client.get(base + "/config").status_code == 401  # the app itself still needs a sign-in


@pytest.mark.parametrize(
    "settings, expected",
    [
        ({}, "frame-ancestors 'self'"),
        ({"frame_ancestors": ["'self'", BLOG]}, f"frame-ancestors 'self' {BLOG}"),
    ],
)
def test_every_html_answer_says_who_may_frame_it(serve, client, settings, expected) -> None:
    base = serve(greeter().build_app(auth=[("alice", "wonderland-42")], secret_key=SECRET, **settings))
    login = client.get(base + "/login")
    signed_in = client.post(
        base + "/login",
        data={"username": "alice", "password": "wonderland-42"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    # Sent by hand: with a framing site the cookie is Secure, which httpx keeps from plain http.
    cookie = {"Cookie": signed_in.headers["set-cookie"].split(";")[0]}
    client.cookies.clear()
    pages = [client.get(base + path, headers=cookie) for path in ("/", "/docs")]
    for answer in (login, *pages):
        assert answer.headers["content-type"].startswith("text/html")
        policy = answer.headers["content-security-policy"]
        assert [d.strip() for d in policy.split(";") if "frame-ancestors" in d] == [expected], answer.url
        assert "default-src" in policy  # the page's own policy is kept


def test_a_framing_site_makes_the_session_cookie_partitioned(serve, client) -> None:
    base = serve(
        greeter().build_app(auth=[("alice", "wonderland-42")], secret_key=SECRET, frame_ancestors=[BLOG])
    )
    answer = client.post(
        base + "/login",
        data={"username": "alice", "password": "wonderland-42"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    attributes = {part.strip().lower() for part in answer.headers["set-cookie"].split(";")[1:]}
    assert {"samesite=none", "secure", "partitioned", "httponly"} <= attributes


@pytest.mark.parametrize(
    "settings",
    [
        {"allowed_origins": ["*"]},
        {"allowed_origins": ["https://blog.example/"]},
        {"allowed_origins": "https://blog.example"},
        {"frame_ancestors": ["*"]},
        {"frame_ancestors": ["'none'", BLOG]},
        {"frame_ancestors": ["https://blog.example; script-src *"]},
    ],
)
def test_embedding_settings_name_every_site(settings) -> None:
    with pytest.raises(ConfigError):
        greeter().build_app(**settings)
