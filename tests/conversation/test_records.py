"""Stored records of other versions, and requests the skill does not act on, through the handler.

An older record (schema 1) is upgraded on its first save with nothing lost; a newer one (schema
above 2, written by a later release) is read for what this code understands and never written;
fields this code does not know travel through a save untouched. Requests the skill does not act
on get an empty valid answer and leave the session's copy of the place as it was.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from sim.conversation import Conversation, Turn
from sim.envelopes import USER_ID, envelope
from tests.conversation.helpers import (
    MOVES,
    ROUTINE,
    Alexa,
    Stored,
    at,
    completed,
    place,
    revision,
    said,
    text,
    v1_record,
    v2_record,
)
from tests.fakes.store import MemoryStore
from tests.faults.alexa_rules import assert_valid_response
from upper_back.render import phrases

# routine.toml: the wall splat splits its sides, left then right; the can openers come next.
WALL_SPLAT = "wall_splat"
WALL = ROUTINE.index_of(WALL_SPLAT) or 0
NOTES = (phrases.MOVE_REMOVED, phrases.UNREADABLE_PLACE, phrases.COULD_NOT_LOAD,
         phrases.COULD_NOT_REACH)  # fmt: skip
SAVED_CLAIM = text(phrases.PLACE_SAVED).rstrip(".")
"""'your place is saved': in the pause answer, and at the start of the saved goodbye."""


def checked(turn: Turn, *, spoken: bool = True) -> Turn:
    """``turn``, once its response is one Alexa accepts."""
    assert_valid_response(turn.raw, spoken=spoken)
    return turn


def named_part(index: int, part: int) -> str:
    """How a move's header names part ``part`` of move ``index`` when it is played."""
    move = MOVES[index]
    if move.split_sides:
        return text(phrases.MOVE_HEADER_SIDE.format(
            n=phrases.number_word(index + 1), total=phrases.number_word(len(MOVES)),
            name=move.spoken_name(), side=move.sides[part]))  # fmt: skip
    return said(phrases.MOVE_HEADER, index)


def test_the_wall_splat_is_the_move_whose_sides_are_split_left_then_right() -> None:
    move = MOVES[WALL]
    assert move.id == WALL_SPLAT
    assert move.split_sides
    assert tuple(move.sides) == ("left", "right")
    assert len(MOVES) > WALL + 1


