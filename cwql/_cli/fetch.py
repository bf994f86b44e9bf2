"""``cwql get`` and ``cwql count``: run a query against the API (or the embedded fake PSA)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["register", "run_count", "run_get"]

_CREDENTIALS_HELP = (
    "credentials come from CONNECTWISE_COMPANY_ID, CONNECTWISE_PUBLIC_KEY, "
    "CONNECTWISE_PRIVATE_KEY, CONNECTWISE_CLIENT_ID and CONNECTWISE_SITE (or CONNECTWISE_BASE_URL), "
    "with CONNECTWISE_CODEBASE defaulting to v4_6_release; --demo uses the embedded fake PSA instead"
)


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("path", metavar="PATH", help="the endpoint, e.g. /service/tickets")
    sub.add_argument("-c", "--conditions", help="the conditions parameter")
    sub.add_argument("--child", dest="child_conditions", help="the childConditions parameter")
    sub.add_argument("--custom", dest="custom_field_conditions", help="the customFieldConditions parameter")
    sub.add_argument("--demo", action="store_true",
                     help="query the embedded fake PSA with its demo data (no credentials needed)")
    sub.add_argument("--base-url", help="the API root, e.g. https://host/v4_6_release/apis/3.0/")
    sub.add_argument("--requests-per-minute", type=float, default=None, metavar="N",
                     help="client-side rate limit (default: 60, the documented per-member limit)")


def register(subs: Any) -> None:
    get = subs.add_parser(
        "get", help="fetch every record a query matches",
        description="Fetch the records a query matches, every page of them, and print them. "
        + _CREDENTIALS_HELP + ".",
    )
    _common(get)
    get.add_argument("--order-by", help="the orderBy parameter, e.g. 'dateEntered desc'")
    get.add_argument("--fields", help="the fields parameter, e.g. id,summary,status/name")
    get.add_argument("--limit", type=int, help="stop after N records")
    get.add_argument("--page-size", type=int, default=1000, help="records per request (1-1000)")
    get.add_argument("--paging", choices=("auto", "forward", "link", "page", "keyset"), default="auto")
    get.add_argument("--format", choices=("jsonl", "json", "csv"), default="jsonl",
                     help="jsonl (default): one record per line; json: one array; csv: a table")
    get.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="a progress line on stderr (default: when stderr is a terminal)")
    get.set_defaults(run=f"{__name__}:run_get")

    count = subs.add_parser(
        "count", help="count the records a query matches",
        description="Print how many records a query matches. " + _CREDENTIALS_HELP + ".",
    )
    _common(count)
    count.set_defaults(run=f"{__name__}:run_count")


def _client(args: argparse.Namespace) -> Any:
    from ..http import Client

    options: dict[str, Any] = {}
    if args.requests_per_minute is not None:
        options["requests_per_minute"] = args.requests_per_minute
    if args.demo:
        from ..testing import FakePSA

        return FakePSA.demo().client(**options)
    if args.base_url:
        options["base_url"] = args.base_url
    return Client.from_env(**options)


def _query(args: argparse.Namespace) -> Any:
    from .._query import Query

    return Query(
        args.conditions, child_conditions=args.child_conditions,
        custom_field_conditions=args.custom_field_conditions,
        order_by=getattr(args, "order_by", None), fields=getattr(args, "fields", None),
    )


def _run(args: argparse.Namespace, body: Any) -> int:
    from ..errors import ConfigurationError, CWQLError

    try:
        import cwql.http  # noqa: F401 - says which extra to install when httpx is missing
    except ImportError as e:
        print(f"cwql {args.command}: {e}", file=sys.stderr)
        return 2

    try:
        with _client(args) as client:
            return int(body(client))
    except ConfigurationError as e:
        print(f"cwql {args.command}: {e}\n  {_CREDENTIALS_HELP}", file=sys.stderr)
        return 2
    except CWQLError as e:
        print(f"cwql {args.command}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"cwql {args.command}: interrupted", file=sys.stderr)
        return 130


def run_count(args: argparse.Namespace) -> int:
    def body(client: Any) -> int:
        print(client.count(args.path, _query(args)))
        return 0

    return _run(args, body)


def run_get(args: argparse.Namespace) -> int:
    progress = sys.stderr.isatty() if args.progress is None else args.progress

    def body(client: Any) -> int:
        pages = client.pages(args.path, _query(args), page_size=args.page_size,
                             paging=args.paging, limit=args.limit)
        records = _with_progress(pages, client, sys.stderr) if progress else _records(pages)
        _write(records, args.format, sys.stdout, args.fields)
        return 0

    return _run(args, body)


def _records(pages: Iterator[Any]) -> Iterator[Any]:
    for page in pages:
        yield from page.records


def _with_progress(pages: Iterator[Any], client: Any, out: TextIO) -> Iterator[Any]:
    started = time.monotonic()
    count = 0
    try:
        for page in pages:
            count += len(page.records)
            stats = client.stats
            elapsed = max(time.monotonic() - started, 1e-9)
            out.write(
                f"\r{count:,} records, {stats.pages} pages, {count / elapsed:,.0f} records/s, "
                f"{stats.requests} requests, waited {stats.waited:.1f} s for the rate limit"
                f"{f', {stats.retries} retries' if stats.retries else ''}\x1b[K"
            )
            out.flush()
            yield from page.records
    finally:
        out.write("\n")
        out.flush()


def _flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects as ``a/b`` columns; lists as JSON text (a table cell holds one value)."""
    flat: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [(prefix, record)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, dict) and value:
            stack.extend((f"{name}/{k}" if name else str(k), v) for k, v in reversed(value.items()))
        elif isinstance(value, (list, dict)):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _write(records: Iterator[Any], form: str, out: TextIO, fields: str | None) -> None:
    if form == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    if form == "json":
        # Streamed: one record in memory at a time, however many there are.
        out.write("[")
        for i, record in enumerate(records):
            out.write(("," if i else "") + "\n  " + json.dumps(record, ensure_ascii=False))
        out.write("\n]\n")
        return
    writer: Any = None
    columns: list[str] = [c.strip() for c in fields.split(",")] if fields else []
    for record in records:
        flat = _flatten(record)
        if writer is None:
            # Columns: --fields in its order, else the first record's (CSV needs them up front).
            columns = columns or list(flat)
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
        writer.writerow({c: ("" if flat.get(c) is None else flat.get(c)) for c in columns})
