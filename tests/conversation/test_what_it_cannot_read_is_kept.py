"""What this code cannot read in a stored record is kept, and only what was lost is announced.

Fields a later release adds inside the place, the progress or the preferences travel through a
save (a place's only while the person is still at it); binary values (bytes, as boto3 hands
them back) travel through the session and a save; a newer record naming a move this code lacks
is used silently; a damaged count costs the count, not the place, and is said so.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from boto3.dynamodb.types import Binary

from sim.conversation import Conversation, Turn
from sim.envelopes import USER_ID
from tests.conversation.helpers import (
    ROUTINE,
    Alexa,
    Stored,
    at,
    completed,
    place,
    revision,
    said,
    text,
    v2_record,
)
from tests.fakes.store import MemoryStore
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import header
from upper_back.render import phrases

WALL = ROUTINE.index_of("wall_splat") or 0
NOTES = (phrases.MOVE_REMOVED, phrases.UNREADABLE_PLACE, phrases.HISTORY_UNREADABLE,
         phrases.COULD_NOT_LOAD, phrases.COULD_NOT_REACH)  # fmt: skip
DAYS = ["2026-10-30", "2026-11-01"]
PLACE_EXTRA = {"tempo": "slow", "reps_left": 4}
PROGRESS_EXTRA = {"streak": {"current": 2, "best": 5}}
PREFERENCES_EXTRA = {"voice": "calm", "music": ["rain", "waves"]}


def checked(turn: Turn) -> Turn:
    """``turn``, once its response is one Alexa accepts (and says something)."""
    assert_valid_response(turn.raw)
    return turn


def hear(conversation: Conversation, intent: str) -> str:
    return text(checked(conversation.say(intent)).ssml)


def with_fields_in_every_part(move: str, side: str) -> dict[str, Any]:
    """A v2 record with fields a later release wrote inside each part (not a new schema)."""
    return v2_record(
        move, side, done=3, rev=5,
        place={"move": move, "side": side, **PLACE_EXTRA},
        progress={"completed": 3, "days": DAYS, **PROGRESS_EXTRA},
        preferences={"variants": {}, "pace": "slow", **PREFERENCES_EXTRA},
    )  # fmt: skip


def assert_progress_and_preferences_kept(record: dict[str, Any] | None) -> None:
    assert record is not None
    assert record["progress"] == {"completed": 3, "days": DAYS, **PROGRESS_EXTRA}
    assert record["preferences"] == {"variants": {}, "pace": "slow", **PREFERENCES_EXTRA}


# -- Unknown fields inside the parts ----------------------------------------------------------


def test_fields_unknown_inside_progress_and_preferences_survive_a_save_and_the_place_s_are_dropped(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    store.put(USER_ID, with_fields_in_every_part("wall_splat", "left"))
    conversation = alexa()
    welcome = text(checked(conversation.launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, WALL, 0))
    checked(conversation.say("AMAZON.YesIntent"))
    checked(conversation.say("NextMoveIntent"))  # to the right side: the place changes

    record = stored(USER_ID)
    assert revision(record) == 6
    assert record is not None
    assert record["place"] == {"move": "wall_splat", "side": "right"}, "they described the left"
    assert_progress_and_preferences_kept(record)


def test_fields_unknown_inside_the_place_survive_a_save_while_the_person_is_still_there(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    """A session that could not read the store starts at move one, where the record also is:
    once the record can be read, the owed save is at that same place, whose fields it keeps;
    the next move's save drops them."""
    first = ROUTINE.moves[0]
    store.put(USER_ID, with_fields_in_every_part(first.id, ""))
    conversation = alexa()
    store.fail("load")
    assert header(0) in hear(conversation, "NextMoveIntent")  # a one-shot, read failed
    checked(conversation.say("AMAZON.RepeatIntent"))  # read now: still at move one

    record = stored(USER_ID)
    assert revision(record) == 6
    assert record is not None
    assert record["place"] == {"move": first.id, "side": "", **PLACE_EXTRA}
    assert_progress_and_preferences_kept(record)

    checked(conversation.say("NextMoveIntent"))
    record = stored(USER_ID)
    assert (revision(record), place(record)) == (7, at(WALL, 0))
    assert record is not None
    assert record["place"] == {"move": "wall_splat", "side": "left"}
    assert_progress_and_preferences_kept(record)


# -- Binary values ----------------------------------------------------------------------------

BLOB = b'\x00\xff\xfe{"$binary": 1}'


