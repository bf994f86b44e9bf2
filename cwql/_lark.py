"""Lark's own parser for the grammar: how a failed parse gets explained.

cwql parses with its own driver over the tables generated from
``grammar/cwql.lark`` (:mod:`cwql._tables`). When that parse fails, Lark
parses the same text with the same grammar, and the
:class:`~lark.exceptions.UnexpectedInput` it raises (the token it stopped at,
what it expected there, its parser state) is what :mod:`cwql._diagnose`
explains. Lark is imported only here, and only on that path.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import os
from pathlib import Path as _FsPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark
    from lark.exceptions import UnexpectedInput

__all__ = ["grammar_text", "lark_error", "lark_parser"]

#: The grammar's start symbols, one per kind of parameter value.
START = ("conditions", "order_by", "fields")


def grammar_text() -> str:
    """The text of ``grammar/cwql.lark``."""
    # Installed wheels carry the grammar inside the package; a source checkout
    # keeps it in the top-level grammar/ folder.
    packaged = importlib.resources.files("cwql").joinpath("grammar/cwql.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (_FsPath(__file__).resolve().parent.parent / "grammar" / "cwql.lark").read_text(
        encoding="utf-8"
    )


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps its analysis of the grammar between runs, or False for nowhere.

    Analysing the grammar costs Lark about 17 ms; reading it back, about 5 ms.
    It is kept in the user's cache folder (``$XDG_CACHE_HOME/cwql``, or
    ``CWQL_CACHE_DIR``; set it empty to keep nothing). The file name carries
    the grammar's and Lark's versions, so installs never overwrite each
    other's; Lark checks the content again before it trusts it, and rebuilds
    and rewrites a stale or broken file. Not the shared temporary folder: a
    file another user could plant there would be unpickled.
    """
    root = os.environ.get("CWQL_CACHE_DIR")
    if root == "":
        return False
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "cwql")
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        return False
    import lark

    key = hashlib.sha256(f"{grammar}\0{lark.__version__}".encode()).hexdigest()[:16]
    return os.path.join(root, f"grammar-{key}.lark-cache")


class _Discard:
    """Lark's callbacks on the error path: the parse is only run to fail, so it builds nothing."""

    def __default__(self, data: object, children: object, meta: object) -> None:
        return None


@functools.cache
def lark_parser() -> Lark:
    """Lark's LALR parser for the grammar, with Lark's own lexer (the same tokens as cwql's)."""
    from lark import Lark

    grammar = grammar_text()
    return Lark(
        grammar,
        parser="lalr",
        lexer="basic",
        start=list(START),
        maybe_placeholders=False,
        transformer=_Discard(),
        cache=_cache_file(grammar),
    )


def lark_error(text: str, start: str) -> UnexpectedInput:
    """What Lark reports for ``text``, which cwql's own parse has found to be wrong."""
    from lark.exceptions import UnexpectedInput

    try:
        lark_parser().parse(text, start=start)
    except UnexpectedInput as e:
        return e
    raise AssertionError(f"Lark parsed what cwql's tables refused: {text[:100]!r}")
