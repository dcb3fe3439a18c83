"""DynamoDB errors on read or write: the move is still spoken, the place kept, the save made later.

Each error code is injected with a botocore Stubber in front of the skill's own client (see the
``dynamodb`` fixture); moto answers every call outside a ``failing`` block.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import (
    MOVES,
    Alexa,
    Stored,
    completed,
    place,
    revision,
    text,
    v2_record,
)
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import (
    ERROR_CODES,
    LiveDynamoDb,
    at,
    errors,
    header,
    leaks,
    owed,
    said,
    second_side,
    session_record,
)
from upper_back.edge.app import Handler
from upper_back.render import phrases

SAVE_ONLY_CODES = ["ItemCollectionSizeLimitExceededException", "TransactionConflictException"]
COULD_NOT_LOAD = text(phrases.COULD_NOT_LOAD)


def at_move(table: Any, index: int, rev: int = 3) -> None:
    """A record saved by an earlier session: the user stopped in the middle of move ``index``."""
    side = MOVES[index].sides[0] if MOVES[index].split_sides else ""
    attributes = v2_record(MOVES[index].id, side, done=2, rev=rev)
    table.put_item(Item={"id": USER_ID, "attributes": attributes})


def test_the_live_client_has_short_timeouts_and_one_attempt(
    dynamodb: LiveDynamoDb, alexa: Alexa
) -> None:
    assert dynamodb.resources == [], "building the handler makes no client"
    alexa().launch()
    assert len(dynamodb.resources) == 1
    config = dynamodb.client.meta.config
    assert config.connect_timeout <= 1
    assert config.read_timeout <= 1
    # One attempt: a retry could wait on a server's x-amz-retry-after; the save is owed instead.
    assert config.retries["total_max_attempts"] == 1
    assert config.retries["mode"] == "standard"
    assert dynamodb.calls == ["GetItem"]


@pytest.mark.parametrize("code", ERROR_CODES)
def test_a_failed_read_at_launch_says_so_briefly_and_offers_to_start_from_the_top(
    dynamodb: LiveDynamoDb, handler: Handler, alexa: Alexa, table: Any, stored: Stored, code: str,
    logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    at_move(table, 3)
    before = stored(USER_ID)
    dynamodb.warm_up(handler)
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
    assert logged.getMessage() == "could not read the stored place"
    assert code in str(getattr(logged, "reason", ""))
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
    assert header(2) in text(turn.ssml)
    assert not turn.ends_session
    assert stored(USER_ID) is None
    assert place(session_record(conversation)) == at(2)
    assert owed(conversation)
    (logged,) = errors(logs)
    assert logged.getMessage() == "could not save the place"
    assert code in str(getattr(logged, "reason", ""))

    repeat = conversation.say("AMAZON.RepeatIntent")  # does not move: the owed save still lands
    assert header(2) in text(repeat.ssml)
    assert place(stored(USER_ID)) == at(2)
    assert not owed(conversation)
    assert leaks(logs, capsys) == []


def test_a_save_owed_when_the_user_walks_away_lands_with_the_session_end(
    dynamodb: LiveDynamoDb, alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    with dynamodb.failing(("put_item", "ThrottlingException")):
        conversation.say("GoToMoveIntent", number=SlotValue("4"))
    assert place(stored(USER_ID)) == at(2)
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    assert place(stored(USER_ID)) == at(3)
    assert dynamodb.calls[-1] == "PutItem"


def test_each_turn_with_a_failing_store_makes_one_call_and_then_leaves_the_store_alone(
    dynamodb: LiveDynamoDb, handler: Handler, alexa: Alexa, table: Any, stored: Stored
) -> None:
    at_move(table, 3, rev=5)
    dynamodb.warm_up(handler)
    conversation = alexa()
    with dynamodb.failing(("get_item", "ServiceUnavailable")):
        conversation.launch()
    with dynamodb.failing(("get_item", "ServiceUnavailable")):  # no save attempt after it
        started = conversation.say("StartRoutineIntent")
    assert header(0) in text(started.ssml)
    assert owed(conversation)
    assert place(stored(USER_ID)) == at(3), "nothing written while unreadable"
    moved = conversation.say("GoToMoveIntent", number=SlotValue("2"))  # the store is back
    assert header(1) in text(moved.ssml)
    record = stored(USER_ID)
    assert (place(record), revision(record)) == (at(1), 6), "saved over revision 5"
    assert completed(record) == 2, "the routines done before the failed reads are still counted"
    assert dynamodb.calls[-2:] == ["GetItem", "PutItem"]


def test_after_a_failed_read_yes_starts_from_the_top_as_offered(
    dynamodb: LiveDynamoDb, handler: Handler, alexa: Alexa, table: Any, stored: Stored
) -> None:
    at_move(table, 3)
    dynamodb.warm_up(handler)
    conversation = alexa()
    with dynamodb.failing(("get_item", "InternalServerError")):
        conversation.launch()
    turn = conversation.say("AMAZON.YesIntent")
    assert header(0) in text(turn.ssml)
    record = stored(USER_ID)
    assert (place(record), revision(record)) == (at(0), 4)


def test_after_a_failed_read_resume_picks_up_the_stored_place_once_it_can_be_read(
    dynamodb: LiveDynamoDb, handler: Handler, alexa: Alexa, table: Any
) -> None:
    at_move(table, 3)
    dynamodb.warm_up(handler)
    conversation = alexa()
    with dynamodb.failing(("get_item", "ThrottlingException")):
        conversation.launch()
    turn = conversation.say("AMAZON.ResumeIntent")
    assert header(3) in text(turn.ssml)
    assert text(phrases.RESUMED) in text(turn.ssml)


def test_a_failed_read_of_a_one_shot_request_still_answers_it(
    dynamodb: LiveDynamoDb, handler: Handler, alexa: Alexa, table: Any,
    logs: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    at_move(table, 3)
    dynamodb.warm_up(handler)
    with dynamodb.failing(("get_item", "AccessDeniedException")):
        turn = alexa().say("GoToMoveIntent", number=SlotValue("5"))
    assert_valid_response(turn.raw)
    assert header(4) in text(turn.ssml)
    assert any(r.getMessage() == "could not read the stored place" for r in errors(logs))


def test_a_failed_read_before_a_go_to_does_not_promise_to_start_from_the_top(
    dynamodb: LiveDynamoDb, handler: Handler, alexa: Alexa
) -> None:
    dynamodb.warm_up(handler)
    with dynamodb.failing(("get_item", "ThrottlingException")):
        turn = alexa().say("GoToMoveIntent", number=SlotValue("5"))
    heard = text(turn.ssml)
    assert heard.startswith(text(phrases.COULD_NOT_REACH))
    assert header(4) in heard
    assert COULD_NOT_LOAD not in heard, "it promised the top, then played move five"


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
    moved = place(stored(USER_ID))
    assert moved is not None
    index = [move.id for move in MOVES].index(moved[0])
    assert index >= 3, f"the kitchen's move four was overwritten with move {index + 1}"


def test_a_save_throttled_twice_in_a_row_ends_with_an_honest_goodbye_naming_the_stored_place(
    dynamodb: LiveDynamoDb, alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("2"))
    assert place(stored(USER_ID)) == at(1)
    with dynamodb.failing(("put_item", "ThrottlingException")):
        moved = conversation.say("GoToMoveIntent", number=SlotValue("4"))
    assert header(3) in text(moved.ssml)
    with dynamodb.failing(("put_item", "ProvisionedThroughputExceededException")):
        goodbye = conversation.say("AMAZON.StopIntent")  # the owed save fails again
    assert_valid_response(goodbye.raw)
    assert goodbye.ends_session
    assert text(goodbye.ssml) == " ".join(
        [
            said(phrases.STOPPING_AT, 3),
            text(phrases.NOT_SAVED),
            said(phrases.PICK_UP_FROM, 1),
            text(phrases.BYE),
        ]
    )
    record = stored(USER_ID)
    assert (place(record), revision(record)) == (at(1), 1), "what the goodbye said is kept"
    assert dynamodb.calls == ["GetItem", "PutItem", "PutItem", "PutItem"]


def test_a_record_from_a_newer_version_is_read_and_never_written(
    dynamodb: LiveDynamoDb, alexa: Alexa, table: Any, stored: Stored
) -> None:
    """Written by a later version of the skill (schema 3, with a field this code does not
    know): read for what this code understands, and left exactly as it is."""
    newer = v2_record(MOVES[2].id, MOVES[2].sides[0], done=4, rev=9, schema=3, habit={"days": 5})
    table.put_item(Item={"id": USER_ID, "attributes": newer})
    before = stored(USER_ID)
    conversation = alexa()
    welcome = conversation.launch()
    assert text(welcome.ssml).startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, 2))
    resumed = conversation.say("AMAZON.YesIntent")
    assert header(2) in text(resumed.ssml)
    moved = conversation.say("NextMoveIntent")
    assert second_side(2) in text(moved.ssml)
    goodbye = conversation.say("AMAZON.StopIntent")
    assert_valid_response(goodbye.raw)
    heard = text(goodbye.ssml)
    assert heard == f"{said(phrases.STOPPING_AT, 2, 1)} {text(phrases.BYE)}", "no claim either way"
    assert stored(USER_ID) == before
    assert dynamodb.calls == ["GetItem"], "read once, never written"


def test_a_session_end_for_a_reason_this_sdk_does_not_know_still_lands_the_owed_save(
    dynamodb: LiveDynamoDb, alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("2"))
    with dynamodb.failing(("put_item", "ThrottlingException")):
        conversation.say("GoToMoveIntent", number=SlotValue("4"))
    ended = conversation.end_session("USER_IDLE")  # a reason Alexa might add one day
    assert ended is not None
    assert_valid_response(ended.raw, spoken=False)
    assert "outputSpeech" not in ended.response, "nothing can be said into an ended session"
    assert place(stored(USER_ID)) == at(3)
