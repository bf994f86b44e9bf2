"""Turn the parser's failures into diagnostics that say what is wrong and how to fix it.

Lark reports *where* the parse stopped and which terminals it would have
taken. That is precise but not friendly, so this module looks at the token
that failed, the one before it and the text around them, and names the
mistake people actually make: ``==``, ``&&``, ``is null``, an unbracketed date,
a standalone ``not``, a trailing ``and``. Only runs when a parse has failed, so
it may take its time.

:func:`repair` gives the one obvious repair of a diagnostic, where there is
one (``==`` is ``=``, ``&&`` is ``and``, an unbracketed date gets its
brackets); the linter applies it as a fix, after re-parsing the result. Each
repair is written beside the hint that describes it, so the two agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ._lexer import strings_and_parentheses, token_before
from ._spec import KEYWORDS, NUMBER, PAGING_PARAMETERS, PARAMETERS, is_path
from .errors import Diagnostic

__all__ = ["Repair", "explain", "repair"]

# Human names for the grammar's terminals, in the order they are listed.
_LABELS = {
    "PATH": "a field path",
    "OP": "an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
    "NOT": "`not`",
    "IN": "`in`",
    "CONTAINS": "`contains`",
    "LIKE": "`like`",
    "STRING": "a string",
    "NUMBER": "a number",
    "DATETIME": "a [datetime]",
    "TRUE": "`true`",
    "FALSE": "`false`",
    "NULL": "`null`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "AND": "`and`",
    "OR": "`or`",
    "ASC": "`asc`",
    "DESC": "`desc`",
    "$END": "the end of the text",
}
_VALUES = frozenset({"STRING", "NUMBER", "DATETIME", "TRUE", "FALSE"})
_KEYWORDS = frozenset(k.upper() for k in KEYWORDS)  # as terminal names

_NOT_HINT = (
    "the language has no standalone `not`: negate the operator instead "
    "(`=` becomes `!=`, `<` becomes `>=`, `in` becomes `not in`, `contains` becomes "
    "`not contains`, `like` becomes `not like`), and for a group swap `and` and `or` "
    "as you negate each part (De Morgan)"
)

_BARE_DATETIME = re.compile(
    r"(?<![\w\[\"'.:-])"
    r"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:[Tt ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)"
)
_BAD_NUMBER = re.compile(r"[-+]*[0-9.]+(?:[eE][-+]?[0-9]+)?[A-Za-z0-9_.]*")
_SQL_NULL = re.compile(r"is(\s+not)?\s+null\b", re.IGNORECASE)
# Anchored at the list's `(`: matched on a short window, never across the text.
_IN_LIST_HEAD = re.compile(r"([A-Za-z_][A-Za-z0-9_/]*)\s+(not\s+)?in\s*\($", re.IGNORECASE)
# `field between low and high` (SQL's range test), read from `between` on.
_VALUE = r"""-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)|"(?:[^"\\]|\\.|"")*+"|'(?:[^'\\]|\\.|'')*+'|\[[^\[\]\n]*\]"""
_BETWEEN = re.compile(rf"between\s+({_VALUE})\s+and\s+({_VALUE})", re.IGNORECASE)
# How far around an error the explainer looks: it runs once per failed parse,
# and every look is bounded so a megabyte of text costs no more than a line.
_WINDOW = 200

# Query-string parameters (LANGUAGE.md section 1) by their lower-case names: the API's
# spelling and the keyword of cwql.Query (None: Query has none).
_QUERY_PARAMETERS: dict[str, tuple[str, str | None]] = {
    **{p.name.lower(): (p.name, p.python_name) for p in PARAMETERS},
    **{name.lower(): (name, keyword) for name, keyword in PAGING_PARAMETERS.items()},
    "columns": ("columns", None),
}
_VALUE_PARAMETERS = "|".join(p.name for p in PARAMETERS)
# A value that starts with its own (or another) parameter's name: `conditions=...`, `?orderBy=...`.
_LEADING_PARAMETER = re.compile(rf"\s*(\??\s*({_VALUE_PARAMETERS})\s*=)\s*", re.IGNORECASE)
# `&orderBy=`, `&pageSize=`...: the rest of a query string pasted into a value.
_EMBEDDED_PARAMETER = re.compile(
    r"&\s*(" + "|".join(sorted(_QUERY_PARAMETERS, key=len, reverse=True)) + r")\s*=",
    re.IGNORECASE,
)
_ISO_DATETIME = re.compile(
    r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})?)?\s*"
)
_NUMBER = re.compile(NUMBER)

