"""``cwql lint`` and ``cwql fmt``: queries in files, checked, fixed and formatted.

Exit status: 0 clean, 1 findings (or, for fmt --check, files to reformat),
2 usage, config or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from .._spec import ALL_KINDS as KINDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..lint._config import Config
    from ..lint._engine import FileResult
    from ..lint._files import Source, Target
    from ..lint._runner import Runner

__all__ = ["add_config_args", "load_config", "register", "run_fmt", "run_lint"]

def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def add_exit_args(sub: argparse.ArgumentParser) -> None:
    """``--exit-zero`` and ``--fail-on``: which findings make the exit status 1 (lint and check)."""
    sub.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    sub.add_argument("--fail-on", choices=("error", "warning", "info"), default=None,
                     help="the lowest severity that makes the exit status 1 (default: info, that "
                     "is, every finding; config key fail-on)")


def fails(args: argparse.Namespace, config: Config, results: list[FileResult]) -> bool:
    """Whether the findings make the exit status 1, under --exit-zero and the severity threshold."""
    from ..lint._model import at_least

    if args.exit_zero:
        return False
    threshold = args.fail_on or config.fail_on
    return any(at_least(f.diagnostic.severity, threshold) for r in results for f in r.findings)


def add_config_args(sub: argparse.ArgumentParser, *, kind: bool = True) -> None:
    """The options that choose rules and settings, shared by check, lint and fmt."""
    group = sub.add_argument_group("configuration")
    group.add_argument(
        "--config", action="append", default=[], metavar="PATH|KEY=VALUE",
        help="a config file to use instead of the nearest one, or a `key = value` setting "
        "that overrides it (repeatable)",
    )
    group.add_argument("--isolated", action="store_true", help="ignore every config file")
    group.add_argument("--select", type=_codes, metavar="CODES",
                       help="comma-separated rule codes or prefixes to enable (replaces the config's)")
    group.add_argument("--extend-select", type=_codes, default=[], metavar="CODES",
                       help="rule codes or prefixes to enable as well")
    group.add_argument("--ignore", type=_codes, default=[], metavar="CODES",
                       help="rule codes or prefixes to disable")
    if kind:
        group.add_argument("-k", "--kind", choices=KINDS,
                           help="the parameter of queries whose file does not say (default: conditions)")
    group.add_argument("--endpoint", metavar="PATH",
                       help="the endpoint queries are for, e.g. /service/tickets (turns on the schema rules)")
    group.add_argument("--schema", metavar="FILE",
                       help="the schema for the schema rules (default: the bundled Manage 2025.1 schema; "
                       "build one with `cwql schema import`)")


def load_config(args: argparse.Namespace, start: str | None) -> Config:
    """The config for this run. Raises ConfigurationError."""
    from pathlib import Path

    from ..errors import ConfigurationError
    from ..lint._config import check_selectors, load

    path = None
    overrides = []
    for item in args.config:
        if "=" in item:
            overrides.append(item)
        elif path is None:
            path = Path(item)
        else:
            raise ConfigurationError("--config: give at most one config file")
    if args.endpoint is not None and not args.endpoint.startswith("/"):
        raise ConfigurationError(f"--endpoint must be a path such as /service/tickets, not {args.endpoint!r}")
    config = load(Path(start) if start else None, isolated=args.isolated, path=path,
                  overrides=overrides)

    changes: dict[str, Any] = {}
    if args.select is not None:
        changes["select"] = check_selectors(args.select, "--select")
    if args.extend_select:
        changes["extend_select"] = config.extend_select + check_selectors(args.extend_select, "--extend-select")
    if args.ignore:
        changes["extend_ignore"] = config.extend_ignore + check_selectors(args.ignore, "--ignore")
    if args.schema is not None:
        changes["schema"] = str(Path(args.schema).resolve())
    return config.replace(**changes) if changes else config


def load_schema(config: Config) -> Any:
    """The schema the config names, or None (the schema rules then load the bundled one)."""
    if config.schema is None:
        return None
    from ..errors import ConfigurationError, SchemaError
    from ..schema import load

    try:
        return load(config.schema)
    except SchemaError as e:
        raise ConfigurationError(str(e)) from None


def _runner(args: argparse.Namespace, config: Config) -> Runner:
    from ..lint._engine import Linter
    from ..lint._runner import Runner

    linter = Linter(config.enabled(), config.settings, load_schema(config))
    return Runner(config, linter, args.kind, args.endpoint)


def register(subs: Any) -> None:
    lint = subs.add_parser(
        "lint", help="check the queries in files and folders",
        description="Find queries in .cwql, Python, YAML and JSON files and check them. "
        "PATHS are files or folders (default: .), or - for standard input.",
    )
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files or folders, or - for stdin")
    lint.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    lint.add_argument("--unsafe-fixes", action="store_true",
                      help="with --fix, apply fixes that may change what a query matches")
    lint.add_argument("--diff", action="store_true",
                      help="change nothing; print the fixes as a diff (exit 1 if there are any)")
    lint.add_argument("--output-format", choices=("text", "json", "github", "sarif"),
                      default=os.environ.get("CWQL_OUTPUT_FORMAT", "text"),
                      help="how to print findings (default: text)")
    lint.add_argument("-o", "--output-file", metavar="FILE", help="write findings to FILE")
    lint.add_argument("--statistics", action="store_true", help="count findings per rule")
    add_exit_args(lint)
    lint.add_argument("--stdin-filename", metavar="NAME",
                      help="the file name stdin stands for (its suffix picks the reader)")
    colour = lint.add_mutually_exclusive_group()
    colour.add_argument("--color", action="store_true",
                        help="colour the text output even when it is not a terminal")
    colour.add_argument("--no-color", action="store_true", help="never colour the text output")
    lint.add_argument("-q", "--quiet", action="store_true", help="print findings only, no notices")
    lint.add_argument("-v", "--verbose", action="store_true",
                      help="list the queries that were built at run time and not checked")
    add_config_args(lint)
    lint.set_defaults(run=f"{__name__}:run_lint")

    fmt = subs.add_parser(
        "fmt", help="rewrite queries in canonical form",
        description="Rewrite the queries in .cwql files, Python string literals and JSON and YAML "
        "values in canonical form, in place, repairing syntax errors that have one obvious "
        "repair. PATHS are files or folders (default: .), or - for stdin.",
    )
    fmt.add_argument("paths", nargs="*", metavar="PATH", help="files or folders, or - for stdin")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if a file would be reformatted")
    fmt.add_argument("--diff", action="store_true",
                     help="change nothing; print a diff of what would change (exit 1 if any)")
    fmt.add_argument("--stdin-filename", metavar="NAME",
                     help="the file name stdin stands for (its suffix picks the reader)")
    fmt.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    add_config_args(fmt)
    fmt.set_defaults(run=f"{__name__}:run_fmt")


def _notice(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(f"cwql: {message}", file=sys.stderr)


def _unclaimed(args: argparse.Namespace, results: Iterable[tuple[str, int]]) -> None:
    """Say which JSON and YAML values under the generic keys were not read as queries.

    Without evidence that a file is about ConnectWise, its ``conditions``, ``orderBy`` and
    ``fields`` may be another tool's (Elasticsearch, GitHub Actions); they are left alone,
    but never silently: a run over such a file alone would otherwise pass, checking nothing.
    """
    files = [(path, n) for path, n in results if n]
    if not files:
        return
    why = ("nothing in the file says it is about ConnectWise (a URL with /apis/3.0, or "
           "`connectwise-files` in the config)")
    if getattr(args, "verbose", False):  # fmt has no --verbose
        for path, n in files:
            _notice(args, f"{path}: {n} value{'s' if n != 1 else ''} under `conditions`, "
                          f"`orderBy` or `fields` not read as queries: {why}")
        return
    total = sum(n for _, n in files)
    _notice(args, f"{total} value{'s' if total != 1 else ''} under `conditions`, `orderBy` or "
                  f"`fields` in {len(files)} JSON or YAML file{'s' if len(files) != 1 else ''} "
                  "not read as queries: nothing says the file is about ConnectWise "
                  f"({'--verbose lists them; ' if hasattr(args, 'verbose') else ''}"
                  "`connectwise-files` in the config names such files)")


def _color(args: argparse.Namespace, stream: TextIO) -> bool:
    if args.color:
        return True
    if args.no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _stdin_target(args: argparse.Namespace, config: Config) -> tuple[str, str, str]:
    """(display, relative path, reader) for standard input."""
    from pathlib import Path

    from ..lint._files import target

    if args.stdin_filename:
        found = target(Path(args.stdin_filename), config)
        if found is None:
            raise ValueError(f"--stdin-filename {args.stdin_filename!r}: not a file cwql reads")
        return found.display, found.relative, found.filetype
    return "-", "-", "cwql"


def _read_stdin(filetype: str) -> str:
    """Standard input as text; raises Unreadable."""
    from ..lint._files import decode

    return decode(sys.stdin.buffer.read(), filetype).text


def _start(args: argparse.Namespace) -> tuple[list[str], bool, Config, Runner]:
    """The paths to read (``-`` for stdin), the config found from them, and the runner.

    Raises ConfigurationError.
    """
    paths = args.paths or ["."]
    use_stdin = paths == ["-"]
    config = load_config(args, None if use_stdin else paths[0])
    return paths, use_stdin, config, _runner(args, config)


def _targets(args: argparse.Namespace, paths: list[str], config: Config) -> list[Target] | None:
    """The files under ``paths`` (notices printed), or None when a path does not exist."""
    from ..lint._files import discover

    if "-" in paths:
        print("cwql: - (stdin) cannot be mixed with paths", file=sys.stderr)
        return None
    try:
        targets, notices = discover(paths, config)
    except FileNotFoundError as e:
        print(f"cwql: {e.args[0]}: no such file or folder", file=sys.stderr)
        return None
    for notice in notices:
        _notice(args, notice)
    return targets


def _collecting_less(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``run`` with fewer garbage collections, as mypy does for its runs; the collector is
    put back as it was when ``run`` returns (main() may run in a host process).

    Reading a file allocates its syntax tree, freed by reference counting as soon as it is
    read; with the default threshold (700 new objects) a collection ran every few
    queries, each scanning what the run keeps (about a tenth of a lint run). The objects
    made at start-up are frozen out of every later collection. Memory is not at stake:
    the threshold only lets some thousands more objects wait for a collection.
    """

    def collecting_less(args: argparse.Namespace) -> int:
        import gc

        threshold = gc.get_threshold()
        # A host that froze objects of its own (a pre-forking server keeps them out of
        # collections so forked workers share their pages) would have them unfrozen below:
        # unfreeze takes back everything frozen. Then nothing more is frozen here.
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        gc.set_threshold(20_000, 20, 20)
        try:
            return run(args)
        finally:
            gc.set_threshold(*threshold)
            if freeze:
                gc.unfreeze()

    return collecting_less


