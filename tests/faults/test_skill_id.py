"""With a skill id set, a request for another skill is refused before any handler or storage runs.

The deployed function reads ``SKILL_ID`` into ``Settings.skill_id``; here each handler is built
with ``Settings(table_name=TABLE, skill_id=...)``, as a container would be with it set.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.conversation import Conversation
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
from tests.conversation.helpers import MOVES, Stored, named, place, text, v2_record
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import Build, Handler, LiveDynamoDb, at, leaks
from upper_back.edge.app import ForeignSkillError

FOREIGN = Caller(skill_id="amzn1.ask.skill.11111111-2222-3333-4444-555555555555")
SESSION = "amzn1.echo-api.session.FOREIGN"
REQUESTS: dict[str, Envelope] = {
    "launch": envelope(launch_request(), FOREIGN, SESSION),
    "go to": envelope(intent_request("GoToMoveIntent", {"number": SlotValue("1")}), FOREIGN),
    "session end": envelope(session_ended_request(), FOREIGN, SESSION, new=False),
    "skill disabled": envelope(skill_event("SkillDisabled"), FOREIGN),
}


@pytest.fixture
def guarded(build: Build, dynamodb: LiveDynamoDb) -> Handler:
    """A container built with this skill's id set (its DynamoDB client watched)."""
    return build(skill_id=SKILL_ID)


def everything(table: Any) -> list[dict[str, Any]]:
    return sorted(table.scan(ConsistentRead=True)["Items"], key=lambda item: str(item["id"]))


def stopped_at_move_four(table: Any) -> None:
    table.put_item(Item={"id": USER_ID, "attributes": v2_record(MOVES[3].id, done=1, rev=7)})


@pytest.mark.parametrize("name", REQUESTS)
def test_a_cold_container_refuses_another_skill_without_building_a_dynamodb_client(
    guarded: Handler, dynamodb: LiveDynamoDb, table: Any, name: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    stopped_at_move_four(table)
    before = everything(table)
    with pytest.raises(ForeignSkillError):
        guarded(REQUESTS[name], None)
    assert dynamodb.resources == [], "no client, so no DynamoDB call could have been made"
    assert everything(table) == before
    assert any("another skill" in record.getMessage() for record in logs.records)
    assert leaks(logs, capsys) == []


@pytest.mark.parametrize("name", REQUESTS)
def test_a_warm_container_refuses_another_skill_without_a_single_dynamodb_call(
    guarded: Handler, dynamodb: LiveDynamoDb, table: Any, name: str
) -> None:
    stopped_at_move_four(table)
    Conversation(guarded).launch()  # a request for this skill: its DynamoDB client is built
    before = everything(table)
    calls = len(dynamodb.calls)
    with dynamodb.failing(), pytest.raises(ForeignSkillError):
        guarded(REQUESTS[name], None)
    assert dynamodb.calls[calls:] == []
    assert everything(table) == before


def test_a_request_without_an_application_id_is_refused_when_the_skill_id_is_set(
    guarded: Handler, dynamodb: LiveDynamoDb
) -> None:
    event = envelope(launch_request(), Caller(), SESSION)
    del event["context"]["System"]["application"]
    with pytest.raises(ForeignSkillError):
        guarded(event, None)
    assert dynamodb.resources == []


def test_a_request_for_this_skill_is_answered_and_saved(
    guarded: Handler, dynamodb: LiveDynamoDb, table: Any, stored: Stored
) -> None:
    stopped_at_move_four(table)
    conversation = Conversation(guarded)
    welcome = conversation.launch()
    assert_valid_response(welcome.raw)
    assert named(3) in text(welcome.ssml)
    turn = conversation.say("AMAZON.ResumeIntent")
    assert named(3) in text(turn.ssml)
    assert place(stored(USER_ID)) == at(3)
    assert dynamodb.calls == ["GetItem"], "resuming where it stopped changes nothing stored"
    conversation.say("PreviousMoveIntent")
    assert place(stored(USER_ID)) == at(2, part=1), "back from move four: move three's last side"
