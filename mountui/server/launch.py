"""Serving one UI alone on uvicorn."""

from __future__ import annotations

from typing import Any

from mountui.blocks import Blocks


def launch(
    blocks: Blocks, *, host: str = "127.0.0.1", port: int = 7860, log_level: str = "info", **settings: Any
) -> None:
    import uvicorn

    from mountui.server.app import build_app

    app = build_app(blocks, **settings)
    root_path = app.settings.root_path
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host  # noqa: S104
    where = f" (behind a proxy that serves it at {root_path}/)" if root_path else ""
    print(f"mountui: serving {blocks.title!r} at http://{shown_host}:{port}/{where}", flush=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        root_path=root_path,
        log_level=log_level,
        # mountui reads the forwarded headers itself, trusting `trusted_proxies` only (so no
        # forwarded_allow_ips here). uvicorn's own handling would first replace the proxy's address by the
        # client's, after which X-Forwarded-Host/-Prefix could not be told from a client's forgery.
        proxy_headers=False,
        # Streams end within shutdown_grace of the signal (with a final event); then a little to flush.
        timeout_graceful_shutdown=app.settings.shutdown_grace + 3,
    )
