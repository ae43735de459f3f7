"""DeepLinkButton: saves the page's values under an unguessable id and copies a link that shows them again."""

from __future__ import annotations

from typing import Any

from mountui.components.button import Button


class DeepLinkButton(Button):
    """The click is handled by the page (`POST deep_link`); `.click(fn, ...)` may still add an event."""

    def __init__(self, value: str = "Share via link", **kwargs: Any) -> None:
        kwargs.setdefault("deep_link", False)  # its label is not part of what is shared
        super().__init__(value, **kwargs)
