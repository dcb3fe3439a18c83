"""A loopback HTTP proxy in front of moto's server that can break chosen requests.

The store's failures that matter most are the ones a Stubber cannot fake: a write that lands
while its answer is lost, a connection dropped mid-call. This proxy sits between a boto3 client
and moto's ``ThreadedMotoServer`` and, for the requests it is told about, either

- fails them before they reach moto (``fail_next``: an HTTP error with a DynamoDB error body;
  ``drop_next``: the connection is closed without a byte of answer), or
- forwards them, so the write lands in moto, and then holds the answer back longer than the
  client's read timeout (``hold_next``): the client gives up, not knowing what happened.

Every other request is forwarded untouched. Use it through the ``faulty_proxy`` fixture
(tests/integration/conftest.py), which starts it in front of a fresh table and stops it after
the test::

    def test_a_lost_answer(faulty_proxy: FaultyProxy) -> None:
        store = DynamoDbProgressStore(faulty_proxy.table_name, resource=faulty_proxy.resource())
        faulty_proxy.hold_next("PutItem")
        assert isinstance(store.save(KEY, record, 0), Unavailable)
        assert faulty_proxy.pending() == []  # the planned fault was used

For the whole skill, give the handler such a store (``upper_back.edge.app.build_handler(settings,
store=...)``), or let it build its own default store with the endpoint in the environment (the
store leaves the endpoint to boto3, and builds its resource on the first call)::

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", faulty_proxy.url)
    handler = build_handler(Settings.from_env())  # TABLE_NAME must be faulty_proxy.table_name

Faults name a DynamoDB operation (``"GetItem"``, ``"PutItem"``, ``"DeleteItem"``: the end of the
request's X-Amz-Target) or None for whatever request comes next; each is used once, in the order
planned. ``seen`` lists the operation of every request the proxy received, ``pending()`` the
faults not used yet, ``errors`` any exception a proxy thread met (instead of printing it). Only
the loopback address is used; every thread is a daemon and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

import boto3

from upper_back.adapters.dynamodb import CLIENT_CONFIG, READ_TIMEOUT_SECONDS

LOOPBACK = "127.0.0.1"
HOLD_SECONDS = READ_TIMEOUT_SECONDS + 0.4
"""How long ``hold_next`` keeps an answer by default: past the store's read timeout."""
UPSTREAM_TIMEOUT = 5.0
"""How long the proxy waits for moto, and how long an idle client connection is kept."""
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}

Action = Literal["fail", "drop", "hold"]


@dataclass(frozen=True)
class Fault:
    """One planned fault: what to do with the next request for ``operation`` (None: any)."""

    action: Action
    operation: str | None = None
    status: int = 500
    code: str = "InternalServerError"
    seconds: float = HOLD_SECONDS


class FaultyProxy:
    """The proxy itself; ``start`` it, give clients ``url`` (or ``resource()``), ``close`` it."""

    def __init__(self, upstream: str, table_name: str = "") -> None:
        parts = urlsplit(upstream)
        assert parts.hostname == LOOPBACK, "the proxy only talks to the loopback address"
        assert parts.port is not None
        self.upstream = (parts.hostname, parts.port)
        self.table_name = table_name
        self.seen: list[str] = []
        self.errors: list[str] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._server = _Server((LOOPBACK, 0), _Handler)
        self._server.proxy = self
        self._serving: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def resource(self) -> Any:
        """A boto3 DynamoDB resource through the proxy, bounded as the skill's own is."""
        return boto3.resource("dynamodb", endpoint_url=self.url, config=CLIENT_CONFIG)

    # --- planning faults ----------------------------------------------------------------------

    def fail_next(
        self, operation: str | None = None, *, status: int = 500, code: str = "InternalServerError"
    ) -> None:
        """Answer the next such request with ``status`` and DynamoDB error ``code``, unsent."""
        self._plan(Fault("fail", operation, status=status, code=code))

    def drop_next(self, operation: str | None = None) -> None:
        """Close the next such request's connection without answering; it is not sent on."""
        self._plan(Fault("drop", operation))

    def hold_next(self, operation: str | None = None, *, seconds: float = HOLD_SECONDS) -> None:
        """Send the next such request on to moto (it takes effect), then keep the answer back
        for ``seconds`` (by default past the client's read timeout) before sending it."""
        self._plan(Fault("hold", operation, seconds=seconds))

    def pending(self) -> list[Fault]:
        """The planned faults no request has used yet."""
        with self._lock:
            return list(self._faults)

    def _plan(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take(self, operation: str) -> Fault | None:
        with self._lock:
            self.seen.append(operation)
            for index, fault in enumerate(self._faults):
                if fault.operation in (None, operation):
                    return self._faults.pop(index)
        return None

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> FaultyProxy:
        self._serving = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._serving.start()
        return self

    def close(self) -> None:
        """Stop serving, release held answers, close every connection, join every thread."""
        self._stop.set()
        if self._serving is not None:
            self._server.shutdown()
            self._serving.join(timeout=2)
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout=2)
        self._server.server_close()

    def _opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            self._threads.append(threading.current_thread())

    def _closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: FaultyProxy

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        """Kept for the test to inspect instead of printed (a client that gave up, mostly)."""
        error = sys.exc_info()[1]
        self.proxy.errors.append(f"{type(error).__name__}: {error}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore expects
    timeout = UPSTREAM_TIMEOUT  # an idle client connection is closed after this long
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.proxy._opened(self.connection)

    def finish(self) -> None:
        self.server.proxy._closed(self.connection)
        with contextlib.suppress(OSError):  # the client is gone: nothing to flush to
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test's output is the store's, not the proxy's."""

    def do_POST(self) -> None:
        self._relay()

    def do_GET(self) -> None:
        self._relay()

    def _relay(self) -> None:
        proxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target") or self.path
        fault = proxy._take(target.rsplit(".", 1)[-1])
        if fault is not None and fault.action == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and fault.action == "fail":
            error = {"__type": f"com.amazonaws.dynamodb.v20120810#{fault.code}",
                     "message": f"simulated {fault.code}"}  # fmt: skip
            self._answer(fault.status, [], json.dumps(error).encode())
            return
        status, headers, answer = self._forward(body)
        if fault is not None:  # hold: the request took effect, its answer comes too late
            proxy._stop.wait(fault.seconds)
            self.close_connection = True
        self._answer(status, headers, answer)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        host, port = self.server.proxy.upstream
        upstream = http.client.HTTPConnection(host, port, timeout=UPSTREAM_TIMEOUT)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            upstream.close()

    def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in HOP_BY_HOP | {"server", "date"}:
                    self.send_header(name, value)
            if not any(name.lower() == "content-type" for name, _ in headers):
                self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up waiting: expected after a hold
