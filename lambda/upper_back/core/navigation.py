"""Where the user is in the routine, and how each spoken command moves them.

A small pure state machine: ``step(layout, position, command)`` returns the next position and
what happened. It knows nothing of Alexa, SSML or DynamoDB, and it is total: every command is
answered from every position without raising, so it can be tested exhaustively.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from upper_back.core.vocabulary import (
    ENDS_SESSION,
    Command,
    Kind,
    Layout,
    Outcome,
    Position,
    Question,
)

__all__ = [
    "ENDS_SESSION",
    "Command",
    "Kind",
    "Layout",
    "Outcome",
    "Position",
    "Question",
    "step",
]

_Handler = Callable[[Layout, Position, int | None], tuple[Position, Outcome]]


def step(
    layout: Layout, position: Position, command: Command, target: int | None = None
) -> tuple[Position, Outcome]:
    """Apply ``command`` at ``position``. ``target`` is the 0-based move for GOTO (None when
    the user named no move the routine has). Never raises for any position or command."""
    position = _valid(layout, position)
    if command is Command.YES:
        command = _YES.get(position.question, Command.FALLBACK)
    elif command is Command.NO:
        return _no(position)
    command = _IN_CONTEXT.get((command, position.question), command)
    moved, outcome = _HANDLERS[command](layout, position, target)
    if outcome.kind is not Kind.PLAY:
        return moved, outcome
    if not position.in_progress and not position.completed and position.question is Question.NONE:
        outcome = replace(outcome, first_time=True)  # a one-shot: the safety line is owed
    if (moved.move, moved.part) == (len(layout) - 1, layout[-1] - 1):
        # Doing the last part is finishing: store it as done now, so stopping, walking away or
        # not answering cannot lose the completion. A routine counts only if it was under way.
        done = Position(completed=moved.completed + position.in_progress)
        return done, replace(outcome, kind=Kind.PLAY_LAST, finished=position.in_progress)
    return moved, outcome


def _valid(layout: Layout, position: Position) -> Position:
    """Clamp a position that does not fit the layout (content changed) to the nearest valid one."""
    if not 0 <= position.move < len(layout):
        return Position(completed=max(position.completed, 0))
    if not 0 <= position.part < layout[position.move]:
        return replace(position, part=0)
    return position


def _play(
    position: Position, move: int, part: int = 0, **details: bool
) -> tuple[Position, Outcome]:
    moved = replace(position, move=move, part=part, in_progress=True, question=Question.NEXT)
    return moved, Outcome(Kind.PLAY, **details)


def _launch(layout: Layout, position: Position, _target: int | None) -> tuple[Position, Outcome]:
    if position.in_progress:
        return replace(position, question=Question.RESUME), Outcome(Kind.WELCOME_BACK_IN_PROGRESS)
    kind = Kind.WELCOME_BACK_DONE if position.completed else Kind.WELCOME_NEW
    return replace(position, question=Question.START), Outcome(kind)


def _start(_layout: Layout, position: Position, _target: int | None) -> tuple[Position, Outcome]:
    return _play(position, 0, started=True)


def _next(layout: Layout, position: Position, target: int | None) -> tuple[Position, Outcome]:
    if not position.in_progress:
        return _start(layout, position, target)
    if position.part + 1 < layout[position.move]:
        return _play(position, position.move, position.part + 1, continued=True)
    if position.move + 1 < len(layout):
        return _play(position, position.move + 1, advanced=True)
    done = Position(completed=position.completed + 1)
    return done, Outcome(Kind.FINISHED, advanced=True, finished=True)


def _previous(layout: Layout, position: Position, _target: int | None) -> tuple[Position, Outcome]:
    if not position.in_progress or (position.move, position.part) == (0, 0):
        return position, Outcome(Kind.AT_FIRST)
    if position.part > 0:
        return _play(position, position.move, position.part - 1)
    return _play(position, position.move - 1, layout[position.move - 1] - 1)


def _repeat(layout: Layout, position: Position, target: int | None) -> tuple[Position, Outcome]:
    if position.in_progress and position.question not in (Question.RESUME, Question.RESTART):
        return _play(position, position.move, position.part)
    return _launch(layout, position, target)


def _goto(layout: Layout, position: Position, target: int | None) -> tuple[Position, Outcome]:
    if target is None or not 0 <= target < len(layout):
        asked = None if target is None else target + 1
        return position, Outcome(Kind.NO_SUCH_MOVE, requested=asked)
    return _play(position, target)


def _resume(layout: Layout, position: Position, target: int | None) -> tuple[Position, Outcome]:
    if position.in_progress:
        return _play(position, position.move, position.part, resumed=True)
    return _play(position, 0, fresh_start=True, started=True)


def _pause(_layout: Layout, position: Position, _target: int | None) -> tuple[Position, Outcome]:
    kind = Kind.PAUSED if position.in_progress else Kind.GOODBYE
    return replace(position, question=Question.NONE), Outcome(kind)


def _stop(_layout: Layout, position: Position, _target: int | None) -> tuple[Position, Outcome]:
    return replace(position, question=Question.NONE), Outcome(Kind.GOODBYE)


def _next_side(layout: Layout, position: Position, target: int | None) -> tuple[Position, Outcome]:
    """ "Switch sides" goes on only from the first side of a move done one side at a time."""
    if position.in_progress and position.part + 1 < layout[position.move]:
        return _next(layout, position, target)
    return position, Outcome(Kind.NO_OTHER_SIDE)


def _answer(kind: Kind) -> _Handler:
    """Help and not-understood answers: a yes/no offer made before them no longer stands."""

    def handler(
        _layout: Layout, position: Position, _target: int | None
    ) -> tuple[Position, Outcome]:
        if position.question in (Question.START, Question.RESUME, Question.RESTART):
            position = replace(position, question=Question.NONE)
        return position, Outcome(kind)

    return handler


def _stay(kind: Kind) -> _Handler:
    def handler(
        _layout: Layout, position: Position, _target: int | None
    ) -> tuple[Position, Outcome]:
        return position, Outcome(kind)

    return handler


def _no(position: Position) -> tuple[Position, Outcome]:
    if position.question is Question.RESUME:
        return replace(position, question=Question.RESTART), Outcome(Kind.OFFER_RESTART)
    if position.question is Question.NEXT:
        return position, Outcome(Kind.NOT_NOW)
    if position.question is Question.NONE:
        return position, Outcome(Kind.FALLBACK)
    return replace(position, question=Question.NONE), Outcome(Kind.GOODBYE)


# Words that mean "go on" depend on the question just asked: "next" or "let's go" at "pick up
# where you stopped?" resumes that move; "continue" right after a move goes on to the next one.
_IN_CONTEXT = {
    (Command.NEXT, Question.RESUME): Command.RESUME,
    (Command.RESUME, Question.NEXT): Command.NEXT,
}

_YES = {
    Question.START: Command.START,
    Question.RESUME: Command.RESUME,
    Question.RESTART: Command.START,
    Question.NEXT: Command.NEXT,
}

_HANDLERS: dict[Command, _Handler] = {
    Command.LAUNCH: _launch,
    Command.START: _start,
    Command.NEXT: _next,
    Command.NEXT_SIDE: _next_side,
    Command.PREVIOUS: _previous,
    Command.REPEAT: _repeat,
    Command.GOTO: _goto,
    Command.RESUME: _resume,
    Command.PAUSE: _pause,
    Command.PROGRESS: _stay(Kind.PROGRESS),
    Command.HELP: _answer(Kind.HELP),
    Command.FALLBACK: _answer(Kind.FALLBACK),
    Command.STOP: _stop,
    Command.SESSION_END: _stay(Kind.SILENT),
    Command.YES: _stay(Kind.FALLBACK),  # resolved before dispatch; kept so the table is total
    Command.NO: _stay(Kind.FALLBACK),
}
