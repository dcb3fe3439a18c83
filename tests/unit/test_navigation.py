"""step(): every command from representative places, the edges, and invariants under random use."""

from __future__ import annotations

from dataclasses import replace
from itertools import product

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from upper_back.core.navigation import (
    ENDS_SESSION,
    Command,
    Kind,
    Layout,
    Outcome,
    Position,
    Question,
)
from upper_back.core.navigation import step as nav_step
from upper_back.core.routine import load_routine

ROUTINE = load_routine()
LAYOUT: Layout = tuple(move.parts for move in ROUTINE.moves)
LAST = len(LAYOUT) - 1
SPLIT = next(i for i, move in enumerate(ROUTINE.moves) if move.split_sides)
MIDDLE = next(i for i in range(1, LAST) if LAYOUT[i] == 1 and LAYOUT[i - 1] > 1)

NOT_STARTED = Position()
FIRST = Position(0, 0, in_progress=True, question=Question.NEXT)
SPLIT_FIRST = Position(SPLIT, 0, in_progress=True, completed=1)
SPLIT_SECOND = Position(SPLIT, 1, in_progress=True, completed=1)
MIDDLE_MOVE = Position(MIDDLE, 0, in_progress=True)
LAST_MOVE = Position(LAST, LAYOUT[LAST] - 1, in_progress=True, completed=4)
DONE_BEFORE = Position(completed=2)
PLACES = (NOT_STARTED, FIRST, SPLIT_FIRST, SPLIT_SECOND, MIDDLE_MOVE, LAST_MOVE, DONE_BEFORE)
IN_PROGRESS = tuple(p for p in PLACES if p.in_progress)
TARGETS = (None, -1, 0, 2, 4, 5, 99)


def step(
    position: Position, command: Command, target: int | None = None
) -> tuple[Position, Outcome]:
    return nav_step(LAYOUT, position, command, target)


def playing(position: Position, move: int, part: int = 0) -> Position:
    """``position`` moved to a move being played, which asks whether to go on."""
    return replace(position, move=move, part=part, in_progress=True, question=Question.NEXT)


def valid(layout: Layout, position: Position) -> bool:
    return 0 <= position.move < len(layout) and 0 <= position.part < layout[position.move]


def all_places(layout: Layout) -> list[tuple[int, int]]:
    return [(move, part) for move, parts in enumerate(layout) for part in range(parts)]


