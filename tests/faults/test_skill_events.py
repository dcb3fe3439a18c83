"""Skill events come without a session: disabling forgets the user's place, enabling is a no-op."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sim.envelopes import USER_ID, Caller, SlotValue, envelope, skill_event
from tests.conversation.helpers import Alexa, Stored, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import ERROR_CODES, Handler, LiveDynamoDb, errors, leaks
from upper_back.render import phrases

NEIGHBOUR = "amzn1.ask.account.NEIGHBOUR"


def event(handler: Handler, kind: str, user_id: str = USER_ID) -> dict[str, Any]:
    return handler(envelope(skill_event(kind), Caller(user_id=user_id)), None)


def at_move_three(alexa: Alexa, **caller: Any) -> None:
    conversation = alexa(**caller)
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))


def assert_quiet_answer(raw: dict[str, Any]) -> None:
    """What a skill event gets back: a valid response that says nothing and holds no session."""
    assert_valid_response(raw, spoken=False)
    assert "outputSpeech" not in raw["response"]
    assert "sessionAttributes" not in raw
    assert "shouldEndSession" not in raw["response"]


def test_disabling_the_skill_deletes_that_users_record_and_no_other(
    handler: Handler, alexa: Alexa, stored: Stored, dynamodb: LiveDynamoDb,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    at_move_three(alexa)
    at_move_three(alexa, user_id=NEIGHBOUR)
    calls = len(dynamodb.calls)
    raw = event(handler, "SkillDisabled")
    assert_quiet_answer(raw)
    assert stored(USER_ID) is None
    assert stored(NEIGHBOUR) is not None
    assert dynamodb.calls[calls:] == ["DeleteItem"]
    assert errors(logs) == [], "the handler touched something a sessionless request lacks"
    assert leaks(logs, capsys) == []


def test_after_disabling_a_launch_is_a_first_time_welcome(handler: Handler, alexa: Alexa) -> None:
    at_move_three(alexa)
    event(handler, "SkillDisabled")
    welcome = text(alexa().launch().ssml)
    assert welcome.startswith(text(phrases.WELCOME_NEW))
    assert text(phrases.WELCOME_BACK_DONE) not in welcome


def test_disabling_with_nothing_stored_is_answered_without_error(
    handler: Handler, logs: pytest.LogCaptureFixture
) -> None:
    assert_quiet_answer(event(handler, "SkillDisabled"))
    assert errors(logs) == []


def test_enabling_the_skill_is_answered_without_error_or_any_storage(
    handler: Handler, dynamodb: LiveDynamoDb, table: Any, logs: pytest.LogCaptureFixture
) -> None:
    raw = event(handler, "SkillEnabled")
    assert_quiet_answer(raw)
    assert errors(logs) == []
    assert dynamodb.resources == [], "not even a client is built"
    assert table.scan()["Items"] == []


@pytest.mark.parametrize("code", ERROR_CODES)
def test_a_delete_that_fails_is_logged_and_still_answered(
    handler: Handler, alexa: Alexa, stored: Stored, dynamodb: LiveDynamoDb, code: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    at_move_three(alexa)
    with dynamodb.failing(("delete_item", code)):
        raw = event(handler, "SkillDisabled")
    assert_valid_response(raw, spoken=False)
    assert "outputSpeech" not in raw["response"]
    assert stored(USER_ID) is not None
    warned = [r for r in logs.records if r.levelno >= logging.WARNING and code in r.getMessage()]
    assert warned, "a failed delete leaves a record behind: it must be logged, with its cause"
    assert [r.getMessage() for r in errors(logs)] == ["could not forget a disabled user's record"]
    assert leaks(logs, capsys) == []
