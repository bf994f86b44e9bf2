"""``cwql serve``: a fake ConnectWise PSA on this machine, for trying cwql and testing integrations."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

__all__ = ["register", "run"]


def register(subs: Any) -> None:
    serve = subs.add_parser(
        "serve", help="run a fake ConnectWise PSA API on this machine",
        description=(
            "Serve a fake ConnectWise PSA (Manage) REST API over HTTP until interrupted. "
            "The first line of output is the API's base URL; the credentials follow."
        ),
    )
    source = serve.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="serve the generated demo data set")
    source.add_argument(
        "--records", metavar="FILE",
        help='serve the records in a JSON file: {"/service/tickets": [{...}], ...}',
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8123, help="port (default: 8123; 0 picks a free one)")
    serve.add_argument("--seed", type=int, default=0, help="seed of the demo data and random faults")
    serve.add_argument(
        "--requests-per-minute", type=int, default=1000, metavar="N",
        help="rate limit per API member (default: 1000; 0: no limit)",
    )
    serve.add_argument(
        "--quirk", action="append", default=[], metavar="NAME",
        help="switch on a behaviour of some real servers (repeatable): "
        "repeat-page-id, first-link-on-last-page, no-link-single-page, total-count-header",
    )
    serve.set_defaults(run=f"{__name__}:run")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: ports run 0-65535")
    return port


def run(args: argparse.Namespace) -> int:
    from ..testing import FakePSA

    options: dict[str, Any] = {
        "seed": args.seed,
        "quirks": args.quirk,
        "requests_per_minute": args.requests_per_minute or None,
    }
    try:
        psa = FakePSA.demo(**options) if args.demo else FakePSA.from_json(args.records, **options)
    except ValueError as e:
        print(f"cwql serve: {e}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        server = psa.serve(args.host, args.port)
        base_url = server.__enter__()
    except OSError as e:
        print(f"cwql serve: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        return 2
    try:
        print(base_url)
        print(f"company id:  {psa.company_id}")
        print(f"public key:  {psa.public_key}")
        print(f"private key: {psa.private_key}")
        print(f"client id:   {psa.client_id}")
        print(f"headers:     Authorization: {psa.auth_headers()['Authorization']}")
        print(f"             clientId: {psa.client_id}")
        print("collections: " + ", ".join("/" + c for c in psa.collections()))
        print("Ctrl-C stops the server.", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.__exit__(None, None, None)
    return 0
