"""Saves that fail, saves whose answer is lost, and another device that saved first.

Whatever the store did, the skill only says a place is saved when a save succeeded, names the
place the store really holds when one did not, and never drags the stored place backwards.
"""

from __future__ import annotations

import copy

from sim.conversation import Conversation, Turn
from sim.envelopes import USER_ID
from tests.conversation.helpers import (
    MOVES,
    ROUTINE,
    Alexa,
    Stored,
    at,
    place,
    revision,
    said,
    text,
)
from tests.fakes.store import MemoryStore
from tests.faults.alexa_rules import assert_valid_response
from upper_back.render import phrases

# routine.toml: move two, the wall splat, splits its sides (left, then right).
WALL = ROUTINE.index_of("wall_splat") or 0
LEFT, RIGHT = MOVES[WALL].sides
SAVED_CLAIM = text(phrases.PLACE_SAVED).rstrip(".")
"""'your place is saved': in the pause answer, and at the start of the saved goodbye."""


def checked(turn: Turn) -> Turn:
    """``turn``, once its response is one Alexa accepts (and says something)."""
    assert_valid_response(turn.raw)
    return turn


def say(conversation: Conversation, intent: str) -> str:
    """What the listener hears back for ``intent``, once the response is checked."""
    return text(checked(conversation.say(intent)).ssml)


def at_the_wall_splats_left_side(alexa: Alexa) -> Conversation:
    """A session that started, went on to move two's first side, and saved it."""
    conversation = alexa()
    checked(conversation.launch())
    say(conversation, "StartRoutineIntent")
    say(conversation, "NextMoveIntent")
    return conversation


def test_the_wall_splat_is_move_two_and_splits_its_sides() -> None:
    assert (WALL, MOVES[WALL].split_sides) == (1, True)


