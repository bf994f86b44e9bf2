"""The fake mounted in-process as an httpx transport (needs the ``http`` extra)."""

from __future__ import annotations

import asyncio
import time

import httpx

from ._wire import Handler, Response

__all__ = ["Transport"]


class Transport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves :class:`FakePSA` to ``httpx.Client(transport=...)`` and ``httpx.AsyncClient``.

    A dropped connection raises :class:`httpx.RemoteProtocolError`, as httpx
    does when a server closes the connection without answering; a slow answer
    longer than the client's read timeout raises :class:`httpx.ReadTimeout`
    once that timeout has passed.
    """

    def __init__(self, psa: Handler) -> None:
        self.psa = psa

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._answer(request, request.read())
        wait, timed_out = _wait(request, answer)
        if wait:
            time.sleep(wait)
        return self._finish(request, answer, timed_out)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._answer(request, await request.aread())
        wait, timed_out = _wait(request, answer)
        if wait:
            await asyncio.sleep(wait)
        return self._finish(request, answer, timed_out)

    def _answer(self, request: httpx.Request, body: bytes) -> Response:
        return self.psa.handle(request.method, str(request.url), request.headers.multi_items(), body)

    def _finish(self, request: httpx.Request, answer: Response, timed_out: bool) -> httpx.Response:
        if timed_out:
            raise httpx.ReadTimeout("the fake PSA answered slower than the read timeout", request=request)
        if answer.drop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            answer.status, headers=list(answer.headers), content=answer.body, request=request
        )


def _wait(request: httpx.Request, answer: Response) -> tuple[float, bool]:
    """How long to wait, and whether the client's read timeout runs out first."""
    if not answer.delay:
        return 0.0, False
    timeout = request.extensions.get("timeout", {}).get("read")
    if timeout is not None and answer.delay > timeout:
        return float(timeout), True
    return answer.delay, False
