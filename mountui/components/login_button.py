"""LoginButton: "Sign in with <provider>" and, once signed in, the user's name and a way to sign out."""

from __future__ import annotations

from typing import Any

from mountui.components.button import Button


class LoginButton(Button):
    """`mountui.LoginButton()` for apps with `oauth=`: its links are relative to the page (any mount path).

    Its wire value is the label: "" (no `value`) lets the page label it from the configuration's `oauth` block
    ("Sign in with Google", or the signed-in user's name with a sign-out action).
    """

    def __init__(self, value: str | None = None, **kwargs: Any) -> None:
        super().__init__(value, **kwargs)  # type: ignore[arg-type]

    def props(self) -> dict[str, Any]:
        return {**super().props(), "href": "oauth/login", "logout_href": "oauth/logout"}