def test_two_failed_saves_in_a_row_are_never_called_saved_and_the_stored_place_is_kept(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    conversation = at_the_wall_splats_left_side(alexa)
    assert place(stored(USER_ID)) == at(WALL, 0)
    records = copy.deepcopy(store.records)
    saves = store.calls.count("save")

    store.fail("save")  # throttled: nothing is written
    right = say(conversation, "NextMoveIntent")
    assert f"{RIGHT} side" in right
    assert SAVED_CLAIM not in right
    store.fail("save")  # the owed save, tried again at stop: throttled too
    goodbye = checked(conversation.say("AMAZON.StopIntent"))

    heard = text(goodbye.ssml)
    assert goodbye.ends_session
    assert SAVED_CLAIM not in heard
    assert said(phrases.STOPPING_AT, WALL, 1) in heard, "where they stopped..."
    assert text(phrases.NOT_SAVED) in heard
    assert said(phrases.PICK_UP_FROM, WALL, 0) in heard, "...and where the store still is"
    assert store.calls.count("save") == saves + 2
    assert store.records == records
    welcome = text(checked(conversation.launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, WALL, 0))


def test_a_failed_save_is_owed_and_lands_on_the_next_turn(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    conversation = at_the_wall_splats_left_side(alexa)
    before = revision(stored(USER_ID))
    store.fail("save")
    say(conversation, "NextMoveIntent")
    assert place(stored(USER_ID)) == at(WALL, 0)
    heard = say(conversation, "AMAZON.StopIntent")
    assert heard == said(phrases.GOODBYE_SAVED, WALL, 1)
    assert place(stored(USER_ID)) == at(WALL, 1)
    assert revision(stored(USER_ID)) == before + 1


def test_a_save_whose_answer_is_lost_is_recognised_and_saved_on_top(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    conversation = at_the_wall_splats_left_side(alexa)
    before = revision(stored(USER_ID))

    store.fail("save", when="after")  # the write lands; its answer never arrives
    right = say(conversation, "NextMoveIntent")
    assert f"{RIGHT} side" in right
    assert place(stored(USER_ID)) == at(WALL, 1)
    assert revision(stored(USER_ID)) == before + 1

    again = say(conversation, "AMAZON.RepeatIntent")
    assert f"{RIGHT} side" in again
    assert f"{LEFT} side" not in again
    goodbye = say(conversation, "AMAZON.StopIntent")

    assert goodbye == said(phrases.GOODBYE_SAVED, WALL, 1)
    record = stored(USER_ID)
    assert place(record) == at(WALL, 1)
    # One for the move to the right side, one for the save on top of that landed write: each
    # write that landed added exactly one, none was lost, none skipped.
    assert revision(record) == before + 2
    assert store.calls.count("save") == 5, "start, left, the lost answer, found stale, on top"


def test_an_owed_save_whose_answer_is_lost_at_stop_is_not_called_saved(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    conversation = at_the_wall_splats_left_side(alexa)
    store.fail("save")  # throttled: the move to the right side is owed
    say(conversation, "NextMoveIntent")
    store.fail("save", when="after")  # the owed save lands at stop, but its answer is lost
    goodbye = say(conversation, "AMAZON.StopIntent")
    assert SAVED_CLAIM not in goodbye, "the skill cannot know the save landed"
    assert text(phrases.NOT_SAVED) in goodbye
    assert place(stored(USER_ID)) == at(WALL, 1)
    welcome = text(checked(conversation.launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, WALL, 1))


def test_a_device_that_fell_behind_applies_next_to_the_place_the_other_saved(
    alexa: Alexa, stored: Stored
) -> None:
    ahead, behind = alexa(), alexa()  # one person, two sessions open at once
    checked(ahead.launch())
    say(ahead, "StartRoutineIntent")
    welcome = text(checked(behind.launch()).ssml)
    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, 0))
    say(ahead, "NextMoveIntent")
    say(ahead, "NextMoveIntent")  # the wall splat's right side
    moved_on = stored(USER_ID)
    assert place(moved_on) == at(WALL, 1)

    say(behind, "AMAZON.YesIntent")  # resumes move one, as that session last knew it
    heard = say(behind, "NextMoveIntent")

    record = stored(USER_ID)
    assert place(record) == at(WALL + 1, 0), "next from the right side, not from move one"
    assert revision(record) == revision(moved_on) + 1
    assert (record or {})["writer"] != (moved_on or {})["writer"]
    assert MOVES[WALL + 1].spoken_name().lower() in heard
    assert MOVES[WALL].spoken_name().lower() not in heard.split(".")[0]

    # And the other way round: the first session, now behind, goes on from there too.
    say(ahead, "NextMoveIntent")
    assert place(stored(USER_ID)) == at(WALL + 1, 1)
    assert revision(stored(USER_ID)) == revision(record) + 1


def finish_the_routine(alexa: Alexa, store: MemoryStore, *, fail_last: bool) -> str:
    """Start, then "next" through every part; the last "next" plays the final move and finishes
    the routine in the same reply (which ends the session). Answers what that reply says."""
    conversation = alexa()
    checked(conversation.launch())
    say(conversation, "StartRoutineIntent")
    parts = sum(move.parts for move in MOVES)
    for _ in range(parts - 2):
        say(conversation, "NextMoveIntent")
    if fail_last:
        store.fail("save")
    return say(conversation, "NextMoveIntent")


def test_a_finish_whose_save_failed_says_it_may_not_be_recorded(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    heard = finish_the_routine(alexa, store, fail_last=True)
    assert text(phrases.FIRST_FINISH) in heard
    assert text(phrases.FINISH_NOT_SAVED) in heard, "the session ends: the save is never retried"
    assert place(stored(USER_ID)) == at(len(MOVES) - 2), "the store still holds the move before"


def test_a_finish_whose_save_landed_says_nothing_about_saving(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    heard = finish_the_routine(alexa, store, fail_last=False)
    assert text(phrases.FINISHED) in heard
    assert text(phrases.OFFER_REMINDER) in heard, "recorded: a daily reminder is offered"
    assert text(phrases.FINISH_NOT_SAVED) not in heard
    assert place(stored(USER_ID)) is None
