"""Every exception cwql raises, and the diagnostic records they carry.

One tree, rooted at :class:`CWQLError`, so an application catches one type;
nothing else leaves cwql's public API, whatever the input or the server sends.
Each class also derives from the built-in exception a Python programmer would
expect (``ValueError`` for a bad value, ``TypeError`` for a wrong type)::

    CWQLError
    ├── CWQLTypeError (TypeError)      a Python object where cwql cannot take it
    ├── UsageError (ValueError)        an argument or option out of range
    │   └── ConfigurationError         settings that cannot work: credentials, a lint config
    ├── DiagnosticError (ValueError)   text with one Diagnostic per problem
    │   ├── ParseError                 not the language: from text, nodes and the DSL alike
    │   └── ValidationError            refused by cwql.validate (syntax, schema, policy)
    ├── InvalidValueError (ValueError) a Python value the language cannot hold (NaN, naive time)
    │   └── UnsafeValueError           a string needing an escape, or hiding an invisible character
    ├── EncodingError (ValueError)     text that cannot be percent-encoded or decoded
    ├── QueryError (ValueError)        Query parameters out of range or not going together
    │   └── QueryTooLongError          a request URL past the budget that cannot be split
    ├── SchemaError (ValueError)       a schema that cannot be read, or lacks an endpoint
    ├── ResponseError                  an answer cwql cannot use (not JSON, a link elsewhere)
    └── APIError                       the API answered with an error status
        ├── BadRequestError            400
        ├── AuthenticationError        401
        ├── PermissionDeniedError      403
        ├── NotFoundError              404
        ├── ConflictError              409
        ├── RateLimitError             429
        ├── ServerError                5xx
        └── TransportError             no answer at all (status 0)

The same mistake raises the same class from every entry point: a malformed
path is a :class:`ParseError` with code E022 from ``cwql.parse("a.b=1")``,
from ``Path("a.b")`` and from ``F["a.b"]``. Errors about a piece of text carry
:class:`Diagnostic` records: structured (code, span, line, column, what was
expected, a hint), so a CLI, an editor or a web form shows them without
parsing messages. :data:`CODES` documents every code, by code: its name,
what it means, an example and its fix (``cwql rule CODE`` prints it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Self

from ._record import Record

if TYPE_CHECKING:
    from ._codes import CODES as CODES
    from ._codes import Code as Code

__all__ = [
    "CODES",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "CWQLError",
    "CWQLTypeError",
    "Code",
    "ConfigurationError",
    "ConflictError",
    "Diagnostic",
    "DiagnosticError",
    "EncodingError",
    "FieldError",
    "InvalidValueError",
    "NotFoundError",
    "ParseError",
    "PermissionDeniedError",
    "QueryError",
    "QueryTooLongError",
    "RateLimitError",
    "ResponseError",
    "SchemaError",
    "ServerError",
    "TransportError",
    "UnsafeValueError",
    "UsageError",
    "ValidationError",
]


def __getattr__(name: str) -> object:
    # The registry of codes loads on first use: most programs only ever read a
    # diagnostic's code, and ``import cwql`` stays cheap.
    if name in ("CODES", "Code"):
        from . import _codes

        return getattr(_codes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "CODES", "Code"})


class CWQLError(Exception):
    """Root of every exception cwql raises."""


class UsageError(CWQLError, ValueError):
    """An argument a cwql function cannot take: an unknown kind, a limit below 1, a bad option."""


class ConfigurationError(UsageError):
    """Settings that cannot work: a client without credentials or a site, a bad lint config."""


class SchemaError(CWQLError, ValueError):
    """A schema that cannot be read, or an endpoint or model it does not have."""


class EncodingError(CWQLError, ValueError):
    """Text that cannot be percent-encoded or decoded without losing data."""

class Diagnostic(Record):
    """One problem in a piece of text; immutable, compared and hashed by its fields.

    Offsets are 0-based code-point indices into the text (``end`` exclusive);
    ``line`` and ``column`` are 1-based, as editors show them.
    :meth:`~cwql._record.Record.replace` gives a copy with fields changed.
    """

    __slots__ = (
        "code",
        "column",
        "end",
        "end_column",
        "end_line",
        "expected",
        "hint",
        "line",
        "message",
        "severity",
        "start",
    )
    code: str
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    expected: tuple[str, ...]
    hint: str | None
    severity: str

    def __init__(self, code: str, message: str, start: int, end: int, line: int, column: int,
                 end_line: int, end_column: int, expected: tuple[str, ...] = (),
                 hint: str | None = None, severity: str = "error") -> None:
        _set = object.__setattr__
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "end_line", end_line)
        _set(self, "end_column", end_column)
        _set(self, "expected", expected)
        _set(self, "hint", hint)
        _set(self, "severity", severity)

    @property
    def name(self) -> str:
        """The kebab-case name of :attr:`code` (empty for a code cwql does not know)."""
        from ._codes import CODES

        known = CODES.get(self.code)
        return known.name if known else ""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict with every field."""
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "expected": list(self.expected),
            "hint": self.hint,
        }

    @classmethod
    def at(
        cls,
        text: str,
        code: str,
        message: str,
        start: int,
        end: int | None = None,
        *,
        expected: Iterable[str] = (),
        hint: str | None = None,
        severity: str = "error",
    ) -> Diagnostic:
        """Build a diagnostic for ``text[start:end]``, computing lines and columns."""
        start = max(0, min(start, len(text)))
        end = start if end is None else max(start, min(end, len(text)))
        line, column = _line_column(text, start)
        end_line, end_column = _line_column(text, end)
        return cls(
            code, message, start, end, line, column, end_line, end_column,
            tuple(expected), hint, severity,
        )


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def diagnostics_at(
    text: str, problems: Iterable[tuple[str, str, int, int, str | None]]
) -> list[Diagnostic]:
    """:meth:`Diagnostic.at` for many ``(code, message, start, end, hint)`` in one text.

    In order of their starts (a stable sort). The lines are counted in one pass
    over the text, not once per problem: a text with many problems costs time
    linear in its length, not in its length times their number.
    """
    found = sorted(problems, key=lambda p: p[2])
    size = len(text)
    spans = []
    for _code, _message, start, end, _hint in found:
        start = max(0, min(start, size))
        spans.append((start, max(start, min(end, size))))
    where: dict[int, tuple[int, int]] = {}
    line, line_start, at = 1, 0, 0
    for offset in sorted({o for span in spans for o in span}):
        newlines = text.count("\n", at, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", at, offset) + 1
        where[offset] = (line, offset - line_start + 1)
        at = offset
    return [
        Diagnostic(code, message, start, end, *where[start], *where[end], (), hint)
        for (code, message, _, _, hint), (start, end) in zip(found, spans, strict=True)
    ]


class DiagnosticError(CWQLError, ValueError):
    """An error about a piece of text, carrying one :class:`Diagnostic` per problem.

    ``str(error)`` shows each one with the offending line and a caret.
    """

    text: str
    diagnostics: list[Diagnostic]

    def __init__(self, text: str, diagnostics: Sequence[Diagnostic]) -> None:
        if not diagnostics:
            raise ValueError(f"{type(self).__name__} needs at least one diagnostic")
        self.text = text
        self.diagnostics = list(diagnostics)
        super().__init__(self._render())

    @classmethod
    def at(
        cls, text: str, code: str, message: str, start: int = 0, end: int | None = None,
        *, hint: str | None = None,
    ) -> Self:
        """The error for one problem at ``text[start:end]`` (see :meth:`Diagnostic.at`)."""
        return cls(text, [Diagnostic.at(text, code, message, start, end, hint=hint)])

    @property
    def code(self) -> str:
        """The code of the first diagnostic."""
        return self.diagnostics[0].code

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.text, self.diagnostics))

    def _render(self) -> str:
        return "\n".join(render_diagnostic(self.text, d) for d in self.diagnostics)


