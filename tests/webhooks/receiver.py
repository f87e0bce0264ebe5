"""A real HTTP receiver for webhook tests: http.server in a thread, recording every request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """Answers 200 unless `respond` says otherwise (it sees every request, in arrival order)."""

    def __init__(self, respond: Callable[[Received], int] | None = None) -> None:
        self.respond = respond or (lambda _: 200)
        self.received: list[Received] = []
        self.in_flight = 0
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:
                    return  # the sender died mid-request: nothing was delivered
                got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._changed:
                    receiver.in_flight += 1
                try:
                    status = receiver.respond(got)
                    self.send_response(status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                finally:
                    with receiver._changed:
                        receiver.in_flight -= 1
                        receiver.received.append(got)
                        receiver._changed.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a sender killed mid-request (the crash tests) is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # shutdown() waits for the serving loop to look again: every half second by default, which
        # was most of a LINE test's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def ids(self) -> set[str]:
        with self._changed:
            return {r.id for r in self.received}

    def wait_for(self, done: Callable[[list[Received]], bool], timeout: float = 20.0) -> list[Received]:
        """Block until `done(received)` holds (woken by each request); AssertionError after `timeout`."""
        with self._changed:
            if not self._changed.wait_for(lambda: done(self.received), timeout):
                raise AssertionError(
                    f"receiver: condition not met within {timeout} s ({len(self.received)} received)"
                )
            return list(self.received)
