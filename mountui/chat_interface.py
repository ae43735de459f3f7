"""ChatInterface: a chat app from one function `fn(message, history)` that returns or yields the reply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from mountui.blocks import Blocks
from mountui.calling import iterate_results
from mountui.components import Button, Chatbot, Markdown, Textbox
from mountui.injection import OAuthProfile, OAuthToken, Progress, Request, analyze_function
from mountui.layouts import Row


class ChatInterface(Blocks):
    """The chat endpoint `chat(message, history) -> reply` is the API; the page uses the same function."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        title: str | None = None,
        description: str | None = None,
        api_name: str | bool = "chat",
        placeholder: str = "Type a message and press Enter",
        examples: list[str] | None = None,
        concurrency_limit: Any = "default",
        rate_limit: str | None = None,
        **blocks_kwargs: Any,
    ) -> None:
        super().__init__(title=title or "Chat", **blocks_kwargs)
        self.fn = fn
        spec = analyze_function(fn)
        self.examples = list(examples or [])

        async def reply_stream(
            message: str, history: list[dict[str, str]], *injected_values: Any
        ) -> AsyncIterator[str]:
            # The wrappers below receive what the server injects and hand it on to the user's function.
            injected = dict(
                zip(("request", "progress", "oauth_profile", "oauth_token"), injected_values, strict=True)
            )
            args = spec.build_args([message, history], injected)
            async for item in iterate_results(spec, args):
                yield _reply_text(item)

        async def chat(
            message: str,
            history: list[dict[str, str]],
            request: Request | None,
            progress: Progress,
            profile: OAuthProfile | None,
            token: OAuthToken | None,
        ) -> AsyncIterator[str]:
            async for text in reply_stream(message, history, request, progress, profile, token):
                yield text

        async def respond(
            message: str,
            history: list[dict[str, str]],
            request: Request | None,
            progress: Progress,
            profile: OAuthProfile | None,
            token: OAuthToken | None,
        ) -> AsyncIterator[tuple[list[dict[str, str]], str]]:
            if not message.strip():
                yield history, message
                return
            history = [*history, {"role": "user", "content": message}]
            yield history, ""
            async for text in reply_stream(message, history[:-1], request, progress, profile, token):
                yield [*history, {"role": "assistant", "content": text}], ""

        async def retry(
            history: list[dict[str, str]],
            request: Request | None,
            progress: Progress,
            profile: OAuthProfile | None,
            token: OAuthToken | None,
        ) -> AsyncIterator[list[dict[str, str]]]:
            while history and history[-1]["role"] != "user":
                history = history[:-1]
            if not history:
                yield []
                return
            message, earlier = history[-1]["content"], history[:-1]
            yield history
            async for text in reply_stream(message, earlier, request, progress, profile, token):
                yield [*history, {"role": "assistant", "content": text}]

        with self:
            if title:
                Markdown(f"# {title}")
            if description:
                Markdown(description)
            self.chatbot = Chatbot(label="Chat", show_label=False, height=480)
            with Row():
                self.textbox = Textbox(
                    label="Message",
                    show_label=False,
                    placeholder=placeholder,
                    elem_classes="mountui-chat-input",
                    autofocus=True,
                )
                send = Button("Send", variant="primary")
            with Row():
                retry_btn = Button("Retry", variant="secondary", size="sm")
                clear_btn = Button("Clear", variant="secondary", size="sm")
            message_in = Textbox(label="message", render=False)
            history_in = Chatbot(label="history", render=False)
            reply_out = Textbox(label="response", render=False)
            from mountui.events import add_dependency

            self.api_dependency = add_dependency(
                self,
                [],
                chat,
                [message_in, history_in],
                [reply_out],
                api_name=api_name,
                concurrency_limit=concurrency_limit,
                rate_limit=rate_limit,
            )
            gate = self.api_dependency.endpoint
            add_dependency(
                self,
                [(self.textbox, "submit"), (send, "click")],
                respond,
                [self.textbox, self.chatbot],
                [self.chatbot, self.textbox],
                api_name=False,
                concurrency_limit=concurrency_limit,
                concurrency_id=gate,
                rate_limit=rate_limit,
            )
            retry_btn.click(
                retry,
                [self.chatbot],
                [self.chatbot],
                api_name=False,
                concurrency_limit=concurrency_limit,
                concurrency_id=gate,
                rate_limit=rate_limit,
            )
            clear_btn.click(  # runs no user code: never counts against a rate limit
                _clear,
                None,
                [self.chatbot, self.textbox],
                api_name=False,
                concurrency_limit=None,
                rate_limit=False,
            )

    def extra_config(self) -> dict[str, Any]:
        if not self.examples:
            return {}
        return {"examples": [{"inputs": [self.textbox.id], "rows": [[e] for e in self.examples]}]}


def _clear() -> tuple[list[Any], str]:
    return [], ""


def _reply_text(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("content", ""))
    return "" if item is None else str(item)
