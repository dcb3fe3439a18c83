"""What happened in a turn (``Outcome``) and what the edge must do about it (``Effect``).

Each outcome is its own small frozen type carrying exactly what the renderer needs to say it,
including the place it must speak of; the renderer, the metrics and the logs ``match`` over
``Outcome`` with ``assert_never``, so mypy fails when one of them forgets a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import Enum

from upper_back.core.cases import Case
from upper_back.core.habit import DaysDone
from upper_back.core.state import AtMove, Place, Question


class Entry(Enum):
    """How a move's part came to be played."""

    STARTED = "started"  # the routine began (again) at its first move
    FRESH_START = "fresh_start"  # asked to resume with nothing to resume: from the top
    ADVANCED = "advanced"  # on to the next move after finishing one
    CONTINUED = "continued"  # the other side of the move just heard
    RESUMED = "resumed"  # picked up a routine that was under way
    AGAIN = "again"  # repeat, go back, or a jump to a named move
    ADJUSTED = "adjusted"  # the same part again, in the version just chosen
    DAILY = "daily"  # just the daily move, on its own


class WelcomeNew(Case):
    """Somebody who has never finished a routine opened the skill."""


@dataclass(frozen=True)
class WelcomeBack:
    """Opened with a routine under way at ``at``: offer to pick up there."""

    at: AtMove


@dataclass(frozen=True)
class WelcomeBackAfterSet:
    """Opened after a session lapsed once the set at ``at`` was heard to its end: name it and
    offer what comes next (``yes`` and ``next`` go on, ``repeat`` does it again)."""

    at: AtMove


@dataclass(frozen=True)
class WelcomeBackDone:
    """Opened by somebody who has finished ``completed`` routines and has none under way;
    ``days``: how their days stand (said when there is something good to say)."""

    completed: int
    days: DaysDone | None = None


@dataclass(frozen=True)
class Played:
    """A part of a move, coached. ``safety_first``: somebody new went straight into a move
    without hearing the welcome, so the safety line is owed."""

    at: AtMove
    entry: Entry
    completed: int
    safety_first: bool = False
    pause_hint: bool = False


@dataclass(frozen=True)
class PlayedLast:
    """The routine's final part and its end, in one reply (the place is already stored as
    done). ``finished``: the new count when a routine under way was completed by it, None when
    the final move was done on its own."""

    at: AtMove
    entry: Entry
    completed: int
    safety_first: bool = False
    finished: int | None = None
    pause_hint: bool = False
    days: DaysDone | None = None
    offer_reminder: bool = False


@dataclass(frozen=True)
class Finished:
    """The routine was completed; ``count`` routines done in all. ``days``: the days done,
    today included; ``offer_reminder``: a daily reminder is offered (the question REMIND)."""

    count: int
    days: DaysDone | None = None
    offer_reminder: bool = False


class NotStartedYet(Case):
    """ "Go back" before a routine is under way."""


class AlreadyAtFirst(Case):
    """ "Go back" at the first move."""


@dataclass(frozen=True)
class NoSuchMove:
    """A move the routine does not have: ``asked`` is the number asked for, None for a name."""

    asked: int | None


@dataclass(frozen=True)
class NoOtherSide:
    """ "Switch sides" where there is no other side to go to."""

    place: Place
    question: Question


class OfferRestart(Case):
    """ "No" to picking up: offer to start over instead."""


class NotNow(Case):
    """ "No" to the next move: take your time."""


@dataclass(frozen=True)
class Paused:
    """Paused in a routine under way at ``at``; the session ends."""

    at: AtMove


@dataclass(frozen=True)
class Goodbye:
    """Leaving; ``place`` is where the person is, to be named if a routine is under way."""

    place: Place


@dataclass(frozen=True)
class ProgressReport:
    """Where the person is and what is left, then the question still open."""

    place: Place
    question: Question


@dataclass(frozen=True)
class HelpGiven:
    """What the skill does and what can be said, from where the person is."""

    place: Place
    question: Question


@dataclass(frozen=True)
class Misheard:
    """The request could not be understood here."""

    place: Place
    question: Question


@dataclass(frozen=True)
class PainStop:
    """ "That hurts": the move stops at once; the stop rule is said, then (at a move) the easier
    version or skipping the move is offered. Nothing about it is stored."""

    place: Place
    question: Question


