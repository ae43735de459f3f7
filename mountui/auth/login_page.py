"""The sign-in pages rendered by the server: plain HTML forms, no script, themed light or dark by the system.

Their only style sheet is inline and allowed by its hash in the Content-Security-Policy, so the pages need
no other request and run no script at all.
"""

from __future__ import annotations

import base64
import hashlib
import html

from starlette.responses import HTMLResponse

STYLE = """
:root{color-scheme:light dark;--bg:#f5f6f8;--surface:#fff;--border:#dfe3ea;--text:#171b24;--muted:#5a6272;
--accent:#4f46e5;--accent-hover:#4338ca;--accent-text:#fff;--danger:#c4262e;--danger-soft:#fdecec;
--input:#fff;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#0d0f14;--surface:#161a22;--border:#2a303c;--text:#e7eaf0;
--muted:#9aa3b3;--accent:#8c87ff;--accent-hover:#a5a1ff;--accent-text:#0f0e24;--danger:#ff8f8a;
--danger-soft:#3a1b1d;--input:#10131a}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--text);
font-size:15px;line-height:1.5}
main{width:min(380px,calc(100vw - 32px));background:var(--surface);border:1px solid var(--border);
border-radius:12px;padding:28px;box-shadow:0 1px 2px rgb(16 24 40/6%)}
h1{font-size:1.35rem;margin:0 0 16px}
.message{color:var(--muted);margin-bottom:16px}.message p{margin:0 0 8px}
label{display:block;font-weight:600;margin:12px 0 4px}
input{width:100%;padding:9px 11px;font:inherit;color:inherit;background:var(--input);
border:1px solid var(--border);border-radius:8px}
input:focus{outline:none;border-color:var(--accent);box-shadow:0 0 0 3px color-mix(in srgb,var(--accent) 35%,transparent)}
button{margin-top:20px;width:100%;padding:10px;font:inherit;font-weight:600;border:0;border-radius:8px;
background:var(--accent);color:var(--accent-text);cursor:pointer}
button:hover{background:var(--accent-hover)}
.error{background:var(--danger-soft);color:var(--danger);border-radius:8px;padding:8px 12px;margin-bottom:12px}
"""

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()

# No script may run on these pages; the style sheet above is the only inline content allowed. The edge adds
# `frame-ancestors` (the frame_ancestors setting), as on every HTML answer.
AUTH_PAGE_CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'"
)
AUTH_PAGE_HEADERS = {
    "Content-Security-Policy": AUTH_PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def render_auth_page(title: str, body: str) -> str:
    """A whole page around `body` (HTML the caller has already escaped)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f'<title>{html.escape(title)}</title><link rel="icon" href="favicon.ico">'
        f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    )


def auth_page_response(title: str, body: str, status_code: int = 200, **headers: str) -> HTMLResponse:
    return HTMLResponse(
        render_auth_page(title, body), status_code=status_code, headers={**AUTH_PAGE_HEADERS, **headers}
    )


def render_login_form(
    *,
    next_target: str,
    message_html: str = "",
    error: str | None = None,
    username: str = "",
    app_title: str | None = None,
) -> str:
    """The sign-in form; it posts to `login`, next to the page itself, so it works under any prefix.

    `message_html` is the app's `auth_message`, already rendered from Markdown and sanitized.
    """
    heading = f"Sign in to {html.escape(app_title)}" if app_title else "Sign in"
    parts = [f"<h1>{heading}</h1>"]
    if message_html:
        parts.append(f'<div class="message">{message_html}</div>')
    if error:
        parts.append(f'<p class="error" role="alert">{html.escape(error)}</p>')
    parts.append(
        '<form method="post" action="login">'
        f'<input type="hidden" name="next" value="{html.escape(next_target)}">'
        '<label for="username">Username</label>'
        '<input id="username" name="username" autocomplete="username" required autofocus '
        f'maxlength="256" value="{html.escape(username)}">'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" required '
        'maxlength="1024">'
        '<button type="submit">Sign in</button></form>'
    )
    return "".join(parts)


def render_logout_confirmation(all_sessions: bool) -> str:
    """Asked when another site sent the browser to `logout`: only a click on this page signs out."""
    value = "true" if all_sessions else "false"
    return (
        "<h1>Sign out?</h1>"
        '<p class="message">Another site sent you here. Sign out of this app only if you meant to.</p>'
        '<form method="post" action="logout">'
        f'<input type="hidden" name="all_session" value="{value}">'
        '<button type="submit">Sign out</button></form>'
    )
