"""The daily habit in the person's own calendar: the days done, and when to offer a reminder.

Pure: the edge works out "today" (the request's time in the device's time zone) before a step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from upper_back.core.state import Habit

DAYS_KEPT = 60
"""Local dates kept in ``progress.days``: enough for "N of the last 30 days", with room."""
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def clock_time(text: object) -> time | None:
    """A time of day written "HH:MM" (24-hour), the one way reminder times are written (the
    record, the session, a permission request's token) and AMAZON.TIME gives them; None for
    anything else (seconds, an offset, "EV", damage)."""
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    return time(int(match[1]), int(match[2])) if match else None


def clock_text(at: time) -> str:
    """``at`` written "HH:MM", as ``clock_time`` reads it."""
    return at.isoformat(timespec="minutes")


@dataclass(frozen=True)
class DaysDone:
    """How the habit stands on ``today``: local days done in the last 7 and 30 days (today
    included), days in a row (up to today, or up to yesterday while today is still open),
    whether today is done, and routines finished in all."""

    week: int
    month: int
    in_a_row: int
    today: bool
    routines: int


def days_done(days: tuple[date, ...], today: date, routines: int) -> DaysDone:
    """The habit on ``today`` from the dates done (any order; dates after today, from a clock
    or zone that moved, are ignored)."""
    done = {day for day in days if day <= today}
    week = sum(1 for day in done if (today - day).days < 7)
    month = sum(1 for day in done if (today - day).days < 30)
    # A day not yet done does not break the run: it still counts up to yesterday.
    cursor = today if today in done else today - timedelta(days=1)
    in_a_row = 0
    while cursor in done:
        in_a_row += 1
        cursor -= timedelta(days=1)
    return DaysDone(week, month, in_a_row, today in done, routines)


def with_day(days: tuple[date, ...], today: date, kept: int) -> tuple[date, ...]:
    """``days`` with ``today`` added, sorted, the newest ``kept`` only."""
    return tuple(sorted(set(days) | {today})[-kept:])


def may_offer(habit: Habit, today: date, gap_days: int) -> bool:
    """Whether to offer a daily reminder after a finished routine: none set, the person has
    not refused the permission, and no offer (or "no") in the last ``gap_days`` days."""
    if habit.reminder is not None or habit.quiet:
        return False
    return habit.offered is None or (today - habit.offered).days >= gap_days
