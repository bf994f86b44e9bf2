"""Percent-encoding for query strings (LANGUAGE.md §4), and URLs made safe to show.

Everything outside RFC 3986's unreserved set is encoded, as UTF-8, except
``/`` (harmless in a query and common in paths). Space becomes ``%20``, never
``+``; ``&``, ``+``, ``#``, ``%``, quotes and brackets are always encoded, which
is exactly what ``encodeURI``-style encoders get wrong.

:func:`redact_url` lives here, below :class:`cwql.Query` and the executor,
because both word errors that show a URL, and neither may show a secret.
"""

from __future__ import annotations

from .errors import CWQLTypeError, EncodingError

__all__ = ["decode", "encode", "redact_url"]


def encode(text: str) -> str:
    """Percent-encode ``text`` for use as a query-string value.

    Raises :class:`~cwql.CWQLTypeError` for anything but a ``str`` and
    :class:`~cwql.EncodingError` for text that is not Unicode (a lone surrogate).
    """
    if not isinstance(text, str):
        raise CWQLTypeError(f"encode() takes text (str), not {type(text).__name__}")
    # urllib.parse (with ipaddress) is imported on first use: the linter only encodes a
    # query long enough to risk the URL budget, and `cwql check` should not pay for it.
    from urllib.parse import quote

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
    what happens when a ``like "%ab%"`` pattern was spliced into a URL
    unencoded, and :class:`~cwql.CWQLTypeError` for anything but a ``str``.
    """
    if not isinstance(text, str):
        raise CWQLTypeError(f"decode() takes text (str), not {type(text).__name__}")
    from urllib.parse import unquote

    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise EncodingError(
            f"percent-escapes do not decode as UTF-8 ({e.reason}); was a `%` in the text "
            "left unencoded?"
        ) from None


#: Query parameters whose values are secrets wherever they appear (lower case).
SECRET_PARAMETERS = frozenset({
    "clientid", "privatekey", "publickey", "password", "token", "apikey", "secret", "key",
    "access_token", "auth", "authorization", "signature", "sig",
})


def redact_url(url: str) -> str:
    """``url`` without credentials in its authority or secret-looking query parameters.

    The rest of the query string is kept byte for byte, so what a log or an
    error shows is what went on the wire. Text that is not a URL comes back
    shortened and without anything that could be a user-info part.
    """
    if not isinstance(url, str):
        return f"<{type(url).__name__}>"
    from urllib.parse import unquote, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[::1/x": not a URL; show its start only
        head = url.split("?", 1)[0].split("#", 1)[0]
        return head.rsplit("@", 1)[-1][:200]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    pairs = []
    for pair in parts.query.split("&") if parts.query else []:
        raw = pair.split("=", 1)[0]
        name = unquote(raw, errors="replace").lower()
        pairs.append(f"{raw}=REDACTED" if name in SECRET_PARAMETERS else pair)
    return urlunsplit((parts.scheme, netloc, parts.path, "&".join(pairs), ""))
