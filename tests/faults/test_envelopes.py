"""Malformed or partial envelopes get a valid response, never an exception, and leak no ids.

Unexpected errors get a short apology that keeps the user's place: the session stays open with a
reprompt and its attributes go back unchanged. Logs say what broke, never who asked.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

from sim.conversation import Conversation
from sim.envelopes import (
    USER_ID,
    Caller,
    Envelope,
    SlotValue,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
)
from tests.conversation.helpers import Alexa, Stored, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import Build, LiveDynamoDb, errors, header, leaks, second_side
from upper_back.edge.app import Handler
from upper_back.render import phrases

SESSION = "amzn1.echo-api.session.MALFORMED"
HUGE = "9" * 100_000


def launch(**changes: Any) -> Envelope:
    """A launch in a new session, with top-level parts replaced (None: removed)."""
    event = envelope(launch_request(), Caller(), SESSION)
    for key, value in changes.items():
        if value is None:
            del event[key]
        else:
            event[key] = value
    return event


def go_to(*, session: bool = True, **slots: SlotValue) -> Envelope:
    return envelope(intent_request("GoToMoveIntent", slots), Caller(), SESSION if session else None)


def with_request(request: Any, attributes: dict[str, Any] | None = None) -> Envelope:
    event = envelope(launch_request(), Caller(), SESSION, attributes, new=False)
    event["request"] = request
    return event


def without_user() -> Envelope:
    event = launch()
    del event["context"]["System"]["user"]
    del event["session"]["user"]
    return event


def go_to_raw(slots: Any) -> Envelope:
    event = go_to()
    event["request"]["intent"]["slots"] = slots
    return event


NO_SLOTS = {"type": "IntentRequest", "intent": {"name": "GoToMoveIntent"}}
GARBAGE_SLOTS = {"number": {"name": "number", "value": {"a": 1}}}
STRING_ATTRIBUTES = {"new": False, "sessionId": SESSION, "attributes": "nonsense"}
HUGE_LOCALE = launch_request() | {"locale": "en-" + "X" * 50_000}
NO_TYPE = {"requestId": "r", "locale": "en-US"}
UNKNOWN_TYPE = {"type": "Alexa.Future.Thing"}
INTENT_NULL = {"type": "IntentRequest", "intent": None}

# (event, whether the reply must be spoken). Speech is required wherever Alexa could play it.
MALFORMED: dict[str, tuple[Any, bool]] = {
    "no session (launch)": (envelope(launch_request(), Caller()), True),
    "no session (one-shot go to)": (go_to(session=False, number=SlotValue("2")), True),
    "no context": (launch(context=None), True),
    "context without System": (launch(context={}), True),
    "context is a list": (launch(context=[1, 2]), False),
    "no user anywhere": (without_user(), True),
    "session is a string": (launch(session="nonsense"), False),
    "session attributes are a string": (launch(session=STRING_ATTRIBUTES), False),
    "session attributes hold garbage": (with_request(launch_request(), {"upper_back": [1]}), True),
    "an intent the model does not have": (envelope(intent_request("OrderPizza"), Caller()), True),
    "an intent with no slots at all": (with_request(NO_SLOTS), True),
    "slots = null": (go_to_raw(None), True),
    "slots hold garbage types": (go_to_raw(GARBAGE_SLOTS), True),
    "slot value ?": (go_to(number=SlotValue("?")), True),
    "ordinal ?": (go_to(ordinal=SlotValue("?")), True),
    "ER_SUCCESS_NO_MATCH": (go_to(move=SlotValue("hula hoop", custom_type="MoveName")), True),
    "a resolved id the routine lacks": (go_to(move=SlotValue("a", "gone", "a", "MoveName")), True),
    "number 0": (go_to(number=SlotValue("0")), True),
    "number -3": (go_to(number=SlotValue("-3")), True),
    "number 6": (go_to(number=SlotValue("6")), True),
    "number 9999": (go_to(number=SlotValue("9999")), True),
    "an enormous number": (go_to(number=SlotValue(HUGE)), True),
    "an enormous move name": (go_to(move=SlotValue("x" * 100_000, custom_type="MoveName")), True),
    "an enormous intent name": (envelope(intent_request("X" * 100_000), Caller(), SESSION), True),
    "an enormous locale": (envelope(HUGE_LOCALE, Caller(), SESSION), True),
    "missing request type": (with_request(NO_TYPE), True),
    # A new kind of request (a type the SDK's model does not know) is not spoken to: see
    # tests/conversation/test_records.py for it inside a session.
    "unknown request type": (with_request(UNKNOWN_TYPE), False),
    "request = null": (with_request(None), True),
    "request is a list": (with_request([1, 2, 3]), True),
    "request is a string": (with_request("LaunchRequest"), True),
    "intent = null": (with_request(INTENT_NULL), True),
    "timestamp is garbage": (with_request(launch_request() | {"timestamp": "yesterday"}), True),
    "session end with an unknown reason": (with_request(session_ended_request("BORED")), False),
    "event is empty": ({}, False),
    "event = null": (None, False),
    "event is a list": ([USER_ID], False),
    "event is a string": (USER_ID, False),
    "event is a number": (42, False),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_envelope_gets_a_valid_response_and_leaks_no_ids(
    handler: Handler, name: str, logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    event, spoken = MALFORMED[name]
    raw = handler(copy.deepcopy(event), None)
    assert_valid_response(raw, spoken=spoken)
    assert leaks(logs, capsys) == []


@pytest.mark.parametrize("name", ["no context", "context without System"])
def test_a_launch_without_a_context_is_welcomed_not_apologised_to(
    handler: Handler, name: str, logs: pytest.LogCaptureFixture
) -> None:
    raw = handler(copy.deepcopy(MALFORMED[name][0]), None)
    heard = text(raw["response"]["outputSpeech"]["ssml"])
    assert text(phrases.APOLOGY) not in heard, "the last resort hid a bug"
    assert heard.startswith(text(phrases.COULD_NOT_LOAD))
    assert errors(logs) == [], "no user to look up: nothing failed, nothing was read"


def test_a_launch_with_no_user_to_look_up_is_welcomed_without_touching_the_store(
    handler: Handler, dynamodb: LiveDynamoDb, logs: pytest.LogCaptureFixture
) -> None:
    raw = handler(copy.deepcopy(MALFORMED["no user anywhere"][0]), None)
    assert_valid_response(raw)
    heard = text(raw["response"]["outputSpeech"]["ssml"])
    assert text(phrases.APOLOGY) not in heard, "the last resort hid a bug"
    assert heard.startswith(text(phrases.COULD_NOT_LOAD))
    assert text(phrases.WELCOME_NEW) in heard
    assert dynamodb.calls == [], "there is no partition key to read"
    assert errors(logs) == []


def in_the_middle_of_move_three(alexa: Alexa) -> Conversation:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    return conversation


def same_session(conversation: Conversation, request: Any) -> Envelope:
    """``request`` as the next request of ``conversation``'s session: a dict gets the id, time
    and locale every request carries (its own fields win); anything else is sent as it is."""
    attributes = copy.deepcopy(conversation.attributes)
    event = envelope(launch_request(), conversation.caller, conversation.session_id, attributes,
                     new=False)  # fmt: skip
    common = {key: event["request"][key] for key in ("requestId", "timestamp", "locale")}
    event["request"] = {**common, **request} if isinstance(request, dict) else request
    return event


def assert_apology_keeping_the_session(raw: dict[str, Any], attributes: dict[str, Any]) -> None:
    assert_valid_response(raw)
    assert raw["response"].get("shouldEndSession") is False, "the session is kept open"
    assert raw.get("sessionAttributes") == attributes, "the session's place goes back unchanged"
    assert text(raw["response"]["outputSpeech"]["ssml"]) == text(phrases.APOLOGY)


@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param(None, id="request-null"),
        pytest.param(NO_TYPE, id="no-request-type"),
        pytest.param([1, 2, 3], id="request-is-a-list"),
    ],
)
def test_an_unreadable_request_mid_session_apologises_and_keeps_the_users_place(
    handler: Handler, alexa: Alexa, stored: Stored, request_body: Any,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    conversation = in_the_middle_of_move_three(alexa)
    before = stored(USER_ID)
    raw = handler(same_session(conversation, request_body), None)
    assert_apology_keeping_the_session(raw, conversation.attributes)
    assert stored(USER_ID) == before
    (logged,) = errors(logs)
    assert vars(logged).get("error"), "the error's type is logged"
    assert vars(logged).get("where"), "and where it was raised, to debug it"
    assert leaks(logs, capsys) == []


def test_an_error_inside_a_handler_apologises_keeps_the_place_and_logs_what_was_asked(
    build: Build, alexa: Alexa, stored: Stored,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A dependency that raises mid-turn (here the clock, read for a request without a
    timestamp): the SDK's exception handler answers, and the session goes on after it."""

    def broken_clock() -> datetime:
        raise RuntimeError("the clock is broken")

    conversation = in_the_middle_of_move_three(alexa)
    before = stored(USER_ID)
    event = same_session(conversation, intent_request("NextMoveIntent"))
    del event["request"]["timestamp"]  # so the turn asks the clock
    raw = build(clock=broken_clock)(event, None)
    assert_apology_keeping_the_session(raw, conversation.attributes)
    assert stored(USER_ID) == before
    (logged,) = errors(logs)
    assert logged.getMessage() == "unhandled error"
    assert getattr(logged, "type", None) == "IntentRequest"
    assert getattr(logged, "intent", None) == "NextMoveIntent"
    assert getattr(logged, "error", None) == "RuntimeError"
    assert leaks(logs, capsys) == []
    after = conversation.say("NextMoveIntent")  # the same session, on a working container
    assert second_side(2) in text(after.ssml)


