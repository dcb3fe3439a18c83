"""A fake Alexa API on the loopback address: the tests' ``alexa_api`` fixture and the simulator
run this same server (the simulator in-process, to show what the skill would send to Alexa).

The skill's Alexa API calls go through the SDK's real service clients and a real HTTP client;
only the far end is fake. A test points the SDK at ``alexa_api.endpoint`` (as the request
envelope's ``apiEndpoint`` would), sets how a route behaves, and reads what the fake received::

    def test_something(alexa_api: FakeAlexaApi) -> None:
        alexa_api.answer("GET", TIME_ZONE, 200, "Asia/Tokyo")  # the route's pattern, as below
        alexa_api.hang("POST", "/v1/alerts/reminders")  # never answers (until teardown)
        ...
        assert [r.method for r in alexa_api.received] == ["GET", "POST"]

Behaviours, set per (method, path pattern), ``{name}`` matching one path segment; the latest
setting for a pattern wins and a request no route matches gets a 404:

- ``answer(method, path, status, body, headers)``: reply at once; ``body`` is sent as JSON (none
  if ``None``).
- ``hang(method, path)``: read the request, never reply; the handler is released at teardown.
- ``drop(method, path)``: read the request, close the connection without a reply.
- ``drip(method, path, body, interval)``: send status and headers at once, then the JSON body one
  byte per ``interval`` seconds (a response that arrives too slowly, not one that never comes).

Default routes: the device's time zone (200 ``"Europe/London"``; ``set_time_zone`` changes it),
reminder create (200 with ``alertToken`` ``"fake-alert-token-1"``, ``-2``, ...) and reminder
delete (200, no body). ``reminders`` holds the reminders created and not deleted, by token.

Every request is recorded (``received``) before its behaviour runs, a hung one included, with
its method, path and query, headers (names lower-cased), body (parsed JSON, else text, else
``None``) and the client's address (the same address twice means a reused connection).

Everything is bounded: the server's threads are daemons, an idle keep-alive connection is closed
after ``IDLE_LIMIT`` seconds, a hang or drip ends at teardown (or after ``HANG_LIMIT`` seconds),
and teardown closes every open connection and joins every thread with a timeout. An exception
raised inside the fake (not a client hanging up) fails the test at teardown.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast

LOOPBACK = "127.0.0.1"
HANG_LIMIT = 30.0  # seconds a hung or dripping handler waits at most if teardown never comes
IDLE_LIMIT = 5.0  # seconds an idle keep-alive connection stays open on the server side
JOIN_LIMIT = 2.0  # seconds teardown waits for each thread

TIME_ZONE = "/v2/devices/{deviceId}/settings/System.timeZone"
REMINDERS = "/v1/alerts/reminders"
REMINDER = "/v1/alerts/reminders/{alertToken}"


@dataclass(frozen=True)
class Received:
    """One request as the fake read it."""

    method: str
    path: str  # with the query string, if any
    headers: dict[str, str]  # names lower-cased
    body: Any  # parsed JSON; the text if it is not JSON; None if empty
    peer: tuple[str, int]  # the client's address and port


@dataclass(frozen=True)
class Answer:
    """Reply at once with ``status`` and ``body`` as JSON (no body if ``None``)."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hang:
    """Never reply: hold the connection until the server shuts down."""


@dataclass(frozen=True)
class Drop:
    """Close the connection without a reply."""


@dataclass(frozen=True)
class Drip:
    """Reply with status and headers at once, then the JSON body a byte at a time."""

    status: int = 200
    body: Any = None
    interval: float = 0.1


Behaviour = Answer | Hang | Drop | Drip | Callable[[Received], Answer]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    behaviour: Behaviour


