"""Reading and writing literal values: strings, datetimes.

The lexer decides where a literal starts and ends; this module decides what it
means (escapes, calendar dates) and how cwql writes it back. Reading and
writing live side by side so that ``read(write(v)) == v`` is easy to check.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "LiteralError",
    "format_datetime",
    "needs_escape",
    "quote_string",
    "read_datetime",
    "read_string",
    "string_escapes",
]

class LiteralError(Exception):
    """A literal with a bad value; offsets are relative to the literal's text.

    Internal: the parser turns each into a :class:`~cwql.ParseError` diagnostic,
    so it never leaves cwql.
    """

    def __init__(
        self, code: str, message: str, start: int, end: int, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.start = start
        self.end = end
        self.hint = hint


# ---- strings -----------------------------------------------------------------

_ESCAPABLE = "\\\"'"


def read_string(token: str) -> str:
    """The value of a quoted string token (``"..."`` or ``'...'``).

    A backslash escapes a backslash or either quote; before any other character
    it is kept as written. A doubled delimiter stands for one delimiter.
    """
    quote = token[0]
    inner = token[1:-1]
    if "\\" not in inner and quote not in inner:
        return inner
    out: list[str] = []
    i, n = 0, len(inner)
    while i < n:
        c = inner[i]
        if c == "\\" and i + 1 < n and inner[i + 1] in _ESCAPABLE:
            out.append(inner[i + 1])
            i += 2
        elif c == quote:  # the lexer only lets a delimiter in doubled
            out.append(quote)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def string_escapes(token: str) -> list[tuple[int, str]]:
    """Where :func:`read_string` finds an escape in ``token``: (offset, the character it stands for).

    Each escape is two characters of the token: a backslash before a backslash
    or a quote, or a doubled delimiter. Read left to right, so in ``"a\\\\'b"``
    the backslashes pair up and the ``'`` is plain text.
    """
    quote = token[0]
    inner = token[1:-1]
    found: list[tuple[int, str]] = []
    if "\\" not in inner and quote not in inner:
        return found
    i, n = 0, len(inner)
    while i < n:
        c = inner[i]
        if c == "\\" and i + 1 < n and inner[i + 1] in _ESCAPABLE:
            found.append((i + 1, inner[i + 1]))
            i += 2
        elif c == quote:
            found.append((i + 1, quote))
            i += 2
        else:
            i += 1
    return found


def quote_string(value: str) -> str:
    """Canonical text for a string value.

    Double quotes, or single quotes when the value holds a ``"``, so no quote
    needs escaping. Only a value holding both quote characters gets backslash
    escapes (``\\"``); a backslash is doubled only where :func:`read_string`
    would otherwise take it as an escape.
    """
    if "\\" not in value:
        if '"' not in value:
            return f'"{value}"'
        if "'" not in value:
            return f"'{value}'"
    quote = "'" if ('"' in value and "'" not in value) else '"'
    out: list[str] = [quote]
    last = len(value) - 1
    for i, c in enumerate(value):
        if c == "\\":
            # Doubled before an escapable character and at the end, where it
            # would otherwise escape the closing quote.
            out.append("\\\\" if i == last or value[i + 1] in _ESCAPABLE else "\\")
        elif c == quote:
            out.append("\\" + quote)
        else:
            out.append(c)
    out.append(quote)
    return "".join(out)


def needs_escape(value: str) -> bool:
    """Whether the canonical text of ``value`` needs a backslash escape.

    How the server reads backslash escapes is unverified (LANGUAGE.md §2.6),
    so a value that needs one is where an injection could start: the DSL and
    the validator refuse it unless told otherwise.
    """
    return quote_string(value)[1:-1] != value


# ---- datetimes ---------------------------------------------------------------

_ISO = re.compile(
    r"""
    (?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})
    (?:
        (?P<sep>[Tt ])
        (?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})
        (?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,7}))?)?
        (?P<zone>[Zz]|[+-](?P<zh>[0-9]{2})(?::?(?P<zm>[0-9]{2}))?)?
    )?
    """,
    re.VERBOSE,
)
_LOCALE = re.compile(
    r"(?P<a>[0-9]{1,2})[/.](?P<b>[0-9]{1,2})[/.](?P<y>[0-9]{4})(?P<rest>[ T].*)?", re.DOTALL
)
_LOOSE_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(.*)", re.DOTALL)
_UTC = _dt.UTC


def read_datetime(token: str) -> tuple[_dt.date, str]:
    """Parse a bracketed datetime token into ``(value, fraction)``.

    Raises :class:`LiteralError` with offsets inside ``token``.
    """
    body = token[1:-1]
    if body[:1] == " " or body[-1:] == " ":
        lead = len(body) - len(body.lstrip())
        body = body.strip()
    else:
        lead = 0
    m = _ISO.fullmatch(body)
    if m is None:
        raise _format_error(token, body, 1 + lead)
    # The regex has fixed the shape; the C parser checks the calendar and the
    # clock. Only what it refuses goes through the checks below, which exist
    # to say precisely what is wrong.
    try:
        if m["hour"] is None:
            return _dt.date.fromisoformat(body), ""
        value = _dt.datetime.fromisoformat(body)
        if value.tzinfo is not None and value.tzinfo is not _UTC:
            value = value.astimezone(_UTC)
        return value, m["fraction"] or ""
    except (ValueError, OverflowError):
        return _checked(m, 1 + lead)


def _checked(m: re.Match[str], base: int) -> tuple[_dt.date, str]:
    """The slow path of :func:`read_datetime`: every field checked by hand."""
    import calendar  # only for a date the C parser refused: it loads locale, which start-up need not

    def bad(group: str, message: str) -> LiteralError:
        return LiteralError(
            "E014", message, base + m.start(group), base + m.end(group),
            "dates must exist on the calendar: YYYY-MM-DD, hours 00-23, minutes and seconds 00-59",
        )

    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if year < 1:
        raise bad("year", "invalid date: year 0000 does not exist")
    if not 1 <= month <= 12:
        raise bad("month", f"invalid date: month {m['month']} (months run 01-12)")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise bad(
            "day",
            f"invalid date: {m['year']}-{m['month']} has {days} days, not {m['day']}",
        )
    if m["hour"] is None:
        return _dt.date(year, month, day), ""
    hour, minute = int(m["hour"]), int(m["minute"])
    second = int(m["second"] or 0)
    if hour > 23:
        raise bad("hour", f"invalid time: hour {m['hour']} (hours run 00-23)")
    if minute > 59:
        raise bad("minute", f"invalid time: minute {m['minute']} (minutes run 00-59)")
    if second > 59:
        raise bad("second", f"invalid time: second {m['second']} (seconds run 00-59)")
    fraction = m["fraction"] or ""
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    zone = m["zone"]
    tz: _dt.tzinfo | None = None
    if zone is not None and zone not in "Zz":
        zh, zm = int(m["zh"]), int(m["zm"] or 0)
        if zh > 23 or zm > 59:
            raise bad("zone", f"invalid UTC offset {zone}")
        offset = _dt.timedelta(hours=zh, minutes=zm)
        tz = _dt.timezone(-offset if zone[0] == "-" else offset)
    elif zone is not None:
        tz = _UTC
    value = _dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    if tz is not None and tz is not _UTC:
        try:
            value = value.astimezone(_UTC)
        except OverflowError:
            raise bad("zone", "invalid date: the offset moves it outside years 0001-9999") from None
    return value, fraction


def _format_error(token: str, body: str, base: int) -> LiteralError:
    end = len(token) - 1
    iso = "write ISO 8601: [YYYY-MM-DD], [YYYY-MM-DDTHH:MM:SSZ] or with an offset, [...+02:00]"
    if not body:
        return LiteralError("E015", "empty brackets: a datetime is missing", 0, len(token), iso)
    locale = _LOCALE.fullmatch(body)
    if locale is not None:
        a, b, y = locale["a"].zfill(2), locale["b"].zfill(2), locale["y"]
        readings = {f"{y}-{a}-{b}", f"{y}-{b}-{a}"}
        valid = sorted(r for r in readings if _on_calendar(r))
        rest = (locale["rest"] or "").strip()
        time = f"T{rest}" if rest else ""
        if len(valid) == 2:
            hint = f"it could be [{valid[0]}{time}] or [{valid[1]}{time}]; write ISO 8601"
        elif valid:
            hint = f"write ISO 8601: [{valid[0]}{time}]"
        else:
            hint = iso
        return LiteralError(
            "E015", f"locale date format [{body}] is ambiguous and not ISO 8601", base,
            base + len(body), hint,
        )
    loose = _LOOSE_ISO.fullmatch(body)
    if loose is not None and (len(loose[2]) == 1 or len(loose[3]) == 1):
        fixed = f"{loose[1]}-{loose[2].zfill(2)}-{loose[3].zfill(2)}{loose[4]}"
        return LiteralError(
            "E015", f"month and day need two digits in [{body}]", base, base + len(body),
            f"write [{fixed}]",
        )
    return LiteralError(
        "E015", f"[{body}] is not an ISO 8601 date or time", 1, end, iso
    )


def _on_calendar(iso_date: str) -> bool:
    try:
        _dt.date.fromisoformat(iso_date)
    except ValueError:
        return False
    return True


def format_datetime(value: _dt.date, fraction: str = "") -> str:
    """Canonical text: ``[YYYY-MM-DD]`` or ``[YYYY-MM-DDTHH:MM:SS(.f)(Z)]``."""
    if not isinstance(value, _dt.datetime):
        return f"[{value.year:04d}-{value.month:02d}-{value.day:02d}]"
    text = (
        f"[{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if fraction:
        text += "." + fraction
    return text + ("]" if value.tzinfo is None else "Z]")
