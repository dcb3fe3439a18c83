"""How each command moves a person through the routine: ``step() -> Transition``.

Pure and total: every command is answered from every state without raising, and nothing here
does I/O. What must happen outside (a save) comes back as effects for the edge to run. The
``match`` over commands is checked for completeness by mypy (``assert_never``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import assert_never

from upper_back.core.commands import (
    AskProgress,
    Command,
    GoTo,
    Help,
    Launch,
    Next,
    NextSide,
    No,
    NotUnderstood,
    Pause,
    Previous,
    Repeat,
    Resume,
    SessionEnd,
    Start,
    Stop,
    Yes,
)
from upper_back.core.outcomes import (
    AlreadyAtFirst,
    Effect,
    Entry,
    Finished,
    Goodbye,
    HelpGiven,
    Misheard,
    NoOtherSide,
    NoSuchMove,
    NotNow,
    NotStartedYet,
    OfferRestart,
    Outcome,
    Paused,
    Played,
    PlayedLast,
    ProgressReport,
    SaveState,
    Silent,
    WelcomeBack,
    WelcomeBackDone,
    WelcomeNew,
)
from upper_back.core.state import AtMove, Layout, NotStarted, Place, Question, UserState


@dataclass(frozen=True)
class Context:
    """What a step may know besides the state: the routine's shape and the request's time."""

    layout: Layout
    now: datetime


@dataclass(frozen=True)
class Transition:
    """The state after a step, the question the reply asks, what happened, and what to do."""

    state: UserState
    question: Question
    outcome: Outcome
    effects: tuple[Effect, ...] = ()


# Words that mean "go on" depend on the question just asked: "yes" answers it; "next" or "let's
# go" at "pick up where you stopped?" resumes that move; "continue" after a move goes on.
_YES: dict[Question, Command] = {
    Question.START: Start(),
    Question.RESUME: Resume(),
    Question.RESTART: Start(),
    Question.NEXT: Next(),
}


def step(state: UserState, question: Question, command: Command, context: Context) -> Transition:
    """Answer ``command`` from ``state`` with ``question`` pending. Never raises."""
    layout = context.layout
    valid = replace(state, place=_valid(layout, state.place))
    if isinstance(command, Yes):
        command = _YES.get(question, NotUnderstood())
    elif isinstance(command, Resume) and question is Question.NEXT:
        command = Next()
    elif isinstance(command, Next) and question is Question.RESUME:
        command = Resume()
    after, asked, outcome = _answer(layout, valid, question, command)
    if isinstance(outcome, Played):
        after, asked, outcome = _played(layout, valid, question, after, outcome)
    effects: tuple[Effect, ...] = (SaveState(),) if after != state else ()
    return Transition(after, asked, outcome, effects)


def _valid(layout: Layout, place: Place) -> Place:
    """A place that does not fit the layout (the content changed) becomes the nearest valid one."""
    match place:
        case NotStarted():
            return place
        case AtMove(move=move, part=part):
            if not 0 <= move < len(layout):
                return NotStarted()
            return place if 0 <= part < layout[move] else AtMove(move)
        case _:
            assert_never(place)


def _played(
    layout: Layout, before: UserState, question: Question, after: UserState, outcome: Played
) -> tuple[UserState, Question, Outcome]:
    """Details every played part shares: the safety line for somebody new who went straight in,
    and the routine's last part, which finishes it in the same reply."""
    new = (
        isinstance(before.place, NotStarted)
        and not before.progress.completed
        and question is Question.NONE
    )
    outcome = replace(outcome, safety_first=new)
    if (outcome.at.move, outcome.at.part) != (len(layout) - 1, layout[-1] - 1):
        return after, Question.NEXT, outcome
    # Doing the last part is finishing: store it as done now, so stopping, walking away or not
    # answering cannot lose the completion. A routine counts only if it was under way.
    counted = isinstance(before.place, AtMove)
    completed = before.progress.completed + counted
    done = replace(after, place=NotStarted(), progress=replace(after.progress, completed=completed))
    last = PlayedLast(
        outcome.at, outcome.entry, completed, new, finished=completed if counted else None
    )
    return done, Question.NONE, last