class ParseError(DiagnosticError):
    """Text that is not a valid query.

    ``diagnostics`` lists every problem found: every literal error (a date
    not on the calendar, ``null`` with ``<``), then the syntax error that
    stopped the parse, if any.
    """


class ValidationError(DiagnosticError):
    """A filter that :func:`cwql.validate` refuses: syntax, schema or policy problems, all of them."""


# A hostile input can be a megabyte on one line: show a window around the caret.
_WINDOW = 60


def render_diagnostic(text: str, diag: Diagnostic) -> str:
    """``line:col: CODE message``, the source line, a caret under the span, the hint."""
    head = f"{diag.line}:{diag.column}: {diag.code} {diag.message}"
    line_start = diag.start - (diag.column - 1)
    line_end = text.find("\n", line_start)
    if line_end < 0:
        line_end = len(text)
    if line_end > line_start and text[line_end - 1] == "\r":
        line_end -= 1  # a CRLF line break is not part of the line shown
    caret_at = diag.column - 1  # within the line
    # The underline covers the span on this line, cut to the window.
    width = max(1, min(min(diag.end, line_end) - diag.start, _WINDOW))
    left = max(0, caret_at - _WINDOW)
    right = min(line_end - line_start, caret_at + width + _WINDOW)
    prefix = "..." if left > 0 else ""
    suffix = "..." if right < line_end - line_start else ""
    shown = prefix + _printable(text[line_start + left:line_start + right]) + suffix
    pad = len(prefix) + caret_at - left
    lines = [head, "  " + shown, "  " + " " * pad + "^" + "~" * (width - 1)]
    if diag.hint:
        lines.append(f"  hint: {diag.hint}")
    return "\n".join(lines)


