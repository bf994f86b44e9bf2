"""The fake mounted on a real HTTP server: stdlib ``http.server``, one thread per connection.

Threads are bounded: a connection that sends nothing for ``idle_timeout``
seconds is closed (a half-open or forgotten keep-alive connection would
otherwise hold its thread for ever), and past ``max_connections`` open at
once a new connection gets 503 with ``Retry-After`` and is closed at once.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..errors import UsageError
from ._wire import Handler

__all__ = ["serve"]

_MAX_BODY = 10 * 1024 * 1024
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
)
_BUSY_BODY = b'{"code":"ServiceUnavailable","message":"the fake PSA has too many open connections; retry"}'


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close; open keep-alive connections are
    # shut down first so that joining them does not wait for the client.
    daemon_threads = False
    block_on_close = True

    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], psa: Handler, *, idle_timeout: float, max_connections: int,
    ) -> None:
        self.psa = psa
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.active = 0
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            busy = self.active >= self.max_connections
            if not busy:
                self.active += 1
        if busy:
            # Answered on the accepting thread, which must never wait on a client.
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(_BUSY % (len(_BUSY_BODY), _BUSY_BODY))
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self.connections_lock:
                self.active -= 1
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.active -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up or goes quiet mid-request is normal traffic, not a server error.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer each answer and send it in one go (the stdlib flushes after each
    # request): headers and body in separate packets meet Nagle's algorithm
    # and delayed ACKs, and every keep-alive request then takes 40 ms.
    wbufsize = 64 * 1024
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Every read and write waits at most this long, so an idle connection ends.
        self.connection.settimeout(self.server.idle_timeout)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the fake keeps its own request log

    def _serve(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._plain(411, b"send a Content-Length")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY:
            self._plain(413 if length > _MAX_BODY else 400, b"bad Content-Length")
            return
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        answer = self.server.psa.handle(
            self.command, f"http://{host}{self.path}", self.headers.items(), body
        )
        if answer.delay and self.server.stopping.wait(answer.delay):
            answer = answer.__class__(0, (), b"", drop=True)  # stopping: do not answer late
        if answer.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _plain(self, status: int, text: bytes) -> None:
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


@contextlib.contextmanager
def serve(
    psa: Handler, host: str = "127.0.0.1", port: int = 0, *, idle_timeout: float = 30.0,
    max_connections: int = 64,
) -> Iterator[str]:
    """Run ``psa`` on ``host:port`` in a thread; yield its API base URL; stop on exit."""
    if not idle_timeout > 0:
        raise UsageError(f"idle_timeout must be a positive number of seconds, not {idle_timeout!r}")
    if max_connections < 1:
        raise UsageError(f"max_connections must be at least 1, not {max_connections!r}")
    server = _Server((host, port), psa, idle_timeout=idle_timeout, max_connections=max_connections)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="cwql-fake-psa", daemon=True
    )
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"http://{shown}:{server.server_address[1]}{psa.base_path}/"
    finally:
        server.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()
