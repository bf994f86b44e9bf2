"""``# cwql:`` comments: ``noqa`` suppressions and ``key=value`` directives."""

from __future__ import annotations

import re

from .._record import Record
from .._spec import ALL_KINDS as KINDS

__all__ = ["Directive", "Noqa", "parse_comment"]

# `cwql:` then the body, in a comment that starts with `#`.
COMMENT = re.compile(r"#\s*cwql:[ \t]*(?P<body>[^\r\n]*)")
_NOQA = re.compile(r"noqa(?:\s*:\s*(?P<codes>.*))?", re.IGNORECASE)
_SETTING = re.compile(r"(?P<key>[A-Za-z_-]+)=(?P<value>\S*)")
_CODE = re.compile(r"[A-Za-z]+[0-9]*")


class Noqa(Record):
    """Suppress every finding on the line (``codes`` None) or those codes."""

    __slots__ = ("codes",)
    codes: tuple[str, ...] | None

    def __init__(self, codes: tuple[str, ...] | None) -> None:
        _set = object.__setattr__
        _set(self, "codes", codes)


class Directive(Record):
    """Settings for the queries below: ``kind`` and/or ``endpoint``."""

    __slots__ = ("settings",)
    settings: dict[str, str]

    def __init__(self, settings: dict[str, str]) -> None:
        _set = object.__setattr__
        _set(self, "settings", settings)


def parse_comment(body: str) -> Noqa | Directive | str:
    """Read the text after ``cwql:``; a str return is what is wrong with it."""
    body = body.strip()
    m = _NOQA.fullmatch(body)
    if m is not None:
        codes = m.group("codes")
        if codes is None:
            return Noqa(None)
        found = tuple(c.upper() for c in re.split(r"[\s,]+", codes.strip()) if c)
        bad = [c for c in found if not _CODE.fullmatch(c)]
        if not found or bad:
            return "write `# cwql: noqa` or `# cwql: noqa: CODE,CODE`"
        return Noqa(found)
    settings: dict[str, str] = {}
    for word in body.split():
        s = _SETTING.fullmatch(word)
        if s is None:
            return f"`{word}` is not a setting: write `# cwql: kind=... endpoint=...` or `# cwql: noqa`"
        key, value = s.group("key"), s.group("value")
        if key not in ("kind", "endpoint"):
            return f"unknown setting `{key}`: the settings are `kind` and `endpoint`"
        if key == "kind" and value not in KINDS:
            return f"unknown kind `{value}`: one of {', '.join(KINDS)}"
        if key == "endpoint" and value and not value.startswith("/"):
            return f"endpoint `{value}` should be a path such as /service/tickets"
        settings[key] = value
    if not settings:
        return "an empty `# cwql:` comment: write `noqa` or `kind=... endpoint=...`"
    return Directive(settings)
