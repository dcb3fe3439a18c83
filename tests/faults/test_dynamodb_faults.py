"""DynamoDB errors on read or write: the move is still spoken, the place kept, the save made later.

Each error code is injected with a botocore Stubber in front of the skill's own client (see the
``dynamodb`` fixture); moto answers every call outside a ``failing`` block.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.conversation import Conversation
from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import MOVES, Alexa, Stored, named, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import ERROR_CODES, LiveDynamoDb, errors, leaks
from upper_back.core.record import SESSION_KEY
from upper_back.render import phrases

SAVE_ONLY_CODES = ["ItemCollectionSizeLimitExceededException", "TransactionConflictException"]
COULD_NOT_LOAD = text(phrases.COULD_NOT_LOAD)


def at_move(table: Any, index: int, revision: int = 3) -> None:
    """A record saved by an earlier session: the user stopped in the middle of move ``index``."""
    attributes = {
        "schema": 1, "move": MOVES[index].id, "side": MOVES[index].sides[0]
        if MOVES[index].split_sides else "", "in_progress": True, "completed": 2,
        "revision": revision, "updated_at": "2026-11-01T08:00:00+00:00",
    }  # fmt: skip
    table.put_item(Item={"id": USER_ID, "attributes": attributes})


def session_record(conversation: Conversation) -> dict[str, Any]:
    return dict(conversation.attributes[SESSION_KEY])


def test_the_live_client_has_short_timeouts_and_at_most_two_attempts(
    dynamodb: LiveDynamoDb, alexa: Alexa
) -> None:
    alexa().launch()
    assert len(dynamodb.resources) == 1
    config = dynamodb.client.meta.config
    assert config.connect_timeout <= 1
    assert config.read_timeout <= 1
    assert config.retries["total_max_attempts"] <= 2
    assert config.retries["mode"] == "standard"
    assert dynamodb.calls == ["GetItem"]


@pytest.mark.parametrize("code", ERROR_CODES)
def test_a_failed_read_at_launch_says_so_briefly_and_offers_to_start_from_the_top(
    dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, stored: Stored, code: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    at_move(table, 3)
    before = stored(USER_ID)
    dynamodb.warm_up()
    conversation = alexa()
    with dynamodb.failing(("get_item", code)):
        turn = conversation.launch()
    assert_valid_response(turn.raw)
    heard = text(turn.ssml)
    assert heard.startswith(COULD_NOT_LOAD)
    assert text(phrases.OFFER_START) in heard
    assert not turn.ends_session
    assert stored(USER_ID) == before
    (logged,) = errors(logs)
    assert logged.getMessage() == "could not read the stored position"
    assert code in str(getattr(logged, "error", ""))
    assert leaks(logs, capsys) == []


@pytest.mark.parametrize("code", ERROR_CODES + SAVE_ONLY_CODES)
def test_a_failed_save_still_plays_the_move_and_the_next_turn_saves_it(
    dynamodb: LiveDynamoDb, alexa: Alexa, stored: Stored, code: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    conversation = alexa()
    conversation.launch()
    with dynamodb.failing(("put_item", code)):
        turn = conversation.say("GoToMoveIntent", number=SlotValue("3"))
    assert_valid_response(turn.raw)
    assert f"move three of five: the {named(2)}" in text(turn.ssml)
    assert not turn.ends_session
    assert stored(USER_ID) is None
    assert session_record(conversation)["move"] == MOVES[2].id
    assert session_record(conversation)["unsaved"] is True
    (logged,) = errors(logs)
    assert logged.getMessage() == "could not save the position"
    assert code in str(getattr(logged, "error", ""))

    repeat = conversation.say("AMAZON.RepeatIntent")  # does not move: the owed save still lands
    assert f"move three of five: the {named(2)}" in text(repeat.ssml)
    assert (stored(USER_ID) or {})["move"] == MOVES[2].id
    assert session_record(conversation)["unsaved"] is False
    assert leaks(logs, capsys) == []


def test_a_save_owed_when_the_user_walks_away_lands_with_the_session_end(
    dynamodb: LiveDynamoDb, alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    with dynamodb.failing(("put_item", "ThrottlingException")):
        conversation.say("GoToMoveIntent", number=SlotValue("4"))
    assert (stored(USER_ID) or {})["move"] == MOVES[2].id
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    assert (stored(USER_ID) or {})["move"] == MOVES[3].id
    assert dynamodb.calls[-1] == "PutItem"


def test_each_turn_with_a_failing_store_makes_one_call_and_then_leaves_the_store_alone(
    dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, stored: Stored
) -> None:
    at_move(table, 3, revision=5)
    dynamodb.warm_up()
    conversation = alexa()
    with dynamodb.failing(("get_item", "ServiceUnavailable")):
        conversation.launch()
    with dynamodb.failing(("get_item", "ServiceUnavailable")):  # no save attempt after it
        started = conversation.say("StartRoutineIntent")
    assert f"move one of five: the {named(0)}" in text(started.ssml)
    assert session_record(conversation)["unsaved"] is True
    assert (stored(USER_ID) or {})["move"] == MOVES[3].id, "nothing written while unreadable"
    moved = conversation.say("GoToMoveIntent", number=SlotValue("2"))  # the store is back
    assert f"move two of five: the {named(1)}" in text(moved.ssml)
    record = stored(USER_ID) or {}
    assert (record["move"], record["revision"]) == (MOVES[1].id, 6), "saved over revision 5"
    assert dynamodb.calls[-2:] == ["GetItem", "PutItem"]


def test_after_a_failed_read_yes_starts_from_the_top_as_offered(
    dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, stored: Stored
) -> None:
    at_move(table, 3)
    dynamodb.warm_up()
    conversation = alexa()
    with dynamodb.failing(("get_item", "InternalServerError")):
        conversation.launch()
    turn = conversation.say("AMAZON.YesIntent")
    assert f"move one of five: the {named(0)}" in text(turn.ssml)
    record = stored(USER_ID) or {}
    assert (record["move"], record["revision"]) == (MOVES[0].id, 4)


def test_after_a_failed_read_resume_picks_up_the_stored_place_once_it_can_be_read(
    dynamodb: LiveDynamoDb, alexa: Alexa, table: Any
) -> None:
    at_move(table, 3)
    dynamodb.warm_up()
    conversation = alexa()
    with dynamodb.failing(("get_item", "ThrottlingException")):
        conversation.launch()
    turn = conversation.say("AMAZON.ResumeIntent")
    assert named(3) in text(turn.ssml)
    assert text(phrases.RESUMED) in text(turn.ssml)


def test_a_failed_read_of_a_one_shot_request_still_answers_it(
    dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, logs: pytest.LogCaptureFixture
) -> None:
    at_move(table, 3)
    dynamodb.warm_up()
    with dynamodb.failing(("get_item", "AccessDeniedException")):
        turn = alexa().say("GoToMoveIntent", number=SlotValue("5"))
    assert_valid_response(turn.raw)
    assert f"move five of five: the {named(4)}" in text(turn.ssml)
    assert any(r.getMessage() == "could not read the stored position" for r in errors(logs))


def test_a_failed_read_before_a_go_to_does_not_promise_to_start_from_the_top(
    dynamodb: LiveDynamoDb, alexa: Alexa
) -> None:
    dynamodb.warm_up()
    with dynamodb.failing(("get_item", "ThrottlingException")):
        turn = alexa().say("GoToMoveIntent", number=SlotValue("5"))
    heard = text(turn.ssml)
    assert f"move five of five: the {named(4)}" in heard
    assert "start you from the top" not in heard, "it said so, then played move five"


def test_a_stale_device_whose_reload_fails_never_drags_the_stored_place_backwards(
    dynamodb: LiveDynamoDb, alexa: Alexa, stored: Stored
) -> None:
    kitchen = alexa(device_id="amzn1.ask.device.KITCHEN")
    bedroom = alexa(device_id="amzn1.ask.device.BEDROOM")
    kitchen.launch()
    kitchen.say("StartRoutineIntent")
    bedroom.launch()
    bedroom.say("AMAZON.YesIntent")  # picks up move one; its session now lags behind
    kitchen.say("GoToMoveIntent", number=SlotValue("4"))
    stale = ("put_item", "ConditionalCheckFailedException")
    with dynamodb.failing(stale, ("get_item", "ThrottlingException")):
        bedroom.say("NextMoveIntent")  # the kitchen saved first, and the reload fails
    bedroom.say("AMAZON.RepeatIntent")  # the store answers again
    index = [move.id for move in MOVES].index((stored(USER_ID) or {})["move"])
    assert index >= 3, f"the kitchen's move four was overwritten with move {index + 1}"
