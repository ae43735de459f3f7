"""One worker process of the app in tests/limits/test_workers.py: the echo app on a shared RedisStore, with
metrics; it makes calls through its own ASGI app and prints their statuses and then its P/metrics.

    python limits_worker.py REDIS_URL CALLS   (PROMETHEUS_MULTIPROC_DIR set by the caller)
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx

import mountui
from mountui.server.app import build_app
from mountui.store import RedisStore

SECRET = "a-test-secret-key-that-is-long-enough-0123456789"


async def main(redis_url: str, calls: int) -> None:
    with mountui.Blocks() as demo:
        text = mountui.Textbox()
        mountui.Button("Echo").click(lambda s: s, text, text, api_name="echo")
    store = RedisStore(redis_url, namespace="workers-test")
    app = build_app(demo, store=store, secret_key=SECRET, rate_limit="5/minute", metrics=True)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            statuses = [
                (await client.post("/api/echo", json={"data": ["hi"]})).status_code for _ in range(calls)
            ]
            metrics = (await client.get("/metrics")).text
    print(json.dumps({"statuses": statuses, "metrics": metrics}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