def _compile(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]+\})", pattern)
    return re.compile(
        "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    )


class FakeAlexaApi:
    """The fake API server; a context manager (``with FakeAlexaApi() as api``) or the
    ``alexa_api`` fixture starts it and shuts it down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: list[_Route] = []
        self._received: list[Received] = []
        self._tokens = itertools.count(1)
        self.errors: list[BaseException] = []
        self.closing = threading.Event()
        self._server = _Server(self)
        self.endpoint = f"http://{LOOPBACK}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-alexa-api",
            daemon=True,
        )
        self.reminders: dict[str, Any] = {}
        self.set_time_zone("Europe/London")
        self.on("POST", REMINDERS, self._reminder_created)
        self.on("DELETE", REMINDER, self._reminder_deleted)

    # Behaviours -------------------------------------------------------------------------------

    def on(self, method: str, path: str, behaviour: Behaviour) -> None:
        """Make requests for ``method`` and ``path`` (a pattern) behave as ``behaviour``."""
        route = _Route(method.upper(), path, _compile(path), behaviour)
        with self._lock:
            kept = [r for r in self._routes if (r.method, r.pattern) != (route.method, path)]
            self._routes = [route, *kept]

    def answer(
        self,
        method: str,
        path: str,
        status: int = 200,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Reply at once with ``status`` and ``body`` (JSON; none if ``None``)."""
        self.on(method, path, Answer(status, body, dict(headers or {})))

    def hang(self, method: str, path: str) -> None:
        """Never reply (until teardown)."""
        self.on(method, path, Hang())

    def drop(self, method: str, path: str) -> None:
        """Close the connection without replying."""
        self.on(method, path, Drop())

    def drip(self, method: str, path: str, body: Any, interval: float = 0.1) -> None:
        """Send the headers, then ``body`` as JSON one byte every ``interval`` seconds."""
        self.on(method, path, Drip(200, body, interval))

    def set_time_zone(self, zone: str) -> None:
        """The device's time zone, as the settings API reports it from now on."""
        self.answer("GET", TIME_ZONE, 200, zone)

    # What was received ------------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        """Every request so far, oldest first."""
        with self._lock:
            return list(self._received)

    # Lifecycle --------------------------------------------------------------------------------

    def start(self) -> Self:
        self._thread.start()
        return self

    def close(self) -> None:
        """Release hung handlers, stop serving, close open connections, join every thread."""
        self.closing.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(JOIN_LIMIT)
        self._server.close_connections()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Inside the server ------------------------------------------------------------------------

    def _record(self, received: Received) -> Behaviour:
        path = received.path.split("?", 1)[0]
        with self._lock:
            self._received.append(received)
            for route in self._routes:
                if route.method == received.method and route.regex.fullmatch(path):
                    return route.behaviour
        return Answer(404, {"code": "NOT_FOUND", "message": "The fake has no such route."})

    def _reminder_created(self, received: Received) -> Answer:
        with self._lock:
            token = f"fake-alert-token-{next(self._tokens)}"
            self.reminders[token] = received.body
        return Answer(
            200,
            {
                "alertToken": token,
                "createdTime": "2024-01-01T00:00:00.000Z",
                "updatedTime": "2024-01-01T00:00:00.000Z",
                "status": "ON",
                "version": "1",
                "href": f"/v1/alerts/reminders/{token}",
            },
        )

    def _reminder_deleted(self, received: Received) -> Answer:
        with self._lock:
            self.reminders.pop(received.path.split("?", 1)[0].rsplit("/", 1)[-1], None)
        return Answer(200)


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that tracks its connections and threads so teardown can end them,
    and records (rather than prints) errors raised while serving."""

    daemon_threads = True
    block_on_close = False  # close_connections joins, with a limit

    def __init__(self, api: FakeAlexaApi) -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.api = api
        self._tracked = threading.Lock()
        self._open: set[socket.socket] = set()
        self._handlers: list[threading.Thread] = []

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fake-alexa-api-connection",
            daemon=True,
        )
        with self._tracked:
            self._open.add(request)
            self._handlers = [t for t in self._handlers if t.is_alive()] + [thread]
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._tracked:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, OSError):  # a hang-up is not a bug
            self.api.errors.append(error)

    def close_connections(self) -> None:
        with self._tracked:
            still_open, threads = list(self._open), list(self._handlers)
        for connection in still_open:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes a handler blocked reading
        for thread in threads:
            thread.join(JOIN_LIMIT)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be observed
    timeout = IDLE_LIMIT
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's record is ``received``, not stderr."""

    def _serve(self) -> None:
        api = cast(_Server, self.server).api
        received = Received(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._body(),
            peer=(str(self.client_address[0]), int(self.client_address[1])),
        )
        behaviour = api._record(received)
        if isinstance(behaviour, Hang):
            api.closing.wait(HANG_LIMIT)
            self.close_connection = True
        elif isinstance(behaviour, Drop):
            self.close_connection = True
        elif isinstance(behaviour, Drip):
            self._drip(behaviour, api.closing)
        elif isinstance(behaviour, Answer):
            self._answer(behaviour)
        else:
            self._answer(behaviour(received))

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw:
            return None
        text = raw.decode("utf-8", errors="replace")
        try:
            return json.loads(text)
        except ValueError:
            return text

    def _answer(self, answer: Answer) -> None:
        payload = b"" if answer.body is None else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        if payload:
            self.send_header("Content-Type", "application/json")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drip(self, drip: Drip, closing: threading.Event) -> None:
        payload = json.dumps(drip.body).encode()
        self.send_response(drip.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.close_connection = True
        for index in range(len(payload)):
            if closing.wait(drip.interval):
                return
            try:
                self.wfile.write(payload[index : index + 1])
            except OSError:
                return  # the client gave up
