"""What a reminder request to Alexa came to, folded into the transition that asked for it.

Navigation returns ``CreateReminder`` or ``DeleteReminder`` as effects with the outcome it
expects; the edge runs them and ``settle`` makes the state stored and the words said agree with
what Alexa really answered. Pure and total, like navigation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import assert_never

from upper_back.core.cases import Case
from upper_back.core.navigation import Transition
from upper_back.core.outcomes import (
    CreateReminder,
    DeleteReminder,
    PermissionAsked,
    ReminderFailed,
    ReminderProblem,
    SaveState,
)
from upper_back.core.state import Habit, Question, Reminder


@dataclass(frozen=True)
class Created:
    """Alexa created the reminder and named it ``token``."""

    token: str


class Deleted(Case):
    """The reminder is gone (deleted now, or Alexa no longer had it)."""


class PermissionMissing(Case):
    """The person has not granted the reminders permission: nothing was sent; ask by voice."""


@dataclass(frozen=True)
class Refused:
    """Alexa refused, or could not be reached in time: ``problem`` says which. ``old_deleted``:
    while changing a reminder, the old one was deleted before the new one failed (so the person
    now has none)."""

    problem: ReminderProblem
    old_deleted: bool = False


ReminderResult = Created | Deleted | PermissionMissing | Refused


def settle(
    transition: Transition, effect: CreateReminder | DeleteReminder, result: ReminderResult
) -> Transition:
    """The transition once Alexa answered ``effect`` with ``result``. Never raises."""
    match effect:
        case CreateReminder():
            return _created(transition, effect, result)
        case DeleteReminder():
            return _deleted(transition, result)
        case _:
            assert_never(effect)


def _created(transition: Transition, effect: CreateReminder, result: ReminderResult) -> Transition:
    place = transition.state.place
    match result:
        case Created(token=token):
            return _with(transition, Reminder(effect.at, token))
        case PermissionMissing():
            # Nothing was sent; Alexa asks for the permission, and its answer comes back as its
            # own request carrying the time.
            return replace(transition, outcome=PermissionAsked(effect.at), question=Question.NONE)
        case Refused(problem=problem, old_deleted=gone):
            failed = replace(transition, outcome=ReminderFailed(problem, False, place, gone))
            return _with(failed, None) if gone else failed
        case Deleted():  # not an answer to a create: said as a failure, nothing assumed
            failed_now = ReminderFailed(ReminderProblem.UNAVAILABLE, False, place)
            return replace(transition, outcome=failed_now)
        case _:
            assert_never(result)


def _deleted(transition: Transition, result: ReminderResult) -> Transition:
    place = transition.state.place
    match result:
        case Deleted():
            return _with(transition, None)
        case Refused(problem=problem):
            return replace(transition, outcome=ReminderFailed(problem, True, place))
        case Created() | PermissionMissing():  # not answers to a delete
            failed = ReminderFailed(ReminderProblem.UNAVAILABLE, True, place)
            return replace(transition, outcome=failed)
        case _:
            assert_never(result)


def _with(transition: Transition, reminder: Reminder | None) -> Transition:
    """``transition`` with the reminder as Alexa now has it, saved."""
    habit: Habit = replace(transition.state.habit, reminder=reminder)
    state = replace(transition.state, habit=habit)
    effects = transition.effects
    if state != transition.state and not any(isinstance(e, SaveState) for e in effects):
        effects = (*effects, SaveState())
    return replace(transition, state=state, effects=effects)