def _play(
    state: UserState, move: int, entry: Entry, part: int = 0
) -> tuple[UserState, Question, Outcome]:
    at = AtMove(move, part)
    return replace(state, place=at), Question.NEXT, Played(at, entry, state.progress.completed)


def _answer(  # noqa: PLR0911, PLR0912 (one case per command, as mypy checks)
    layout: Layout, state: UserState, question: Question, command: Command
) -> tuple[UserState, Question, Outcome]:
    place = state.place
    match command:
        case Launch():
            return _launch(state)
        case Start():
            return _play(state, 0, Entry.STARTED)
        case Next():
            return _next(layout, state)
        case NextSide():
            if isinstance(place, AtMove) and place.part + 1 < layout[place.move]:
                return _next(layout, state)
            return state, question, NoOtherSide(place, question)
        case Previous():
            return _previous(layout, state, question)
        case Repeat():
            if isinstance(place, AtMove) and question not in (Question.RESUME, Question.RESTART):
                return _play(state, place.move, Entry.AGAIN, place.part)
            return _launch(state)
        case GoTo(move=target):
            if target is None or not 0 <= target < len(layout):
                asked = None if target is None else target + 1
                return state, question, NoSuchMove(asked)
            return _play(state, target, Entry.AGAIN)
        case Resume():
            if isinstance(place, AtMove):
                return _play(state, place.move, Entry.RESUMED, place.part)
            return _play(state, 0, Entry.FRESH_START)
        case Pause():
            if isinstance(place, AtMove):
                return state, Question.NONE, Paused(place)
            return state, Question.NONE, Goodbye(place)
        case Stop():
            return state, Question.NONE, Goodbye(place)
        case AskProgress():
            return state, question, ProgressReport(place, question)
        case Help():
            question = _drop_offer(question)
            return state, question, HelpGiven(place, question)
        case NotUnderstood():
            question = _drop_offer(question)
            return state, question, Misheard(place, question)
        case No():
            return _no(state, question)
        case Yes():  # resolved to the command it answers before dispatch
            return state, question, Misheard(place, question)
        case SessionEnd():
            return state, question, Silent()
        case _:
            assert_never(command)


def _launch(state: UserState) -> tuple[UserState, Question, Outcome]:
    if isinstance(state.place, AtMove):
        return state, Question.RESUME, WelcomeBack(state.place)
    if state.progress.completed:
        return state, Question.START, WelcomeBackDone(state.progress.completed)
    return state, Question.START, WelcomeNew()


def _next(layout: Layout, state: UserState) -> tuple[UserState, Question, Outcome]:
    place = state.place
    if not isinstance(place, AtMove):
        return _play(state, 0, Entry.STARTED)
    if place.part + 1 < layout[place.move]:
        return _play(state, place.move, Entry.CONTINUED, place.part + 1)
    if place.move + 1 < len(layout):
        return _play(state, place.move + 1, Entry.ADVANCED)
    count = state.progress.completed + 1
    done = replace(state, place=NotStarted(), progress=replace(state.progress, completed=count))
    return done, Question.NONE, Finished(count)


def _previous(
    layout: Layout, state: UserState, question: Question
) -> tuple[UserState, Question, Outcome]:
    place = state.place
    if not isinstance(place, AtMove):
        return state, question, NotStartedYet()
    if (place.move, place.part) == (0, 0):
        return state, question, AlreadyAtFirst()
    if place.part > 0:
        return _play(state, place.move, Entry.AGAIN, place.part - 1)
    return _play(state, place.move - 1, Entry.AGAIN, layout[place.move - 1] - 1)


def _drop_offer(question: Question) -> Question:
    """Help and not-understood answers: a yes/no offer made before them no longer stands."""
    return (
        Question.NONE
        if question in (Question.START, Question.RESUME, Question.RESTART)
        else question
    )


def _no(state: UserState, question: Question) -> tuple[UserState, Question, Outcome]:
    match question:
        case Question.RESUME:
            return state, Question.RESTART, OfferRestart()
        case Question.NEXT:
            return state, question, NotNow()
        case Question.NONE:
            return state, question, Misheard(state.place, question)
        case Question.START | Question.RESTART:
            return state, Question.NONE, Goodbye(state.place)
        case _:
            assert_never(question)
