"""The smallest app: one function, served alone with `demo.launch()`."""

from __future__ import annotations

import mountui


def hello(name: str) -> str:
    return f"Hello, {name}!"


demo = mountui.Interface(hello, "textbox", "textbox", title="Hello", examples=[["Ada"], ["Grace"]])

if __name__ == "__main__":
    demo.launch()
