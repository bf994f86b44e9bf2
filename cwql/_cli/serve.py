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
        "--codebase", default="v2025_1", metavar="NAME",
        help="the versioned codebase /login/companyinfo names; the API answers under it and under "
        "v4_6_release (default: v2025_1)",
    )
    serve.add_argument(
        "--schema", metavar="FILE",
        help="the schema whose fields conditions may name (others get 400 ApiFindCondition): a schema "
        "file, 'bundled' or 'none' (default: bundled with --demo, none with --records)",
    )
    serve.add_argument(
        "--idle-timeout", type=float, default=30.0, metavar="SECONDS",
        help="close a connection that sends nothing for this long (default: 30)",
    )
    serve.add_argument(
        "--requests-per-minute", type=_rate, default=1000, metavar="N",
        help="rate limit per API member (default: 1000; 0: no limit)",
    )
    serve.add_argument(
        "--quirk", action="append", default=[], metavar="NAME",
        help="switch on a behaviour of some real servers (repeatable): "
        "repeat-page-id, first-link-on-last-page, no-link-single-page, total-count-header, "
        "unknown-fields-null",
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


def _rate(text: str) -> int:
    # Checked here, in the CLI's words: the library's message speaks of None.
    try:
        rate = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of requests") from None
    if rate < 0:
        raise argparse.ArgumentTypeError(f"{rate} is not a rate: give at least 1, or 0 for no limit")
    return rate


def _schema(value: str) -> Any:
    from ..schema import load

    if value == "none":
        return None
    return load(None if value == "bundled" else value)


def run(args: argparse.Namespace) -> int:
    from ..testing import FakePSA

    options: dict[str, Any] = {
        "seed": args.seed,
        "quirks": args.quirk,
        "requests_per_minute": args.requests_per_minute or None,
        "codebase": args.codebase,
    }
    try:
        if args.schema is not None:
            options["schema"] = _schema(args.schema)
        psa = FakePSA.demo(**options) if args.demo else FakePSA.from_json(args.records, **options)
        server = psa.serve(args.host, args.port, idle_timeout=args.idle_timeout)
    except ValueError as e:
        print(f"cwql serve: {e}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        base_url = server.__enter__()
    except ValueError as e:
        print(f"cwql serve: {e}", file=sys.stderr)
        return 2
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
        print(f"codebase:    {psa.codebase} (the API also answers under {psa.versioned_path}/; "
              f"GET /login/companyinfo/{psa.company_id} names it)")
        print("collections: " + ", ".join("/" + c for c in psa.collections()))
        print("Ctrl-C stops the server.", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.__exit__(None, None, None)
    return 0
