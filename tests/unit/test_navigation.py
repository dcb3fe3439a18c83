"""step(): a table of commands from representative states, every command from every state of the
real routine, walks over other routines, and invariants under random conversations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from itertools import product
from typing import get_args

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from upper_back.core.commands import (
    AskDays,
    AskProgress,
    CancelReminder,
    ChangeVersion,
    Command,
    Consent,
    DailyMove,
    GoTo,
    Help,
    Hurts,
    Launch,
    Next,
    NextSide,
    No,
    NotUnderstood,
    Pause,
    PermissionAnswered,
    Previous,
    Quick,
    RemindersGone,
    Repeat,
    Resume,
    SessionEnd,
    SetDetail,
    SetPace,
    SetReminder,
    Start,
    Stop,
    Yes,
)
from upper_back.core.habit import DaysDone
from upper_back.core.navigation import Context, Transition, step
from upper_back.core.outcomes import (
    AlreadyAtFirst,
    CannotCheck,
    CreateReminder,
    DaysReport,
    DeleteReminder,
    DetailSet,
    Entry,
    Finished,
    Goodbye,
    HelpGiven,
    Misheard,
    NoMoveToAdjust,
    NoOtherSide,
    NoSuchMove,
    NotNow,
    NotStartedYet,
    OfferRestart,
    Outcome,
    PaceSet,
    PainStop,
    Paused,
    PermissionRefused,
    Played,
    PlayedLast,
    ProgressReport,
    ReminderCancelled,
    ReminderDeclined,
    ReminderFailed,
    ReminderProblem,
    ReminderProposed,
    ReminderSet,
    ReminderTimeAsked,
    SaveState,
    Silent,
    WelcomeBack,
    WelcomeBackAfterSet,
    WelcomeBackDone,
    WelcomeNew,
)
from upper_back.core.reminders import Created, Deleted, PermissionMissing, Refused, settle
from upper_back.core.routine import load_routine
from upper_back.core.state import (
    Asked,
    AtMove,
    ConfirmReminder,
    Habit,
    Kind,
    Layout,
    NotStarted,
    Place,
    Preferences,
    Progress,
    Question,
    Reminder,
    UserState,
)

NOW = datetime(2025, 3, 14, 7, 30, tzinfo=UTC)
LAYOUT: Layout = (1, 2, 2, 1, 1)
"""The real routine's shape, written out: the cases below are stated for it."""
IDS = tuple(move.id for move in load_routine().moves)
CONTEXT = Context(LAYOUT, NOW, IDS)
UNREAD = replace(CONTEXT, known=False)
"""A turn whose stored record could not be read."""
SAVE = (SaveState(),)
KEEP = ()

NEW = UserState()
FIRST = UserState(AtMove(0))  # the rhomboid push-up, one part
WALL_LEFT = UserState(AtMove(1, 0), Progress(1))  # the wall splat, split: first side
WALL_RIGHT = UserState(AtMove(1, 1), Progress(1))  # ... and its second side
ELEVEN = UserState(AtMove(3))  # the move before the last
LAST = UserState(AtMove(4), Progress(4))  # the bridge and reach-over: the routine's final part
DONE_BEFORE = UserState(progress=Progress(2))  # finished twice, nothing under way
FIRST_HARDER = replace(FIRST, preferences=Preferences(variants=(("rhomboid_push_up", "harder"),)))
WALL_LEFT_EASIER = replace(WALL_LEFT, preferences=Preferences(variants=(("wall_splat", "easier"),)))
WALL_LEFT_DONE = UserState(AtMove(1, 0, done=True), Progress(1))  # its set heard, then a lapse
PLACES = (NEW, FIRST, WALL_LEFT, WALL_RIGHT, ELEVEN, LAST, DONE_BEFORE)
EIGHT = time(8, 0)
REMINDED_AT_WALL = UserState(
    AtMove(1), Progress(2), habit=Habit(reminder=Reminder(EIGHT, "token-1"))
)
WEEK_AT_WALL = UserState(
    AtMove(1),
    Progress(6, (date(2025, 2, 1), date(2025, 3, 1), date(2025, 3, 9), date(2025, 3, 12),
                 date(2025, 3, 13))),
)  # fmt: skip
"""Six routines; days done: two over a month ago, 5 days ago, and the two days before today."""


def at(move: int, part: int = 0, completed: int = 0) -> UserState:
    return UserState(AtMove(move, part), Progress(completed))


def done(completed: int) -> UserState:
    return UserState(progress=Progress(completed))


DAY = CONTEXT.day  # the request's date (no zone given: UTC)


def with_today(state: UserState) -> UserState:
    """``state`` with today among the days done."""
    return replace(state, progress=replace(state.progress, days=(DAY,)))


def finished(completed: int, quick: int = 0) -> UserState:
    """Just finished a routine, the first day done: stored as done, today counted, and a
    reminder offered today (so not again for a week)."""
    return UserState(progress=Progress(completed, (DAY,), quick), habit=Habit(offered=DAY))


def FIRST_DAY(routines: int) -> DaysDone:  # noqa: N802 (reads as a constant in the table)
    """The days when today is the only day done."""
    return DaysDone(week=1, month=1, in_a_row=1, today=True, routines=routines)


def test_the_cases_below_are_written_for_the_real_routine() -> None:
    """If the content's shape changes, the literal places in this file need a new look."""
    assert tuple(move.parts for move in load_routine().moves) == LAYOUT


