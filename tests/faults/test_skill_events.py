"""Skill events come without a session: disabling forgets the user's place, enabling is a no-op."""

from __future__ import annotations

from typing import Any

import pytest

import lambda_function
from sim.envelopes import USER_ID, Caller, SlotValue, envelope, skill_event
from tests.conversation.helpers import Alexa, Stored, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import ERROR_CODES, LiveDynamoDb, errors, leaks

NEIGHBOUR = "amzn1.ask.account.NEIGHBOUR"


def event(kind: str, user_id: str = USER_ID) -> dict[str, Any]:
    request = envelope(skill_event(kind), Caller(user_id=user_id))
    return lambda_function.lambda_handler(request, None)


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
    alexa: Alexa, stored: Stored, dynamodb: LiveDynamoDb,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    at_move_three(alexa)
    at_move_three(alexa, user_id=NEIGHBOUR)
    calls = len(dynamodb.calls)
    raw = event("SkillDisabled")
    assert_quiet_answer(raw)
    assert stored(USER_ID) is None
    assert stored(NEIGHBOUR) is not None
    assert dynamodb.calls[calls:] == ["DeleteItem"]
    assert errors(logs) == [], "the handler touched something a sessionless request lacks"
    assert leaks(logs, capsys) == []


def test_after_disabling_a_launch_is_a_first_time_welcome(alexa: Alexa, table: Any) -> None:
    at_move_three(alexa)
    event("SkillDisabled")
    welcome = alexa().launch()
    assert "welcome to upper back routine" in text(welcome.ssml)
    assert "welcome back" not in text(welcome.ssml)


def test_disabling_with_nothing_stored_is_answered_without_error(
    table: Any, logs: pytest.LogCaptureFixture
) -> None:
    assert_quiet_answer(event("SkillDisabled"))
    assert errors(logs) == []


def test_enabling_the_skill_is_answered_without_error_or_any_storage(
    dynamodb: LiveDynamoDb, table: Any, logs: pytest.LogCaptureFixture
) -> None:
    raw = event("SkillEnabled")
    assert_quiet_answer(raw)
    assert errors(logs) == []
    assert dynamodb.calls == []
    assert table.scan()["Items"] == []


@pytest.mark.parametrize("code", ERROR_CODES)
def test_a_delete_that_fails_is_logged_and_still_answered(
    alexa: Alexa, stored: Stored, dynamodb: LiveDynamoDb, code: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    at_move_three(alexa)
    with dynamodb.failing(("delete_item", code)):
        raw = event("SkillDisabled")
    assert_valid_response(raw, spoken=False)
    assert "outputSpeech" not in raw["response"]
    assert stored(USER_ID) is not None
    assert errors(logs), "a failed delete leaves a record behind: it must be logged"
    assert leaks(logs, capsys) == []
