"""The tokenizer: the grammar's own terminals, run as one compiled alternation.

Lark's stock lexer counts lines and columns for every token; cwql only needs
them when it reports a problem, and computes them from offsets then. Skipping
that bookkeeping makes the whole parse about a quarter faster (see
``benchmarks/``), which is why this is a Lark custom lexer rather than
``lexer="basic"``. It still reads every terminal from the grammar, in the
order Lark would try them, and resolves keywords the way Lark does for string
terminals that another terminal also matches: a PATH token whose whole text is
a keyword, in any case, becomes that keyword. A test checks that this lexer
and Lark's own produce the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token
from lark.exceptions import GrammarError, UnexpectedCharacters
from lark.lexer import Lexer, PatternStr

__all__ = ["GrammarLexer"]


class GrammarLexer(Lexer):
    """A Lark custom lexer built from ``lexer_conf.terminals``."""

    def __init__(self, lexer_conf: Any) -> None:
        keywords: dict[str, str] = {}
        terminals = []
        for term in lexer_conf.terminals:
            pattern = term.pattern
            if isinstance(pattern, PatternStr) and pattern.value.isalpha():
                if "i" not in pattern.flags:
                    raise GrammarError(f"keyword terminal {term.name} must be case-insensitive")
                keywords[pattern.value.lower()] = term.name
            else:
                terminals.append(term)
        # Lark's own order: priority, then the longest possible match first.
        terminals.sort(key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        self.pattern = re.compile(
            "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
        )
        self.keywords = keywords
        # The terminals a keyword also matches as a whole (PATH, here).
        self.words = frozenset(
            t.name for t in terminals
            if any(re.fullmatch(t.pattern.to_regexp(), k) for k in keywords)
        )
        self.ignore = frozenset(lexer_conf.ignore)
        # Finds strings (whose parentheses do not count) and parentheses, for
        # counting nesting without a parse.
        string = next(t for t in terminals if t.name == "STRING").pattern.to_regexp()
        self.strings_and_parentheses = re.compile(f"{string}|[()]", re.DOTALL)

    def lex(self, text: str) -> Iterator[Token]:  # type: ignore[override]
        match = self.pattern.match
        keywords, words, ignore = self.keywords, self.words, self.ignore
        pos, end = 0, len(text)
        while pos < end:
            m = match(text, pos)
            if m is None:
                line = text.count("\n", 0, pos) + 1
                raise UnexpectedCharacters(  # type: ignore[no-untyped-call]
                    text, pos, line, pos - text.rfind("\n", 0, pos)
                )
            kind = m.lastgroup
            stop = m.end()
            if kind not in ignore:
                value = m.group()
                if kind in words:
                    kind = keywords.get(value.lower(), kind)
                yield Token(kind, value, pos, None, None, None, None, stop)  # type: ignore[arg-type]
            pos = stop

    def token_before(self, text: str, pos: int) -> Token | None:
        """The last token that starts before ``pos``, or None.

        For error messages only: it scans without building the tokens it
        passes, so even a megabyte of text costs a fraction of a parse.
        """
        match = self.pattern.match
        ignore = self.ignore
        last: re.Match[str] | None = None
        at = 0
        while at < pos:
            m = match(text, at)
            if m is None:
                break
            if m.lastgroup not in ignore:
                last = m
            at = m.end()
        if last is None:
            return None
        kind = last.lastgroup
        value = last.group()
        if kind in self.words:
            kind = self.keywords.get(value.lower(), kind)
        return Token(kind, value, last.start(), None, None, None, None, last.end())  # type: ignore[arg-type]
