"""A real HTTP server on 127.0.0.1 for tests of fetching (``http_server`` in conftest.py).

It serves the files of a folder and the routes a test adds: fixed answers, redirects, a
server that drips its answer a byte at a time, one that streams more than any limit (and
counts what it managed to send). Every request is recorded with its headers.
"""

import mimetypes
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Answer:
    """A fixed answer: status, body and headers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)


class LocalServer:
    """An HTTP/1.0 server on ``127.0.0.1`` and a free port, in a daemon thread.

    Use as a context manager. ``url(path)`` is an address on it; ``requests`` lists
    ``(path, headers)`` of every request received; ``sent[path]`` the bytes a streaming
    route wrote before the client went away.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.routes = {}
        self.requests = []
        self.sent = {}
        self.done = {}  # path -> threading.Event set when a streaming route has finished
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for it, at the end of every test.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}{path}"

    def requested(self, path: str) -> int:
        """How many requests asked for ``path``."""
        return sum(1 for seen, _ in self.requests if seen == path)

    def add(self, path, body=b"", **answer):
        """Answer ``path`` with ``body`` (``str`` is UTF-8) and ``Answer`` fields."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Answer(body, **answer)

    def redirect(self, path, to, status=302):
        self.routes[path] = Answer(status=status, headers={"Location": to})

    def drip(self, path, *, interval=0.1, content_type="text/html; charset=utf-8"):
        """Send the headers at once, then one byte of body every ``interval`` seconds, for
        far longer than any test waits."""

        def respond(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.end_headers()
            try:
                for _ in range(10_000):
                    handler.wfile.write(b"x")
                    handler.wfile.flush()
                    time.sleep(interval)
            except OSError:  # the client gave up, as it should
                pass

        self.routes[path] = respond

    def stream(self, path, *, total, content_type="text/html; charset=utf-8", length=False):
        """Send ``total`` bytes of HTML-ish filler in 64 KiB writes (declaring the length
        when ``length``), counting in ``sent[path]`` what was written before the client
        closed the connection; ``done[path]`` is set when the route has ended."""
        self.sent[path] = 0
        self.done[path] = threading.Event()

        def respond(handler):
            try:
                handler.send_response(200)
                handler.send_header("Content-Type", content_type)
                if length:
                    handler.send_header("Content-Length", str(total))
                handler.end_headers()
                chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
                while self.sent[path] < total:
                    handler.wfile.write(chunk)
                    self.sent[path] += len(chunk)
            except OSError:  # the client went away, as it should
                pass
            finally:
                self.done[path].set()

        self.routes[path] = respond


def _handler_for(server: LocalServer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            server.requests.append((path, dict(self.headers)))
            route = server.routes.get(self.path, server.routes.get(path))
            if callable(route):
                route(self)
                return
            if route is None:
                route = self._file(path)
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def _file(self, path):
            file = (server.root / path.lstrip("/")).resolve()
            if not file.is_relative_to(server.root.resolve()) or not file.is_file():
                return Answer(b"<h1>Not Found</h1>", status=404)
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if content_type.startswith("text/"):
                content_type += "; charset=utf-8"
            return Answer(file.read_bytes(), content_type=content_type)

        def log_message(self, format, *args):  # quiet: pytest shows failures, not requests
            pass

    return Handler
