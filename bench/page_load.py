"""First load of a hello-world Interface page in headless Chromium: requests, bytes as served, time to ready.

    .venv/bin/python bench/page_load.py [--runs 15] [--server mountui|gradio]

The budget (issue: browser UI) is at most 8 requests and 60 KB as served for the whole first load, and the
UI ready (rendered and listening) within 0.25 s. "Ready" is the `mountui:ready` performance mark the page
sets, measured from the start of navigation, each run in a fresh browser context (a cold cache).
Chromium asks for brotli only over https, so over loopback http the assets arrive gzip-compressed.
`input_ms` is when the first text input is on screen (polled every animation frame): the same measure for both.
`--server gradio` loads the same hello-world `gr.Interface` (bench/_server.py gradio, in Gradio's venv) at
/gradio/; it has no ready mark, so its `ready_ms` is `input_ms`. Requests to hosts other than loopback (web
fonts, say) fail at once (no DNS); they are counted in `external`, their bytes are not.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from _common import ROOT, free_port, server, table, wait_for_port, write_result

APP = """
import sys, uvicorn, mountui
from fastapi import FastAPI
demo = mountui.Interface(lambda name: "Hello " + name + "!", "text", "text", title="Hello")
app = mountui.mount_ui_app(FastAPI(), demo, path="/ui")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# Installed before the page's own scripts: notes when the first text input is on screen, checked every frame.
INPUT_WATCH = """(() => { const check = () => {
    const t = document.querySelector('textarea, input[type=text]');
    if (t && t.offsetParent !== null) window.__benchInput = performance.now(); else requestAnimationFrame(check);
  }; requestAnimationFrame(check); })();"""
MARK = "performance.getEntriesByName('mountui:ready')"


def measure(url: str, runs: int, mark: bool = True) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs + 1):  # the first run warms the server and is dropped
            context = browser.new_context()
            context.add_init_script(INPUT_WATCH)
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(url)
            page.wait_for_function("window.__benchInput !== undefined", timeout=60_000)
            input_ms = page.evaluate("window.__benchInput")
            if mark:
                page.wait_for_function(f"{MARK}.length > 0")
            page.wait_for_load_state("networkidle")
            entries = page.evaluate(
                """() => [performance.getEntriesByType('navigation')[0],
                          ...performance.getEntriesByType('resource')].map(e => e.transferSize)"""
            )
            ready = page.evaluate(f"{MARK}[0].startTime") if mark else input_ms
            external = sum(1 for u in requests if not u.startswith(url.split("/", 3)[0]))
            results.append(
                {
                    "requests": len(requests),
                    "external": external,
                    "kb": sum(entries) / 1024,
                    "ready_ms": ready,
                    "input_ms": input_ms,
                }
            )
            context.close()
        browser.close()
    return results[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--server", choices=["mountui", "gradio"], default="mountui")
    args = parser.parse_args()
    if args.server == "gradio":
        with server("gradio") as (port, _proc):
            runs = measure(f"http://127.0.0.1:{port}/gradio/", args.runs, mark=False)
    else:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", APP, str(port)], cwd=ROOT)
        try:
            wait_for_port(port, proc)
            runs = measure(f"http://127.0.0.1:{port}/ui/", args.runs)
        finally:
            proc.terminate()
            proc.wait(10)
    summary = {
        key: {"median": statistics.median(r[key] for r in runs), "max": max(r[key] for r in runs)}
        for key in ("requests", "external", "kb", "ready_ms", "input_ms")
    }
    rows = [
        {"measure": key, "median": f"{v['median']:.1f}", "max": f"{v['max']:.1f}"}
        for key, v in summary.items()
    ]
    print(table(rows, ["measure", "median", "max"]))
    print("budget: requests <= 8, kb <= 60, ready_ms <= 250")
    name = "page_load" if args.server == "mountui" else "page_load_" + args.server
    print(f"written {write_result(name, {'runs': runs, 'summary': summary})}")


if __name__ == "__main__":
    main()
