"""The tokenizer: the grammar's terminals as one compiled pattern, from the generated tables.

``cwql._tables.TOKEN`` is the grammar's own lexer, as Lark runs it: the
terminals in the order Lark tries them, after optional whitespace, with one
group per terminal, so a match's ``lastindex`` is its kind. Two more groups
make every position match something: the end of the text (``$END``) and any
character no terminal starts with (``$ERROR``). So the parser can walk the text
with ``TOKEN.finditer`` (the loop runs in C) and never needs a Token object.

Keywords are resolved as Lark resolves them: a PATH token whose whole text is
a keyword, in any ASCII case, is that keyword (:data:`WORDS`). Lines and
columns are never counted here; a diagnostic computes them from offsets.
Tests check that these tokens are exactly Lark's.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator

from . import _tables

__all__ = [
    "KIND",
    "TOKEN",
    "WORDS",
    "Lexeme",
    "kind_of",
    "lex",
    "strings_and_parentheses",
    "token_before",
]

#: The token pattern (see the module docstring).
TOKEN = re.compile(_tables.TOKEN)
#: Token kinds by terminal name (``"PATH"``, ``"$END"``, ``"AND"`` ...).
KIND: dict[str, int] = {name: kind for kind, name in enumerate(_tables.KINDS) if name}
_PATH = KIND["PATH"]
_END = KIND["$END"]
_ERROR = KIND["$ERROR"]


def _spellings(word: str) -> Iterator[str]:
    return map("".join, itertools.product(*({c.lower(), c.upper()} for c in word)))


#: Every spelling of every keyword (``and``, ``AND``, ``aNd`` ...) and its kind: one
#: dictionary lookup re-types a PATH token, with no ``lower()`` per path.
WORDS: dict[str, int] = {
    spelling: KIND[name] for word, name in _tables.KEYWORDS.items() for spelling in _spellings(word)
}

#: A token as the error path and the tests see it: (terminal name, text, start, end).
Lexeme = tuple[str, str, int, int]


def kind_of(m: re.Match[str]) -> int:
    """The kind of the token ``m`` matched, keywords re-typed."""
    kind: int = m.lastindex  # type: ignore[assignment]
    if kind == _PATH:
        return WORDS.get(m[kind], kind)
    return kind


def _lexeme(m: re.Match[str]) -> Lexeme:
    kind: int = m.lastindex  # type: ignore[assignment]
    start, end = m.span(kind)
    return _tables.KINDS[kind_of(m)], m[kind], start, end


def lex(text: str) -> list[Lexeme]:
    """Every token of ``text``, ending with ``$END`` or at the first ``$ERROR``."""
    found: list[Lexeme] = []
    for m in TOKEN.finditer(text):
        found.append(_lexeme(m))
        if m.lastindex == _END or m.lastindex == _ERROR:
            break
    return found


def token_before(text: str, pos: int) -> Lexeme | None:
    """The last token that starts before ``pos`` (never ``$END`` or ``$ERROR``), or None.

    For error messages only: one scan that builds nothing for the tokens it
    passes, so even a megabyte of text costs a fraction of a parse.
    """
    last: re.Match[str] | None = None
    for m in TOKEN.finditer(text):
        kind = m.lastindex
        if kind in (_END, _ERROR) or m.start(kind) >= pos:  # type: ignore[arg-type]
            break
        last = m
    return None if last is None else _lexeme(last)


@functools.cache
def strings_and_parentheses() -> re.Pattern[str]:
    """Finds strings (whose parentheses do not count) and parentheses: nesting without a parse."""
    return re.compile(f"{_tables.STRING}|[()]")