def _printable(source: str) -> str:
    # Control characters would break the caret's alignment (or the terminal);
    # show each as one visible character so columns still line up.
    if source.isprintable():  # nearly always: one C loop instead of one per character
        return source
    return "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in source)


class CWQLTypeError(CWQLError, TypeError):
    """A Python object used where cwql cannot take it.

    A condition used as a bool (``and``, ``or``, ``not``, ``if``, ``1 < F.x < 5``),
    ``&``/``|`` with something that is not a condition, a value of a type the
    language has no literal for, or a node where another kind belongs.
    """


class InvalidValueError(CWQLError, ValueError):
    """A value of a supported type that the language cannot hold.

    NaN or an infinity, a naive datetime, a number too long to write.
    """


class UnsafeValueError(InvalidValueError):
    """A string that cwql will not write without the caller's opt-in.

    How the server reads escapes is unverified (LANGUAGE.md §2.6), so a value
    whose text would need one could end the string early on the server; cwql
    refuses it unless the caller opts in with ``cwql.allow_escapes(value)``.
    A value holding an invisible or control character (a NUL, a zero-width
    space, a bidi override) rarely matches what it looks like; cwql refuses it
    unless the caller opts in with ``cwql.allow_control_characters(value)``.
    Lone surrogates are refused always: they cannot be sent as UTF-8.
    """


class QueryError(CWQLError, ValueError):
    """A :class:`cwql.Query` whose parameters are out of range or do not go together."""


class QueryTooLongError(QueryError):
    """The request URL would exceed the budget and cannot be split or sent as a search."""

    def __init__(self, length: int, limit: int, path: str, *, ordered: bool = False) -> None:
        self.length = length
        self.limit = limit
        self.path = path
        why = (
            " An ordered query is not split: merging the parts would need the server's collation."
            if ordered else ""
        )
        super().__init__(
            f"the request URL for {path} would be {length} characters; the limit is {limit}.{why} "
            "Shorten the conditions, or split a long `in (...)` list across queries"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_too_long, (self.length, self.limit, self.path, self.args))


def _rebuild_too_long(length: int, limit: int, path: str, args: tuple[Any, ...]) -> QueryTooLongError:
    error = QueryTooLongError.__new__(QueryTooLongError)
    error.length, error.limit, error.path, error.args = length, limit, path, args
    return error


# ---- answers from the API --------------------------------------------------------


class ResponseError(CWQLError):
    """An answer cwql cannot use: a body that is not JSON, not a list, or a link elsewhere."""


class FieldError(Record):
    """One entry of an API error body's ``errors`` list (LANGUAGE.md §5); immutable."""

    __slots__ = ("code", "field", "message", "resource")
    code: str
    message: str
    resource: str
    field: str

    def __init__(self, code: str, message: str, resource: str = "", field: str = "") -> None:
        _set = object.__setattr__
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "resource", resource)
        _set(self, "field", field)


class APIError(CWQLError):
    """The API answered with an error status (after any retries).

    ``status`` is the HTTP status, ``code`` and ``message`` what the body
    said (``message`` falls back to the status text, or to the page title of
    an HTML body), ``errors`` the per-field errors, ``url`` the request URL
    with any secret removed, ``attempts`` how many requests were made.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "",
        errors: tuple[FieldError, ...] = (),
        url: str = "",
        method: str = "GET",
        attempts: int = 1,
        body: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.url = url
        self.method = method
        self.attempts = attempts
        self.body = body[:2000]
        detail = f" ({code})" if code else ""
        fields = "".join(f"\n  {e.field or e.resource}: {e.message}" for e in errors)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        head = f"{status}{detail}" if status else "no answer:"  # status 0: TransportError
        super().__init__(f"{head} {message} [{method} {url}]{tries}{fields}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_api_error, (type(self), self.status, self.message, self.code, self.errors,
                                     self.url, self.method, self.attempts, self.body))


def _rebuild_api_error(cls: type[APIError], *args: Any) -> APIError:
    status, message, code, errors, url, method, attempts, body = args
    return cls(status, message, code=code, errors=errors, url=url, method=method,
               attempts=attempts, body=body)


class BadRequestError(APIError):
    """400: the request (often the conditions) is invalid. Never retried."""


class AuthenticationError(APIError):
    """401: the credentials were refused. Never retried."""


class PermissionDeniedError(APIError):
    """403: the API member may not do this. Never retried."""


class NotFoundError(APIError):
    """404: no such record or endpoint. Never retried."""


class ConflictError(APIError):
    """409, such as RecordLocked: retried after a delay, this is the last answer."""


class RateLimitError(APIError):
    """429: throttled, and still throttled after the retries allowed."""

    retry_after: float | None = None


class ServerError(APIError):
    """5xx: the server or a proxy in front of it failed, after the retries allowed."""


class TransportError(APIError):
    """No answer at all: connection refused or dropped, timeout (status 0)."""
