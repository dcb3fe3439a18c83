"""Bad input gets a clear spoken answer and a log line; never a crash, never a lost place."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from sim.envelopes import USER_ID, SlotValue, intent_request
from tests.conversation.helpers import (
    MOVES,
    Alexa,
    Stored,
    completed,
    named,
    place,
    revision,
    text,
    v1_record,
    v2_record,
)
from tests.fakes.store import MemoryStore
from upper_back.render import phrases

SPLIT_MOVE = next(move for move in MOVES if move.split_sides)
NOTES = (phrases.MOVE_REMOVED, phrases.UNREADABLE_PLACE, phrases.COULD_NOT_LOAD,
         phrases.COULD_NOT_REACH)  # fmt: skip


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


def test_a_place_saved_days_ago_is_offered_on_launch(alexa: Alexa, store: MemoryStore) -> None:
    store.put(USER_ID, v2_record(MOVES[3].id, updated_at="2026-10-01T07:00:00+00:00"))
    welcome = alexa().launch()
    assert "welcome back" in text(welcome.ssml)
    assert named(3) in text(welcome.ssml)


def test_numbers_come_back_from_dynamodb_as_decimals_and_still_decode(
    alexa: Alexa, store: MemoryStore
) -> None:
    progress = {"completed": Decimal(4), "days": []}
    store.put(USER_ID, v2_record(MOVES[3].id, revision=Decimal(9), progress=progress))
    conversation = alexa()
    conversation.launch()
    assert named(3) in text(conversation.say("AMAZON.ResumeIntent").ssml)


@pytest.mark.parametrize(
    ("attributes", "note"),
    [
        (v2_record("move_that_was_removed"), phrases.MOVE_REMOVED),
        # Schema 1, as the first shipped version wrote it: judged after its upgrade.
        (v1_record("move_that_was_removed"), phrases.MOVE_REMOVED),
        (v1_record(MOVES[1].id, in_progress="yes"), phrases.UNREADABLE_PLACE),
        # A schema that never shipped: missing, not a whole number, or below 1.
        ({"garbage": ["not", "a", "record"]}, phrases.UNREADABLE_PLACE),
        (v2_record(MOVES[1].id, schema="two"), phrases.UNREADABLE_PLACE),
        (v2_record(MOVES[1].id, schema=Decimal("2.5")), phrases.UNREADABLE_PLACE),
        (v2_record(MOVES[1].id, schema=True), phrases.UNREADABLE_PLACE),
        (v2_record(MOVES[1].id, schema=0), phrases.UNREADABLE_PLACE),
        (v2_record(MOVES[1].id, schema=-3), phrases.UNREADABLE_PLACE),
        ("not even a map", phrases.UNREADABLE_PLACE),
    ],
)
def test_a_stored_record_that_cannot_be_used_starts_fresh_with_a_short_note(
    alexa: Alexa, store: MemoryStore, attributes: Any, note: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    store.put(USER_ID, attributes)
    with caplog.at_level(logging.WARNING):
        turn = alexa().launch()
    heard = text(turn.ssml)
    assert heard.startswith(text(note))
    assert text(phrases.WELCOME_NEW) in heard
    assert text(phrases.OFFER_START) in heard
    assert not turn.ends_session
    assert any("stored record unusable" in r.getMessage() for r in caplog.records)


def test_a_record_from_the_first_shipped_version_is_read_without_any_note(
    alexa: Alexa, store: MemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    split = SPLIT_MOVE
    # Schema 1 on purpose: an older record is upgraded, not started afresh.
    store.put(USER_ID, v1_record(split.id, side=split.sides[1], completed=2))
    with caplog.at_level(logging.WARNING):
        turn = alexa().launch()
    heard = text(turn.ssml)
    assert heard.startswith("welcome back")
    assert named(MOVES.index(split)) in heard
    assert f"{split.sides[1]} side" in heard
    assert not any(text(note) in heard for note in NOTES)
    assert not any("stored record unusable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("schema", [3, 99, Decimal(7)])
def test_a_record_from_a_newer_version_is_read_silently(
    alexa: Alexa, store: MemoryStore, schema: Any
) -> None:
    split = SPLIT_MOVE
    store.put(USER_ID, v2_record(split.id, split.sides[1], done=2, schema=schema))
    before = dict(store.records)
    conversation = alexa()
    heard = text(conversation.launch().ssml)
    assert heard.startswith("welcome back")
    assert named(MOVES.index(split)) in heard
    assert f"{split.sides[1]} side" in heard
    assert not any(text(note) in heard for note in NOTES)
    assert "version" not in heard
    conversation.say("AMAZON.YesIntent")
    conversation.say("NextMoveIntent")
    assert store.records == before, "a record newer than the code is never written"
    assert "save" not in store.calls


def test_a_newer_record_whose_fields_this_code_cannot_read_is_read_silently_too(
    alexa: Alexa, store: MemoryStore
) -> None:
    # A made-up future shape: nothing this code knows, flat fields it has never seen.
    store.put(USER_ID, {"schema": 9, "revision": 4, "spot": {"at": 3}, "tally": 2})
    before = dict(store.records)
    conversation = alexa()
    heard = text(conversation.launch().ssml)
    assert not any(text(note) in heard for note in NOTES)
    assert "fresh" not in heard
    assert not conversation.history[-1].ends_session
    conversation.say("AMAZON.YesIntent")
    assert store.records == before, "a record newer than the code is never written"
    assert "save" not in store.calls


@pytest.mark.parametrize(
    "record",
    [
        # Schema 1 on purpose: the count survives the upgrade of a record whose move is gone.
        v1_record("move_that_was_removed", completed=7),
        v2_record("move_that_was_removed", done=7),
    ],
)
def test_a_removed_move_keeps_the_count_of_finished_routines(
    alexa: Alexa, store: MemoryStore, stored: Stored, record: dict[str, Any]
) -> None:
    store.put(USER_ID, record)
    conversation = alexa()
    conversation.launch()
    conversation.say("AMAZON.YesIntent")
    assert completed(stored(USER_ID)) == 7


def test_a_side_that_no_longer_exists_falls_back_to_the_first_side(
    alexa: Alexa, store: MemoryStore
) -> None:
    split = SPLIT_MOVE
    store.put(USER_ID, v2_record(split.id, side="upside down"))
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("AMAZON.ResumeIntent")
    assert f"{split.sides[0]} side" in text(turn.ssml)


@pytest.mark.parametrize(
    "attributes",
    [
        {"schema": 0, "move": 1},
        {"garbage": ["not", "a", "record"]},
        # Schema 1 on purpose: records the first shipped version wrote, or damaged since.
        {k: v for k, v in v1_record(MOVES[2].id).items() if k != "revision"},
        v1_record(MOVES[2].id, revision="seven"),
        pytest.param(v1_record(MOVES[2].id, revision=-4)),
        {k: v for k, v in v2_record(MOVES[2].id).items() if k != "revision"},
        v2_record(MOVES[2].id, revision="seven"),
        pytest.param(v2_record(MOVES[2].id, revision=-4)),
        v2_record(MOVES[2].id, revision=Decimal("2.5")),
    ],
)
def test_a_record_without_a_usable_revision_is_replaced_by_the_next_move(
    alexa: Alexa, store: MemoryStore, stored: Stored, attributes: Any
) -> None:
    store.put(USER_ID, attributes)
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    turn = conversation.say("NextMoveIntent")
    assert named(1) in text(turn.ssml)
    saved = stored(USER_ID)
    assert place(saved) == (MOVES[1].id, MOVES[1].sides[0] if MOVES[1].split_sides else "")
    assert conversation.say("NextMoveIntent").ssml != turn.ssml
    assert revision(stored(USER_ID)) == revision(saved) + 1


def test_a_resolution_with_no_value_falls_back_to_the_words_heard(alexa: Alexa) -> None:
    """Alexa should never send a resolution whose value is null; if it does, the words heard
    still name the move, as for any unusable resolution: never the apology."""
    conversation = alexa()
    conversation.launch()
    request = intent_request("GoToMoveIntent", {"move": SlotValue("splat", "x", "x", "MoveName")})
    request["intent"]["slots"]["move"]["resolutions"]["resolutionsPerAuthority"][0]["values"] = [
        {"value": None}
    ]
    heard = text(conversation.send(request).ssml)
    assert named(1) in heard
    assert text(phrases.APOLOGY) not in heard