Q = Question
CASES = [
    # next
    ("next-new", NEW, Q.NONE, Next(),
     Transition(at(0), Q.NEXT, Played(AtMove(0), Entry.STARTED, 0, True, True), SAVE)),
    ("next-first", FIRST, Q.NEXT, Next(),
     Transition(at(1), Q.NEXT, Played(AtMove(1), Entry.ADVANCED, 0), SAVE)),
    ("next-wall-left", WALL_LEFT, Q.NEXT, Next(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    ("next-wall-right", WALL_RIGHT, Q.NEXT, Next(),
     Transition(at(2, 0, 1), Q.NEXT, Played(AtMove(2), Entry.ADVANCED, 1), SAVE)),
    # the last part is played and the routine finished in one reply, stored as done at once
    ("next-before-last", ELEVEN, Q.NEXT, Next(),
     Transition(finished(1), Q.REMIND, PlayedLast(AtMove(4), Entry.ADVANCED, 1, finished=1,
                days=FIRST_DAY(1), offer_reminder=True), SAVE)),
    ("next-last", LAST, Q.NEXT, Next(),
     Transition(finished(5), Q.REMIND, Finished(5, FIRST_DAY(5), offer_reminder=True), SAVE)),
    ("next-done-before", DONE_BEFORE, Q.START, Next(),
     Transition(at(0, 0, 2), Q.NEXT, Played(AtMove(0), Entry.STARTED, 2, pause_hint=True), SAVE)),
    # previous
    ("previous-new", NEW, Q.NONE, Previous(), Transition(NEW, Q.NONE, NotStartedYet())),
    ("previous-first", FIRST, Q.NEXT, Previous(), Transition(FIRST, Q.GO_ON, AlreadyAtFirst())),
    ("previous-wall-left", WALL_LEFT, Q.NEXT, Previous(),
     Transition(at(0, 0, 1), Q.NEXT, Played(AtMove(0), Entry.AGAIN, 1), SAVE)),
    ("previous-wall-right", WALL_RIGHT, Q.NEXT, Previous(),
     Transition(at(1, 0, 1), Q.NEXT, Played(AtMove(1, 0), Entry.AGAIN, 1), SAVE)),
    ("previous-before-last", ELEVEN, Q.NEXT, Previous(),
     Transition(at(2, 1), Q.NEXT, Played(AtMove(2, 1), Entry.AGAIN, 0), SAVE)),
    ("previous-last", LAST, Q.NEXT, Previous(),
     Transition(at(3, 0, 4), Q.NEXT, Played(AtMove(3), Entry.AGAIN, 4), SAVE)),
    ("previous-done-before", DONE_BEFORE, Q.START, Previous(),
     Transition(DONE_BEFORE, Q.START, NotStartedYet())),
    # repeat: the same part again (nothing to save), or the welcome when nothing is under way
    ("repeat-wall-right", WALL_RIGHT, Q.NEXT, Repeat(),
     Transition(WALL_RIGHT, Q.NEXT, Played(AtMove(1, 1), Entry.AGAIN, 1))),
    ("repeat-last", LAST, Q.NEXT, Repeat(),
     Transition(finished(5), Q.REMIND, PlayedLast(AtMove(4), Entry.AGAIN, 5, finished=5,
                days=FIRST_DAY(5), offer_reminder=True), SAVE)),
    ("repeat-new", NEW, Q.NONE, Repeat(), Transition(NEW, Q.START, WelcomeNew())),
    ("repeat-at-resume-offer", ELEVEN, Q.RESUME, Repeat(),
     Transition(ELEVEN, Q.RESUME, WelcomeBack(AtMove(3)))),
    # go to a move
    ("goto-3-from-first", FIRST, Q.NEXT, GoTo(2),
     Transition(at(2), Q.NEXT, Played(AtMove(2), Entry.AGAIN, 0), SAVE)),
    ("goto-1-from-last", LAST, Q.NEXT, GoTo(0),
     Transition(at(0, 0, 4), Q.NEXT, Played(AtMove(0), Entry.AGAIN, 4), SAVE)),
    # only the last move, done on its own: no routine was under way to count, nothing changes
    ("goto-last-when-new", NEW, Q.NONE, GoTo(4),
     # the last move alone: a day done, no routine counted, no reminder offered
     Transition(with_today(NEW), Q.NONE, PlayedLast(AtMove(4), Entry.AGAIN, 0, safety_first=True,
                days=FIRST_DAY(0)), SAVE)),
    ("goto-6", ELEVEN, Q.NEXT, GoTo(5), Transition(ELEVEN, Q.GO_ON, NoSuchMove(6))),
    ("goto-100", FIRST, Q.NEXT, GoTo(99), Transition(FIRST, Q.GO_ON, NoSuchMove(100))),
    ("goto-0", WALL_RIGHT, Q.NEXT, GoTo(-1), Transition(WALL_RIGHT, Q.GO_ON, NoSuchMove(0))),
    ("goto-unnamed", LAST, Q.NEXT, GoTo(None), Transition(LAST, Q.GO_ON, NoSuchMove(None))),
    # start and resume
    ("start-from-last", LAST, Q.NEXT, Start(),
     Transition(at(0, 0, 4), Q.NEXT, Played(AtMove(0), Entry.STARTED, 4, pause_hint=True), SAVE)),
    # the welcome gave the safety line already
    ("start-after-welcome", NEW, Q.START, Start(),
     Transition(at(0), Q.NEXT, Played(AtMove(0), Entry.STARTED, 0, pause_hint=True), SAVE)),
    ("resume-wall-right", WALL_RIGHT, Q.RESUME, Resume(),
     Transition(WALL_RIGHT, Q.NEXT, Played(AtMove(1, 1), Entry.RESUMED, 1))),
    ("resume-nothing", DONE_BEFORE, Q.NONE, Resume(),
     Transition(at(0, 0, 2), Q.NEXT, Played(AtMove(0), Entry.FRESH_START, 2, False, True),
                SAVE)),
    ("resume-nothing-when-new", NEW, Q.NONE, Resume(),
     Transition(at(0), Q.NEXT, Played(AtMove(0), Entry.FRESH_START, 0, True, True), SAVE)),
    # "next" at "pick up where you stopped?" picks up; "continue" after a move goes on
    ("next-at-resume-offer", WALL_RIGHT, Q.RESUME, Next(),
     Transition(WALL_RIGHT, Q.NEXT, Played(AtMove(1, 1), Entry.RESUMED, 1))),
    ("resume-after-a-move", WALL_LEFT, Q.NEXT, Resume(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    # switch sides
    ("switch-wall-left", WALL_LEFT, Q.NEXT, NextSide(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    ("switch-wall-right", WALL_RIGHT, Q.NEXT, NextSide(),
     Transition(WALL_RIGHT, Q.GO_ON, NoOtherSide(AtMove(1, 1), Q.GO_ON))),
    ("switch-one-part-move", FIRST, Q.NEXT, NextSide(),
     Transition(FIRST, Q.GO_ON, NoOtherSide(AtMove(0), Q.GO_ON))),
    ("switch-new", NEW, Q.START, NextSide(),
     Transition(NEW, Q.START, NoOtherSide(NotStarted(), Q.START))),
    # pause and stop keep the place and end
    ("pause-wall-right", WALL_RIGHT, Q.NEXT, Pause(),
     Transition(WALL_RIGHT, Q.NONE, Paused(AtMove(1, 1)))),
    ("pause-new", NEW, Q.NONE, Pause(), Transition(NEW, Q.NONE, Goodbye(NotStarted()))),
    ("stop-first", FIRST, Q.NEXT, Stop(), Transition(FIRST, Q.NONE, Goodbye(AtMove(0)))),
    ("stop-done-before", DONE_BEFORE, Q.START, Stop(),
     Transition(DONE_BEFORE, Q.NONE, Goodbye(NotStarted()))),
    # answers that leave the place alone; help and not understood drop a yes/no offer
    ("progress", ELEVEN, Q.NEXT, AskProgress(),
     Transition(ELEVEN, Q.GO_ON, ProgressReport(AtMove(3), Q.GO_ON))),
    ("progress-at-resume-offer", ELEVEN, Q.RESUME, AskProgress(),
     Transition(ELEVEN, Q.RESUME, ProgressReport(AtMove(3), Q.RESUME))),
    ("help", FIRST, Q.NEXT, Help(), Transition(FIRST, Q.GO_ON, HelpGiven(AtMove(0), Q.GO_ON))),
    # help keeps the question asked before it: yes and no still answer it
    ("help-at-start-offer", NEW, Q.START, Help(),
     Transition(NEW, Q.START, HelpGiven(NotStarted(), Q.START))),
    ("help-at-resume-offer", ELEVEN, Q.RESUME, Help(),
     Transition(ELEVEN, Q.RESUME, HelpGiven(AtMove(3), Q.RESUME))),
    ("not-understood", WALL_LEFT, Q.NEXT, NotUnderstood(),
     Transition(WALL_LEFT, Q.GO_ON, Misheard(AtMove(1, 0), Q.GO_ON))),
    ("not-understood-at-resume-offer", ELEVEN, Q.RESUME, NotUnderstood(),
     Transition(ELEVEN, Q.NONE, Misheard(AtMove(3), Q.NONE))),
    ("session-end", LAST, Q.NEXT, SessionEnd(), Transition(LAST, Q.GO_ON, Silent())),
    # a lapse after a played set: the set is marked done, so coming back goes on from it
    ("session-lapsed-after-a-set", WALL_LEFT, Q.NEXT, SessionEnd(lapsed=True),
     Transition(WALL_LEFT_DONE, Q.GO_ON, Silent(), SAVE)),
    ("session-lapsed-at-an-offer", WALL_LEFT, Q.RESUME, SessionEnd(lapsed=True),
     Transition(WALL_LEFT, Q.RESUME, Silent())),
    # after something other than a set (progress, help...): "next" still goes on, but a lapse
    # no longer means the set was heard to its end
    ("session-lapsed-after-an-interruption", WALL_LEFT, Q.GO_ON, SessionEnd(lapsed=True),
     Transition(WALL_LEFT, Q.GO_ON, Silent())),
    ("yes-after-an-interruption", WALL_LEFT, Q.GO_ON, Yes(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    ("resume-after-an-interruption", WALL_LEFT, Q.GO_ON, Resume(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    ("no-after-an-interruption", WALL_LEFT, Q.GO_ON, No(),
     Transition(WALL_LEFT, Q.GO_ON, NotNow())),
    ("launch-after-a-finished-set", WALL_LEFT_DONE, Q.NONE, Launch(),
     Transition(WALL_LEFT_DONE, Q.GO_ON, WelcomeBackAfterSet(AtMove(1, 0, done=True)))),
    ("yes-after-a-finished-set", WALL_LEFT_DONE, Q.NEXT, Yes(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    ("repeat-after-a-finished-set", WALL_LEFT_DONE, Q.NEXT, Repeat(),
     Transition(WALL_LEFT, Q.NEXT, Played(AtMove(1, 0), Entry.AGAIN, 1), SAVE)),
    ("resume-one-shot-after-a-finished-set", WALL_LEFT_DONE, Q.NONE, Resume(),
     Transition(at(1, 1, 1), Q.NEXT, Played(AtMove(1, 1), Entry.CONTINUED, 1), SAVE)),
    # "that hurts": stop at once, store nothing, offer the easier version or to skip the move
    ("hurts-at-a-move", WALL_LEFT, Q.NEXT, Hurts(),
     Transition(WALL_LEFT, Q.EASIER, PainStop(AtMove(1, 0), Q.EASIER))),
    # outside a move, the rule is said and the question asked before still stands
    ("hurts-before-starting", NEW, Q.START, Hurts(),
     Transition(NEW, Q.START, PainStop(NotStarted(), Q.START))),
    ("yes-to-easier", WALL_LEFT, Q.EASIER, Yes(),
     Transition(replace(WALL_LEFT, preferences=Preferences(variants=(("wall_splat", "easier"),))),
                Q.NEXT, Played(AtMove(1, 0), Entry.ADJUSTED, 1), SAVE)),
    ("skip-after-hurts", WALL_LEFT, Q.EASIER, Next(),
     Transition(at(2, 0, 1), Q.NEXT, Played(AtMove(2), Entry.ADVANCED, 1), SAVE)),
    ("skip-the-last-move-after-hurts", LAST, Q.EASIER, Next(),
     Transition(finished(5), Q.REMIND, Finished(5, FIRST_DAY(5), offer_reminder=True), SAVE)),
    ("no-to-easier", WALL_LEFT, Q.EASIER, No(), Transition(WALL_LEFT, Q.EASIER, NotNow())),
    # already in the easier version: offer to skip the move instead
    ("hurts-in-the-easier-version", WALL_LEFT_EASIER, Q.NEXT, Hurts(),
     Transition(WALL_LEFT_EASIER, Q.SKIP, PainStop(AtMove(1, 0), Q.SKIP))),
    ("yes-to-skip", WALL_LEFT_EASIER, Q.SKIP, Yes(),
     Transition(replace(WALL_LEFT_EASIER, place=AtMove(2)), Q.NEXT,
                Played(AtMove(2), Entry.ADVANCED, 1), SAVE)),
    # versions, pace and detail are preferences: stored, and said
    ("harder", FIRST, Q.NEXT, ChangeVersion("harder"),
     Transition(FIRST_HARDER, Q.NEXT, Played(AtMove(0), Entry.ADJUSTED, 0), SAVE)),
    ("normal-version", FIRST_HARDER, Q.NEXT, ChangeVersion(None),
     Transition(FIRST, Q.NEXT, Played(AtMove(0), Entry.ADJUSTED, 0), SAVE)),
    ("easier-with-no-move", NEW, Q.START, ChangeVersion("easier"),
     Transition(NEW, Q.START, NoMoveToAdjust(NotStarted(), Q.START))),
    ("slower", FIRST, Q.NEXT, SetPace("slower"),
     Transition(replace(FIRST, preferences=Preferences(pace="slower")), Q.GO_ON,
                PaceSet("slower", AtMove(0), Q.GO_ON), SAVE)),
    ("slower-twice", replace(FIRST, preferences=Preferences(pace="slower")), Q.NEXT,
     SetPace("slower"),
     Transition(replace(FIRST, preferences=Preferences(pace="slower")), Q.GO_ON,
                PaceSet("slower", AtMove(0), Q.GO_ON, already=True))),
    ("normal-pace", replace(NEW, preferences=Preferences(pace="faster")), Q.START, SetPace(None),
     Transition(NEW, Q.START, PaceSet(None, NotStarted(), Q.START), SAVE)),
    ("less-detail", NEW, Q.START, SetDetail("short"),
     Transition(replace(NEW, preferences=Preferences(detail="short")), Q.START,
                DetailSet("short", NotStarted(), Q.START), SAVE)),
    # the quick run, and the daily move on its own
    ("quick", ELEVEN, Q.NEXT, Quick(),
     Transition(UserState(AtMove(0, kind=Kind.QUICK)), Q.NEXT,
                Played(AtMove(0, kind=Kind.QUICK), Entry.STARTED, 0, pause_hint=True), SAVE)),
    ("quick-one-shot-when-new", NEW, Q.NONE, Quick(),
     Transition(UserState(AtMove(0, kind=Kind.QUICK)), Q.NEXT,
                Played(AtMove(0, kind=Kind.QUICK), Entry.STARTED, 0, True, True), SAVE)),
    ("next-in-a-quick-run", UserState(AtMove(0, kind=Kind.QUICK)), Q.NEXT, Next(),
     Transition(UserState(AtMove(1, kind=Kind.QUICK)), Q.NEXT,
                Played(AtMove(1, kind=Kind.QUICK), Entry.ADVANCED, 0), SAVE)),
    ("a-quick-run-finished-counts", UserState(AtMove(3, kind=Kind.QUICK)), Q.NEXT, Next(),
     # counted apart: only full runs make the routine known (the detail sees 0 full runs)
     Transition(finished(1, quick=1), Q.REMIND,
                PlayedLast(AtMove(4, kind=Kind.QUICK), Entry.ADVANCED, 0, finished=1,
                           days=FIRST_DAY(1), offer_reminder=True), SAVE)),
    # the daily move on its own leaves a routine under way where it was
    ("daily-move-mid-routine", ELEVEN, Q.NEXT, DailyMove(),
     Transition(with_today(ELEVEN), Q.NONE,
                PlayedLast(AtMove(4), Entry.DAILY, 0, days=FIRST_DAY(0)), SAVE)),
    ("daily-move-when-new", NEW, Q.NONE, DailyMove(),
     Transition(with_today(NEW), Q.NONE,
                PlayedLast(AtMove(4), Entry.DAILY, 0, safety_first=True, days=FIRST_DAY(0)),
                SAVE)),
    # launch
    ("launch-new", NEW, Q.NONE, Launch(), Transition(NEW, Q.START, WelcomeNew())),
    ("launch-wall-right", WALL_RIGHT, Q.NONE, Launch(),
     Transition(WALL_RIGHT, Q.RESUME, WelcomeBack(AtMove(1, 1)))),
    ("launch-done-before", DONE_BEFORE, Q.NONE, Launch(),
     Transition(DONE_BEFORE, Q.START, WelcomeBackDone(2, DaysDone(0, 0, 0, False, 2)))),
    # yes and no answer the question last asked
    ("yes-to-start", ELEVEN, Q.START, Yes(),
     Transition(at(0), Q.NEXT, Played(AtMove(0), Entry.STARTED, 0, pause_hint=True), SAVE)),
    ("yes-to-resume", ELEVEN, Q.RESUME, Yes(),
     Transition(ELEVEN, Q.NEXT, Played(AtMove(3), Entry.RESUMED, 0))),
    ("yes-to-restart", ELEVEN, Q.RESTART, Yes(),
     Transition(at(0), Q.NEXT, Played(AtMove(0), Entry.STARTED, 0, pause_hint=True), SAVE)),
    ("yes-to-next", ELEVEN, Q.NEXT, Yes(),
     Transition(finished(1), Q.REMIND, PlayedLast(AtMove(4), Entry.ADVANCED, 1, finished=1,
                days=FIRST_DAY(1), offer_reminder=True), SAVE)),
    ("yes-to-nothing", ELEVEN, Q.NONE, Yes(),
     Transition(ELEVEN, Q.NONE, Misheard(AtMove(3), Q.NONE))),
    ("no-to-start", ELEVEN, Q.START, No(), Transition(ELEVEN, Q.NONE, Goodbye(AtMove(3)))),
    ("no-to-resume", ELEVEN, Q.RESUME, No(), Transition(ELEVEN, Q.RESTART, OfferRestart())),
    ("no-to-restart", ELEVEN, Q.RESTART, No(), Transition(ELEVEN, Q.NONE, Goodbye(AtMove(3)))),
    ("no-to-next", ELEVEN, Q.NEXT, No(), Transition(ELEVEN, Q.GO_ON, NotNow())),
    ("no-to-nothing", ELEVEN, Q.NONE, No(),
     Transition(ELEVEN, Q.NONE, Misheard(AtMove(3), Q.NONE))),
    # the daily habit: how the days stand
    ("days-when-new", NEW, Q.NONE, AskDays(),
     Transition(NEW, Q.NONE, DaysReport(DaysDone(0, 0, 0, False, 0), NotStarted(), Q.NONE))),
    ("days-mid-move", WEEK_AT_WALL, Q.NEXT, AskDays(),
     # yesterday, the day before and five days ago: today still open, so the run is two days
     Transition(WEEK_AT_WALL, Q.GO_ON,
                DaysReport(DaysDone(3, 4, 2, False, 6), AtMove(1), Q.GO_ON))),
    # the daily reminder: asked for, its time restated, a yes, and Alexa's call as an effect
    ("remind-me", DONE_BEFORE, Q.NONE, SetReminder(None),
     Transition(DONE_BEFORE, Q.REMIND_WHEN, ReminderTimeAsked(None))),
    ("remind-me-at-eight", DONE_BEFORE, Q.NONE, SetReminder(EIGHT),
     Transition(DONE_BEFORE, ConfirmReminder(EIGHT), ReminderProposed(EIGHT, None))),
    ("yes-to-the-offer", DONE_BEFORE, Q.REMIND, Yes(),
     Transition(DONE_BEFORE, Q.REMIND_WHEN, ReminderTimeAsked(None))),
    ("a-time-at-what-time", DONE_BEFORE, Q.REMIND_WHEN, SetReminder(time(7, 15)),
     Transition(DONE_BEFORE, ConfirmReminder(time(7, 15)), ReminderProposed(time(7, 15), None))),
    ("not-a-time-at-what-time", DONE_BEFORE, Q.REMIND_WHEN, NotUnderstood(),
     Transition(DONE_BEFORE, Q.REMIND_WHEN, ReminderTimeAsked(None, again=True))),
    ("yes-to-the-time", DONE_BEFORE, ConfirmReminder(EIGHT), Yes(),
     Transition(DONE_BEFORE, Q.NONE, ReminderSet(EIGHT, NotStarted()),
                (CreateReminder(EIGHT, None),))),
    ("yes-to-a-new-time-mid-move", REMINDED_AT_WALL, ConfirmReminder(time(9, 0)), Yes(),
     # the old one is named, to be deleted first: never two daily reminders
     Transition(REMINDED_AT_WALL, Q.GO_ON, ReminderSet(time(9, 0), AtMove(1)),
                (CreateReminder(time(9, 0), "token-1"),))),
    ("change-my-reminder", REMINDED_AT_WALL, Q.NEXT, SetReminder(None),
     Transition(REMINDED_AT_WALL, Q.REMIND_WHEN, ReminderTimeAsked(EIGHT))),
    ("no-to-the-offer", DONE_BEFORE, Q.REMIND, No(),
     Transition(DONE_BEFORE, Q.NONE, ReminderDeclined(NotStarted()))),
    ("no-to-the-time", DONE_BEFORE, ConfirmReminder(EIGHT), No(),
     Transition(DONE_BEFORE, Q.NONE, ReminderDeclined(NotStarted()))),
    ("something-else-at-the-offer", DONE_BEFORE, Q.REMIND, Help(),
     Transition(DONE_BEFORE, Q.NONE, HelpGiven(NotStarted(), Q.NONE))),
    ("cancel-the-reminder", REMINDED_AT_WALL, Q.NEXT, CancelReminder(),
     Transition(REMINDED_AT_WALL, Q.GO_ON, ReminderCancelled(True, AtMove(1)),
                (DeleteReminder("token-1"),))),
    ("cancel-without-one", DONE_BEFORE, Q.NONE, CancelReminder(),
     Transition(DONE_BEFORE, Q.NONE, ReminderCancelled(False, NotStarted()))),
    # Alexa's permission question answered (the time comes back in the request's token)
    ("permission-granted", DONE_BEFORE, Q.NONE, PermissionAnswered(Consent.ACCEPTED, EIGHT),
     Transition(DONE_BEFORE, Q.NONE, ReminderSet(EIGHT, NotStarted()),
                (CreateReminder(EIGHT, None),))),
    ("permission-granted-time-lost", DONE_BEFORE, Q.NONE,
     PermissionAnswered(Consent.ACCEPTED, None),
     Transition(DONE_BEFORE, Q.REMIND_WHEN, ReminderTimeAsked(None))),
    ("permission-denied", DONE_BEFORE, Q.NONE, PermissionAnswered(Consent.DENIED, EIGHT),
     # never offered again on the skill's own initiative
     Transition(replace(DONE_BEFORE, habit=Habit(offered=DAY, quiet=True)), Q.NONE,
                PermissionRefused(NotStarted()), SAVE)),
    ("permission-not-answered", DONE_BEFORE, Q.NONE,
     PermissionAnswered(Consent.NOT_ANSWERED, EIGHT),
     Transition(DONE_BEFORE, Q.NONE, ReminderDeclined(NotStarted()))),
    ("no-voice-consent-here", DONE_BEFORE, Q.NONE,
     PermissionAnswered(Consent.UNAVAILABLE, EIGHT),
     Transition(DONE_BEFORE, Q.NONE,
                ReminderFailed(ReminderProblem.NO_PERMISSION, False, NotStarted()))),
    # the record could not be read: nothing said or changed about days or the reminder
    ("days-unknown", WEEK_AT_WALL, Q.NEXT, AskDays(),
     Transition(WEEK_AT_WALL, Q.GO_ON, CannotCheck(AtMove(1), Q.GO_ON)), UNREAD),
    ("cancel-unknown", REMINDED_AT_WALL, Q.NONE, CancelReminder(),
     Transition(REMINDED_AT_WALL, Q.NONE, CannotCheck(AtMove(1), Q.NONE)), UNREAD),
    ("remind-unknown", DONE_BEFORE, Q.START, SetReminder(EIGHT),
     Transition(DONE_BEFORE, Q.START, CannotCheck(NotStarted(), Q.START)), UNREAD),
    # the reminder deleted in the Alexa app: its token is forgotten
    ("reminder-deleted-elsewhere", REMINDED_AT_WALL, Q.NONE, RemindersGone(("x", "token-1")),
     Transition(replace(REMINDED_AT_WALL, habit=Habit()), Q.NONE, Silent(), SAVE)),
    ("another-reminder-deleted", REMINDED_AT_WALL, Q.NONE, RemindersGone(("x",)),
     Transition(REMINDED_AT_WALL, Q.NONE, Silent())),
]  # fmt: skip


@pytest.mark.parametrize(
    ("state", "question", "command", "expected", "context"),
    [
        pytest.param(*case[1:5], case[5] if len(case) > 5 else CONTEXT, id=str(case[0]))
        for case in CASES
    ],
)
def test_each_command_gives_the_expected_transition(
    state: UserState, question: Question, command: Command, expected: Transition, context: Context
) -> None:
    assert step(state, question, command, context) == expected


def test_every_command_has_a_case_in_the_table() -> None:
    assert {type(case[3]) for case in CASES} == set(get_args(Command))


@pytest.mark.parametrize(
    "stored",
    [AtMove(5), AtMove(-1, 1), AtMove(99, 99)],
    ids=repr,
)
def test_a_move_beyond_the_routine_is_read_as_not_started_and_saved_so(stored: AtMove) -> None:
    state = UserState(stored, Progress(3))
    assert step(state, Q.NONE, Launch(), CONTEXT) == Transition(
        done(3), Q.START, WelcomeBackDone(3, DaysDone(0, 0, 0, False, 3)), SAVE
    )
    assert step(state, Q.NEXT, Next(), CONTEXT) == Transition(
        at(0, 0, 3), Q.NEXT, Played(AtMove(0), Entry.STARTED, 3, pause_hint=True), SAVE
    )


@pytest.mark.parametrize(
    ("stored", "clamped"),
    [(AtMove(0, 1), AtMove(0)), (AtMove(1, 2), AtMove(1)), (AtMove(2, -1), AtMove(2))],
    ids=repr,
)
def test_a_part_beyond_the_move_is_read_as_its_first_part(stored: AtMove, clamped: AtMove) -> None:
    assert step(UserState(stored), Q.NEXT, Repeat(), CONTEXT) == Transition(
        UserState(clamped), Q.NEXT, Played(clamped, Entry.AGAIN, 0), SAVE
    )


def test_a_step_keeps_the_days_and_preferences() -> None:
    state = UserState(
        AtMove(1, 1),
        Progress(3, (date(2025, 3, 12), date(2025, 3, 13))),
        Preferences("slow", (("wall_splat", "seated"),)),
    )
    after = step(state, Q.NEXT, Next(), CONTEXT).state
    assert after == replace(state, place=AtMove(2))


# Other routines' shapes: every part in order going forward, and back.
WALKS: list[tuple[Layout, list[tuple[int, int]]]] = [
    ((1,), [(0, 0)]),
    ((3,), [(0, 0), (0, 1), (0, 2)]),
    ((2, 1, 3), [(0, 0), (0, 1), (1, 0), (2, 0), (2, 1), (2, 2)]),
    ((1, 1, 1, 1, 1, 1, 1), [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0)]),
    (LAYOUT, [(0, 0), (1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (4, 0)]),
]


@pytest.mark.parametrize(("layout", "parts"), WALKS, ids=[str(w[0]) for w in WALKS])
def test_next_walks_every_part_in_order_then_finishes(
    layout: Layout, parts: list[tuple[int, int]]
) -> None:
    context = Context(layout, NOW)
    transition = step(done(7), Q.START, Start(), context)
    visited = []
    while isinstance(transition.outcome, Played):
        visited.append((transition.outcome.at.move, transition.outcome.at.part))
        transition = step(transition.state, transition.question, Next(), context)
    assert isinstance(transition.outcome, PlayedLast)
    visited.append((transition.outcome.at.move, transition.outcome.at.part))
    assert visited == parts
    if len(parts) == 1:  # a one-part routine is finished by its start: no routine was under way
        assert transition == Transition(with_today(done(7)), Q.NONE, transition.outcome, SAVE)
        assert transition.outcome.finished is None
    else:
        assert transition == Transition(finished(8), Q.REMIND, transition.outcome, SAVE)
        assert transition.outcome.finished == 8


@pytest.mark.parametrize(("layout", "parts"), WALKS, ids=[str(w[0]) for w in WALKS])
def test_previous_walks_back_from_the_last_part_to_the_first(
    layout: Layout, parts: list[tuple[int, int]]
) -> None:
    context = Context(layout, NOW)
    state = UserState(AtMove(*parts[-1]))
    visited = [parts[-1]]
    transition = step(state, Q.NEXT, Previous(), context)
    while isinstance(transition.outcome, Played):
        visited.append((transition.outcome.at.move, transition.outcome.at.part))
        transition = step(transition.state, transition.question, Previous(), context)
    assert transition.outcome == AlreadyAtFirst()
    assert visited == parts[::-1]


# Every state of the real routine (and some that no longer fit it) x question x command.
EVERY_PLACE: list[Place] = [
    NotStarted(),
    *(AtMove(move, part) for move, parts in enumerate(LAYOUT) for part in range(parts)),
    AtMove(0, 1),  # a part the move no longer has: read as the move's first part
    AtMove(5),  # a move the routine no longer has: read as not started
    AtMove(1, 0, done=True),  # a set heard to its end before the session lapsed
    AtMove(2, 1, kind=Kind.QUICK),  # in the quick run
]
NOTHING_UNDER_WAY = (NotStarted(), AtMove(5))
WITH_REMINDER = Habit(reminder=Reminder(EIGHT, "token-1"))
EVERY_STATE = [
    UserState(place, Progress(completed), habit=habit)
    for place in EVERY_PLACE
    for completed in (0, 3)
    for habit in (Habit(), WITH_REMINDER)
]
EVERY_QUESTION: list[Asked] = [*Question, ConfirmReminder(EIGHT)]
REMINDER_QUESTIONS: list[Asked] = [Question.REMIND, Question.REMIND_WHEN, ConfirmReminder(EIGHT)]
GO_TO_TARGETS = (None, -1, 0, 1, 2, 3, 4, 5, 99)
WITH_DATA = (
    GoTo,
    ChangeVersion,
    SetPace,
    SetDetail,
    SetReminder,
    PermissionAnswered,
    RemindersGone,
)
SIMPLE_COMMANDS: list[Command] = [kind() for kind in get_args(Command) if kind not in WITH_DATA]
EVERY_COMMAND: list[Command] = [
    *(GoTo(target) for target in GO_TO_TARGETS),
    *SIMPLE_COMMANDS,
    *(ChangeVersion(variant) for variant in ("easier", "harder", None)),
    *(SetPace(pace) for pace in ("slower", "faster", None)),
    *(SetDetail(detail) for detail in ("full", "short")),
    SessionEnd(lapsed=True),
    SetReminder(None),
    SetReminder(time(20, 30)),
    *(PermissionAnswered(consent, EIGHT) for consent in Consent),
    PermissionAnswered(Consent.ACCEPTED, None),
    RemindersGone(("token-1",)),
    RemindersGone(("someone-else",)),
]
SETS_A_PREFERENCE = (ChangeVersion, SetPace, SetDetail)
ENDS = (Paused, Goodbye, Finished, PlayedLast)
"""Outcomes that leave (or finish) the routine: no question stays open after them."""
CARRIES_QUESTION = (
    NoOtherSide, ProgressReport, HelpGiven, Misheard, PainStop, NoMoveToAdjust, PaceSet, DetailSet,
    DaysReport,
)  # fmt: skip


def fits(layout: Layout, place: Place) -> bool:
    return isinstance(place, NotStarted) or (
        0 <= place.move < len(layout) and 0 <= place.part < layout[place.move]
    )


def expected_effects(before: UserState, after: Transition) -> tuple[object, ...]:
    """The reminder call the outcome depends on, then a save when the state changed."""
    reminder = before.habit.reminder
    token = None if reminder is None else reminder.token
    calls: tuple[object, ...] = ()
    if isinstance(after.outcome, ReminderSet):
        calls = (CreateReminder(after.outcome.at, token),)
    elif isinstance(after.outcome, ReminderCancelled) and token is not None:
        calls = (DeleteReminder(token),)
    return calls + (SAVE if after.state != before else KEEP)


def check(before: UserState, question: Asked, command: Command, after: Transition) -> None:
    """What holds for every step, whatever the state, question and command."""
    where = (before, question, command, after)
    assert fits(LAYOUT, after.state.place), where
    assert after.effects == expected_effects(before, after), where
    a_day = isinstance(after.outcome, Finished | PlayedLast)  # the routine, quick run or daily move
    expected_days = (*before.progress.days, CONTEXT.day) if a_day else before.progress.days
    assert after.state.progress.days == expected_days, where
    easier = isinstance(command, Yes) and question is Q.EASIER  # yes to the easier version
    if not isinstance(command, SETS_A_PREFERENCE) and not easier:
        assert after.state.preferences == before.preferences, where
    counted = after.state.progress.completed - before.progress.completed
    assert counted in (0, 1), where
    outcome = after.outcome
    match outcome:
        case Played(at=place, completed=completed):
            assert (after.state.place, after.question) == (place, Q.NEXT), where
            assert completed == before.progress.completed, where
            assert counted == 0, where
        case PlayedLast(at=place, finished=finished):
            assert (place.move, place.part) == (len(LAYOUT) - 1, 0), where
            assert (finished is not None) == (counted == 1), where
            assert counted == 0 or before.place not in NOTHING_UNDER_WAY, "only one under way"
        case Finished(count=count):
            assert (count, counted) == (after.state.progress.completed, 1), where
        case NoSuchMove():
            # a reminder question is left behind by anything but its answers
            left = Q.NONE if question in REMINDER_QUESTIONS else question
            assert after.question == (Q.GO_ON if question is Q.NEXT else left), where
            assert after.state == before or not fits(LAYOUT, before.place), where
        case _:
            assert counted == 0, where
    if isinstance(outcome, ENDS):
        offered = isinstance(outcome, Finished | PlayedLast) and outcome.offer_reminder
        assert after.question is (Q.REMIND if offered else Q.NONE), where
    if isinstance(outcome, PlayedLast) and outcome.entry is Entry.DAILY:
        assert after.state.place == before.place or not fits(LAYOUT, before.place), (
            "the daily move leaves a routine where it was"
        )
    elif isinstance(outcome, PlayedLast | Finished):
        assert after.state.place == NotStarted(), "stored as done, at once"
    if isinstance(outcome, CARRIES_QUESTION):
        assert (outcome.place, outcome.question) == (after.state.place, after.question), where
    if isinstance(outcome, Played | PlayedLast) and outcome.safety_first:
        assert before.place in NOTHING_UNDER_WAY, where
        heard = Q.NONE if question in REMINDER_QUESTIONS else question  # left behind
        assert (before.progress.completed, heard) == (0, Q.NONE), where


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=repr)
def test_every_command_from_every_state_keeps_the_rules(command: Command) -> None:
    for state, question in product(EVERY_STATE, EVERY_QUESTION):
        check(state, question, command, step(state, question, command, CONTEXT))


def test_every_outcome_is_reached_from_some_state_of_the_real_routine() -> None:
    transitions = [
        step(state, question, command, CONTEXT)
        for state, question, command in product(EVERY_STATE, EVERY_QUESTION, EVERY_COMMAND)
    ]
    # ... or without the stored record (its days and reminder unknown)
    unread = replace(CONTEXT, known=False)
    transitions += [step(state, Q.NONE, AskDays(), unread) for state in EVERY_STATE]
    # ... or from what Alexa answered a reminder call (a missing permission is known only then)
    settled = [
        settle(transition, effect, result)
        for transition in transitions
        for effect in transition.effects
        if isinstance(effect, CreateReminder | DeleteReminder)
        for result in (
            Created("t"),
            Deleted(),
            PermissionMissing(),
            Refused(ReminderProblem.UNAVAILABLE),
        )
    ]
    reached = {type(transition.outcome) for transition in transitions + settled}
    assert reached == set(get_args(Outcome))


class NavigationMachine(RuleBasedStateMachine):
    """Random conversations: the properties the design names hold after every turn."""

    def __init__(self) -> None:
        super().__init__()
        self.context = CONTEXT
        self.state = UserState()
        self.question: Asked = Q.NONE

    @initialize(
        layout=st.just(LAYOUT) | st.lists(st.integers(1, 3), min_size=1, max_size=6).map(tuple),
        completed=st.integers(0, 3),
    )
    def choose_routine(self, layout: Layout, completed: int) -> None:
        self.context = Context(layout, NOW, IDS)
        self.state = done(completed)

    @property
    def layout(self) -> Layout:
        return self.context.layout

    def apply(self, command: Command) -> Transition:
        before = self.state
        transition = step(before, self.question, command, self.context)
        assert transition.effects == expected_effects(before, transition)
        assert transition.state.progress.completed >= before.progress.completed
        self.state, self.question = transition.state, transition.question
        return transition

    @rule(
        command=st.sampled_from([c for c in EVERY_COMMAND if not isinstance(c, GoTo)])
        | st.builds(GoTo, st.none() | st.integers(-2, 8))
    )
    def say_anything(self, command: Command) -> None:
        self.apply(command)

    @precondition(
        # at "pick up where you stopped?", "next" picks up the same move rather than moving on;
        # after "that hurts", it skips the whole move
        lambda self: (
            isinstance(self.state.place, AtMove) and self.question not in (Q.RESUME, Q.EASIER)
        )
    )
    @rule()
    def previous_after_next_comes_back(self) -> None:
        before = self.state.place
        assert isinstance(before, AtMove)
        if isinstance(self.apply(Next()).outcome, Played):
            before = replace(before, done=False)  # played again: not a finished set any more
            assert self.apply(Previous()).outcome == Played(
                before, Entry.AGAIN, self.state.progress.completed
            )
            assert self.state.place == before

    @rule()
    def start_over_lands_on_move_one(self) -> None:
        outcome = self.apply(Start()).outcome
        if self.layout == (1,):  # a one-part routine: its first part is its last
            assert isinstance(outcome, PlayedLast)
            assert outcome.at == AtMove(0)
        else:
            assert isinstance(outcome, Played)
            assert (outcome.at, outcome.entry, self.state.place) == (
                AtMove(0),
                Entry.STARTED,
                AtMove(0),
            )

    @precondition(
        # a set finished before a lapse is gone on from, not played again
        lambda self: isinstance(self.state.place, AtMove) and not self.state.place.done
    )
    @rule()
    def pause_then_resume_keeps_the_move(self) -> None:
        before = self.state.place
        assert isinstance(before, AtMove)
        paused = self.apply(Pause())
        assert (paused.outcome, paused.effects, self.question) == (Paused(before), KEEP, Q.NONE)
        resumed = self.apply(Resume()).outcome
        assert isinstance(resumed, Played | PlayedLast)  # the last part finishes the routine
        assert (resumed.at, resumed.entry) == (before, Entry.RESUMED)

    @invariant()
    def the_place_is_always_valid(self) -> None:
        assert fits(self.layout, self.state.place)


NavigationMachine.TestCase.settings = settings(stateful_step_count=25)
TestRandomConversationsKeepThePlace = NavigationMachine.TestCase
