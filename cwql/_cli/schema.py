"""``cwql schema``: import an OpenAPI file, list an endpoint's fields."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register", "run_codegen", "run_fields", "run_import"]


def register(subs: Any) -> None:
    schema = subs.add_parser(
        "schema", help="work with Manage field schemas",
        description="Build a schema from an OpenAPI file, or show what the schema knows.",
    )
    inner = schema.add_subparsers(dest="schema_command", required=True, metavar="SUBCOMMAND")

    imp = inner.add_parser(
        "import", help="build a cwql schema from an OpenAPI 3 JSON file",
        description="Read OPENAPI (the Manage API's OpenAPI 3 file for your PSA version) and write "
        "the cwql-schema/2 file (fields, types and enum values) that --schema options and "
        "cwql.schema.load(path) take.",
    )
    imp.add_argument("openapi", metavar="OPENAPI", help="the OpenAPI 3 JSON file")
    imp.add_argument("-o", "--output", required=True, help="where to write the schema (- for stdout)")
    imp.set_defaults(run=f"{__name__}:run_import")

    fields = inner.add_parser(
        "fields", help="list the fields of an endpoint's records",
        description="List the fields a list endpoint's records have, with their types and enum values.",
    )
    fields.add_argument("endpoint", metavar="ENDPOINT", help="e.g. /service/tickets")
    fields.add_argument("--schema", help="a schema file (default: the bundled Manage 2025.1 schema)")
    fields.set_defaults(run=f"{__name__}:run_fields")

    codegen = inner.add_parser(
        "codegen", help="generate typed field classes (like cwql.fields) from a schema",
        description="Write a Python package of typed field classes, one per model, for the schema "
        "in SCHEMA: a cwql schema file, an OpenAPI 3 JSON file, or 'bundled' for the bundled "
        "Manage schema. Import it as `from DIR import Ticket` (see docs/typed-fields.md).",
    )
    codegen.add_argument("schema", metavar="SCHEMA", help="a schema or OpenAPI file, or 'bundled'")
    codegen.add_argument("-o", "--output", required=True, metavar="DIR", help="the package folder to write")
    codegen.add_argument("--check", action="store_true",
                         help="write nothing; exit 1 if DIR differs from what would be written")
    codegen.set_defaults(run=f"{__name__}:run_codegen")


def run_import(args: argparse.Namespace) -> int:
    from ..errors import SchemaError
    from ..schema import from_openapi

    try:
        with open(args.openapi, "rb") as f:
            spec = json.load(f)
        schema = from_openapi(spec, source=args.openapi)
    except (OSError, ValueError) as e:  # JSON and schema errors are ValueErrors
        message = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        print(f"cwql schema import: {args.openapi}: {message}", file=sys.stderr)
        return 2 if not isinstance(e, SchemaError) else 1
    text = json.dumps(schema.to_data(), indent=1, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            print(f"cwql schema import: cannot write {args.output}: {e.strerror}", file=sys.stderr)
            return 2
        enums = sum(len(fields) for fields in schema.to_data()["enums"].values())
        print(f"wrote {args.output}: {len(schema.endpoints)} endpoints, "
              f"{len(schema.model_names)} models, {enums} enum fields", file=sys.stderr)
    return 0


def run_fields(args: argparse.Namespace) -> int:
    from ..errors import SchemaError
    from ..schema import load

    try:
        schema = load(args.schema)
        template, model = schema.endpoint(args.endpoint)
    except SchemaError as e:
        print(f"cwql schema fields: {e}", file=sys.stderr)
        return 2
    print(f"{template} -> {model.name}")
    width = max((len(name) for name in model.fields), default=0)
    for name, f in model.fields.items():
        values = f"  one of {', '.join(f.enum)}" if f.enum else ""
        print(f"  {name:<{width}}  {f.type}{values}")
    return 0


def run_codegen(args: argparse.Namespace) -> int:
    from ..errors import SchemaError
    from ..schema import from_openapi, load
    from ..schema._codegen import differences, generate, write

    try:
        if args.schema == "bundled":
            schema = load()
        else:
            with open(args.schema, "rb") as f:
                data = json.load(f)
            is_openapi = isinstance(data, dict) and ("openapi" in data or "swagger" in data)
            schema = from_openapi(data, source=args.schema) if is_openapi else load(args.schema)
        files = generate(schema)
        if args.check:
            stale = differences(files, args.output)
            for name in stale:
                print(f"{args.output}/{name}: out of date", file=sys.stderr)
            return 1 if stale else 0
        written, removed = write(files, args.output)
    except (OSError, ValueError) as e:  # JSON and schema errors are ValueErrors
        message = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        print(f"cwql schema codegen: {message}", file=sys.stderr)
        return 1 if isinstance(e, SchemaError) else 2
    size = sum(len(text.encode()) for text in files.values())
    print(f"wrote {args.output}: {len(files) - 2} models in {len(files)} files, {size // 1024} KiB "
          f"({written} changed, {removed} stale removed)", file=sys.stderr)
    return 0
