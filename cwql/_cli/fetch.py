"""``cwql get`` and ``cwql count``: run a query against the API (or the embedded fake PSA).

Exit status, as for every cwql command: 0 success, 1 a failed request (the
API or the connection), 2 usage or a bad query (it does not parse, the schema
refuses it, a setting is missing), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import re
import signal
import sys
import time
import warnings
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["register", "run_count", "run_get"]

_WHERE = (
    "Credentials come from CONNECTWISE_COMPANY_ID, CONNECTWISE_PUBLIC_KEY, CONNECTWISE_PRIVATE_KEY, "
    "CONNECTWISE_CLIENT_ID and CONNECTWISE_SITE (or CONNECTWISE_BASE_URL, or --base-url), with "
    "CONNECTWISE_CODEBASE defaulting to v4_6_release; --demo uses the embedded fake PSA instead. "
    "Exit status: 0 done, 1 the request failed, 2 usage or a bad query."
)
_PAGING_HELP = (
    "how to walk the pages: auto (default: forward without --order-by, link with it), forward "
    "(the server's forward-only paging by id), keyset (by id, done by cwql), link (page numbers "
    "to the server's last page), page (page numbers to a short page); none skips or repeats a "
    "record however records change meanwhile"
)
# A path that ends in a number names one record: /service/tickets/5.
_ONE = re.compile(r"^(?P<collection>.*[^/0-9].*?)/(?P<id>[0-9]+)/?$")


def _per_minute(text: str) -> float:
    # In the CLI's words, before the client's (which name the Python argument).
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of requests") from None
    if not 0 < rate < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a rate: give a number of requests above 0")
    return rate


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("-c", "--conditions", metavar="EXPR", help="the conditions parameter")
    sub.add_argument("--child", dest="child_conditions", metavar="EXPR",
                     help="the childConditions parameter")
    sub.add_argument("--custom", dest="custom_field_conditions", metavar="EXPR",
                     help="the customFieldConditions parameter")
    sub.add_argument("--no-schema-check", dest="schema_check", action="store_false",
                     help="send the query without checking it against the bundled schema first "
                     "(for tenants with fields the schema lacks)")
    sub.add_argument("--demo", action="store_true",
                     help="query the embedded fake PSA with its demo data (no credentials needed)")
    sub.add_argument("--base-url", metavar="URL", help="the API root, e.g. https://host/v4_6_release/apis/3.0/")
    sub.add_argument("--requests-per-minute", type=_per_minute, default=None, metavar="N",
                     help="client-side rate limit (default: 60, the documented per-member limit)")


def register(subs: Any) -> None:
    get = subs.add_parser(
        "get", help="fetch every record a query matches, or one record by id",
        description="Fetch the records a query matches, every page of them, and print them; "
        "PATH/ID (/service/tickets/5) prints that one record. " + _WHERE,
    )
    get.add_argument("path", metavar="PATH", help="the endpoint, e.g. /service/tickets, or PATH/ID")
    _common(get)
    get.add_argument("--order-by", metavar="KEYS", help="the orderBy parameter, e.g. 'dateEntered desc'")
    get.add_argument("--fields", metavar="PATHS",
                     help="the fields parameter, e.g. id,summary,status/name (also the CSV columns)")
    get.add_argument("--limit", type=int, metavar="N", help="stop after N records")
    get.add_argument("--page-size", type=int, default=None, metavar="N",
                     help="records per request (1-1000; default 1000)")
    get.add_argument("--paging", choices=("auto", "forward", "link", "page", "keyset"), default="auto",
                     help=_PAGING_HELP)
    get.add_argument("--format", choices=("jsonl", "json", "csv"), default="jsonl",
                     help="jsonl (default): one record per line; json: one array; csv: a table")
    get.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="a progress line on stderr (default: when stderr is a terminal)")
    get.set_defaults(run=f"{__name__}:run_get")

    count = subs.add_parser(
        "count", help="count the records a query matches",
        description="Print how many records a query matches. " + _WHERE,
    )
    count.add_argument("path", metavar="PATH", help="the endpoint, e.g. /service/tickets")
    _common(count)
    count.set_defaults(run=f"{__name__}:run_count")


class _Usage(Exception):
    """A command line that cannot run: the message for stderr, exit status 2."""


def _client(args: argparse.Namespace) -> Any:
    from ..http import Client
    from ..http._client import ENVIRONMENT, missing_settings, with_overrides

    options: dict[str, Any] = {"schema_check": args.schema_check}
    if args.requests_per_minute is not None:
        options["requests_per_minute"] = args.requests_per_minute
    if args.demo:
        from ..testing import FakePSA

        return FakePSA.demo().client(**options)
    settings = with_overrides(Client.env_arguments(), {"base_url": args.base_url} if args.base_url else {})
    missing = missing_settings(settings)
    if missing:
        names = [ENVIRONMENT[name] for name in missing]
        if "site" in missing:
            names[-1] = "CONNECTWISE_SITE (or CONNECTWISE_BASE_URL, or --base-url)"
        listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
        raise _Usage(f"no credentials: set {listed}; or try --demo, the embedded fake PSA")
    return Client(**settings, **options)


def _query(args: argparse.Namespace) -> Any:
    from .._query import Query

    return Query(
        args.conditions, child_conditions=args.child_conditions,
        custom_field_conditions=args.custom_field_conditions,
        order_by=getattr(args, "order_by", None), fields=getattr(args, "fields", None),
    )


def _run(args: argparse.Namespace, body: Any) -> int:
    from ..errors import APIError, CWQLError, ResponseError

    name = f"cwql {args.command}"
    try:
        import cwql.http  # noqa: F401 - says which extra to install when httpx is missing
    except ImportError as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 2
    from ..http import SchemaWarning

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{name}: %(message)s"))
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("cwql.http")
    logger.addHandler(handler)

    def show(message: Warning | str, category: type[Warning], *rest: Any, **kw: Any) -> None:
        print(f"{name}: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", SchemaWarning)
            warnings.showwarning = show
            with _client(args) as client:
                return int(body(client))
    except _Usage as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 2
    except (APIError, ResponseError) as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 1
    except CWQLError as e:  # a query that does not parse or is refused, a setting that cannot work
        print(f"{name}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    finally:
        logger.removeHandler(handler)


def run_count(args: argparse.Namespace) -> int:
    def body(client: Any) -> int:
        print(client.count(args.path, _query(args)))
        return 0

    return _run(args, body)


def run_get(args: argparse.Namespace) -> int:
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    one = _ONE.match(args.path.strip())

    def body(client: Any) -> int:
        if one is not None:
            given = [flag for flag, value in (
                ("-c", args.conditions), ("--child", args.child_conditions),
                ("--custom", args.custom_field_conditions), ("--order-by", args.order_by),
                ("--limit", args.limit), ("--page-size", args.page_size),
            ) if value is not None] + (["--paging"] if args.paging != "auto" else [])
            if given:
                verb = "applies" if len(given) == 1 else "apply"
                raise _Usage(f"{args.path} names one record; {', '.join(given)} {verb} to lists only")
            record = client.get_one(one["collection"], int(one["id"]), fields=args.fields)
            if args.format == "json":
                sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
            else:
                _write(iter([record]), args.format, sys.stdout, args.fields)
            return 0
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


# ---- output -------------------------------------------------------------------------------


class _Whole:
    """Ctrl-C between records, never inside one: the output stays whole (one JSON document).

    While a record is being written, SIGINT is held back and raised as
    :class:`KeyboardInterrupt` right after it; at any other moment (a request,
    a wait for the rate limit) it is raised at once, as usual.
    """

    def __init__(self) -> None:
        self.writing = False
        self.held = False

    def __enter__(self) -> _Whole:
        self.previous = signal.getsignal(signal.SIGINT)
        try:
            signal.signal(signal.SIGINT, self._on_interrupt)
        except ValueError:  # not the main thread: no handler of our own
            self.previous = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _on_interrupt(self, number: int, frame: object) -> None:
        if self.writing:
            self.held = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def record(self) -> Iterator[None]:
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.held:
            self.held = False
            raise KeyboardInterrupt


def _write(records: Iterator[Any], form: str, out: TextIO, fields: str | None) -> None:
    with _Whole() as whole:
        if form == "jsonl":
            for record in records:
                with whole.record():
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        if form == "json":
            # Streamed: one record in memory at a time, however many there are. The
            # array is closed whatever stops the stream (an error, Ctrl-C), so what
            # was written is always one valid JSON document.
            with whole.record():
                out.write("[")
            try:
                for i, record in enumerate(records):
                    text = ("," if i else "") + "\n  " + json.dumps(record, ensure_ascii=False)
                    with whole.record():
                        out.write(text)
            finally:
                whole.writing = True  # the closing bracket is written whatever comes
                with contextlib.suppress(OSError):
                    out.write("\n]\n")
                    out.flush()
            return
        _write_csv(records, out, fields, whole)


def _write_csv(records: Iterator[Any], out: TextIO, fields: str | None, whole: _Whole) -> None:
    """A table: the ``--fields`` as columns (in their order), else the first record's fields.

    Nested objects become ``a/b`` columns, lists and objects named as a whole
    become JSON text, booleans ``true``/``false`` and null an empty cell, as
    the records read in JSON. A record with fields the header lacks is told
    on stderr, once: a table cannot grow columns after its first line.
    """
    from .._parser import parse_fields

    writer = csv.writer(out, lineterminator="\n")
    columns = [path.name for path in parse_fields(fields).paths] if fields else None
    told = False
    for number, record in enumerate(records, 1):
        flat = _flatten(record)
        if columns is None:
            columns = list(flat)
        elif not told and not fields:
            extra = [name for name in flat if name not in columns]
            if extra:
                told = True
                print(f"cwql get: record {number} has fields the CSV header lacks "
                      f"({', '.join(extra[:5])}{', ...' if len(extra) > 5 else ''}); "
                      "choose the columns with --fields", file=sys.stderr)
        row = [_cell(_value(record, flat, c)) for c in columns]
        with whole.record():
            if number == 1:
                writer.writerow(columns)
            writer.writerow(row)


def _value(record: Any, flat: dict[str, Any], column: str) -> Any:
    if column in flat:
        return flat[column]
    value = record  # a column naming an object or list as a whole, or another letter case
    for segment in column.split("/"):
        if not isinstance(value, dict):
            return None
        key = segment if segment in value else next((k for k in value if k.lower() == segment.lower()), None)
        if key is None:
            return None
        value = value[key]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects as ``a/b`` columns; lists as whole values (a table cell holds one value)."""
    flat: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [(prefix, record)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, dict) and value:
            stack.extend((f"{name}/{k}" if name else str(k), v) for k, v in reversed(value.items()))
        else:
            flat[name] = value
    return flat
