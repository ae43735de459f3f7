"""Set-Cookie headers with the attributes mountui needs on every Python it supports.

Starlette writes `Partitioned` (CHIPS, for apps embedded by other sites) only on Python 3.14+, where
`http.cookies` learnt the attribute; before that it raises. The stdlib formats the cookie here and the bare
`Partitioned` flag is appended, as the attribute's grammar allows.
"""

from __future__ import annotations

import http.cookies
from typing import Any, Literal

from starlette.responses import Response


def set_cookie(
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int,
    path: str,
    secure: bool,
    httponly: bool = True,
    samesite: Literal["lax", "strict", "none"] = "lax",
    partitioned: bool = False,
) -> None:
    cookie: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["max-age"] = max_age
    if max_age <= 0:
        morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    morsel["path"] = path
    morsel["samesite"] = samesite
    if secure:
        morsel["secure"] = True
    if httponly:
        morsel["httponly"] = True
    header = morsel.OutputString()
    if partitioned:
        header += "; Partitioned"
    response.headers.append("set-cookie", header)


def delete_cookie(response: Response, name: str, **attributes: Any) -> None:
    """Remove a cookie: one with the same name and attributes (`set_cookie`'s) that has already expired."""
    set_cookie(response, name, "", max_age=0, **attributes)
