"""LogoutButton: a link to `logout`, relative to the page, so it signs out under any mount path."""

from __future__ import annotations

from typing import Any

from mountui.components.button import Button


class LogoutButton(Button):
    """`mountui.LogoutButton()` ends every session of the signed-in user; `href="logout?all_session=false"`
    ends only this browser's."""

    def __init__(self, value: str = "Sign out", *, href: str = "logout", **kwargs: Any) -> None:
        self.href = href
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "href": self.href}
