"""Bad input gets a clear spoken answer and a log line; never a crash, never a lost place."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import MOVES, Alexa, Stored, named, text


def store(table: Any, attributes: Any, key: str = USER_ID) -> None:
    table.put_item(Item={"id": key, "attributes": attributes})


def record(move: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema": 1, "move": move, "side": "", "in_progress": True, "completed": 0,
        "revision": 3, "updated_at": "2026-11-01T08:00:00+00:00",
    }  # fmt: skip
    return {**base, **overrides}


def test_an_intent_the_model_does_not_have_is_answered_and_logged(
    alexa: Alexa, stored: Stored, caplog: pytest.LogCaptureFixture
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("2"))
    before = stored(USER_ID)
    with caplog.at_level(logging.WARNING):
        turn = conversation.say("OrderPizzaIntent")
    assert "did not get that" in text(turn.ssml)
    assert named(1) in text(turn.ssml)
    assert not turn.ends_session
    assert turn.reprompt
    assert any("intent not in the model" in r.getMessage() for r in caplog.records)
    assert stored(USER_ID) == before


@pytest.mark.parametrize(
    "slots",
    [
        {},
        {"number": SlotValue("?")},
        {"number": SlotValue(None)},
        {"ordinal": SlotValue("third")},
        {"number": SlotValue("9" * 5000)},
        {"number": SlotValue("-2")},
        {"move": SlotValue("x" * 10_000, custom_type="MoveName")},
    ],
)
def test_a_go_to_without_a_usable_move_lists_the_moves_and_keeps_the_place(
    alexa: Alexa, stored: Stored, slots: dict[str, SlotValue]
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("2"))
    before = stored(USER_ID)
    turn = conversation.say("GoToMoveIntent", **slots)
    heard = text(turn.ssml)
    assert all(move.spoken_name().lower() in heard for move in MOVES)
    assert "x" * 50 not in heard, "what the user said is never echoed back"
    assert not turn.ends_session
    assert stored(USER_ID) == before


def test_move_zero_is_refused_by_number(alexa: Alexa) -> None:
    turn = alexa().say("GoToMoveIntent", number=SlotValue("0"))
    assert "no move zero" in text(turn.ssml)


def test_a_place_saved_days_ago_is_offered_on_launch(alexa: Alexa, table: Any) -> None:
    store(table, record(MOVES[3].id, updated_at="2026-10-01T07:00:00+00:00"))
    welcome = alexa().launch()
    assert "welcome back" in text(welcome.ssml)
    assert named(3) in text(welcome.ssml)


def test_numbers_come_back_from_dynamodb_as_decimals_and_still_decode(
    alexa: Alexa, table: Any
) -> None:
    store(table, record(MOVES[3].id, completed=Decimal(4), revision=Decimal(9)))
    conversation = alexa()
    conversation.launch()
    assert named(3) in text(conversation.say("AMAZON.ResumeIntent").ssml)


@pytest.mark.parametrize(
    ("attributes", "note"),
    [
        (record("move_that_was_removed"), "routine has changed"),
        (record(MOVES[1].id, schema=99), "older version"),
        (record(MOVES[1].id, in_progress="yes"), "could not read your saved place"),
        ({"garbage": ["not", "a", "record"]}, "older version"),
        ("not even a map", "could not read your saved place"),
    ],
)
def test_a_stored_record_that_cannot_be_used_starts_fresh_with_a_short_note(
    alexa: Alexa, table: Any, stored: Stored, attributes: Any, note: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    store(table, attributes)
    with caplog.at_level(logging.WARNING):
        turn = alexa().launch()
    assert note in text(turn.ssml)
    assert "welcome" in text(turn.ssml)
    assert not turn.ends_session
    assert any("stored record unusable" in r.getMessage() for r in caplog.records)


def test_a_removed_move_keeps_the_count_of_finished_routines(
    alexa: Alexa, table: Any, stored: Stored
) -> None:
    store(table, record("move_that_was_removed", completed=7))
    conversation = alexa()
    conversation.launch()
    conversation.say("AMAZON.YesIntent")
    assert (stored(USER_ID) or {})["completed"] == 7


def test_a_side_that_no_longer_exists_falls_back_to_the_first_side(
    alexa: Alexa, table: Any
) -> None:
    split = next(move for move in MOVES if move.split_sides)
    store(table, record(split.id, side="upside down"))
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("AMAZON.ResumeIntent")
    assert f"{split.sides[0]} side" in text(turn.ssml)


@pytest.mark.parametrize(
    "attributes",
    [
        {"schema": 0, "move": 1},
        {"garbage": ["not", "a", "record"]},
        {k: v for k, v in record(MOVES[2].id).items() if k != "revision"},
        record(MOVES[2].id, revision="seven"),
        record(MOVES[2].id, revision=-4),
    ],
)
def test_a_record_without_a_usable_revision_is_replaced_by_the_next_move(
    alexa: Alexa, table: Any, stored: Stored, attributes: Any
) -> None:
    store(table, attributes)
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    turn = conversation.say("NextMoveIntent")
    assert named(1) in text(turn.ssml)
    saved = stored(USER_ID) or {}
    assert saved["move"] == MOVES[1].id
    assert conversation.say("NextMoveIntent").ssml != turn.ssml
    assert (stored(USER_ID) or {})["revision"] == saved["revision"] + 1