# Request types Alexa may send that the skill does not act on, with the least each must carry.
NOT_ACTED_ON: dict[str, dict[str, Any]] = {
    "Connections.Response": {"name": "Buy", "status": {"code": "200"}, "token": "t"},
    "Reminders.ReminderCreated": {"body": {"alertToken": "a"}},
    "Reminders.ReminderUpdated": {"body": {"alertToken": "a"}},
    "Reminders.ReminderStarted": {"body": {"alertToken": "a"}},
    "Reminders.ReminderStatusChanged": {"body": {"alertToken": "a"}},
    "System.ExceptionEncountered": {
        "error": {"type": "INVALID_RESPONSE", "message": "x"},
        "cause": {"requestId": "r"},
    },
    # Types the SDK knows that no handler here takes: the same empty answer.
    "CanFulfillIntentRequest": {"intent": {"name": "NextMoveIntent"}},
    "Messaging.MessageReceived": {"message": {"text": "hello"}},
    "AudioPlayer.PlaybackStarted": {"token": "t", "offsetInMilliseconds": 0},
    # A type the SDK's model does not know at all (a new kind of event): the same.
    UNKNOWN_TYPE["type"]: {},
}


@pytest.mark.parametrize("kind", NOT_ACTED_ON)
def test_a_request_type_not_acted_on_gets_an_empty_answer_and_breaks_nothing(
    handler: Handler, alexa: Alexa, stored: Stored, dynamodb: LiveDynamoDb, kind: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    conversation = in_the_middle_of_move_three(alexa)
    before, calls = stored(USER_ID), len(dynamodb.calls)
    raw = handler(same_session(conversation, {"type": kind, **NOT_ACTED_ON[kind]}), None)
    assert_valid_response(raw, spoken=False)
    assert raw["response"] == {}, "no speech, no reprompt, no card, no end of session"
    assert raw.get("sessionAttributes") == conversation.attributes
    assert stored(USER_ID) == before
    assert dynamodb.calls[calls:] == []
    assert errors(logs) == []
    assert leaks(logs, capsys) == []
    after = conversation.say("AMAZON.RepeatIntent")  # the session goes on where it was
    assert header(2) in text(after.ssml)


@pytest.mark.parametrize(
    "tap",
    [
        {"token": "upper-back", "arguments": ["next"]},  # a screen that is not ours
        {"token": "upper-back-routine.9.2-0"},  # no arguments at all
        {"arguments": [{"next": True}, 3]},  # no token, arguments of another shape
    ],
    ids=["stranger-token", "no-arguments", "odd-arguments"],
)
def test_a_tap_carrying_little_or_odd_data_is_answered_and_changes_nothing(
    handler: Handler, alexa: Alexa, stored: Stored, dynamodb: LiveDynamoDb,
    tap: dict[str, Any], logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A tap (``Alexa.Presentation.APL.UserEvent``) is acted on like words (issue 11): one that
    cannot be matched to the screen shown, or to a button, is answered, and nothing moves."""
    conversation = in_the_middle_of_move_three(alexa)
    before, calls = stored(USER_ID), len(dynamodb.calls)
    event = same_session(conversation, {"type": "Alexa.Presentation.APL.UserEvent", **tap})
    raw = handler(event, None)
    response = assert_valid_response(raw, spoken=True)["response"]
    heard = text(response["outputSpeech"]["ssml"])
    assert text(phrases.STALE_SCREEN) in heard or text(phrases.FALLBACK) in heard
    assert text(phrases.APOLOGY) not in heard
    assert response["shouldEndSession"] is False
    assert stored(USER_ID) == before
    assert dynamodb.calls[calls:] == []
    assert errors(logs) == []
    assert leaks(logs, capsys) == []


def test_the_last_resort_phrase_is_never_what_an_ordinary_turn_says(alexa: Alexa) -> None:
    conversation = in_the_middle_of_move_three(alexa)
    for intent in ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "OrderPizzaIntent"):
        heard = text(conversation.say(intent).ssml)
        assert text(phrases.APOLOGY) not in heard
        assert text(phrases.UNREADABLE) not in heard
