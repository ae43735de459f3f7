"""A FastAPI service with its own routes, and a mountui UI mounted at /ui.

Run it with `make demo` (or `python examples/fastapi_mount.py`), then open http://127.0.0.1:8000/ui/
"""

from __future__ import annotations

import os
import time

from fastapi import FastAPI

import mountui

app = FastAPI(title="My service")


@app.get("/")
def index() -> dict[str, str]:
    return {"service": "my-service", "ui": "/ui/"}


def greet(name: str, enthusiasm: float, request: mountui.Request) -> str:
    if not name.strip():
        raise mountui.Error("Please type a name first.")
    return f"Hello, {name}{'!' * int(enthusiasm)}"


def count_slowly(upto: float, progress: mountui.Progress):
    text = ""
    for i in progress.tqdm(range(1, int(upto) + 1), desc="Counting"):
        time.sleep(0.2)
        text += f"{i} "
        yield text.strip()


with mountui.Blocks(title="Greeter") as demo:
    mountui.Markdown("# Greeter\nA small UI mounted inside an existing FastAPI service.")
    with mountui.Row():
        with mountui.Column():
            name = mountui.Textbox(label="Name", placeholder="Ada")
            enthusiasm = mountui.Slider(0, 5, value=1, step=1, label="Enthusiasm")
            greet_button = mountui.Button("Greet", variant="primary")
        with mountui.Column():
            greeting = mountui.Textbox(label="Greeting")
    greet_button.click(greet, [name, enthusiasm], greeting, api_name="greet")
    name.submit(greet, [name, enthusiasm], greeting, api_name=False)
    with mountui.Accordion("Streaming", open=False):
        upto = mountui.Number(label="Count to", value=5, precision=0)
        counted = mountui.Textbox(label="Counted")
        mountui.Button("Count").click(count_slowly, upto, counted, api_name="count")

app = mountui.mount_ui_app(app, demo, path="/ui")

if __name__ == "__main__":
    import uvicorn

    port = int(os.environ.get("PORT", "8000"))
    print(f"Service at http://127.0.0.1:{port}/  -  UI at http://127.0.0.1:{port}/ui/", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port)
