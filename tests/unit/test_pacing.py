"""Issue 9, "The right length" and "Shorter once you know it", held on what the user hears.

Every figure is computed from rendered replies with ``tools.speech_clock`` at Alexa's pace (words
x 0.4 s + breaks), never from the data file: whole runs go through the real handler
(``tools.timing.measure``), single move replies through the Speaker. The doses and the numbers
below come from ../shared/routine-notes.md and the issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest

from tools import speech_clock
from tools.speech_clock import Estimate, Pause, Piece, Said
from tools.timing import FEWER_WORDS, QUICK_MINUTES, ROUTINE_MINUTES, TOLERANCE, Report, measure
from upper_back.core.outcomes import Entry, Played
from upper_back.core.routine import load_routine
from upper_back.core.state import AtMove
from upper_back.render import phrases
from upper_back.render.coaching import fill, part_sides
from upper_back.render.speech import Speaker

ROUTINE = load_routine()
BY_ID = {move.id: index for index, move in enumerate(ROUTINE.moves)}
FLOOR = {"rhomboid_push_up", "can_openers", "bridge_reach_over"}
"""Moves done on the floor: about 4 to 5 s to get into position; standing ones 2 to 3 s."""
SQUEEZES = {"rhomboid_push_up": 1.2, "bridge_reach_over": 3.0, "can_openers": 3.0}
"""Holds the issue and the notes name: the push-up squeeze, the bridge's and can openers' hold."""
PARTS = [(index, part) for index, move in enumerate(ROUTINE.moves) for part in range(move.parts)]
LABELS = {f"{phrases.number_word(n)}.".capitalize() for n in range(1, 21)} | {phrases.LAST_ROUND}


@pytest.fixture(scope="module")
def report() -> Report:
    return measure()


def heard(index: int, part: int, completed: int = 0) -> list[Piece]:
    """Move ``index``'s part as rendered for someone who finished ``completed`` routines."""
    entry = Entry.CONTINUED if part else Entry.ADVANCED
    reply = Speaker(ROUTINE).render(Played(AtMove(index, part), entry, completed))
    return speech_clock.pieces(reply.speech)


def the_set(pieces: Sequence[Piece]) -> list[Piece]:
    """From "One." to the end of the last round (before the encouragement)."""
    bounds = speech_clock.guided_bounds(
        pieces, ["One.", phrases.LAST_ROUND], phrases.WELL_DONE_OPTIONS
    )
    assert bounds is not None
    return list(pieces[slice(*bounds)])


def rounds(pieces: Sequence[Piece]) -> Iterator[list[Piece]]:
    """Each round of a set: from its count to the next count (a side switch cut off)."""
    current: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Said) and piece.text in LABELS:
            if current:
                yield current
            current = []
        if isinstance(piece, Said) and piece.text.startswith("Switch to"):
            yield current
            current = []
            continue
        if current or (isinstance(piece, Said) and piece.text in LABELS):
            current.append(piece)
    if current:
        yield current


# --- Whole runs, through the handler -------------------------------------------------------


def test_the_first_run_lasts_nine_to_eleven_minutes_from_welcome_to_completion(
    report: Report,
) -> None:
    low, high = ROUTINE_MINUTES
    assert low * 60 <= report.first.total.total <= high * 60, report.first.total


@pytest.mark.parametrize("run", ["first", "familiar"])
def test_each_moves_guided_part_is_within_fifteen_percent_of_its_dose(
    report: Report, run: str
) -> None:
    for move in getattr(report, run).moves:
        assert move.dose
        assert abs(move.guided.total / move.dose - 1) <= TOLERANCE, (move.name, move.guided)


def test_the_quick_version_keeps_its_quick_doses(report: Report) -> None:
    if report.quick is None:
        pytest.skip("the voice model does not understand the quick version yet")
    for move in report.quick.moves:
        assert move.dose
        assert abs(move.guided.total / move.dose - 1) <= TOLERANCE, (move.name, move.guided)


def test_the_quick_version_lasts_four_to_six_minutes_from_welcome_to_completion(
    report: Report,
) -> None:
    assert report.quick is not None, "the voice model understands the quick version"
    low, high = QUICK_MINUTES
    # Every reply heard, from the welcome back to the quick completion, for somebody who knows
    # the routine (a first-time user hears the setup in full: a longer quick run, on purpose).
    assert report.quick.replies[0].said == "open upper back routine"
    assert report.quick.replies[-1].guided is not None  # the last move, with its completion
    assert low * 60 <= report.quick.total.total <= high * 60, report.quick.total
    # Talk was cut, not work: every quick set keeps its quick dose.
    assert all(move.within_dose for move in report.quick.moves)
    assert report.quick.exercise.total < report.first.exercise.total


def test_every_talk_limit_holds(report: Report) -> None:
    failed = [(limit.what, limit.seconds) for limit in report.limits if not limit.passed]
    assert not failed


def test_a_familiar_run_says_a_quarter_fewer_words_with_the_same_exercise(report: Report) -> None:
    first, familiar = report.first, report.familiar
    assert familiar.total.words <= (1 - FEWER_WORDS) * first.total.words
    # the same sets: the same words and silences (summed in another order: float rounding)
    assert familiar.exercise.words == first.exercise.words
    assert familiar.exercise.silent == pytest.approx(first.exercise.silent)


def test_the_welcome_announces_the_minutes_the_first_run_really_takes(report: Report) -> None:
    welcome = " ".join(p.text for p in report.first.replies[0].heard if isinstance(p, Said))
    found = re.search(r"about (\w+) minutes", welcome)
    assert found, welcome
    announced = phrases.NUMBER_WORDS.index(found[1])
    assert abs(announced - report.first.total.total / 60) <= 0.6


