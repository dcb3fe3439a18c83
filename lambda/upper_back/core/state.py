"""What the skill knows about a person, in parts that mean one thing each.

- ``Place``: where they are in the routine: not started, or at a move and a part (a side, for a
  move whose sides are coached one response at a time), in the full or the quick run, and whether
  that part's set was heard to its end before the session lapsed. A place is never "move 3" when
  no routine is under way.
- ``Progress``: what they have done over time (routines finished; room for the local dates done).
- ``Preferences``: how they like to be coached (pace, per-move versions, detail). Never anything
  about their health: "that hurts" changes a version, it is not recorded.
- ``Question``: the yes/no question the last reply asked. It lives in the session only.

``UserState`` is what is stored per person; the question travels beside it in the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum


@dataclass(frozen=True)
class NotStarted:
    """No routine under way: the next start is from the first move."""


class Kind(Enum):
    """Which run of the routine is under way."""

    FULL = "full"  # the five moves at their default doses
    QUICK = "quick"  # the five moves at the quick doses (about five minutes)


@dataclass(frozen=True)
class AtMove:
    """A routine under way, at ``move`` (0-based, in routine order) and ``part`` (the side's
    index for a move split into one response per side, else 0). ``done``: that part's set was
    heard to its end and the session then lapsed (Alexa ended it after the user said nothing),
    so coming back goes on from the part after it. ``kind``: the full or the quick run."""

    move: int
    part: int = 0
    done: bool = False
    kind: Kind = Kind.FULL


Place = NotStarted | AtMove


@dataclass(frozen=True)
class Progress:
    """Progress over time. ``days`` holds local dates on which a routine was done, newest last
    (filled by the habit feature; kept through every save)."""

    completed: int = 0
    days: tuple[date, ...] = ()
    quick: int = 0  # of ``completed``, how many were quick runs (they do not make it known)


PACES = ("slower", "faster")
"""Tempos besides the default (None), within the dose ranges in the routine notes."""
VARIANTS = ("easier", "harder")
"""Versions of a move besides the default (None)."""
DETAILS = ("full", "short")
"""How much each move's setup is spoken: None lets the skill choose (full until the routine is
known)."""


@dataclass(frozen=True)
class Preferences:
    """How this person likes to be coached: ``pace`` (one of PACES), ``variants`` (move id ->
    one of VARIANTS, sorted by id) and ``detail`` (one of DETAILS); unset means the defaults.
    Never anything about the person's health: a version is chosen, not a pain recorded."""

    pace: str | None = None
    variants: tuple[tuple[str, str], ...] = field(default=())
    detail: str | None = None

    def variant(self, move_id: str) -> str | None:
        """The version chosen for ``move_id``, None for the default."""
        return dict(self.variants).get(move_id)

    def with_variant(self, move_id: str, variant: str | None) -> Preferences:
        """These preferences with ``move_id``'s version set (None: back to the default)."""
        chosen = {k: v for k, v in self.variants if k != move_id}
        if variant is not None:
            chosen[move_id] = variant
        return replace(self, variants=tuple(sorted(chosen.items())))


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
    # ready for the next move? asked after something other than a set, which may have been cut short
    GO_ON = "go_on"
    EASIER = "easier"  # after "that hurts": shall we try the easier version (or skip)?
    SKIP = "skip"  # after "that hurts" in the easier version already: shall we skip this move?


Layout = tuple[int, ...]
"""How many parts (responses) each move takes, in routine order."""
