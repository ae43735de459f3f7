"""Chatbot: a list of messages; assistant and user text is rendered as sanitized Markdown."""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict

from mountui.components.base import Component
from mountui.markdown import render_markdown


class Message(TypedDict):
    role: Literal["user", "assistant", "system"]
    content: str
    html: NotRequired[str]


class Chatbot(Component):
    events = ("change",)
    wire_type = list[Message]

    def __init__(
        self,
        value: list[Any] | None = None,
        *,
        height: int | None = None,
        placeholder: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.height = height
        self.placeholder = placeholder
        super().__init__(value if value is not None else [], **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "height": self.height, "placeholder": self.placeholder}

    def preprocess(self, value: Any, ctx: Any) -> list[dict[str, str]]:
        return [{"role": m["role"], "content": m["content"]} for m in value]

    # A link keeps the messages' text; their HTML is rendered again by the server when the link is opened.
    def snapshot(self, value: Any, files: Any) -> list[dict[str, str]]:
        return self.preprocess(value, None)

    def restore(self, kept: Any, files: Any) -> list[dict[str, str]]:
        return self.postprocess(kept, None)

    def postprocess(self, value: Any, ctx: Any) -> list[dict[str, str]]:
        messages: list[dict[str, str]] = []
        for item in value or []:
            if isinstance(item, dict):
                role, content = item.get("role", "assistant"), item.get("content", "")
                messages.append(_message(role, content))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                # Pairs (user, assistant), the older chat history format.
                if item[0] is not None:
                    messages.append(_message("user", item[0]))
                if item[1] is not None:
                    messages.append(_message("assistant", item[1]))
            else:
                messages.append(_message("assistant", item))
        return messages


def _message(role: str, content: Any) -> dict[str, str]:
    text = "" if content is None else str(content)
    return {"role": role, "content": text, "html": render_markdown(text)}