PLAY = Outcome(Kind.PLAY)
ON = Outcome(Kind.PLAY, advanced=True)  # moved on to the next move: one whole move done
STARTED = Outcome(Kind.PLAY, started=True)  # the routine began at its first move
ON_SIDE = Outcome(Kind.PLAY, continued=True)  # on to the other side of the same move
CASES = [
    # next
    ("next-not-started", NOT_STARTED, Command.NEXT, None, playing(NOT_STARTED, 0),
     replace(STARTED, first_time=True)),
    ("next-first", FIRST, Command.NEXT, None, playing(FIRST, 1), ON),
    ("next-split-1st", SPLIT_FIRST, Command.NEXT, None, playing(SPLIT_FIRST, SPLIT, 1), ON_SIDE),
    ("next-split-2nd", SPLIT_SECOND, Command.NEXT, None, playing(SPLIT_SECOND, SPLIT + 1), ON),
    # MIDDLE is the move before the last: doing the last part finishes the routine at once
    ("next-middle", MIDDLE_MOVE, Command.NEXT, None, Position(completed=1),
     Outcome(Kind.PLAY_LAST, advanced=True, finished=True)),
    ("next-last", LAST_MOVE, Command.NEXT, None, Position(completed=5),
     Outcome(Kind.FINISHED, advanced=True, finished=True)),
    ("next-done-before", DONE_BEFORE, Command.NEXT, None, playing(DONE_BEFORE, 0), STARTED),
    # previous
    ("prev-not-started", NOT_STARTED, Command.PREVIOUS, None, NOT_STARTED, Outcome(Kind.AT_FIRST)),
    ("prev-first", FIRST, Command.PREVIOUS, None, FIRST, Outcome(Kind.AT_FIRST)),
    ("prev-split-1st", SPLIT_FIRST, Command.PREVIOUS, None,
     playing(SPLIT_FIRST, SPLIT - 1, LAYOUT[SPLIT - 1] - 1), PLAY),
    ("prev-split-2nd", SPLIT_SECOND, Command.PREVIOUS, None, playing(SPLIT_SECOND, SPLIT), PLAY),
    ("prev-middle", MIDDLE_MOVE, Command.PREVIOUS, None,
     playing(MIDDLE_MOVE, MIDDLE - 1, LAYOUT[MIDDLE - 1] - 1), PLAY),
    ("prev-last", LAST_MOVE, Command.PREVIOUS, None,
     playing(LAST_MOVE, LAST - 1, LAYOUT[LAST - 1] - 1), PLAY),
    ("prev-done-before", DONE_BEFORE, Command.PREVIOUS, None, DONE_BEFORE, Outcome(Kind.AT_FIRST)),
    # repeat: replays a move in progress, else says the welcome again
    ("repeat-split-2nd", SPLIT_SECOND, Command.REPEAT, None, playing(SPLIT_SECOND, SPLIT, 1), PLAY),
    ("repeat-last", LAST_MOVE, Command.REPEAT, None, Position(completed=5),
     Outcome(Kind.PLAY_LAST, finished=True)),
    ("repeat-not-started", NOT_STARTED, Command.REPEAT, None,
     replace(NOT_STARTED, question=Question.START), Outcome(Kind.WELCOME_NEW)),
    ("repeat-resume-question", replace(MIDDLE_MOVE, question=Question.RESUME), Command.REPEAT,
     None, replace(MIDDLE_MOVE, question=Question.RESUME),
     Outcome(Kind.WELCOME_BACK_IN_PROGRESS)),
    # goto
    ("goto-3-from-first", FIRST, Command.GOTO, 2, playing(FIRST, 2), PLAY),
    ("goto-1-from-last", LAST_MOVE, Command.GOTO, 0, playing(LAST_MOVE, 0), PLAY),
    ("goto-from-not-started", NOT_STARTED, Command.GOTO, LAST, NOT_STARTED,
     Outcome(Kind.PLAY_LAST, first_time=True)),  # only the last move: no routine to count
    ("goto-6", MIDDLE_MOVE, Command.GOTO, 5, MIDDLE_MOVE, Outcome(Kind.NO_SUCH_MOVE, requested=6)),
    ("goto-100", FIRST, Command.GOTO, 99, FIRST, Outcome(Kind.NO_SUCH_MOVE, requested=100)),
    ("goto-0", SPLIT_SECOND, Command.GOTO, -1, SPLIT_SECOND,
     Outcome(Kind.NO_SUCH_MOVE, requested=0)),
    ("goto-unnamed", LAST_MOVE, Command.GOTO, None, LAST_MOVE, Outcome(Kind.NO_SUCH_MOVE)),
    # start and resume
    ("start-from-last", LAST_MOVE, Command.START, None, playing(LAST_MOVE, 0), STARTED),
    ("resume-split-2nd", SPLIT_SECOND, Command.RESUME, None, playing(SPLIT_SECOND, SPLIT, 1),
     Outcome(Kind.PLAY, resumed=True)),
    ("resume-nothing", DONE_BEFORE, Command.RESUME, None, playing(DONE_BEFORE, 0),
     Outcome(Kind.PLAY, fresh_start=True, started=True)),
    # "next" at "pick up where you stopped?" picks up; "continue" after a move goes on
    ("next-at-resume-offer", replace(SPLIT_SECOND, question=Question.RESUME), Command.NEXT, None,
     playing(SPLIT_SECOND, SPLIT, 1), Outcome(Kind.PLAY, resumed=True)),
    ("resume-after-a-move", replace(SPLIT_FIRST, question=Question.NEXT), Command.RESUME, None,
     playing(SPLIT_FIRST, SPLIT, 1), ON_SIDE),
    # pause and stop keep the place and end
    ("pause-in-progress", replace(SPLIT_SECOND, question=Question.NEXT), Command.PAUSE, None,
     SPLIT_SECOND, Outcome(Kind.PAUSED)),
    ("pause-not-started", NOT_STARTED, Command.PAUSE, None, NOT_STARTED, Outcome(Kind.GOODBYE)),
    ("stop-in-progress", FIRST, Command.STOP, None, replace(FIRST, question=Question.NONE),
     Outcome(Kind.GOODBYE)),
    # answers that leave the place alone
    ("progress", MIDDLE_MOVE, Command.PROGRESS, None, MIDDLE_MOVE, Outcome(Kind.PROGRESS)),
    ("help", FIRST, Command.HELP, None, FIRST, Outcome(Kind.HELP)),
    ("fallback", SPLIT_FIRST, Command.FALLBACK, None, SPLIT_FIRST, Outcome(Kind.FALLBACK)),
    ("session-end", LAST_MOVE, Command.SESSION_END, None, LAST_MOVE, Outcome(Kind.SILENT)),
    # launch
    ("launch-new", NOT_STARTED, Command.LAUNCH, None, replace(NOT_STARTED, question=Question.START),
     Outcome(Kind.WELCOME_NEW)),
    ("launch-in-progress", SPLIT_SECOND, Command.LAUNCH, None,
     replace(SPLIT_SECOND, question=Question.RESUME), Outcome(Kind.WELCOME_BACK_IN_PROGRESS)),
    ("launch-done-before", DONE_BEFORE, Command.LAUNCH, None,
     replace(DONE_BEFORE, question=Question.START), Outcome(Kind.WELCOME_BACK_DONE)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("position", "command", "target", "expected", "outcome"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_each_command_moves_to_the_expected_place(
    position: Position, command: Command, target: int | None, expected: Position, outcome: Outcome
) -> None:
    assert step(position, command, target) == (expected, outcome)


ANSWERS = [
    (Question.START, Command.YES, FIRST, STARTED),
    (Question.RESUME, Command.YES, playing(MIDDLE_MOVE, MIDDLE), Outcome(Kind.PLAY, resumed=True)),
    (Question.RESTART, Command.YES, FIRST, STARTED),
    (Question.NEXT, Command.YES, Position(completed=1),
     Outcome(Kind.PLAY_LAST, advanced=True, finished=True)),
    (Question.NONE, Command.YES, MIDDLE_MOVE, Outcome(Kind.FALLBACK)),
    (Question.START, Command.NO, MIDDLE_MOVE, Outcome(Kind.GOODBYE)),
    (Question.RESUME, Command.NO, replace(MIDDLE_MOVE, question=Question.RESTART),
     Outcome(Kind.OFFER_RESTART)),
    (Question.RESTART, Command.NO, MIDDLE_MOVE, Outcome(Kind.GOODBYE)),
    (Question.NEXT, Command.NO, replace(MIDDLE_MOVE, question=Question.NEXT),
     Outcome(Kind.NOT_NOW)),
    (Question.NONE, Command.NO, MIDDLE_MOVE, Outcome(Kind.FALLBACK)),
]  # fmt: skip


@pytest.mark.parametrize(("question", "answer", "expected", "outcome"), ANSWERS)
def test_yes_and_no_answer_the_question_last_asked(
    question: Question, answer: Command, expected: Position, outcome: Outcome
) -> None:
    assert step(replace(MIDDLE_MOVE, question=question), answer) == (expected, outcome)


def test_next_at_the_last_part_finishes_and_ends_the_session() -> None:
    position, outcome = step(LAST_MOVE, Command.NEXT)
    assert outcome.kind is Kind.FINISHED
    assert outcome.ends_session
    assert position == Position(move=0, part=0, in_progress=False, completed=5)


def test_going_back_from_the_first_move_stays_there() -> None:
    assert step(FIRST, Command.PREVIOUS) == (FIRST, Outcome(Kind.AT_FIRST))


@pytest.mark.parametrize("target", [None, -1, len(LAYOUT), 99])
def test_going_to_a_move_the_routine_lacks_keeps_the_place(target: int | None) -> None:
    position, outcome = step(SPLIT_SECOND, Command.GOTO, target)
    assert position == SPLIT_SECOND
    assert outcome.kind is Kind.NO_SUCH_MOVE
    assert outcome.requested == (None if target is None else target + 1)


@pytest.mark.parametrize("place", [p for p in IN_PROGRESS if p != LAST_MOVE])
def test_pausing_keeps_the_move_and_ends_the_session(place: Position) -> None:
    paused, outcome = step(place, Command.PAUSE)
    assert (outcome.kind, outcome.ends_session) == (Kind.PAUSED, True)
    assert (paused.move, paused.part, paused.in_progress) == (place.move, place.part, True)
    resumed, outcome = step(paused, Command.RESUME)
    assert outcome == Outcome(Kind.PLAY, resumed=True)
    assert (resumed.move, resumed.part) == (place.move, place.part)


@pytest.mark.parametrize(
    "invalid",
    [
        Position(move=len(LAYOUT), in_progress=True, completed=3),
        Position(move=-1, part=1, in_progress=True, completed=3),
        Position(move=99, part=99, completed=3, question=Question.NEXT),
    ],
)
def test_a_move_beyond_the_routine_is_treated_as_not_started(invalid: Position) -> None:
    assert step(invalid, Command.LAUNCH) == (
        Position(completed=3, question=Question.START),
        Outcome(Kind.WELCOME_BACK_DONE),
    )
    assert step(invalid, Command.NEXT)[0] == playing(Position(completed=3), 0)


def test_a_part_beyond_the_move_is_clamped_to_its_first_part() -> None:
    single = next(i for i, parts in enumerate(LAYOUT) if parts == 1)
    for move, part in ((single, 1), (SPLIT, LAYOUT[SPLIT]), (SPLIT, -1)):
        position, outcome = step(Position(move, part, in_progress=True), Command.REPEAT)
        assert outcome.kind is Kind.PLAY
        assert (position.move, position.part) == (move, 0)


SYNTHETIC: list[Layout] = [(1,), (3,), (2, 1, 3), (1, 1, 1, 1, 1, 1, 1), LAYOUT]


@pytest.mark.parametrize("layout", SYNTHETIC, ids=str)
def test_next_walks_every_part_in_order_then_finishes(layout: Layout) -> None:
    position, outcome = nav_step(layout, Position(completed=7), Command.START)
    visited = []
    while outcome.kind is Kind.PLAY:
        visited.append((position.move, position.part))
        position, outcome = nav_step(layout, position, Command.NEXT)
    visited.append((len(layout) - 1, layout[-1] - 1))  # played with the routine's end
    assert visited == all_places(layout)
    # a one-part routine is finished by its start, which began no routine under way to count
    under_way = len(visited) > 1
    assert (outcome.kind, outcome.finished) == (Kind.PLAY_LAST, under_way)
    assert position == Position(completed=7 + under_way)


@pytest.mark.parametrize("layout", SYNTHETIC, ids=str)
def test_previous_walks_back_from_the_last_part_to_the_first(layout: Layout) -> None:
    last = len(layout) - 1
    position = Position(last, layout[last] - 1, in_progress=True)
    visited = [(position.move, position.part)]
    outcome = Outcome(Kind.PLAY)
    while outcome.kind is Kind.PLAY:
        position, outcome = nav_step(layout, position, Command.PREVIOUS)
        visited.append((position.move, position.part))
    assert outcome.kind is Kind.AT_FIRST
    assert visited[:-1] == all_places(layout)[::-1]


EVERY_POSITION = [
    Position(move, part, in_progress, completed, question)
    for (move, part), in_progress, completed, question in product(
        all_places(LAYOUT), (False, True), (0, 3), Question
    )
]


@pytest.mark.parametrize("command", Command)
def test_every_command_from_every_position_gives_a_valid_position(command: Command) -> None:
    for position, target in product(EVERY_POSITION, TARGETS):
        after, outcome = step(position, command, target)
        assert valid(LAYOUT, after), (position, target, after)
        assert after.completed >= position.completed
        assert outcome.ends_session == (outcome.kind in ENDS_SESSION)
        if outcome.kind is Kind.PLAY:
            assert (after.in_progress, after.question) == (True, Question.NEXT)
        if outcome.kind is Kind.NO_SUCH_MOVE:
            assert after == position
        if outcome.kind in (Kind.PLAY_LAST, Kind.FINISHED):
            assert after == Position(completed=after.completed), "stored as done, reset"
        if outcome.advanced:
            assert position.in_progress
            assert outcome.kind in (Kind.PLAY, Kind.PLAY_LAST, Kind.FINISHED)
        assert after.completed == position.completed + outcome.finished
        assert not outcome.finished or position.in_progress, "only a routine under way counts"


class NavigationMachine(RuleBasedStateMachine):
    """Random conversations: the invariants the design names hold after every turn."""

    def __init__(self) -> None:
        super().__init__()
        self.layout: Layout = LAYOUT
        self.position = Position()

    @initialize(
        layout=st.just(LAYOUT) | st.lists(st.integers(1, 3), min_size=1, max_size=6).map(tuple)
    )
    def choose_layout(self, layout: Layout) -> None:
        self.layout = layout

    def apply(self, command: Command, target: int | None = None) -> Outcome:
        before = self.position
        self.position, outcome = nav_step(self.layout, before, command, target)
        assert self.position.completed >= before.completed
        return outcome

    @rule(command=st.sampled_from(Command), move=st.none() | st.integers(-2, 8))
    def say_anything(self, command: Command, move: int | None) -> None:
        self.apply(command, move)

    @precondition(
        # at "pick up where you stopped?", "next" picks up the same move rather than moving on
        lambda self: self.position.in_progress and self.position.question is not Question.RESUME
    )
    @rule()
    def next_then_previous_comes_back(self) -> None:
        before = self.position
        if self.apply(Command.NEXT).kind is Kind.PLAY:
            self.apply(Command.PREVIOUS)
            assert (self.position.move, self.position.part) == (before.move, before.part)
            assert self.position.in_progress

    @rule()
    def start_over_lands_on_the_first_move(self) -> None:
        outcome = self.apply(Command.START)
        if outcome.kind is Kind.PLAY_LAST:  # a one-part routine: its first part is its last
            assert self.layout == (1,)
        else:
            assert outcome.kind is Kind.PLAY
            assert (self.position.move, self.position.part, self.position.in_progress) == (
                0,
                0,
                True,
            )

    @precondition(lambda self: self.position.in_progress)
    @rule()
    def pause_then_resume_keeps_the_move(self) -> None:
        before = self.position
        assert self.apply(Command.PAUSE).ends_session
        resumed = self.apply(Command.RESUME)
        assert resumed.resumed
        if resumed.kind is Kind.PLAY:
            assert (self.position.move, self.position.part) == (before.move, before.part)
        else:  # the last part, played again, finishes the routine
            assert resumed.kind is Kind.PLAY_LAST

    @invariant()
    def the_position_is_always_valid(self) -> None:
        assert valid(self.layout, self.position)


NavigationMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=25, deadline=None
)
TestRandomConversationsKeepThePlace = NavigationMachine.TestCase
