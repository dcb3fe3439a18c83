"""The daily habit's pure parts: days done, the offer's 7-day rule, and settling a reminder call."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from hypothesis import given
from hypothesis import strategies as st

from upper_back.core.commands import CancelReminder, Yes
from upper_back.core.habit import DAYS_KEPT, DaysDone, days_done, may_offer, with_day
from upper_back.core.navigation import Context, Transition, step
from upper_back.core.outcomes import (
    CreateReminder,
    DeleteReminder,
    PermissionAsked,
    ReminderCancelled,
    ReminderFailed,
    ReminderProblem,
    ReminderSet,
    SaveState,
)
from upper_back.core.reminders import Created, Deleted, PermissionMissing, Refused, settle
from upper_back.core.state import (
    OFFER_GAP_DAYS,
    AtMove,
    ConfirmReminder,
    Habit,
    NotStarted,
    Progress,
    Question,
    Reminder,
    UserState,
)
from upper_back.edge.alexa_services import reminder_request

TODAY = date(2026, 12, 4)
EIGHT, NINE = time(8, 0), time(9, 0)


def ago(*days: int) -> tuple[date, ...]:
    return tuple(TODAY - timedelta(days=n) for n in days)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ((), DaysDone(0, 0, 0, False, 9)),
        (ago(0), DaysDone(1, 1, 1, True, 9)),
        # today still open: the run counts up to yesterday, it is not broken yet
        (ago(1, 2, 3), DaysDone(3, 3, 3, False, 9)),
        (ago(0, 1, 2, 3), DaysDone(4, 4, 4, True, 9)),
        # one missed day ends the run, not the week: four of the last seven
        (ago(0, 1, 3, 4, 5), DaysDone(5, 5, 2, True, 9)),
        # the edges of the windows: 6 days ago is in the week, 7 is not; 29 in the month, 30 not
        (ago(6, 7, 29, 30), DaysDone(1, 3, 0, False, 9)),
        # a date after today (a clock or zone that moved) is not counted
        ((TODAY + timedelta(days=1),), DaysDone(0, 0, 0, False, 9)),
    ],
    ids=["none", "today", "up-to-yesterday", "four-in-a-row", "a-gap", "window-edges", "future"],
)
def test_days_done_counts_local_days(days: tuple[date, ...], expected: DaysDone) -> None:
    assert days_done(days, TODAY, 9) == expected


@given(st.lists(st.dates(date(2020, 1, 1), date(2030, 1, 1)), max_size=120), st.dates())
def test_with_day_keeps_a_bounded_sorted_window_that_ends_with_the_newest(
    days: list[date], today: date
) -> None:
    kept = with_day(tuple(days), today, DAYS_KEPT)
    assert list(kept) == sorted(set(kept))
    assert len(kept) <= DAYS_KEPT
    assert today in kept or (len({*days, today}) > DAYS_KEPT and today < min(kept))
    assert kept[-1] == max({*days, today})


def test_a_reminder_is_offered_again_only_a_week_after_the_last_offer() -> None:
    assert may_offer(Habit(), TODAY, OFFER_GAP_DAYS)
    offered = Habit(offered=TODAY - timedelta(days=OFFER_GAP_DAYS - 1))
    assert not may_offer(offered, TODAY, OFFER_GAP_DAYS)
    assert may_offer(Habit(offered=TODAY - timedelta(days=OFFER_GAP_DAYS)), TODAY, OFFER_GAP_DAYS)
    assert not may_offer(Habit(quiet=True), TODAY, OFFER_GAP_DAYS)
    assert not may_offer(Habit(reminder=Reminder(EIGHT, "t")), TODAY, OFFER_GAP_DAYS)


CONTEXT = Context((1, 2, 2, 1, 1), datetime(2026, 12, 4, 20, tzinfo=UTC))
WITH_EIGHT = UserState(AtMove(2), Progress(3), habit=Habit(reminder=Reminder(EIGHT, "old")))


def call(transition: Transition) -> CreateReminder | DeleteReminder:
    """The reminder call a transition asks for (its first effect)."""
    effect = transition.effects[0]
    assert isinstance(effect, CreateReminder | DeleteReminder)
    return effect


def yes_at(state: UserState, at: time) -> Transition:
    return step(state, ConfirmReminder(at), Yes(), CONTEXT)


def test_a_created_reminder_keeps_its_token_and_is_saved() -> None:
    transition = yes_at(UserState(), EIGHT)
    assert transition.effects == (CreateReminder(EIGHT, None),)
    settled = settle(transition, call(transition), Created("new-token"))
    assert settled.state.habit.reminder == Reminder(EIGHT, "new-token")
    assert settled.outcome == ReminderSet(EIGHT, NotStarted())
    assert settled.effects == (CreateReminder(EIGHT, None), SaveState())


def test_a_missing_permission_asks_alexa_for_it_and_stores_nothing() -> None:
    transition = yes_at(UserState(), EIGHT)
    settled = settle(transition, call(transition), PermissionMissing())
    assert (settled.state, settled.outcome, settled.question) == (
        UserState(),
        PermissionAsked(EIGHT),
        Question.NONE,
    )
    assert SaveState() not in settled.effects


@pytest.mark.parametrize("problem", list(ReminderProblem))
def test_a_refused_change_keeps_the_old_reminder_unless_it_was_deleted(
    problem: ReminderProblem,
) -> None:
    transition = yes_at(WITH_EIGHT, NINE)
    assert transition.effects == (CreateReminder(NINE, "old"),)
    kept = settle(transition, call(transition), Refused(problem))
    assert kept.state == WITH_EIGHT
    assert kept.outcome == ReminderFailed(problem, False, AtMove(2))
    gone = settle(transition, call(transition), Refused(problem, old_deleted=True))
    assert gone.state.habit.reminder is None
    assert gone.outcome == ReminderFailed(problem, False, AtMove(2), old_gone=True)
    assert SaveState() in gone.effects


def test_a_cancel_forgets_the_token_only_once_alexa_deleted_it() -> None:
    transition = step(WITH_EIGHT, Question.NEXT, CancelReminder(), CONTEXT)
    assert transition.effects == (DeleteReminder("old"),)
    deleted = settle(transition, call(transition), Deleted())
    assert deleted.state.habit.reminder is None
    assert deleted.outcome == ReminderCancelled(True, AtMove(2))
    refused = settle(transition, call(transition), Refused(ReminderProblem.UNAVAILABLE))
    assert refused.state == WITH_EIGHT
    assert refused.outcome == ReminderFailed(ReminderProblem.UNAVAILABLE, True, AtMove(2))


def test_answers_that_do_not_fit_the_call_are_failures_not_guesses() -> None:
    create = yes_at(UserState(), EIGHT)
    odd = settle(create, call(create), Deleted())
    assert odd.outcome == ReminderFailed(ReminderProblem.UNAVAILABLE, False, NotStarted())
    assert odd.state == UserState()
    cancel = step(WITH_EIGHT, Question.NONE, CancelReminder(), CONTEXT)
    for result in (Created("x"), PermissionMissing()):
        odd = settle(cancel, call(cancel), result)
        assert odd.state == WITH_EIGHT
        assert odd.outcome == ReminderFailed(ReminderProblem.UNAVAILABLE, True, AtMove(2))


@pytest.mark.parametrize(
    ("zone", "now", "first"),
    [
        # 07:30 in Auckland: today's 8:00 is still to come, in local time without an offset
        ("Pacific/Auckland", datetime(2026, 12, 3, 18, 30, tzinfo=UTC), "2026-12-04T08:00:00"),
        # 20:00 in London: tomorrow's
        ("Europe/London", datetime(2026, 12, 4, 20, 0, tzinfo=UTC), "2026-12-05T08:00:00"),
        # no zone known: tomorrow by UTC's date (Alexa uses the device's zone), never today
        (None, datetime(2026, 12, 4, 1, 0, tzinfo=UTC), "2026-12-05T08:00:00"),
    ],
)
def test_the_reminder_request_starts_at_the_next_local_time_without_an_offset(
    zone: str | None, now: datetime, first: str
) -> None:
    request = reminder_request(EIGHT, zone, now, "en-GB")
    body = cast(dict[str, Any], DefaultSerializer().serialize(request))
    trigger = body["trigger"]
    assert (trigger["scheduledTime"], trigger["recurrence"]["startDateTime"]) == (first, first)
    assert trigger.get("timeZoneId") == zone
    assert trigger["recurrence"]["recurrenceRules"] == ["FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0"]
    assert body["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-GB", "text": "Time for your daily mobility routine."}
    ]
    assert body["requestTime"] == now.replace(tzinfo=None).isoformat()