# Characters that editors, chat tools and word processors put in place of ASCII.
_LOOKALIKES = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\uff02": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\uff07": "'",
    "\uff1d": "=", "\u2260": "!=", "\u2264": "<=", "\u2265": ">=", "\uff1c": "<", "\uff1e": ">",
    "\uff08": "(", "\uff09": ")", "\uff0c": ",", "\u2212": "-", "\u2013": "-", "\u2014": "-",
    "\u00a0": "a plain space", "\u2007": "a plain space", "\u202f": "a plain space",
    "\u3000": "a plain space", "\u200b": "nothing (it is invisible)",
    "\ufeff": "nothing (it is invisible)", "\u2044": "/", "\u2215": "/", "\uff0f": "/",
}
# The full-width forms of ASCII (U+FF01-U+FF5E), which an East Asian input method types for
# every key: `ａｎｄ`, `！＝`, `ｉｄ`. Each stands for one ASCII character, and a run of them
# is repaired at once.
_FULL_WIDTH = range(0xFF01, 0xFF5F)
for _code in _FULL_WIDTH:
    _LOOKALIKES.setdefault(chr(_code), chr(_code - 0xFEE0))
del _code


def explain(text: str, error: UnexpectedInput, start: str) -> Diagnostic:
    """One diagnostic for a failed parse of ``text`` from start symbol ``start``."""
    expected = _expected(error)
    if isinstance(error, UnexpectedCharacters):
        pos = error.pos_in_stream
        assert pos is not None
        explainer = _Explainer(text, start, expected, pos)
        return explainer.leading_parameter(pos) or explainer.character(pos)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    pos = len(text) if token.type == "$END" else token.start_pos
    assert pos is not None
    explainer = _Explainer(text, start, expected, pos)
    return explainer.leading_parameter(pos) or explainer.token(token, pos)


def _expected(error: UnexpectedInput) -> frozenset[str]:
    names: Iterable[str] = ()
    if isinstance(error, UnexpectedToken):
        names = error.expected
    elif error.interactive_parser is not None:
        names = error.interactive_parser.choices()  # type: ignore[no-untyped-call]
    return frozenset(n for n in names if n in _LABELS)


