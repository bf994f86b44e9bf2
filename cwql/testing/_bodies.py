"""What the fake answers with: ConnectWise-shaped JSON bodies, and the page a CDN serves.

The shapes follow LANGUAGE.md §5: ``{"code", "message", "errors": [...]}``
(spec); ``ApiFindCondition`` for a name the server does not recognise
(field); an HTML page from the CDN in front of the API (field).
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ParseError
from ._wire import Response

__all__ = [
    "JSON_TYPE",
    "Reject",
    "bad_conditions",
    "bad_request",
    "cdn_page",
    "error",
    "json_response",
    "not_found",
    "not_recognized",
]

JSON_TYPE = "application/json; charset=utf-8"


class Reject(Exception):
    """Raised anywhere while a request is answered: answer :attr:`response` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(status: int, data: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, (("Content-Type", JSON_TYPE), *headers), body)


def error(status: int, code: str, message: str, *, field: str | None = None) -> Response:
    """``{"code", "message"}``, with an ``errors`` entry naming ``field`` when there is one."""
    data: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        data["errors"] = [{"code": code, "message": message, "resource": None, "field": field}]
    return json_response(status, data)


def bad_request(message: str, *, field: str | None = None) -> Reject:
    """A 400 ``InvalidObject`` to raise: the server's answer to a parameter it cannot read."""
    return Reject(error(400, "InvalidObject", message, field=field))


def not_found(message: str) -> Response:
    return error(404, "NotFound", message)


def not_recognized(path: str) -> Response:
    """The server's 400 for a condition naming an unknown field or an array path (LANGUAGE.md §5).

    The body is exactly what clients have logged from real servers:
    ``{"code": "ApiFindCondition", "message": "types/name is not a recognized name."}``,
    the path as the request wrote it.
    """
    return json_response(400, {"code": "ApiFindCondition", "message": f"{path} is not a recognized name."})


def bad_conditions(resource: str, kind: str, problem: ParseError) -> Response:
    """A 400 for a condition that does not parse, with cwql's diagnostics in ``errors``."""
    first = problem.diagnostics[0]
    message = f"{kind} is invalid: {first.line}:{first.column}: {first.message}"
    if first.hint:
        message += f" (hint: {first.hint})"
    errors = [
        {"code": d.code, "message": d.message, "resource": resource, "field": kind,
         "line": d.line, "column": d.column, "hint": d.hint}
        for d in problem.diagnostics
    ]
    return json_response(400, {"code": "InvalidObject", "message": message, "errors": errors})


_CDN_PAGE = (
    "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n"
    "<hr><center>edge</center>\r\n</body>\r\n</html>\r\n"
)


def cdn_page(status: int, reason: str) -> Response:
    """The HTML page a CDN in front of the API answers with (no JSON, no ``Retry-After``)."""
    page = _CDN_PAGE.format(status=f"{status} {reason}").encode("ascii")
    return Response(status, (("Content-Type", "text/html"),), page)
