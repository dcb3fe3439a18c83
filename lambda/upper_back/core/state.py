"""What the skill knows about a person, in parts that mean one thing each.

- ``Place``: where they are in the routine: not started, or at a move and a part (a side, for a
  move whose sides are coached one response at a time). A place is never "move 3" when no routine
  is under way.
- ``Progress``: what they have done over time (routines finished; room for the local dates done).
- ``Preferences``: how they like to be coached (room for pace, per-move versions, detail).
- ``Question``: the yes/no question the last reply asked. It lives in the session only.

``UserState`` is what is stored per person; the question travels beside it in the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


@dataclass(frozen=True)
class NotStarted:
    """No routine under way: the next start is from the first move."""


@dataclass(frozen=True)
class AtMove:
    """A routine under way, at ``move`` (0-based, in routine order) and ``part`` (the side's
    index for a move split into one response per side, else 0)."""

    move: int
    part: int = 0


Place = NotStarted | AtMove


@dataclass(frozen=True)
class Progress:
    """Progress over time. ``days`` holds local dates on which a routine was done, newest last
    (filled by the habit feature; kept through every save)."""

    completed: int = 0
    days: tuple[date, ...] = ()


@dataclass(frozen=True)
class Preferences:
    """How this person likes to be coached. ``pace`` and ``variants`` (move id -> version) are
    filled by the adaptive coach; unset means the routine's defaults."""

    pace: str | None = None
    variants: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class UserState:
    """Everything stored for one person."""

    place: Place = field(default_factory=NotStarted)
    progress: Progress = field(default_factory=Progress)
    preferences: Preferences = field(default_factory=Preferences)


class Question(Enum):
    """The yes/no question the last reply asked, so "yes" and "no" mean the right thing."""

    NONE = "none"
    START = "start"  # shall we start (from the first move)?
    RESUME = "resume"  # shall we pick up where you stopped?
    RESTART = "restart"  # then start over from the first move instead?
    NEXT = "next"  # ready for the next move?


Layout = tuple[int, ...]
"""How many parts (responses) each move takes, in routine order."""