@pytest.mark.parametrize("wrap", [bytes, Binary], ids=["bytes", "boto3-Binary"])
def test_an_unknown_binary_field_survives_the_session_and_a_save_and_every_answer_is_valid(
    alexa: Alexa, store: MemoryStore, stored: Stored, wrap: Any
) -> None:
    seeded = v2_record(
        "wall_splat", "left", done=3, rev=5, photo=wrap(BLOB),
        preferences={"variants": {}, "avatar": wrap(BLOB), "tags": [wrap(b"a"), "b"]},
    )  # fmt: skip
    store.put(USER_ID, seeded)
    conversation = alexa()
    turns = [
        conversation.launch(),
        conversation.say("AMAZON.YesIntent"),
        conversation.say("NextMoveIntent"),  # a save, from the session's copy
        conversation.say("ProgressIntent"),
        conversation.say("NextMoveIntent"),  # another
    ]
    for turn in turns:
        checked(turn)
        json.dumps(turn.raw)  # session attributes are JSON: no bytes in them
    assert said(phrases.WHERE, WALL, 1) in text(turns[3].ssml)
    record = stored(USER_ID)
    assert (revision(record), completed(record)) == (7, 3)
    assert record is not None
    assert record["photo"] == BLOB
    assert type(record["photo"]) is bytes
    assert record["preferences"]["avatar"] == BLOB
    assert record["preferences"]["tags"] == [b"a", "b"]
    goodbye = checked(conversation.say("AMAZON.StopIntent"))
    assert text(goodbye.ssml).startswith(text(phrases.GOODBYE_SAVED.split("{")[0]))


# -- What is announced ------------------------------------------------------------------------


def test_a_newer_record_naming_a_move_this_code_lacks_is_used_without_a_note(
    alexa: Alexa, store: MemoryStore
) -> None:
    store.put(USER_ID, v2_record("neck_roll", "left", done=5, rev=9, schema=3))
    before = copy.deepcopy(store.records)
    conversation = alexa()
    welcome = text(checked(conversation.launch()).ssml)
    assert not any(text(note) in welcome for note in NOTES)
    assert welcome.startswith(text(phrases.WELCOME_BACK_DONE)), "five done, no place it knows"
    assert text(phrases.DONE_COUNT.format(count=phrases.TIMES.format(count="five"))) in welcome
    started = hear(conversation, "AMAZON.YesIntent")
    assert header(0) in started
    assert not any(text(note) in started for note in NOTES)
    checked(conversation.say("AMAZON.StopIntent"))
    assert store.records == before, "a newer record is never written"
    assert "save" not in store.calls


@pytest.mark.parametrize(
    "progress",
    [{"completed": "lots", "days": DAYS}, {"completed": -2, "days": DAYS}, "three"],
    ids=repr,
)
def test_a_damaged_count_is_said_and_the_welcome_back_names_the_kept_place(
    alexa: Alexa, store: MemoryStore, stored: Stored, progress: Any
) -> None:
    store.put(USER_ID, v2_record("wall_splat", "right", rev=5, progress=progress))
    conversation = alexa()
    welcome = text(checked(conversation.launch()).ssml)
    assert welcome.startswith(text(phrases.HISTORY_UNREADABLE))
    assert text(phrases.UNREADABLE_PLACE) not in welcome
    assert text(phrases.MOVE_REMOVED) not in welcome
    assert said(phrases.WELCOME_BACK_IN_PROGRESS, WALL, 1) in welcome
    assert text(phrases.OFFER_RESUME) in welcome

    resumed = hear(conversation, "AMAZON.YesIntent")
    assert f"{ROUTINE.moves[WALL].sides[1]} side" in resumed
    assert text(phrases.HISTORY_UNREADABLE) not in resumed, "said once, at the start"
    checked(conversation.say("NextMoveIntent"))
    record = stored(USER_ID)
    assert (place(record), revision(record), completed(record)) == (at(WALL + 1, 0), 6, 0)


@pytest.mark.parametrize("name", ["unsaved", "verified"])
def test_a_record_field_named_like_the_first_releases_session_flags_is_kept_and_costs_no_save(
    alexa: Alexa, store: MemoryStore, name: str
) -> None:
    """Only a first-release session copy (schema 1) has ``unsaved`` and ``verified`` flags: in a
    version 2 record they are fields of some other writer, kept and never read as flags."""
    store.put(USER_ID, v2_record("can_openers", "left", done=3, **{name: True}))
    conversation = alexa()
    conversation.launch()
    conversation.say("ProgressIntent")
    assert "save" not in store.calls
    conversation.say("AMAZON.YesIntent")
    conversation.say("NextMoveIntent")
    assert store.records[USER_ID][name] is True