def test_a_v1_record_is_upgraded_on_its_first_save_with_place_count_and_unknown_fields_kept(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    # Schema 1 on purpose: the flat record the first shipped version wrote.
    old = v1_record(WALL_SPLAT, side="right", completed=40, revision=7, nickname="Sam",
                    legacy={"theme": "dark", "volume": 3})  # fmt: skip
    store.put(USER_ID, old)
    conversation = alexa()
    welcome = text(checked(conversation.launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, WALL, 1))
    assert not any(text(note) in welcome for note in NOTES)
    assert "version" not in welcome
    resumed = text(checked(conversation.say("AMAZON.YesIntent")).ssml)
    assert f"{MOVES[WALL].sides[1]} side" in resumed
    assert store.records[USER_ID]["schema"] == 1, "reading and resuming write nothing"

    advanced = text(checked(conversation.say("NextMoveIntent")).ssml)

    assert named_part(WALL + 1, 0) in advanced, "next from the kept right side: the next move"
    record = stored(USER_ID)
    assert record is not None
    assert record["schema"] == 2
    assert revision(record) == 8
    assert place(record) == at(WALL + 1, 0)
    assert completed(record) == 40
    assert record["nickname"] == "Sam"
    assert record["legacy"] == {"theme": "dark", "volume": 3}
    assert not {"move", "side", "in_progress", "completed"} & set(record), "v1's flat fields"
    assert store.calls.count("save") == 1


def newer_record() -> dict[str, Any]:
    """A record a later release wrote (schema 3): at the can openers' right side, 40 done, with
    fields, and a field inside the place, that this code does not know."""
    can_openers = MOVES[WALL + 1]
    return v2_record(
        can_openers.id, can_openers.sides[1], done=40, rev=12, schema=3,
        place={"move": can_openers.id, "side": can_openers.sides[1], "variant": "kneeling"},
        streak={"current": 5, "best": 9}, voice="calm",
    )  # fmt: skip


def test_a_record_from_a_newer_version_is_offered_silently_and_never_written(
    alexa: Alexa, store: MemoryStore
) -> None:
    store.put(USER_ID, newer_record())
    before = copy.deepcopy(store.records)
    conversation = alexa()
    welcome = text(checked(conversation.launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, WALL + 1, 1))
    assert text(phrases.OFFER_RESUME) in welcome
    assert not any(text(note) in welcome for note in NOTES)
    assert "version" not in welcome
    assert "fresh" not in welcome

    resumed = text(checked(conversation.say("AMAZON.YesIntent")).ssml)
    assert named_part(WALL + 1, 1) in resumed
    advanced = text(checked(conversation.say("NextMoveIntent")).ssml)
    assert named_part(WALL + 2, 0) in advanced
    checked(conversation.say("AMAZON.StopIntent"))

    assert store.records == before, "not a byte changed"
    assert "save" not in store.calls


@pytest.mark.parametrize("leaving", ["AMAZON.StopIntent", "AMAZON.PauseIntent"])
def test_leaving_a_newer_record_never_claims_the_place_is_saved(
    alexa: Alexa, store: MemoryStore, leaving: str
) -> None:
    store.put(USER_ID, newer_record())
    conversation = alexa()
    checked(conversation.launch())
    checked(conversation.say("AMAZON.YesIntent"))
    checked(conversation.say("NextMoveIntent"))
    goodbye = text(checked(conversation.say(leaving)).ssml)
    assert SAVED_CLAIM not in goodbye
    if leaving == "AMAZON.StopIntent":
        assert said(phrases.STOPPING_AT, WALL + 2) in goodbye
    else:
        assert said(phrases.PAUSED, WALL + 2) in goodbye
    assert "save" not in store.calls


def test_an_unknown_top_level_field_of_a_v2_record_is_kept_through_a_save(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    reminder = {"token": "abc", "at": "08:00"}
    store.put(USER_ID, v2_record(WALL_SPLAT, "left", done=3, rev=5, reminder=reminder))
    conversation = alexa()
    checked(conversation.launch())
    checked(conversation.say("AMAZON.YesIntent"))
    checked(conversation.say("NextMoveIntent"))
    record = stored(USER_ID)
    assert record is not None
    assert (place(record), completed(record), revision(record)) == (at(WALL, 1), 3, 6)
    assert record["reminder"] == reminder


# Requests the skill does not act on: an empty valid response, a log line, the session kept.

# (A tap on the screen, Alexa.Presentation.APL.UserEvent, is acted on:
# tests/conversation/test_screen.py.)
# The answer to a connection the skill never starts (a purchase); the permission answer is acted
# on (tests/conversation/test_habit.py), as are reminders deleted in the Alexa app.
CONNECTIONS_RESPONSE = {
    "type": "Connections.Response",
    "name": "Buy",
    "status": {"code": "200", "message": "OK"},
    "payload": {"purchaseResult": "ACCEPTED", "productId": "amzn1.adg.product.x"},
    "token": "purchase",
}
# A reminder the person never set through the skill: deleted, nothing of theirs changes.
REMINDER_DELETED = {
    "type": "Reminders.ReminderDeleted",
    "body": {"alertTokens": ["0b4ea1f7-d2d7-4a9c-a5e3-6f1d2a0c9e11"]},
}
MADE_UP = {"type": "Foo.Bar", "payload": {"anything": [1, 2, 3]}}


def logged_about(caplog: pytest.LogCaptureFixture, request_type: str) -> bool:
    """Whether a log line other than the per-request one names ``request_type``."""
    return any(
        getattr(record, "request_type", None) == request_type and record.getMessage() != "request"
        for record in caplog.records
    )


def assert_silent_and_empty(turn: Turn) -> None:
    assert_valid_response(turn.raw, spoken=False)
    assert "outputSpeech" not in turn.response
    assert "reprompt" not in turn.response
    assert text(phrases.FALLBACK) not in text(str(turn.raw))
    assert text(phrases.APOLOGY) not in text(str(turn.raw))


def at_the_wall_splats_right_side(alexa: Alexa) -> Conversation:
    conversation = alexa()
    checked(conversation.launch())
    checked(conversation.say("StartRoutineIntent"))
    checked(conversation.say("NextMoveIntent"))
    checked(conversation.say("NextMoveIntent"))
    return conversation


@pytest.mark.parametrize(
    "request_body",
    [CONNECTIONS_RESPONSE, pytest.param(MADE_UP, id="Foo.Bar")],
    ids=lambda body: str(body["type"]),
)  # fmt: skip
def test_a_request_not_acted_on_inside_a_session_leaves_the_place_in_the_session(
    alexa: Alexa, store: MemoryStore, request_body: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    conversation = at_the_wall_splats_right_side(alexa)
    attributes = copy.deepcopy(conversation.attributes)
    records = copy.deepcopy(store.records)
    with caplog.at_level(logging.INFO):
        turn = conversation.send(request_body)
    assert_silent_and_empty(turn)
    assert logged_about(caplog, str(request_body["type"]))
    assert turn.attributes == attributes, "the session's copy comes back as it was sent"
    assert conversation.in_session
    assert store.records == records
    calls = len(store.calls)
    where = text(checked(conversation.say("ProgressIntent")).ssml)
    assert said(phrases.WHERE, WALL, 1) in where
    assert store.calls[calls:] == [], "the session still holds the place: no read needed"


@pytest.mark.parametrize(
    "request_body",
    [CONNECTIONS_RESPONSE, REMINDER_DELETED,
     pytest.param(MADE_UP, id="Foo.Bar")],
    ids=lambda body: str(body["type"]),
)  # fmt: skip
def test_a_request_not_acted_on_outside_a_session_gets_an_empty_answer_and_a_log_line(
    alexa: Alexa, store: MemoryStore, stored: Stored, request_body: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    at_the_wall_splats_right_side(alexa).say("AMAZON.StopIntent")
    before = stored(USER_ID)
    conversation = alexa()
    event = envelope(request_body, conversation.caller, session_id=None)
    with caplog.at_level(logging.INFO):
        raw = conversation.handler(event, None)
    turn = Turn(raw)
    assert_silent_and_empty(turn)
    assert logged_about(caplog, str(request_body["type"]))
    assert stored(USER_ID) == before
    welcome = text(checked(alexa().launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, WALL, 1))