@_collecting_less
def run_lint(args: argparse.Namespace) -> int:
    from ..errors import ConfigurationError
    from ..lint._files import Source, Unreadable, save

    try:
        paths, use_stdin, config, runner = _start(args)
    except ConfigurationError as e:
        print(f"cwql: {e}", file=sys.stderr)
        return 2
    if args.output_file and not os.path.isdir(os.path.dirname(os.path.abspath(args.output_file))):
        # Said before linting, not after: the findings would have nowhere to go.
        print(f"cwql: --output-file {args.output_file}: no such folder", file=sys.stderr)
        return 2
    results: list[FileResult] = []
    fixed = 0
    if use_stdin:
        try:
            display, relative, filetype = _stdin_target(args, config)
        except ValueError as e:
            print(f"cwql: -: {e}", file=sys.stderr)
            return 2
        try:
            text = _read_stdin(filetype)
        except Unreadable as e:
            results.append(runner.linter.unreadable(display, str(e)))
        else:
            if args.fix:
                new, fixed, result = runner.fix_text(display, relative, filetype, text,
                                                     args.unsafe_fixes)
                sys.stdout.write(new)
                sys.stdout.flush()
                return 1 if fails(args, config, [result]) else 0
            results.append(runner.lint_text(display, relative, filetype, text))
    else:
        targets = _targets(args, paths, config)
        if targets is None:
            return 2
        if args.diff:
            return _diff_fixes(args, runner, targets)
        for t in targets:
            source = runner.load(t)
            if not isinstance(source, Source):
                results.append(source)
                continue
            if args.fix:
                new, n, result = runner.fix_text(t.display, t.relative, t.filetype, source.text,
                                                 args.unsafe_fixes)
                if n:
                    try:
                        save(t.path, source, new)
                    except (OSError, UnicodeEncodeError) as e:
                        print(f"cwql: {t.display}: cannot write the fixes: {e}", file=sys.stderr)
                        return 2
                    fixed += n
            else:
                result = runner.lint_text(t.display, t.relative, t.filetype, source.text)
            results.append(result)
    for result in results:
        unchecked = result.skipped
        if unchecked is not None and not any(f.code == unchecked.code for f in result.findings):
            # Its code is not selected: the file is still not checked, and that is said.
            _notice(args, f"{result.path}: not checked: {unchecked.message}")
        if args.verbose:
            for line, why in result.dynamic:
                _notice(args, f"{result.path}:{line}: not checked: {why}")
    dynamic = sum(len(r.dynamic) for r in results)
    if dynamic and not args.verbose:
        _notice(args, f"{dynamic} quer{'y' if dynamic == 1 else 'ies'} built at run time could "
                      "not be checked (--verbose lists them)")
    _unclaimed(args, ((r.path, r.unclaimed) for r in results))
    if fixed:
        _notice(args, f"fixed {fixed} problem{'s' if fixed != 1 else ''}")
    try:
        _emit(args, results)
    except OSError as e:
        print(f"cwql: --output-file {args.output_file}: cannot write it: {e.strerror or e}",
              file=sys.stderr)
        return 2
    return 1 if fails(args, config, results) else 0


