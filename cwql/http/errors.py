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
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import CWQLError

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "FieldError",
    "NotFoundError",
    "PermissionDeniedError",
    "QueryTooLongError",
    "RateLimitError",
    "ResponseError",
    "ServerError",
    "TransportError",
    "error_for",
    "redact_url",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One entry of the body's ``errors`` list."""

    code: str
    message: str
    resource: str = ""
    field: str = ""


class APIError(CWQLError):
    """The API answered with an error status (after any retries).

    ``status`` is the HTTP status, ``code`` and ``message`` what the body
    said (``message`` falls back to the status text, or to the page title of
    an HTML body), ``errors`` the per-field errors, ``url`` the request URL
    with any secret removed, ``attempts`` how many requests were made.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "",
        errors: tuple[FieldError, ...] = (),
        url: str = "",
        method: str = "GET",
        attempts: int = 1,
        body: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.url = url
        self.method = method
        self.attempts = attempts
        self.body = body[:2000]
        detail = f" ({code})" if code else ""
        fields = "".join(f"\n  {e.field or e.resource}: {e.message}" for e in errors)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{status}{detail} {message} [{method} {url}]{tries}{fields}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.status, self.message, self.code, self.errors,
                           self.url, self.method, self.attempts, self.body))


def _rebuild(cls: type[APIError], *args: Any) -> APIError:
    status, message, code, errors, url, method, attempts, body = args
    return cls(status, message, code=code, errors=errors, url=url, method=method,
               attempts=attempts, body=body)


class BadRequestError(APIError):
    """400: the request (often the conditions) is invalid. Never retried."""


class AuthenticationError(APIError):
    """401: the credentials were refused. Never retried."""


class PermissionDeniedError(APIError):
    """403: the API member may not do this. Never retried."""


class NotFoundError(APIError):
    """404: no such record or endpoint. Never retried."""


class ConflictError(APIError):
    """409, such as RecordLocked: retried after a delay, this is the last answer."""


class RateLimitError(APIError):
    """429: throttled, and still throttled after the retries allowed."""

    retry_after: float | None = None


class ServerError(APIError):
    """5xx: the server or a proxy in front of it failed, after the retries allowed."""


class TransportError(APIError):
    """No answer at all: connection refused or dropped, timeout (status 0)."""


class ConfigurationError(CWQLError, ValueError):
    """A client set up without what it needs (credentials, a site or base URL)."""


class ResponseError(CWQLError):
    """An answer cwql cannot use: a body that is not JSON, not a list, or a link elsewhere."""


class QueryTooLongError(CWQLError, ValueError):
    """The request URL would exceed the budget and cannot be split or sent as a search."""

    def __init__(self, length: int, limit: int, path: str, *, ordered: bool = False) -> None:
        self.length = length
        self.limit = limit
        self.path = path
        why = (
            " An ordered query is not split: merging the parts would need the server's collation."
            if ordered else ""
        )
        super().__init__(
            f"the request URL for {path} would be {length} characters; the limit is {limit}.{why} "
            "Shorten the conditions, or split a long `in (...)` list across queries"
        )


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
