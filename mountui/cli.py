"""The `mountui` command: `mountui share-server --domain share.example.com --token-file FILE`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mountui.errors import ConfigError, MissingExtraError

HOURS = 3600


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mountui", description="mountui's command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    relay = commands.add_parser(
        "share-server",
        help="run a share server that apps open share links through",
        description="Serve share links for apps that launch with share='https://<domain>'. Run it behind a "
        "reverse proxy that terminates TLS (a wildcard certificate for *.<domain> in subdomain mode).",
    )
    relay.add_argument("--domain", required=True, help="the relay's public host name, e.g. share.example.com")
    relay.add_argument(
        "--token", help="the token apps must present (prefer --token-file or MOUNTUI_SHARE_TOKEN)"
    )
    relay.add_argument("--token-file", type=Path, help="a file holding the token")
    relay.add_argument(
        "--mode",
        choices=("subdomain", "path"),
        default="subdomain",
        help="subdomain: https://<id>.<domain>/ (needs wildcard DNS; each link its own origin). path: "
        "https://<domain>/s/<id>/ (weaker: all shared apps are then same-origin with each other)",
    )
    relay.add_argument("--scheme", choices=("https", "http"), default="https", help="the scheme visitors use")
    relay.add_argument("--public-port", type=int, help="the port visitors use, if not the scheme's default")
    relay.add_argument("--hours", type=float, default=72, help="how long a link lasts (default 72)")
    relay.add_argument("--max-tunnels", type=int, default=100, help="apps connected at once (default 100)")
    relay.add_argument(
        "--max-requests", type=int, default=100, help="concurrent requests per link (default 100)"
    )
    relay.add_argument(
        "--max-body-mb", type=float, default=100, help="largest request body in MB (default 100)"
    )
    relay.add_argument(
        "--trusted-proxy",
        action="append",
        help="an address or network whose X-Forwarded-For is believed (default: 127.0.0.1 and ::1)",
    )
    relay.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    relay.add_argument("--port", type=int, default=8700, help="the port to listen on (default 8700)")
    return parser


def _token(args: argparse.Namespace) -> str:
    if args.token_file is not None:
        return args.token_file.read_text().strip()
    token = args.token or os.environ.get("MOUNTUI_SHARE_TOKEN", "")
    if not token:
        raise ConfigError("give the share server a token: --token-file FILE, --token or MOUNTUI_SHARE_TOKEN")
    return token


def share_server(args: argparse.Namespace) -> None:
    try:
        import uvicorn
        import websockets  # noqa: F401  (uvicorn serves the tunnels' WebSockets with it)
    except ImportError:
        raise MissingExtraError(
            "the share server needs the share extra: pip install 'mountui[share]'"
        ) from None
    from mountui.share.relay import RelayConfig, ShareRelay

    config = RelayConfig(
        domain=args.domain.lower(),
        token=_token(args),
        mode=args.mode,
        scheme=args.scheme,
        public_port=args.public_port,
        link_ttl=args.hours * HOURS,
        max_tunnels=args.max_tunnels,
        max_streams=args.max_requests,
        max_body=int(args.max_body_mb * 1024 * 1024),
        trusted_proxies=tuple(args.trusted_proxy or ("127.0.0.1", "::1")),
    )
    example = config.url_for("<id>")
    print(f"mountui: share server on {args.host}:{args.port}; links look like {example}", flush=True)
    uvicorn.run(
        ShareRelay(config),
        host=args.host,
        port=args.port,
        ws="websockets-sansio",
        proxy_headers=False,  # the relay believes forwarded headers from its trusted proxies only
        timeout_graceful_shutdown=5,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "share-server":
            share_server(args)
    except (ConfigError, MissingExtraError, OSError) as error:
        print(f"mountui: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
