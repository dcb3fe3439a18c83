"""The words navigation speaks in: what the user asked (Command), where they are (Position),
and what happened (Outcome, Kind). Plain data, shared by navigation, speech, state and the tests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Command(Enum):
    """What the user asked for, independent of how they phrased it."""

    LAUNCH = "launch"
    START = "start"
    NEXT = "next"
    NEXT_SIDE = "next_side"
    PREVIOUS = "previous"
    REPEAT = "repeat"
    GOTO = "goto"
    RESUME = "resume"
    PAUSE = "pause"
    PROGRESS = "progress"
    HELP = "help"
    FALLBACK = "fallback"
    STOP = "stop"
    YES = "yes"
    NO = "no"
    SESSION_END = "session_end"


class Question(Enum):
    """The yes/no question the last response asked, so "yes" and "no" mean the right thing."""

    NONE = "none"
    START = "start"  # shall we start (from the first move)?
    RESUME = "resume"  # shall we pick up where you stopped?
    RESTART = "restart"  # then start over from the first move instead?
    NEXT = "next"  # ready for the next move?


class Kind(Enum):
    """What the response should say."""

    WELCOME_NEW = "welcome_new"
    WELCOME_BACK_IN_PROGRESS = "welcome_back_in_progress"
    WELCOME_BACK_DONE = "welcome_back_done"
    PLAY = "play"
    PLAY_LAST = "play_last"  # the routine's final part, then its end, in one reply
    FINISHED = "finished"
    AT_FIRST = "at_first"
    NO_SUCH_MOVE = "no_such_move"
    NO_OTHER_SIDE = "no_other_side"
    OFFER_RESTART = "offer_restart"
    NOT_NOW = "not_now"
    PAUSED = "paused"
    GOODBYE = "goodbye"
    PROGRESS = "progress"
    HELP = "help"
    FALLBACK = "fallback"
    SILENT = "silent"


ENDS_SESSION = frozenset({Kind.PLAY_LAST, Kind.FINISHED, Kind.PAUSED, Kind.GOODBYE, Kind.SILENT})


@dataclass(frozen=True)
class Position:
    """The user's place. ``move`` and ``part`` index the routine; ``part`` is the side of a
    move whose sides are split into separate responses (else 0)."""

    move: int = 0
    part: int = 0
    in_progress: bool = False
    completed: int = 0
    question: Question = Question.NONE

    def same_place(self, other: Position) -> bool:
        """True when nothing worth storing differs (the question lives only in the session)."""
        return replace(self, question=Question.NONE) == replace(other, question=Question.NONE)


@dataclass(frozen=True)
class Outcome:
    """What happened: the kind of reply, plus the details the renderer needs."""

    kind: Kind
    resumed: bool = False  # PLAY: picked up a routine that was in progress
    fresh_start: bool = False  # PLAY: asked to resume with nothing to resume
    requested: int | None = None  # NO_SUCH_MOVE: the move number asked for, if any
    advanced: bool = False  # PLAY or FINISHED: moved on from a whole move (one move done)
    started: bool = False  # PLAY: the routine began (again) at its first move
    continued: bool = False  # PLAY: on from the previous side of the same move, just heard
    finished: bool = False  # PLAY_LAST or FINISHED: a routine in progress was completed
    first_time: bool = False  # PLAY: someone new, straight into a move with no welcome heard

    @property
    def ends_session(self) -> bool:
        return self.kind in ENDS_SESSION


Layout = tuple[int, ...]
"""How many parts (responses) each move takes, in routine order."""
