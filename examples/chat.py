"""A streaming chat: the reply appears word by word."""

from __future__ import annotations

import time

import mountui


def reply(message: str, history: list[dict[str, str]]):
    turns = sum(1 for m in history if m["role"] == "user")
    answer = f"You said **{message}**. That is message {turns + 1} of our chat."
    text = ""
    for word in answer.split(" "):
        text = f"{text} {word}".strip()
        time.sleep(0.05)
        yield text


demo = mountui.ChatInterface(reply, title="Echo chat", description="A streaming reply, word by word.")

if __name__ == "__main__":
    demo.launch()
