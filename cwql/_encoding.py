"""Percent-encoding for query strings (LANGUAGE.md §4).

Everything outside RFC 3986's unreserved set is encoded, as UTF-8, except
``/`` (harmless in a query and common in paths). Space becomes ``%20``, never
``+``; ``&``, ``+``, ``#``, ``%``, quotes and brackets are always encoded, which
is exactly what ``encodeURI``-style encoders get wrong.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from .errors import EncodingError

__all__ = ["decode", "encode"]


def encode(text: str) -> str:
    """Percent-encode ``text`` for use as a query-string value."""
    try:
        return quote(text, safe="/", encoding="utf-8", errors="strict")
    except UnicodeEncodeError as e:
        raise EncodingError(
            f"character at offset {e.start} (U+{ord(text[e.start]):04X}) cannot be encoded "
            "as UTF-8: a lone surrogate"
        ) from None


def decode(text: str) -> str:
    """The inverse of :func:`encode`: ``%XX`` sequences back to text (``+`` stays ``+``).

    Raises :class:`~cwql.EncodingError` when the bytes are not UTF-8, which is
    what happens when a ``like "%ab%"`` pattern was spliced into a URL unencoded.
    """
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise EncodingError(
            f"percent-escapes do not decode as UTF-8 ({e.reason}); was a `%` in the text "
            "left unencoded?"
        ) from None
