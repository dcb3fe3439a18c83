"""Review of the adaptive coach (issue 9), through the real handler: the quick run coaches a
first-time user in full and never makes the routine "known"; "how many are left" in a quick run
counts the quick run's minutes."""

from __future__ import annotations

from sim.envelopes import USER_ID
from tests.conversation.helpers import (
    MOVES,
    ROUTINE,
    Alexa,
    Stored,
    completed,
    routine_over,
    text,
    v2_record,
)
from tests.fakes.store import MemoryStore
from upper_back.core.state import Kind
from upper_back.render import phrases
from upper_back.render.coaching import fill
from upper_back.render.timing import minutes_after


def full_setup(index: int) -> str:
    """Move ``index``'s last setup line (the position cue), as heard in full detail."""
    move = MOVES[index]
    return text(fill(move.setup[-1], (move.sides or (None,))[0]))


def key_cue(index: int) -> str:
    move = MOVES[index]
    return text(fill(move.key, (move.sides or (None,))[0]))


def test_a_first_time_users_quick_run_hears_the_setup_and_does_not_make_full_runs_short(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    first = conversation.say("QuickRoutineIntent")
    assert full_setup(0) in text(first.ssml), "a first-time user hears the setup in full"
    assert text(MOVES[0].purpose) not in text(first.ssml), "the quick run keeps its header short"
    turn = first
    while not routine_over(turn):
        turn = conversation.say("NextMoveIntent")
    assert text(phrases.QUICK_FINISHED) in text(turn.ssml)
    record = stored(USER_ID)
    assert completed(record) == 1
    assert record is not None
    assert record["progress"]["quick"] == 1
    # The next full run is still coached in full: a quick run does not teach the setup.
    later = alexa()
    later.launch()
    full = later.say("AMAZON.YesIntent")
    assert full_setup(0) in text(full.ssml)
    assert text(MOVES[0].purpose) in text(full.ssml)


def test_somebody_who_finished_a_full_routine_hears_the_quick_run_short(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    store.put(USER_ID, v2_record(None, done=1))
    conversation = alexa()
    first = conversation.say("QuickRoutineIntent")
    assert key_cue(0) in text(first.ssml)
    assert full_setup(0) not in text(first.ssml)
    record = stored(USER_ID)
    assert record is not None
    assert "quick" not in record["progress"]


def test_how_many_are_left_in_a_quick_run_says_the_quick_runs_minutes(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.say("QuickRoutineIntent")
    where = text(conversation.say("ProgressIntent").ssml)
    quick = minutes_after(ROUTINE, 0, 0, kind=Kind.QUICK)
    full = minutes_after(ROUTINE, 0, 0)
    assert quick < full
    assert text(phrases.MINUTES_LEFT.format(minutes=phrases.number_word(quick))) in where
