"""Serving one UI alone on uvicorn."""

from __future__ import annotations

import os
from typing import Any

from mountui.blocks import Blocks
from mountui.errors import ConfigError

NO_SHARE_SERVER = """share=True needs a share server, and none is configured.

mountui sends no traffic through anyone else's servers: share links go through a share server you run on
a public host you own (pip install 'mountui[share]'; then, on that host, behind Caddy or nginx with TLS):

    mountui share-server --domain share.example.com --token-file /etc/mountui-share-token

and in the app, either of:

    demo.launch(share="https://share.example.com", share_token="...")
    MOUNTUI_SHARE_SERVER=https://share.example.com MOUNTUI_SHARE_TOKEN=... python app.py   # with share=True

With no share server, SSH remote forwarding to any host you can log in to works too, nothing to install:

    ssh -R 8080:localhost:7860 you@your-host     # the app is then at http://your-host:8080/ (GatewayPorts)
"""


def share_server_of(share: bool | str | None, settings: dict[str, Any]) -> str | None:
    """The share server's address for launch(share=...), or None for no share link."""
    if share is None or share is False:
        return None
    server = share if isinstance(share, str) else os.environ.get("MOUNTUI_SHARE_SERVER", "")
    if not server.strip():
        raise ConfigError(NO_SHARE_SERVER)
    if settings.get("public_url"):
        raise ConfigError(
            "share and public_url do not go together: a share link's address comes from the share server"
        )
    return server


def launch(
    blocks: Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    log_level: str = "info",
    share: bool | str | None = None,
    share_token: str | None = None,
    **settings: Any,
) -> None:
    import uvicorn

    from mountui.server.app import build_app

    share_server = share_server_of(share, settings)
    app = build_app(blocks, **settings)
    root_path = app.settings.root_path
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host  # noqa: S104
    where = f" (behind a proxy that serves it at {root_path}/)" if root_path else ""
    print(f"mountui: serving {blocks.title!r} at http://{shown_host}:{port}/{where}", flush=True)
    served: Any = app
    if share_server is not None:  # the tunnel starts with the app and prints the link when it is up
        from mountui.share.client import ShareTunnel

        served = ShareTunnel(app, share_server, share_token or os.environ.get("MOUNTUI_SHARE_TOKEN", ""))
    uvicorn.run(
        served,
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