@dataclass(frozen=True)
class NoMoveToAdjust:
    """ "Easier" or "harder" with no move under way to change."""

    place: Place
    question: Question


@dataclass(frozen=True)
class PaceSet:
    """The tempo was changed (``pace`` None: back to normal); said, then the question still open.
    ``already``: it was that tempo before (asking "slower" twice does not go slower still)."""

    pace: str | None
    place: Place
    question: Question
    already: bool = False


@dataclass(frozen=True)
class DetailSet:
    """Full or short coaching was chosen; said, then the question still open."""

    detail: str
    place: Place
    question: Question


class Silent(Case):
    """Nothing to say (the session has already ended)."""


@dataclass(frozen=True)
class DaysReport:
    """ "How am I doing": the days done lately and routines in all, then the question open."""

    days: DaysDone
    place: Place
    question: Question


@dataclass(frozen=True)
class CannotCheck:
    """ "How am I doing" or a reminder request while the stored record cannot be read: its days
    and its reminder are not known, so nothing is said about them, and nothing is changed."""

    place: Place
    question: Question


@dataclass(frozen=True)
class ReminderTimeAsked:
    """A daily reminder was asked for (or accepted) without a time: what time of day?
    ``current``: the time of the one already set (said); ``again``: what was said to the
    question was not a time."""

    current: time | None
    again: bool = False


@dataclass(frozen=True)
class ReminderProposed:
    """The reminder restated for a yes (the question ``ConfirmReminder``): every day at ``at``;
    ``current``: the time of the reminder it would replace."""

    at: time
    current: time | None


@dataclass(frozen=True)
class ReminderSet:
    """The daily reminder at ``at`` was created (and any earlier one removed)."""

    at: time
    place: Place


class ReminderProblem(Enum):
    """Why Alexa did not set (or remove) a reminder."""

    NO_PERMISSION = "no_permission"  # 401: the permission is missing; a card asks for it
    UNSUPPORTED = "unsupported"  # 403: this device cannot have reminders
    UNAVAILABLE = "unavailable"  # anything else (429, 5xx, no answer in time): not right now


@dataclass(frozen=True)
class ReminderFailed:
    """A reminder could not be set (``cancelling`` False) or removed (True), and why.
    ``old_gone``: changing a reminder, the old one was deleted before the new one failed."""

    problem: ReminderProblem
    cancelling: bool
    place: Place
    old_gone: bool = False


@dataclass(frozen=True)
class PermissionAsked:
    """The permission is missing: Alexa asks for it, by voice, for a reminder at ``at``."""

    at: time


@dataclass(frozen=True)
class PermissionRefused:
    """The person said no to the permission (or could not give it by voice): said once,
    plainly, with where to turn it on; the skill will not offer a reminder again."""

    place: Place
    by_voice: bool = True


@dataclass(frozen=True)
class ReminderDeclined:
    """No reminder after all ("no" to the offer or to the time restated)."""

    place: Place


@dataclass(frozen=True)
class ReminderCancelled:
    """The daily reminder was removed; ``had``: there was one to remove."""

    had: bool
    place: Place


Outcome = (
    WelcomeNew | WelcomeBack | WelcomeBackDone | Played | PlayedLast | Finished | NotStartedYet
    | AlreadyAtFirst | NoSuchMove | NoOtherSide | OfferRestart | NotNow | Paused | Goodbye
    | ProgressReport | HelpGiven | Misheard | Silent | WelcomeBackAfterSet | PainStop
    | NoMoveToAdjust | PaceSet | DetailSet | DaysReport | ReminderTimeAsked | ReminderProposed
    | ReminderSet | ReminderFailed | PermissionAsked | PermissionRefused | ReminderDeclined
    | ReminderCancelled | CannotCheck
)  # fmt: skip


class SaveState(Case):
    """The stored part of the state changed: write it (against the expected revision)."""


@dataclass(frozen=True)
class CreateReminder:
    """Ask Alexa for a daily reminder at local time ``at``; ``replacing``: the token of the
    person's current reminder, deleted first (never two daily reminders)."""

    at: time
    replacing: str | None = None


@dataclass(frozen=True)
class DeleteReminder:
    """Ask Alexa to delete the reminder named ``token``."""

    token: str


Effect = SaveState | CreateReminder | DeleteReminder
"""What the edge runs after a step: the reminder calls first (their answers settle the state),
then the save."""
