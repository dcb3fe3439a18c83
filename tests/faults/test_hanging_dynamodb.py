"""A DynamoDB that accepts connections and never answers: every reply is still spoken in time.

Alexa waits about 8 seconds. The skill's client makes one attempt of at most 0.5 s to connect
and 0.8 s to read, and a request that met a failed call leaves the store alone for the rest of
the turn: the worst turn stays well under 3 seconds (about 0.8 s measured).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sim.conversation import Conversation, Turn
from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import Alexa, Stored, place, revision, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import Build, at, header, owed
from upper_back.render import phrases

DEADLINE_SECONDS = 3.0
GIVE_UP_SECONDS = 15.0
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"


class Throttling(BaseHTTPRequestHandler):
    """Answers every DynamoDB call at once with a throttling error, and (when the server's
    ``retry_after_ms`` is set) asks the client to wait that long before retrying."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        error = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                 "message": "Rate of requests exceeds the allowed throughput."}  # fmt: skip
        body = json.dumps(error).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        retry_after = getattr(self.server, "retry_after_ms", None)
        if retry_after is not None:
            self.send_header("x-amz-retry-after", str(retry_after))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads timings, not access logs."""


@pytest.fixture(params=[None, 5000], ids=["no-retry-after", "retry-after-5s"])
def throttling_endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    """A loopback DynamoDB that throttles every call (optionally with x-amz-retry-after)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Throttling)
    server.retry_after_ms = request.param  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


def point_dynamodb_at(
    monkeypatch: pytest.MonkeyPatch, build: Build, conversation: Conversation, url: str | None
) -> None:
    """Send the conversation's next requests to a new container whose DynamoDB is at ``url``
    (None: back to moto): its handler builds a fresh resource from the environment on its first
    request, as a cold container would. The session travels with the requests."""
    if url is None:
        monkeypatch.delenv(ENDPOINT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(ENDPOINT_VARIABLE, url)
    conversation.handler = build()


Record = Callable[[str, object], None]


@pytest.fixture
def record_property(request: pytest.FixtureRequest) -> Record:
    """Keep a measurement with the test's report (``user_properties``), as pytest's own fixture
    of this name does, but without its warning under ``--junitxml`` (xunit2 has no place for
    properties), which this project's warnings-as-errors would turn into a failure."""

    def record(name: str, value: object) -> None:
        request.node.user_properties.append((name, value))

    return record


def timed(send: Callable[[], Turn], record_property: Record) -> Turn:
    """Send one turn and demand a valid answer within the deadline. The turn runs in a thread
    given at most ``GIVE_UP_SECONDS``, so a regression to botocore's 60 s defaults fails in
    seconds instead of stalling the run (and no turn outlives its test)."""
    answers: list[Turn] = []
    worker = threading.Thread(target=lambda: answers.append(send()), daemon=True)
    started = time.perf_counter()
    worker.start()
    worker.join(timeout=GIVE_UP_SECONDS)
    seconds = time.perf_counter() - started
    record_property("seconds", round(seconds, 3))
    assert not worker.is_alive(), f"no answer after {seconds:.2f} s"
    assert seconds < DEADLINE_SECONDS, f"answered after {seconds:.2f} s"
    (turn,) = answers
    assert_valid_response(turn.raw)
    return turn


def test_a_launch_and_a_start_against_a_hanging_store_are_spoken_in_time(
    build: Build, alexa: Alexa, stored: Stored, silent_endpoint: str,
    monkeypatch: pytest.MonkeyPatch, record_property: Record,
) -> None:  # fmt: skip
    conversation = alexa()
    point_dynamodb_at(monkeypatch, build, conversation, silent_endpoint)
    launch = timed(conversation.launch, record_property)
    assert text(launch.ssml).startswith(text(phrases.COULD_NOT_LOAD))
    assert not launch.ends_session
    start = timed(lambda: conversation.say("StartRoutineIntent"), record_property)
    assert header(0) in text(start.ssml)
    assert owed(conversation)

    point_dynamodb_at(monkeypatch, build, conversation, None)
    conversation.say("GoToMoveIntent", number=SlotValue("2"))
    assert place(stored(USER_ID)) == at(1)


def test_a_save_that_hangs_still_plays_the_move_in_time_and_lands_once_the_store_answers(
    build: Build, alexa: Alexa, stored: Stored, silent_endpoint: str,
    monkeypatch: pytest.MonkeyPatch, record_property: Record,
) -> None:  # fmt: skip
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    point_dynamodb_at(monkeypatch, build, conversation, silent_endpoint)
    turn = timed(lambda: conversation.say("GoToMoveIntent", number=SlotValue("4")), record_property)
    assert header(3) in text(turn.ssml)
    assert place(stored(USER_ID)) == at(2)
    repeat = timed(lambda: conversation.say("AMAZON.RepeatIntent"), record_property)
    assert header(3) in text(repeat.ssml)

    point_dynamodb_at(monkeypatch, build, conversation, None)
    conversation.say("AMAZON.RepeatIntent")
    record = stored(USER_ID)
    assert (place(record), revision(record)) == (at(3), 2)
    assert not owed(conversation)


def test_a_refused_connection_is_spoken_in_time_too(
    build: Build, alexa: Alexa, refused_endpoint: str, monkeypatch: pytest.MonkeyPatch,
    record_property: Record,
) -> None:  # fmt: skip
    conversation = alexa()
    point_dynamodb_at(monkeypatch, build, conversation, refused_endpoint)
    launch = timed(conversation.launch, record_property)
    assert text(launch.ssml).startswith(text(phrases.COULD_NOT_LOAD))
    start = timed(lambda: conversation.say("AMAZON.YesIntent"), record_property)
    assert header(0) in text(start.ssml)


def test_a_store_that_throttles_and_asks_to_retry_later_still_gets_an_answer_in_time(
    build: Build, alexa: Alexa, throttling_endpoint: str, monkeypatch: pytest.MonkeyPatch,
    record_property: Record,
) -> None:  # fmt: skip
    conversation = alexa()
    point_dynamodb_at(monkeypatch, build, conversation, throttling_endpoint)
    launch = timed(conversation.launch, record_property)
    assert text(launch.ssml).startswith(text(phrases.COULD_NOT_LOAD))
