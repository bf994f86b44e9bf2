"""Errors from the ConnectWise API, parsed from every body shape it sends.

LANGUAGE.md §5: the spec's body is ``{"code", "message", "errors": [{"code",
"message", "resource", "field"}]}``; the official 429 example says ``error``
instead of ``code``; 500 bodies may omit ``errors``; a CDN in front of the API
answers 429 and 502 with HTML. Each becomes an :class:`APIError` subclass by
status, carrying what the body said and the request URL without secrets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

__all__ = ["error_for", "redact_url"]


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError,
    404: NotFoundError, 409: ConflictError, 429: RateLimitError,
}
_SECRET_PARAMS = frozenset({"clientid", "privatekey", "publickey", "password", "token", "apikey"})
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def redact_url(url: str) -> str:
    """``url`` without credentials in its authority or secret-looking query parameters.

    The rest of the query string is kept byte for byte, so what a log or an
    error shows is what went on the wire.
    """
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    pairs = []
    for pair in parts.query.split("&") if parts.query else []:
        name = unquote(pair.split("=", 1)[0])
        pairs.append(f"{pair.split('=', 1)[0]}=REDACTED" if name.lower() in _SECRET_PARAMS else pair)
    return urlunsplit((parts.scheme, netloc, parts.path, "&".join(pairs), ""))


def error_for(
    status: int, body: bytes, content_type: str = "", *, url: str = "", method: str = "GET",
    attempts: int = 1, reason: str = "",
) -> APIError:
    """The :class:`APIError` for a response with ``status`` and ``body``."""
    text = body.decode("utf-8", errors="replace")
    code, message = "", ""
    errors: tuple[FieldError, ...] = ()
    data: Any = None
    if "json" in content_type.lower() or text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
    if isinstance(data, Mapping):
        code = str(data.get("code") or data.get("error") or "")
        message = str(data.get("message") or "")
        errors = tuple(_field_errors(data.get("errors")))
    elif "<" in text:
        title = _TITLE.search(text)
        shown = title.group(1) if title else _TAG.sub(" ", text)
        message = " ".join(shown.split())[:200]
    else:
        message = " ".join(text.split())[:200]
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else APIError)
    return cls(
        status, message or reason or f"HTTP {status}", code=code, errors=errors,
        url=redact_url(url), method=method, attempts=attempts, body=text,
    )


def _field_errors(raw: Any) -> list[FieldError]:
    if not isinstance(raw, list):
        return []
    found = []
    for item in raw[:100]:
        if isinstance(item, Mapping):
            found.append(FieldError(
                str(item.get("code") or ""), str(item.get("message") or ""),
                str(item.get("resource") or ""), str(item.get("field") or ""),
            ))
    return found
