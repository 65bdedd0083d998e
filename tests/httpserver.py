"""A real HTTP server on 127.0.0.1 for crawler tests: static routes plus programmable faults."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    """What a route answers: status, headers, and a body given whole or as chunks."""

    body: bytes | Iterable[bytes] = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    length: bool = True  # send Content-Length (only for a whole body)


Handler = Callable[[str], Reply]


class TestServer:
    """Routes by path (with the query string first, then without); everything else is 404."""

    __test__ = False  # not a test class, despite its name

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self.started: list[tuple[float, str]] = []  # (monotonic time, path) of each request
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                server._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> TestServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, reply: Reply | Handler) -> None:
        """Answer `path` with a fixed reply, or with a function of the requested path."""
        self.routes[path] = reply if callable(reply) else (lambda _path, r=reply: r)

    def page(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "text/html; charset=utf-8",
        **options: object,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.add(path, Reply(data, content_type=content_type, **options))  # type: ignore[arg-type]

    def sequence(self, path: str, replies: list[Reply]) -> None:
        """Answer with each reply in turn, then keep answering with the last one."""
        state = {"n": 0}

        def handler(_path: str) -> Reply:
            with self._lock:
                index = min(state["n"], len(replies) - 1)
                state["n"] += 1
            return replies[index]

        self.add(path, handler)

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        full = request.path
        path = urlsplit(full).path
        with self._lock:
            self.hits[full] += 1
            self.user_agents.add(request.headers.get("User-Agent", ""))
            self.started.append((time.monotonic(), full))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._answer(request, full, path)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, request: BaseHTTPRequestHandler, full: str, path: str) -> None:
        handler = self.routes.get(full) or self.routes.get(path)
        reply = handler(full) if handler else Reply(b"<h1>404</h1>", status=404)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            request.send_response(reply.status)
            if reply.content_type:
                request.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                request.send_header(name, value)
            whole = isinstance(reply.body, bytes)
            if whole and reply.length:
                request.send_header("Content-Length", str(len(reply.body)))  # type: ignore[arg-type]
            request.end_headers()
            chunks = [reply.body] if whole else reply.body
            for chunk in chunks:  # type: ignore[union-attr]
                request.wfile.write(chunk)  # type: ignore[arg-type]
                with self._lock:
                    self.bytes_sent[full] += len(chunk)  # type: ignore[arg-type]
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout, a size cap): that is the point of some tests
