"""What the skill knows about a person, in parts that mean one thing each.

- ``Place``: where they are in the routine: not started, or at a move and a part (a side, for a
  move whose sides are coached one response at a time), in the full or the quick run, and whether
  that part's set was heard to its end before the session lapsed. A place is never "move 3" when
  no routine is under way.
- ``Progress``: what they have done over time (routines finished, the local dates done).
- ``Habit``: what keeps the daily habit going: the device's last known time zone, the daily
  reminder they asked for, and when one was last offered.
- ``Preferences``: how they like to be coached (pace, per-move versions, detail). Never anything
  about their health: "that hurts" changes a version, it is not recorded.
- ``Question``: the yes/no question the last reply asked. It lives in the session only.

``UserState`` is what is stored per person; the question travels beside it in the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time
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
    """Progress over time. ``days`` holds the person's local dates on which they did the
    routine, the quick run or the daily move (a bounded window, oldest first)."""

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
class Reminder:
    """The daily reminder the person agreed to: its local time of day and the token Alexa gave
    it (deleting it needs the token; the reminder cannot be read back)."""

    at: time
    token: str


@dataclass(frozen=True)
class Habit:
    """What keeps the daily habit going. ``zone``: the device's time zone as last looked up
    (the fallback when a lookup fails). ``reminder``: the one daily reminder, if any.
    ``offered``: the local date a reminder was last offered (or declined), so the offer is not
    repeated within ``OFFER_GAP_DAYS``. ``quiet``: the person refused the permission, so the
    skill never offers a reminder on its own again (asking for one still works)."""

    zone: str | None = None
    reminder: Reminder | None = None
    offered: date | None = None
    quiet: bool = False


OFFER_GAP_DAYS = 7
"""Days after an offer (or a "no") before a reminder is offered again."""


@dataclass(frozen=True)
class UserState:
    """Everything stored for one person."""

    place: Place = field(default_factory=NotStarted)
    progress: Progress = field(default_factory=Progress)
    preferences: Preferences = field(default_factory=Preferences)
    habit: Habit = field(default_factory=Habit)


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
    REMIND = "remind"  # after a finished routine: would you like a daily reminder?
    REMIND_WHEN = "remind_when"  # what time should the daily reminder be?


@dataclass(frozen=True)
class ConfirmReminder:
    """The question "a reminder every day at ``at``: shall I set it?", which carries its time
    (certification asks for a yes to the time and recurrence restated)."""

    at: time


Asked = Question | ConfirmReminder
"""The question pending after a reply: a plain one, or one that carries what it proposes."""


Layout = tuple[int, ...]
"""How many parts (responses) each move takes, in routine order."""
