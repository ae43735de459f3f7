"""A FastAPI host that signs users in with Google itself and lets mountui know who they are.

The host owns the login (authlib + Starlette's SessionMiddleware); mountui only asks it, on every request,
through `auth_dependency`. A public UI at /login-demo offers the sign-in button; the main UI at /ui is for
signed-in users only and greets them.

    export GOOGLE_CLIENT_ID=... GOOGLE_CLIENT_SECRET=...   # a Google OAuth client, "Web application"
    export SESSION_SECRET_KEY=$(python -c "import secrets; print(secrets.token_urlsafe(32))")
    uvicorn examples.google_oauth_host:app --port 8000

In Google's console, add http://localhost:8000/auth as an authorized redirect URI.
"""

from __future__ import annotations

import logging
import os
import secrets

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

import mountui

logger = logging.getLogger("google_oauth_host")

GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET")
SESSION_SECRET_KEY = os.environ.get("SESSION_SECRET_KEY")
if not SESSION_SECRET_KEY:
    logger.warning("SESSION_SECRET_KEY is not set: sign-ins will not survive a restart")
    SESSION_SECRET_KEY = secrets.token_urlsafe(32)

app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key=SESSION_SECRET_KEY, same_site="lax", https_only=False)

oauth = OAuth()
oauth.register(
    name="google",
    client_id=GOOGLE_CLIENT_ID,
    client_secret=GOOGLE_CLIENT_SECRET,
    server_metadata_url="https://accounts.google.com/.well-known/openid-configuration",
    client_kwargs={"scope": "openid email profile"},
)


def get_user(request: Request) -> str | None:
    """The `auth_dependency`: the signed-in user's e-mail address, or None (mountui then refuses)."""
    user = request.session.get("user")
    return user.get("email") if isinstance(user, dict) else None


@app.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/ui/" if get_user(request) else "/login-demo/")


@app.get("/login")
async def login(request: Request) -> Response:
    if not (GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET):
        return PlainTextResponse("Set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET to sign in with Google.", 503)
    return await oauth.google.authorize_redirect(request, request.url_for("auth"))


@app.get("/auth")
async def auth(request: Request) -> Response:
    try:
        token = await oauth.google.authorize_access_token(request)
    except OAuthError as error:
        logger.info("Google sign-in failed: %s", error.error)
        return RedirectResponse("/login-demo/")
    userinfo = token.get("userinfo") or {}
    # Keep only what the app needs: the session cookie is signed, not encrypted.
    request.session["user"] = {"email": userinfo.get("email"), "name": userinfo.get("name")}
    return RedirectResponse("/ui/")


@app.get("/logout")
def logout(request: Request) -> Response:
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return PlainTextResponse("Sign out from the app itself.", 403)  # no other site may sign users out
    request.session.pop("user", None)
    return RedirectResponse("/login-demo/")


with mountui.Blocks(title="Sign in") as login_demo:
    mountui.Markdown("# Welcome\nSign in with your Google account to use the app.")
    mountui.Button("Sign in with Google", link="/login", variant="primary")


def greet(request: mountui.Request) -> str:
    return f"Welcome, {request.username}!"


with mountui.Blocks(title="Main app") as main_demo:
    greeting = mountui.Markdown("Welcome!")
    mountui.Button("Sign out", link="/logout")
    main_demo.load(greet, None, greeting)

mountui.mount_ui_app(app, login_demo, path="/login-demo")
mountui.mount_ui_app(app, main_demo, path="/ui", auth_dependency=get_user, login_url="/login-demo/")
