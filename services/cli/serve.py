"""``newsfacts serve``: the HTTP API, the web UI and ``/metrics`` on one port (loopback by default)."""

from __future__ import annotations

import argparse
import signal
from typing import Any

from services.cli.output import fail
from services.common.logging import configure_logging
from services.common.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # the web's libraries load only for this command

    from services.web import create_app
    from services.web.security import UnsafeBinding

    try:
        app = create_app(settings, host=args.host)
    except UnsafeBinding as exc:
        return fail(str(exc))
    configure_logging(settings, stage="web")
    print(
        f"newsfacts serve: http://{args.host}:{args.port}/ (API docs at /docs); Ctrl-C stops it", flush=True
    )
    # uvicorn shuts down on SIGTERM and then raises the signal again to the handler it found: an
    # ignoring one makes a SIGTERM a clean stop (exit 0), as it is for the workers.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_config=None, access_log=False,
                            server_header=False)  # fmt: skip
    uvicorn.Server(config).run()
    return 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not within 1..65535")
    return port


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="the HTTP API and web UI (127.0.0.1:8000 by default)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind; beyond loopback needs NEWSFACTS_API_TOKEN"
    )
    p.add_argument("--port", type=_port, default=8000)
    p.set_defaults(handler=cmd_serve)