def test_progress_says_roughly_how_many_minutes_are_left(report: Report) -> None:
    progress = next(limit for limit in report.limits if limit.what.startswith("progress"))
    assert progress.passed
    words = Speaker(ROUTINE).where(AtMove(0))
    assert re.search(r"about \w+ minutes to go", words, re.IGNORECASE), words


# --- Inside a set: rhythm, holds, getting into position --------------------------------------


@pytest.mark.parametrize(("index", "part"), PARTS)
@pytest.mark.parametrize("completed", [0, 3])
def test_every_round_has_the_same_rhythm_and_says_the_same_cues(
    index: int, part: int, completed: int
) -> None:
    move = ROUTINE.moves[index]
    every = list(rounds(the_set(heard(index, part, completed))))
    lengths = [speech_clock.estimate(one).total for one in every]
    # "Last one." is a word longer than "Two."; a movement phase absorbs it when it comes first.
    assert max(lengths) - min(lengths) <= 0.4 + 1e-6, (move.id, lengths)
    for one, side in zip(every, rounds_sides(index, part, len(every)), strict=True):
        said = [p.text for p in one if isinstance(p, Said)]
        for phase in move.guided.phases:
            assert fill(phase.cue, side) in said, (move.id, phase.cue, said)


def rounds_sides(index: int, part: int, count: int) -> list[str | None]:
    move = ROUTINE.moves[index]
    sides = part_sides(move, part)
    if move.side_style == "alternate" and len(sides) > 1:
        return [sides[i % len(sides)] for i in range(count)]
    per_side = count // len(sides)
    return [side for side in sides for _ in range(per_side)]


@pytest.mark.parametrize(("move_id", "seconds"), SQUEEZES.items())
def test_a_squeeze_or_hold_is_silence_of_at_least_its_dose_after_its_cue(
    move_id: str, seconds: float
) -> None:
    index = BY_ID[move_id]
    move = ROUTINE.moves[index]
    (hold,) = [phase for phase in move.guided.phases if phase.hold]
    pieces = the_set(heard(index, 0))
    cues = {fill(hold.cue, side) for side in part_sides(move, 0)}
    after = [
        pieces[i + 1]
        for i, piece in enumerate(pieces[:-1])
        if isinstance(piece, Said) and piece.text in cues
    ]
    assert len(after) == move.guided.rounds * len(part_sides(move, 0))
    assert all(isinstance(p, Pause) and p.seconds >= seconds for p in after), after


def test_the_eleven_fifteen_holds_twenty_seconds_from_its_cue_to_the_next_one() -> None:
    index = BY_ID["eleven_fifteen"]
    move = ROUTINE.moves[index]
    (hold,) = [phase for phase in move.guided.phases if phase.hold]
    pieces = the_set(heard(index, 0))
    starts = [i for i, p in enumerate(pieces) if isinstance(p, Said) and p.text == hold.cue]
    assert starts
    relax = fill(move.guided.phases[-1].cue, None)
    for start in starts:
        end = next(i for i in range(start, len(pieces)) if pieces[i] == Said(relax))
        assert speech_clock.estimate(pieces[start + 1 : end]).total >= 20 - 1e-6


@pytest.mark.parametrize(("index", "part"), PARTS)
@pytest.mark.parametrize("completed", [0, 3])
def test_the_position_cue_comes_last_then_time_to_get_there(
    index: int, part: int, completed: int
) -> None:
    move = ROUTINE.moves[index]
    pieces = heard(index, part, completed)
    one = next(i for i, p in enumerate(pieces) if isinstance(p, Said) and p.text == "One.")
    silence, cue = pieces[one - 1], pieces[one - 2]
    assert isinstance(silence, Pause)
    low, high = (4, 5) if move.id in FLOOR else (2, 3)
    assert low <= silence.seconds <= high, (move.id, silence)
    side = part_sides(move, part)[0]
    if part:
        position = move.side_cue
    elif completed:
        position = move.key
    else:
        position = move.setup[-1]
    assert isinstance(cue, Said)
    assert cue.text == fill(position, side)


def test_a_floor_move_switching_sides_inside_its_set_also_gets_time_to_get_there() -> None:
    index = BY_ID["eleven_fifteen"]
    pieces = the_set(heard(index, 0))
    switch = next(i for i, p in enumerate(pieces) if isinstance(p, Said) and "Switch" in p.text)
    pause = pieces[switch + 2]
    assert isinstance(pause, Pause)
    assert pause.seconds >= 2


# --- Someone who knows the routine -------------------------------------------------------


@pytest.mark.parametrize(("index", "part"), [(i, 0) for i in range(len(ROUTINE.moves))])
def test_a_familiar_user_hears_the_name_and_one_key_cue_and_the_same_set(
    index: int, part: int
) -> None:
    move = ROUTINE.moves[index]
    first, familiar = heard(index, part, 0), heard(index, part, 2)
    assert the_set(first) == the_set(familiar)
    words = " ".join(p.text for p in familiar if isinstance(p, Said))
    assert move.name in words
    assert fill(move.key, part_sides(move, part)[0]) in words
    assert move.purpose not in words
    for line in (*move.cues, *move.setup):
        assert fill(line, part_sides(move, part)[0]) not in words
    before = speech_clock.estimate(first[: first.index(the_set(first)[0])])
    after = speech_clock.estimate(familiar[: familiar.index(the_set(familiar)[0])])
    assert after.words < before.words


def test_the_set_time_is_the_same_in_both_detail_levels() -> None:
    total = Estimate()
    for index, part in PARTS:
        first = speech_clock.estimate(the_set(heard(index, part, 0)))
        familiar = speech_clock.estimate(the_set(heard(index, part, 1)))
        assert first == familiar
        total += first
    assert total.total > 0