def _labels(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(label for name, label in _LABELS.items() if name in names)


def _describe(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the text"
    shown = str(tok) if len(tok) <= 40 else str(tok)[:37] + "..."
    return f"`{shown}`"


def _token_before(text: str, pos: int) -> Token | None:
    """The token that ends before ``pos``, as a Lark ``Token`` (the explainer's currency)."""
    before = token_before(text, pos)
    return None if before is None else Token(before[0], before[1], start_pos=before[2], end_pos=before[3])


class _Explainer:
    def __init__(
        self, text: str, start: str, expected: frozenset[str], pos: int
    ) -> None:
        self.text = text
        self.start = start
        self.prev = _token_before(text, pos)
        # LALR merges look-aheads, so `)` can be "expected" with nothing open
        # and the end of the text with a `(` still open.
        if expected & {"RPAR", "$END"}:
            inside = self.unclosed(pos) is not None
            expected -= {"$END"} if inside else {"RPAR"}
        self.expected = expected

    def diag(self, code: str, message: str, start: int, end: int, hint: str | None = None) -> Diagnostic:
        return Diagnostic.at(
            self.text, code, message, start, end, expected=_labels(self.expected), hint=hint
        )

    # ---- a query string where one value belongs ---------------------------------

    def leading_parameter(self, pos: int) -> Diagnostic | None:
        """`conditions=priority/id=7`: the parse failed right at the start of the value."""
        m = _LEADING_PARAMETER.match(self.text)
        # The parse stops at the `=` (orderBy, fields), at the value's first token
        # (conditions), or at a leading `?`.
        if m is None or not (m.end(1) - 1 <= pos <= m.end() or pos == m.start(1)):
            return None
        name = _QUERY_PARAMETERS[m.group(2).lower()][0]
        return self.diag(
            "E031", f"`{_squeezed(m.group(1))}` is a separate query parameter, not part of the value",
            m.start(1), m.end(1), _split_hint(self.text, name),
        )

    # ---- the lexer found a character no terminal starts with -------------------

    def character(self, pos: int) -> Diagnostic:
        text = self.text
        c = text[pos]
        found = self.bare_datetime(pos)
        if found is not None:
            return found
        if c in "\"'":
            end = text.find("\n", pos)
            return self.diag(
                "E003", "unterminated string: it opens here and never closes", pos,
                len(text) if end < 0 else end,
                f"close it with {c}; to put a {c} inside, write \\{c} or {c}{c}",
            )
        if c == "[":
            return self.diag(
                "E023", "`[` opens a datetime that is not closed by `]` on the same line", pos,
                pos + 1, "write a datetime as [2024-01-31] or [2024-01-31T17:00:00Z]",
            )
        if c in _LOOKALIKES:
            name = unicodedata.name(c, f"U+{ord(c):04X}").lower()
            return self.diag(
                "E028", f"`{c}` ({name}) looks like ASCII but is not", pos, pos + 1,
                f"replace it with {_LOOKALIKES[c]}",
            )
        if c == "&" and not text.startswith("&&", pos):
            m = _EMBEDDED_PARAMETER.match(text, pos)
            if m is not None:
                return self.diag("E031", f"`{_squeezed(m.group())}` is a separate query parameter, "
                                 "not part of the value", pos, len(text.rstrip()),
                                 _split_hint(text, None, _START_NAMES[self.start]))
        if c in "&|":
            word = "and" if c == "&" else "or"
            width = 2 if text.startswith(c * 2, pos) else 1
            return self.diag(
                "E010", f"`{text[pos:pos + width]}` is not an operator here", pos, pos + width,
                f"write `{word}`" + (
                    "; when building a URL, let cwql.encode turn & into %26" if c == "&" else ""
                ),
            )
        if c == "!" and pos > 0 and text[pos - 1] == "=":
            return self.diag("E032", "`=!` is not an operator", pos - 1, pos + 1, "write `!=`")
        if c == "!":
            return self.diag(
                "E010", "`!` alone is not an operator", pos, pos + 1,
                "write `!=` for not-equal, or `not in`, `not contains`, `not like`",
            )
        if c == ".":
            found = self.dotted_path(pos)
            if found is not None:
                return found
        if c == "-" and self.start == "order_by" and re.match(r"-[A-Za-z_]", text[pos:pos + 2]):
            key = re.match(r"-([A-Za-z0-9_/]+)", text[pos:])
            name = key.group(1) if key else "field"
            return self.diag("E002", "a `-` prefix does not sort descending here", pos, pos + 1,
                             f"write `{name} desc`")
        if text.startswith("--", pos) and not text[pos + 2:pos + 3].isdigit():
            return self.diag("E002", "`--` starts an SQL comment; this language has no comments", pos,
                             pos + 2, "remove the comment")
        if c.isdigit() or c in "+-.":
            m = _BAD_NUMBER.match(text, pos)
            if m is not None and any(ch.isdigit() for ch in m.group()):
                return self.bad_number(m.group(), pos)
        if c == "/":
            after = text[pos + 1:pos + 2]
            if after and not after.isascii() and after.isalnum():
                # `company/ıd`: a letter (ı, İ, ſ, the Kelvin sign) that looks like ASCII but is not.
                return self.diag(
                    "E022", f"unexpected `{after}` (U+{ord(after):04X}) in a field path", pos + 1, pos + 2,
                    "write ASCII letters, digits and _ joined by /, such as status/id",
                )
            return self.diag(
                "E022", "a path has an empty segment or a space around `/`", pos, pos + 1,
                "write paths as segment/segment with no spaces, e.g. status/name",
            )
        if c == "*" and self.start == "fields":
            return self.diag("E002", "`*` is not a field list", pos, pos + 1,
                             "name the fields you want, e.g. id,summary,status/name; "
                             "leave the fields parameter out to get every field")
        if c in "*%":
            return self.diag(
                "E002", f"`{c}` outside a string", pos, pos + 1,
                'wildcards go inside a quoted `like` pattern, e.g. summary like "*printer*"',
            )
        if c == "]":
            return self.diag("E002", "`]` without its `[`", pos, pos + 1,
                             "datetimes are written [2024-01-31]")
        if c == ";":
            return self.diag("E002", "`;` is not part of the language", pos, pos + 1,
                             "join conditions with `and` or `or`" if self.start == "conditions"
                             else "separate entries with commas")
        if c == "\\":
            return self.diag("E002", "a backslash outside a string", pos, pos + 1,
                             "a backslash only escapes a quote inside a string")
        if not c.isprintable():
            return self.diag(
                "E002", f"control character U+{ord(c):04X} is not allowed", pos, pos + 1,
                "remove it; only spaces, tabs and line breaks may separate words",
            )
        return self.diag(
            "E002", f"unexpected character `{c}`", pos, pos + 1, self.generic_hint()
        )

    def dotted_path(self, pos: int) -> Diagnostic | None:
        """`status.id`, `status . id`, `status..id`: a path written with dots."""
        text = self.text
        window = text[max(0, pos - _WINDOW):pos]
        before = re.search(r"([A-Za-z_][A-Za-z0-9_/]*)\s*$", window)
        after = re.match(r"[\s.]*\.[\s.]*[A-Za-z_][A-Za-z0-9_./ ]*", text[pos:pos + _WINDOW])
        if before is None or after is None:
            return None
        begin = pos - (len(window) - before.start(1))
        end = pos + len(after.group().rstrip())
        dotted = text[begin:end]
        fixed = re.sub(r"\s*\.+\s*", "/", dotted)
        return self.diag(
            "E022", f"`{dotted}`: path segments are separated by `/`, not `.`", begin, end,
            f"write {fixed}",
        )

    def bad_number(self, word: str, pos: int) -> Diagnostic:
        end = pos + len(word)
        if "e" in word.lower().lstrip("0123456789.-+") or re.fullmatch(
            r"[-+]?[0-9.]+[eE][-+]?[0-9]+", word
        ):
            hint = "write the digits out; numbers take no exponent"
        elif word.startswith(("--", "+-", "-+", "++")):
            hint = "a number takes at most one leading minus"
        elif word.startswith("+"):
            hint = f"drop the `+`: {word[1:]}"
        elif word.count(".") > 1:
            hint = "a number has at most one decimal point; a version or IP address is a string"
        elif re.search(r"[A-Za-z_]", word):
            hint = "a field name starts with a letter; text values need quotes"
        else:
            hint = "numbers are digits with an optional decimal point and leading minus"
        return self.diag("E017", f"`{word}` is not a number the server accepts", pos, end, hint)

    def bare_datetime(self, pos: int) -> Diagnostic | None:
        text = self.text
        for m in _BARE_DATETIME.finditer(text, max(0, pos - 32), min(len(text), pos + 40)):
            if m.start() <= pos < m.end():
                value = m.group(1)
                fixed = value.replace(" ", "T", 1) if value[10:11] == " " else value
                return self.diag(
                    "E008", f"`{value}` looks like a datetime but has no square brackets",
                    m.start(), m.end(), f"write [{fixed}]",
                )
        return None

    # ---- the parser got a token it cannot take ---------------------------------

    def token(self, tok: Token, pos: int) -> Diagnostic:
        text, expected, prev = self.text, self.expected, self.prev
        typ = tok.type
        prev_type = prev.type if prev is not None else None
        end = pos if typ == "$END" else pos + len(tok)

        if typ in ("NUMBER", "$END", "PATH", "OP"):
            found = self.bare_datetime(pos)
            if found is not None:
                return found
        if typ == "$END":
            return self.end_of_text()
        if typ == "OP" and prev is not None and prev_type == "OP" and prev.end_pos == pos:
            pair = str(prev) + str(tok)
            if pair == "==":
                return self.diag("E009", "`==` is not an operator", pos - 1, end,
                                 "write a single `=`")
            if pair == "<>":
                return self.diag("E013", "`<>` is SQL; this language writes not-equal as `!=`",
                                 pos - 1, end, "write `!=`")
            if pair in ("=<", "=>"):
                return self.diag("E032", f"`{pair}` is not an operator", pos - 1, end,
                                 f"write `{pair[::-1]}`")
        if self.start != "conditions":
            return self.list_parameter(tok, pos, end)

        # Where the parser stood decides what the mistake is, most specific first.
        if prev_type == "IN" and expected == {"LPAR"}:
            return self.diag("E029", f"`in` takes a parenthesised list, not {_describe(tok)}", pos, end,
                             "write e.g. board/id in (1,2,3)")
        if typ == "NOT" and expected & {"PATH", "LPAR"}:
            return self.diag("E011", "`not` cannot stand before a condition or group", pos, end,
                             _NOT_HINT)
        if typ == "PATH" and tok.lower() == "is" and "OP" in expected:
            m = _SQL_NULL.match(text, pos)
            if m is not None:
                negated = m.group(1) is not None
                return self.diag(
                    "E012", f"`{m.group()}` is SQL", pos, m.end(),
                    f"write `{'!=' if negated else '='} null`",
                )
            return self.diag("E024", "`is` is not an operator", pos, end,
                             "write `=`, `!=`, or `= null` / `!= null`")
        if "COMMA" in expected and expected <= {"COMMA", "RPAR"}:
            return self.in_list(tok, pos, end)
        if typ == "NULL" and "NULL" not in expected and expected & {"STRING", "NUMBER"}:
            return self.null_in_list(pos, end)
        if typ == "PATH" and "NUMBER" in expected:
            return self.diag("E001", f"{_describe(tok)} is not a value", pos, end,
                             f'text values need quotes: "{tok}"; a field cannot be compared with a field')
        if prev_type == "OP" and expected & _VALUES:
            return self.diag("E005", f"`{prev}` has no value after it", pos, end,
                             'add a value: a number, "text", [2024-01-31], true, false or null')
        if prev_type in ("AND", "OR") and typ in ("RPAR", "COMMA") and prev is not None:
            at = pos if prev.start_pos is None else prev.start_pos
            return self.diag("E006", f"`{prev}` has no condition after it", at, at + len(prev),
                             f"add a condition after `{prev.lower()}`, or remove it")
        if typ in ("AND", "OR") and expected & {"PATH", "LPAR"}:
            where = "at the start" if prev is None or prev_type == "LPAR" else f"after {_describe(prev)}"
            return self.diag("E006", f"`{tok}` {where} has no condition before it", pos, end,
                             f"put a condition on each side of `{tok.lower()}`")
        if typ == "RPAR":
            found = self.rpar(pos, end)
            if found is not None:
                return found
        if typ == "PATH" and tok.lower() == "between" and prev_type in ("PATH", "NOT"):
            return self.between(pos, end)
        if prev_type == "NOT" and "PATH" not in expected:
            return self.diag("E024", "`not` must be followed by `in`, `contains` or `like`", pos, end,
                             "for not-equal write `!=`; otherwise `not in (...)`, `not contains \"...\"`")
        if "OP" in expected and "PATH" not in expected and prev_type == "PATH":
            return self.missing_operator(tok, pos, end)
        if "STRING" in expected and not expected & {"NUMBER", "PATH"}:
            kw = prev.lower() if prev is not None else "contains"
            return self.diag("E025", f"`{kw}` takes a quoted string, not {_describe(tok)}", pos, end,
                             f'quote the pattern, e.g. summary {kw} "text"')
        if typ in _KEYWORDS and "PATH" in expected:
            return self.diag("E030", f"`{tok}` is a keyword, not a field name", pos, end,
                             "keywords cannot name fields; check for a missing field before it")
        if "PATH" in expected and typ in _VALUES:
            if typ == "STRING" and self.followed_by_operator(end):
                return self.quoted_field(tok, pos, end)
            return self.diag("E001", f"{_describe(tok)}: a condition starts with a field name", pos, end,
                             "write field, operator, value, e.g. status/id=1")
        if expected & {"AND", "OR"}:
            return self.after_complete(tok, pos, end)
        return self.diag("E001", f"unexpected {_describe(tok)}", pos, end, self.generic_hint())

    def quoted_field(self, tok: Token, pos: int, end: int) -> Diagnostic:
        return self.diag("E026", f"{_describe(tok)}: field names are not quoted", pos, end,
                         f"write {tok[1:-1]} without quotes")

    def in_list(self, tok: Token, pos: int, end: int) -> Diagnostic:
        """Inside `in (...)`, after a value: only `,` or `)` may follow."""
        if tok.type in _VALUES or tok.type == "NULL":
            return self.diag("E001", f"{_describe(tok)}: values in a list are separated by commas", pos, end,
                             "add a comma before it, e.g. id in (1,2)")
        opened = self.unclosed(pos)
        at = pos if opened is None else opened
        return self.diag("E004", "the list opened here is never closed", at, at + 1,
                         f"close the list with `)` before {_describe(tok)}")

    def null_in_list(self, pos: int, end: int) -> Diagnostic:
        paren = self.text.rfind("(", max(0, pos - _WINDOW), pos)
        head = _IN_LIST_HEAD.search(self.text, max(0, paren - _WINDOW), paren + 1) if paren >= 0 else None
        if head is None:
            return self.diag("E016", "`null` cannot be in a list", pos, end,
                             "test for null on its own with `= null` or `!= null`")
        field, negated = head.group(1), head.group(2) is not None
        hint = (
            f"write `({field} not in (...) and {field} != null)`" if negated
            else f"write `({field} in (...) or {field} = null)`"
        )
        return self.diag("E016", "`null` cannot be in a list: `in` never matches a null", pos, end, hint)

    def list_parameter(self, tok: Token, pos: int, end: int) -> Diagnostic:
        """orderBy and fields: comma-separated paths (with a direction, for orderBy)."""
        typ, prev = tok.type, self.prev
        what = "orderBy" if self.start == "order_by" else "fields"
        example = "dateEntered desc,id" if self.start == "order_by" else "id,summary,status/name"
        if "PATH" in self.expected:
            if typ == "STRING":
                return self.quoted_field(tok, pos, end)
            if typ in _KEYWORDS:
                return self.diag("E030", f"`{tok}` is a keyword, not a field name", pos, end,
                                 f"name a field, e.g. {example}")
            if typ == "COMMA":
                return self.diag("E001", "an empty entry between commas", pos, end,
                                 f"name a field between each pair of commas, e.g. {example}")
            return self.diag("E001", f"{_describe(tok)} is not a field path", pos, end,
                             f"write {what} as {example}")
        if typ == "PATH" and self.start == "fields":
            return self.diag("E001", f"{_describe(tok)}: fields are separated by commas", pos, end,
                             f"write {example}")
        if typ == "PATH" and prev is not None and prev.type == "PATH":
            return self.diag("E001", f"{_describe(tok)} is not a sort direction", pos, end,
                             "write `asc` or `desc`, and separate keys with commas")
        return self.diag("E001", f"unexpected {_describe(tok)} in {what}", pos, end,
                         f"write {what} as {example}")

    def followed_by_operator(self, end: int) -> bool:
        return re.match(r"\s*(?:!?=|[<>]=?|(?i:not|in|contains|like)\b)", self.text[end:end + 16]) is not None

    def missing_operator(self, tok: Token, pos: int, end: int) -> Diagnostic:
        assert self.prev is not None
        field = str(self.prev)
        if tok.type == "NOT":
            return self.diag("E024", "`not` must be followed by `in`, `contains` or `like`", pos, end,
                             f"write {field} != value, or {field} not in/contains/like ...")
        return self.diag(
            "E024", f"{_describe(tok)} after the field `{field}`: an operator is missing", pos, end,
            f"write {field}=value, {field} contains \"...\", {field} in (...) and so on",
        )

    def between(self, pos: int, end: int) -> Diagnostic:
        """SQL's `field [not] between low and high`: the two comparisons it stands for."""
        prev = self.prev
        negated = prev is not None and prev.type == "NOT"
        field_token = _token_before(self.text, prev.start_pos or 0) if negated and prev else prev
        if field_token is None or field_token.type != "PATH":
            return self.diag("E024", "`between` is not an operator", pos, end,
                             "write field>=low and field<=high")
        field = str(field_token)
        start = field_token.start_pos if field_token.start_pos is not None else pos
        m = _BETWEEN.match(self.text[pos:pos + _WINDOW])
        low, high = (m.group(1), m.group(2)) if m is not None else ("low", "high")
        if m is not None:
            end = pos + m.end()
        fix = f"({field}<{low} or {field}>{high})" if negated else f"{field}>={low} and {field}<={high}"
        return self.diag("E024", f"`{'not between' if negated else 'between'}` is not an operator",
                         start, end, f"write {fix}")

    def after_complete(self, tok: Token, pos: int, end: int) -> Diagnostic:
        typ, prev = tok.type, self.prev
        if typ == "PATH" and prev is not None and prev.type == "STRING" and prev.end_pos == pos:
            q = str(prev)[0]
            return self.diag(
                "E027", f"{_describe(tok)} runs straight on from the string {_describe(prev)}", pos, end,
                f"if the {q} was meant to be inside the string, double it ({q}{q}) or escape it "
                f"(\\{q}), or quote the string with the other quote character",
            )
        if typ in ("PATH", "LPAR", "NOT"):
            return self.diag("E027", f"{_describe(tok)} follows a complete condition", pos, end,
                             "join conditions with `and` or `or`")
        if typ in _VALUES or typ == "NULL":
            return self.diag("E001", f"{_describe(tok)}: a comparison takes one value", pos, end,
                             "for several values write field in (a,b,c); join conditions with and/or")
        return self.diag("E001", f"unexpected {_describe(tok)}", pos, end, self.generic_hint())

    def rpar(self, pos: int, end: int) -> Diagnostic | None:
        prev = self.prev
        if prev is not None and prev.type == "LPAR" and self.expected & _VALUES:
            return self.diag("E007", "`in ()` needs at least one value", (pos if prev.start_pos is None else prev.start_pos), end,
                             "list the values, e.g. id in (1,2); an empty list would match nothing")
        if prev is not None and prev.type == "LPAR":
            return self.diag("E001", "empty parentheses", (pos if prev.start_pos is None else prev.start_pos), end,
                             "put a condition inside the parentheses, or remove them")
        if prev is not None and prev.type == "COMMA":
            return self.diag("E001", "a comma with no value after it", (pos if prev.start_pos is None else prev.start_pos), end,
                             "remove the trailing comma")
        if "RPAR" not in self.expected and self.unclosed(pos) is None:
            return self.diag("E004", "`)` has no matching `(`", pos, end,
                             "remove it, or add the `(` it closes")
        return None

    def unclosed(self, before: int | None = None) -> int | None:
        """Offset of the last `(` not closed before ``before`` (default: the end), skipping strings."""
        opened: list[int] = []
        for m in strings_and_parentheses().finditer(self.text, 0, len(self.text) if before is None else before):
            if m.group() == "(":
                opened.append(m.start())
            elif m.group() == ")" and opened:
                opened.pop()
        return opened[-1] if opened else None

    def end_of_text(self) -> Diagnostic:
        text, expected, prev = self.text, self.expected, self.prev
        end = len(text.rstrip())
        if prev is None:
            return self.diag("E018", "empty expression", 0, len(text), None)
        at = prev.start_pos or 0
        p_end = prev.end_pos or end
        if "RPAR" in expected:
            opened = self.unclosed()
            if opened is not None and not (expected & (_VALUES | {"PATH", "LPAR"})):
                return self.diag("E004", "`(` is never closed", opened, opened + 1,
                                 f"add `)` at the end (after {_describe(prev)})")
        if prev.type in ("AND", "OR"):
            return self.diag("E006", f"`{prev}` at the end has no condition after it", at, p_end,
                             f"add a condition after `{prev.lower()}`, or remove it")
        if prev.type == "OP":
            return self.diag("E005", f"`{prev}` has no value after it", at, p_end,
                             'add a value: a number, "text", [2024-01-31], true, false or null')
        if prev.type in ("CONTAINS", "LIKE"):
            return self.diag("E025", f"`{prev.lower()}` needs a quoted string after it", at, p_end,
                             f'write e.g. summary {prev.lower()} "text"')
        if prev.type == "IN":
            return self.diag("E029", "`in` needs a parenthesised list after it", at, p_end,
                             "write e.g. board/id in (1,2,3)")
        if prev.type == "NOT":
            return self.diag("E024", "`not` must be followed by `in`, `contains` or `like`", at, p_end,
                             None)
        if prev.type == "PATH" and self.start == "conditions":
            return self.diag("E024", f"the field `{prev}` has no operator and value", at, p_end,
                             f"write e.g. {prev}=1 or {prev} contains \"text\"")
        if prev.type == "COMMA":
            return self.diag("E001", "a comma with nothing after it", at, p_end,
                             "remove the trailing comma")
        if prev.type == "LPAR" and expected & _VALUES:
            return self.diag("E007", "`in (` needs at least one value and a `)`", at, p_end, None)
        opened = self.unclosed()
        if opened is not None:
            return self.diag("E004", "`(` is never closed", opened, opened + 1, "add the missing `)`")
        return self.diag("E001", "the text ends too early", end, end, self.generic_hint())

    def generic_hint(self) -> str | None:
        labels = _labels(self.expected)
        if not labels:
            return None
        if len(labels) == 1:
            return f"expected {labels[0]}"
        return "expected " + ", ".join(labels[:-1]) + " or " + labels[-1]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _split(text: str, leading: str | None) -> list[tuple[str, str]]:
    """``text`` cut into (parameter, value) at each ``&name=``; the first part is ``leading``'s."""
    parts: list[tuple[str, str]] = []
    at = 0
    name = leading or ""
    if leading is not None:
        m = _LEADING_PARAMETER.match(text)
        assert m is not None
        at = m.end()
    for m in _EMBEDDED_PARAMETER.finditer(text, at):
        parts.append((name, text[at:m.start()].strip()))
        name = _QUERY_PARAMETERS[m.group(1).lower()][0]
        at = m.end()
    parts.append((name, text[at:].strip()))
    return parts


def _merged(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``parts`` with a repeated list parameter given once: conditions joined by ``and``, keys by ``,``."""
    out: list[tuple[str, str]] = []
    for name, value in parts:
        at = next((i for i, (n, _) in enumerate(out) if n == name), None)
        if at is None or name not in ("conditions", "childConditions", "customFieldConditions",
                                      "orderBy", "fields"):
            out.append((name, value))
        elif name in ("orderBy", "fields"):
            out[at] = (name, f"{out[at][1]}, {value}")
        else:
            out[at] = (name, f"({out[at][1]}) and ({value})")
    return out


def _split_hint(text: str, leading: str | None, first: str | None = None) -> str:
    """Each parameter with its value, and the cwql.Query call that sends them so.

    ``leading`` is the parameter a leading ``name=`` names; without one, the
    first part is the value of ``first``, the parameter being parsed.
    """
    parts = _split(text, leading)
    if first is not None:
        parts[0] = (first, parts[0][1])
    given = len(parts)
    parts = _merged(parts)
    if len(parts) == 1:
        name, value = parts[0]
        hint = (f"leave `{name}=` out: the {name} value is `{value}`" if given == 1 else
                f"send one {name} parameter, the parts joined: `{value}`")
    else:
        hint = "send each as its own query parameter: " + ", ".join(
            f"{name} `{value}`" for name, value in parts)
    names = dict(_QUERY_PARAMETERS.values())
    if len({name for name, _ in parts}) < len(parts):
        return hint  # a page or size given twice: which one is meant is the user's call
    args = []
    for name, value in parts:
        python = names[name]
        if python is None:
            return hint
        literal = value if python.startswith("page") and value.isdigit() else repr(value)
        args.append(f"{python}={literal}")
    return f"{hint}; with cwql, Query({', '.join(args)})"


#: The parameter a start symbol of the grammar stands for, in a hint (the three
#: condition parameters share one; a hint names the first).
_START_NAMES = {p.start: p.name for p in reversed(PARAMETERS)}


class Repair(NamedTuple):
    """The one obvious repair of a diagnostic: what it does, and the edits ``(start, end, text)``."""

    message: str
    edits: tuple[tuple[int, int, str], ...]


def _lookalike_quote(c: str) -> str | None:
    ascii_ = _LOOKALIKES.get(c)
    return ascii_ if ascii_ in ("'", '"') else None


def repair(text: str, diagnostic: Diagnostic, kind: str) -> Repair | None:
    """The obvious repair of ``diagnostic`` (from parsing ``text`` as ``kind``), or None.

    Only mistakes with one reading get one: the result is not checked here
    (this module cannot parse); the linter re-parses it and applies it only
    when the query then parses.
    """
    start, end = diagnostic.start, diagnostic.end
    written = text[start:end]
    code = diagnostic.code

    def replace(content: str, message: str | None = None) -> Repair:
        return Repair(message or f"Write `{content}`", ((start, end, content),))

    if code == "E009" and written == "==":
        return replace("=")
    if code == "E013" and written == "<>":
        return replace("!=")
    if code == "E032" and written in ("=<", "=>", "=!"):
        return replace(written[::-1])
    if code == "E010" and written in ("&&", "&", "||", "|"):
        word = "and" if written[0] == "&" else "or"
        before = "" if start == 0 or text[start - 1].isspace() else " "
        after = "" if end >= len(text) or text[end].isspace() else " "
        return Repair(f"Write `{word}`", ((start, end, f"{before}{word}{after}"),))
    if code == "E012":
        m = _SQL_NULL.fullmatch(written)
        if m is not None:
            return replace("!= null" if m.group(1) else "= null")
    if code == "E008" and _ISO_DATETIME.fullmatch(written):
        value = written.replace(" ", "T", 1) if written[10:11] == " " else written
        return replace(f"[{value}]", "Put the datetime in square brackets")
    if code == "E023" and written == "[":
        m = _ISO_DATETIME.match(text, end)
        if m is not None and m.end() > end:
            at = len(text[:m.end()].rstrip())
            return Repair("Close the datetime with `]`", ((at, at, "]"),))
        return None
    if code == "E028" and len(written) == 1:
        return _lookalike(text, start, written)
    if code == "E022" and "." in written:
        fixed = re.sub(r"\s*\.+\s*", "/", written)
        return replace(fixed) if is_path(fixed) else None
    if code == "E026" and len(written) >= 2 and written[0] in "\"'" and is_path(written[1:-1]):
        return replace(written[1:-1], "Remove the quotes around the field name")
    if code == "E017":
        return _number(written, replace)
    if code == "E031":
        m = _LEADING_PARAMETER.match(text)
        if m is not None and start == m.start(1) and \
                _QUERY_PARAMETERS[m.group(2).lower()][0] == kind:
            return Repair(f"Remove `{_squeezed(m.group(1))}`", ((start, m.end(), ""),))
    return None


def _lookalike(text: str, at: int, c: str) -> Repair | None:
    ascii_ = _LOOKALIKES.get(c)
    if ascii_ is None:
        return None
    if ascii_.startswith("a plain space"):
        return Repair("Write a plain space", ((at, at + 1, " "),))
    if ascii_.startswith("nothing"):
        return Repair("Remove the invisible character", ((at, at + 1, ""),))
    edits = [(at, at + 1, ascii_)]
    if ascii_ not in ("'", '"') and ord(c) in _FULL_WIDTH:
        # The run of full-width characters it starts (`ａｎｄ`, `＞＝`), up to a quote: what a
        # quote opens is the value, left as written.
        end = at + 1
        while end < len(text) and ord(text[end]) in _FULL_WIDTH and text[end] not in "\uff02\uff07":
            end += 1
        run = "".join(chr(ord(x) - 0xFEE0) for x in text[at:end])
        return Repair(f"Write `{run}`", ((at, end, run),))
    if ascii_ in ("'", '"'):
        # The closing quote of the pair, the next quote of its kind: both become ASCII. It may
        # be on a later line: a string can hold a line break. But across a line break, an ASCII
        # quote of the kind further on gives a second reading (the opening quote alone made
        # ASCII: a string running to that quote, holding the look-alike as text); with two
        # readings the fix would guess, and a safe fix keeps the meaning: the pair only when
        # that reading cannot close.
        for i in range(at + 1, len(text)):
            if _lookalike_quote(text[i]) == ascii_:
                if "\n" not in text[at:i] or ascii_ not in text[i + 1:]:
                    edits.append((i, i + 1, ascii_))
                break
            if text[i] == ascii_:
                break
    return Repair(f"Write `{ascii_}`", tuple(edits))


def _number(written: str, replace: Callable[[str, str | None], Repair]) -> Repair | None:
    if written.startswith("+") and _NUMBER.fullmatch(written[1:]):
        return replace(written[1:], "Drop the `+`")
    if re.fullmatch(r"-?[0-9.]+[eE][-+]?[0-9]+", written):
        try:
            plain = format(Decimal(written), "f")
        except InvalidOperation:
            return None
        if _NUMBER.fullmatch(plain) and len(plain) <= 40:
            return replace(plain, f"Write {plain}")
    return None
