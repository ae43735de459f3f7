"""First load of a hello-world Interface page in headless Chromium: requests, bytes as served, time to ready.

    .venv/bin/python bench/page_load.py [--runs 15]

The budget (issue: browser UI) is at most 8 requests and 60 KB as served for the whole first load, and the
UI ready (rendered and listening) within 0.25 s. "Ready" is the `mountui:ready` performance mark the page
sets, measured from the start of navigation, each run in a fresh browser context (a cold cache).
Chromium asks for brotli only over https, so over loopback http the assets arrive gzip-compressed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from _common import ROOT, free_port, table, wait_for_port, write_result

APP = """
import sys, uvicorn, mountui
from fastapi import FastAPI
demo = mountui.Interface(lambda name: "Hello " + name + "!", "text", "text", title="Hello")
app = mountui.mount_ui_app(FastAPI(), demo, path="/ui")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def measure(url: str, runs: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs + 1):  # the first run warms the server and is dropped
            context = browser.new_context()
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(url)
            page.wait_for_function("performance.getEntriesByName('mountui:ready').length > 0")
            page.wait_for_load_state("networkidle")
            entries = page.evaluate(
                """() => [performance.getEntriesByType('navigation')[0],
                          ...performance.getEntriesByType('resource')].map(e => e.transferSize)"""
            )
            ready = page.evaluate("performance.getEntriesByName('mountui:ready')[0].startTime")
            results.append({"requests": len(requests), "kb": sum(entries) / 1024, "ready_ms": ready})
            context.close()
        browser.close()
    return results[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", APP, str(port)], cwd=ROOT)
    try:
        wait_for_port(port, server)
        runs = measure(f"http://127.0.0.1:{port}/ui/", args.runs)
    finally:
        server.terminate()
        server.wait(10)
    summary = {
        key: {"median": statistics.median(r[key] for r in runs), "max": max(r[key] for r in runs)}
        for key in ("requests", "kb", "ready_ms")
    }
    rows = [
        {"measure": key, "median": f"{v['median']:.1f}", "max": f"{v['max']:.1f}"}
        for key, v in summary.items()
    ]
    print(table(rows, ["measure", "median", "max"]))
    print("budget: requests <= 8, kb <= 60, ready_ms <= 250")
    print(f"written {write_result('page_load', {'runs': runs, 'summary': summary})}")


if __name__ == "__main__":
    main()
