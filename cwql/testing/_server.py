"""The fake mounted on a real HTTP server: stdlib ``http.server``, one thread per connection."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._wire import Handler

__all__ = ["serve"]

_MAX_BODY = 10 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close; open keep-alive connections are
    # shut down first so that joining them does not wait for the client.
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], psa: Handler) -> None:
        self.psa = psa
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is normal traffic, not a server error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
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
def serve(psa: Handler, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``psa`` on ``host:port`` in a thread; yield its API base URL; stop on exit."""
    server = _Server((host, port), psa)
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
