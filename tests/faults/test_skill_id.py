"""With SKILL_ID set, a request for another skill is refused before any handler or storage runs."""

from __future__ import annotations

from typing import Any

import pytest

import lambda_function
from sim.envelopes import (
    SKILL_ID,
    USER_ID,
    Caller,
    Envelope,
    SlotValue,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
    skill_event,
)
from tests.conversation.helpers import MOVES, Alexa, Stored, named, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import LiveDynamoDb, leaks

FOREIGN = Caller(skill_id="amzn1.ask.skill.11111111-2222-3333-4444-555555555555")
SESSION = "amzn1.echo-api.session.FOREIGN"
REQUESTS: dict[str, Envelope] = {
    "launch": envelope(launch_request(), FOREIGN, SESSION),
    "go to": envelope(intent_request("GoToMoveIntent", {"number": SlotValue("1")}), FOREIGN),
    "session end": envelope(session_ended_request(), FOREIGN, SESSION, new=False),
    "skill disabled": envelope(skill_event("SkillDisabled"), FOREIGN),
}


@pytest.fixture
def skill_id(dynamodb: LiveDynamoDb, monkeypatch: pytest.MonkeyPatch) -> str:
    """The deployed configuration: SKILL_ID set (read when the next request builds the skill)."""
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    lambda_function.reset()
    return SKILL_ID


def everything(table: Any) -> list[dict[str, Any]]:
    return sorted(table.scan(ConsistentRead=True)["Items"], key=lambda item: str(item["id"]))


def stopped_at_move_four(table: Any) -> None:
    record = {"schema": 1, "move": MOVES[3].id, "side": "", "in_progress": True,
              "completed": 1, "revision": 7, "updated_at": "2026-11-01T08:00:00+00:00"}  # fmt: skip
    table.put_item(Item={"id": USER_ID, "attributes": record})


@pytest.mark.parametrize("name", REQUESTS)
def test_a_cold_container_refuses_another_skill_without_building_a_dynamodb_client(
    skill_id: str, dynamodb: LiveDynamoDb, table: Any, name: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    stopped_at_move_four(table)
    before = everything(table)
    with pytest.raises(lambda_function.ForeignSkillError):
        lambda_function.lambda_handler(REQUESTS[name], None)
    assert dynamodb.resources == [], "no client, so no DynamoDB call could have been made"
    assert everything(table) == before
    assert any("another skill" in record.getMessage() for record in logs.records)
    assert leaks(logs, capsys) == []


@pytest.mark.parametrize("name", REQUESTS)
def test_a_warm_container_refuses_another_skill_without_a_single_dynamodb_call(
    skill_id: str, dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, name: str
) -> None:
    stopped_at_move_four(table)
    alexa().launch()  # a request for this skill: the skill and its client are built
    before = everything(table)
    calls = len(dynamodb.calls)
    with dynamodb.failing(), pytest.raises(lambda_function.ForeignSkillError):
        lambda_function.lambda_handler(REQUESTS[name], None)
    assert dynamodb.calls[calls:] == []
    assert everything(table) == before


def test_a_request_without_an_application_id_is_refused_when_the_skill_id_is_set(
    skill_id: str, dynamodb: LiveDynamoDb
) -> None:
    event = envelope(launch_request(), Caller(), SESSION)
    del event["context"]["System"]["application"]
    with pytest.raises(lambda_function.ForeignSkillError):
        lambda_function.lambda_handler(event, None)
    assert dynamodb.resources == []


def test_a_request_for_this_skill_is_answered_and_saved(
    skill_id: str, dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, stored: Stored
) -> None:
    stopped_at_move_four(table)
    conversation = alexa()
    welcome = conversation.launch()
    assert_valid_response(welcome.raw)
    assert named(3) in text(welcome.ssml)
    turn = conversation.say("AMAZON.ResumeIntent")
    assert named(3) in text(turn.ssml)
    assert (stored(USER_ID) or {})["move"] == MOVES[3].id
    assert dynamodb.calls == ["GetItem"]
    conversation.say("PreviousMoveIntent")
    assert (stored(USER_ID) or {})["move"] == MOVES[2].id
