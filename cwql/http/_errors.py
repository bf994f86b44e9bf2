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

from .._encoding import redact_url
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
# Only the start of a body is read for a message: an error page worth showing
# says what it is early, and a hostile one costs no more than this.
_READ = 64 * 1024
_TITLE_OPEN = re.compile(r"<title", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title", re.IGNORECASE)


def error_for(
    status: int, body: bytes, content_type: str = "", *, url: str = "", method: str = "GET",
    attempts: int = 1, reason: str = "",
) -> APIError:
    """The :class:`APIError` for a response with ``status`` and ``body``."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    head = text[:_READ]
    code, message = "", ""
    errors: tuple[FieldError, ...] = ()
    data: Any = None
    if "json" in content_type.lower() or head.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: "[" nested past Python's limit
            data = None
    if isinstance(data, Mapping):
        code = _scalar(data.get("code")) or _scalar(data.get("error"))
        message = _scalar(data.get("message"))
        errors = tuple(_field_errors(data.get("errors")))
    elif "<" in head:
        message = _html_message(head)
    else:
        message = " ".join(head[:1000].split())[:200]
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else APIError)
    return cls(
        status, message or reason or f"HTTP {status}", code=code, errors=errors,
        url=redact_url(url), method=method, attempts=attempts, body=text,
    )


def _html_message(html: str) -> str:
    """The page's ``<title>``, else its text without tags; one pass over ``html``.

    Plain ``find`` and literal searches only: a regex such as ``<title[^>]*>``
    retried from every ``<title`` of ``"<title" * n`` would take quadratic time.
    """
    opened = _TITLE_OPEN.search(html)
    if opened is not None:
        inside = html.find(">", opened.end())
        if inside >= 0:
            closed = _TITLE_CLOSE.search(html, inside + 1)
            shown = html[inside + 1:closed.start() if closed else inside + 1 + 1000]
            message = " ".join(shown[:1000].split())[:200]
            if message:
                return message
    parts: list[str] = []
    at = 0
    size = 0
    while size < 1000:
        start = html.find("<", at)
        if start < 0:
            parts.append(html[at:at + 1000])
            break
        parts.append(html[at:start])
        size += start - at
        end = html.find(">", start)
        if end < 0:
            break  # an unclosed tag runs to the end: nothing more to show
        parts.append(" ")
        at = end + 1
    return " ".join(" ".join(parts).split())[:200]


def _scalar(value: Any) -> str:
    """A code or message from a JSON body: text or a number, at most 500 characters."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(value)[:500] if not isinstance(value, int) or abs(value) < 10**100 else ""


def _field_errors(raw: Any) -> list[FieldError]:
    if not isinstance(raw, list):
        return []
    found = []
    for item in raw[:100]:
        if isinstance(item, Mapping):
            found.append(FieldError(
                _scalar(item.get("code")), _scalar(item.get("message")),
                _scalar(item.get("resource")), _scalar(item.get("field")),
            ))
    return found