def _diff_fixes(args: argparse.Namespace, runner: Runner, targets: list[Target]) -> int:
    """``lint --diff``: what ``--fix`` would change, as a unified diff."""
    import difflib

    from ..lint._files import Source

    changed = 0
    for t in targets:
        source = runner.load(t)
        if not isinstance(source, Source):
            continue
        new, n, _ = runner.fix_text(t.display, t.relative, t.filetype, source.text, args.unsafe_fixes)
        if n:
            changed += 1
            sys.stdout.writelines(difflib.unified_diff(
                source.text.splitlines(keepends=True), new.splitlines(keepends=True),
                t.display, t.display,
            ))
    return 1 if changed else 0


def _emit(args: argparse.Namespace, results: list[FileResult]) -> None:
    from ..lint._outputs import write

    if args.output_file:
        with open(args.output_file, "w", encoding="utf-8") as stream:
            write(results, args.output_format, stream, color=False, stats=args.statistics)
    else:
        write(results, args.output_format, sys.stdout, color=_color(args, sys.stdout),
              stats=args.statistics)


@_collecting_less
def run_fmt(args: argparse.Namespace) -> int:
    import difflib

    from ..errors import ConfigurationError
    from ..lint._files import Source, Unreadable, save
    from ..lint._outputs import text_block

    try:
        paths, use_stdin, config, runner = _start(args)
    except ConfigurationError as e:
        print(f"cwql: {e}", file=sys.stderr)
        return 2
    errors = 0

    def cannot(display: str, why: str) -> None:
        nonlocal errors
        errors += 1
        print(f"{display}: cannot format: {why}", file=sys.stderr)

    # (display, relative, reader, the file's Source or stdin's text, the Target or None)
    jobs: list[tuple[str, str, str, Source | str, Target | None]] = []
    if use_stdin:
        try:
            display, relative, filetype = _stdin_target(args, config)
        except ValueError as e:
            print(f"cwql: -: {e}", file=sys.stderr)
            return 2
        try:
            jobs.append((display, relative, filetype, _read_stdin(filetype), None))
        except Unreadable as e:
            cannot(display, str(e))
    else:
        targets = _targets(args, paths, config)
        if targets is None:
            return 2
        for t in targets:
            source = runner.load(t)
            if not isinstance(source, Source):
                assert source.skipped is not None
                cannot(t.display, source.skipped.message)
                continue
            jobs.append((t.display, t.relative, t.filetype, source, t))
    would_change = 0
    unclaimed: list[tuple[str, int]] = []
    for display, relative, filetype, held, where in jobs:
        text = held if isinstance(held, str) else held.text
        done = runner.format_text(display, relative, filetype, text)
        unclaimed.append((display, done.result.unclaimed))
        if done.result.skipped:
            cannot(display, done.result.skipped.message)
        for f in done.result.findings:
            if f.code.startswith("F"):
                continue  # said above, once
            errors += 1
            print(text_block(f, done.result.text), file=sys.stderr)
        for line, column, why in done.refused:
            errors += 1
            print(f"{display}:{line}:{column}: cannot format: {why}", file=sys.stderr)
        changed = done.text != text
        would_change += changed
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(
                text.splitlines(keepends=True), done.text.splitlines(keepends=True),
                display, display,
            ))
        elif args.check:
            if changed:
                print(f"Would reformat: {display}")
        elif where is None or isinstance(held, str):
            sys.stdout.write(done.text)  # stdin in, stdout out
        elif changed:
            try:
                save(where.path, held, done.text)
            except (OSError, UnicodeEncodeError) as e:
                print(f"cwql: {display}: cannot write: {e}", file=sys.stderr)
                return 2
    _unclaimed(args, unclaimed)
    if not args.quiet and not use_stdin:
        verb = "would be reformatted" if args.check or args.diff else "reformatted"
        print(f"{would_change} file{'s' if would_change != 1 else ''} {verb}, "
              f"{len(jobs) - would_change} left unchanged", file=sys.stderr)
    if errors:
        return 1
    return 1 if would_change and (args.check or args.diff) else 0
