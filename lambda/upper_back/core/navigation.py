"""How each command moves a person through the routine: ``step() -> Transition``.

Pure and total: every command is answered from every state without raising, and nothing here
does I/O. What must happen outside (a save) comes back as effects for the edge to run. The
``match`` over commands is checked for completeness by mypy (``assert_never``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import assert_never

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
from upper_back.core.habit import DAYS_KEPT, days_done, may_offer, with_day
from upper_back.core.outcomes import (
    AlreadyAtFirst,
    CannotCheck,
    CreateReminder,
    DaysReport,
    DeleteReminder,
    DetailSet,
    Effect,
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
from upper_back.core.state import (
    OFFER_GAP_DAYS,
    Asked,
    AtMove,
    ConfirmReminder,
    Kind,
    Layout,
    NotStarted,
    Place,
    Question,
    UserState,
)


@dataclass(frozen=True)
class Context:
    """What a step may know besides the state: the routine's shape, the request's time, the
    moves' ids (preferences name moves by id) and the person's local date (the edge works it out
    from the device's time zone; the request's UTC date when it is not given)."""

    layout: Layout
    now: datetime
    ids: tuple[str, ...] = ()
    today: date | None = None
    known: bool = True
    """Whether the stored record could be read: without it the days done and the reminder
    are not known, and nothing is said about them."""

    @property
    def day(self) -> date:
        """The person's local date."""
        return self.today if self.today is not None else self.now.date()

    def move_id(self, move: int) -> str:
        """The id of move ``move`` (0-based); a stand-in when the context names no ids."""
        return self.ids[move] if move < len(self.ids) else f"move_{move + 1}"


@dataclass(frozen=True)
class Transition:
    """The state after a step, the question the reply asks, what happened, and what to do."""

    state: UserState
    question: Asked
    outcome: Outcome
    effects: tuple[Effect, ...] = ()


# Words that mean "go on" depend on the question just asked: "yes" answers it; "next" or "let's
# go" at "pick up where you stopped?" resumes that move; "continue" after a move goes on.
_YES: dict[Question, Command] = {
    Question.START: Start(),
    Question.RESUME: Resume(),
    Question.RESTART: Start(),
    Question.NEXT: Next(),
    Question.GO_ON: Next(),
    Question.EASIER: ChangeVersion("easier"),
    Question.SKIP: Next(),  # resolved to skipping the move, as "skip" is
}
_AFTER_PAIN = (Question.EASIER, Question.SKIP)
_CARRIES_QUESTION = (
    NoOtherSide, ProgressReport, HelpGiven, Misheard, PainStop, NoMoveToAdjust, PaceSet, DetailSet,
    DaysReport, CannotCheck,
)  # fmt: skip
"""Outcomes that say the question still open, so it is the one the reply asks."""


def step(state: UserState, asked: Asked, command: Command, context: Context) -> Transition:
    """Answer ``command`` from ``state`` with ``asked`` pending. Never raises."""
    layout = context.layout
    valid = replace(state, place=_valid(layout, state.place))
    if _about_reminder(asked):
        answered = _reminder_talk(context, valid, asked, command)
        if answered is not None:
            return _transition(state, *answered)
    # Anything else leaves a reminder question behind (it is asked again only when asked for).
    question = Question.NONE
    if isinstance(asked, Question) and not _about_reminder(asked):
        question = asked
    if isinstance(command, Yes):
        command = _YES.get(question, NotUnderstood())
    elif isinstance(command, Resume) and question in (Question.NEXT, Question.GO_ON):
        command = Next()
    elif isinstance(command, Next) and question is Question.RESUME:
        command = Resume()
    after, asked, outcome = _answer(context, valid, question, command)
    if isinstance(outcome, Played):
        after, asked, outcome = _played(context, valid, question, after, outcome)
    elif asked is Question.NEXT:
        # Only a set just heard to its end asks NEXT (a lapse then counts it as finished): after
        # anything else ("how many are left", help, "slower"), the set may have been cut short.
        asked = Question.GO_ON
        if isinstance(outcome, _CARRIES_QUESTION):
            outcome = replace(outcome, question=asked)
    return _transition(state, after, asked, outcome)


def _transition(before: UserState, after: UserState, asked: Asked, outcome: Outcome) -> Transition:
    """The transition, with its effects: the reminder call the outcome depends on (its answer
    settles the outcome, ``core.reminders``), and a save when the stored state changed."""
    effects: list[Effect] = []
    reminder = before.habit.reminder
    match outcome:
        case ReminderSet(at=at):
            effects.append(CreateReminder(at, None if reminder is None else reminder.token))
        case ReminderCancelled(had=True) if reminder is not None:
            effects.append(DeleteReminder(reminder.token))
    if after != before:
        effects.append(SaveState())
    return Transition(after, asked, outcome, tuple(effects))


def _about_reminder(asked: Asked) -> bool:
    return isinstance(asked, ConfirmReminder) or asked in (Question.REMIND, Question.REMIND_WHEN)


def _after_reminder(place: Place) -> Question:
    """The question after a reminder exchange: mid-routine, whether to go on."""
    return Question.GO_ON if isinstance(place, AtMove) else Question.NONE


def _reminder_talk(
    context: Context, state: UserState, asked: Asked, command: Command
) -> tuple[UserState, Asked, Outcome] | None:
    """Yes, no, or not understood while a reminder question is open; None for anything else
    (answered as usual, the question dropped)."""
    place = state.place
    current = None if state.habit.reminder is None else state.habit.reminder.at
    match command:
        case Yes() if isinstance(asked, ConfirmReminder):
            return state, _after_reminder(place), ReminderSet(asked.at, place)
        case Yes():
            return state, Question.REMIND_WHEN, ReminderTimeAsked(current)
        case No():
            # The offer's date is already stored: no new offer for OFFER_GAP_DAYS days.
            return state, _after_reminder(place), ReminderDeclined(place)
        case NotUnderstood() if asked is Question.REMIND_WHEN:
            return state, Question.REMIND_WHEN, ReminderTimeAsked(current, again=True)
        case _:
            return None


def _valid(layout: Layout, place: Place) -> Place:
    """A place that does not fit the layout (the content changed) becomes the nearest valid one."""
    match place:
        case NotStarted():
            return place
        case AtMove(move=move, part=part):
            if not 0 <= move < len(layout):
                return NotStarted()
            return place if 0 <= part < layout[move] else AtMove(move, kind=place.kind)
        case _:
            assert_never(place)


def _played(
    context: Context, before: UserState, question: Question, after: UserState, outcome: Played
) -> tuple[UserState, Question, Outcome]:
    """Details every played part shares: the safety line for somebody new who went straight in,
    and the routine's last part, which finishes it in the same reply."""
    new = (
        isinstance(before.place, NotStarted)
        and not before.progress.completed
        and question is Question.NONE
    )
    # Once per routine, early: "Alexa, pause" and "Alexa, stop" work at any time.
    hint = outcome.entry in (Entry.STARTED, Entry.FRESH_START)
    outcome = replace(outcome, safety_first=new, pause_hint=hint)
    layout = context.layout
    if (outcome.at.move, outcome.at.part) != (len(layout) - 1, layout[-1] - 1):
        return after, Question.NEXT, outcome
    # Doing the last part is finishing: store it as done now, so stopping, walking away or not
    # answering cannot lose the completion. A routine counts only if it was under way. The daily
    # move on its own finishes nothing: a routine under way keeps its place.
    daily = outcome.entry is Entry.DAILY
    counted = isinstance(before.place, AtMove) and not daily
    completed = before.progress.completed + counted
    quick = before.progress.quick + (counted and outcome.at.kind is Kind.QUICK)
    place = before.place if daily else NotStarted()
    # A day done: the routine, the quick run, or the daily move on its own (README).
    days = with_day(after.progress.days, context.day, DAYS_KEPT)
    progress = replace(after.progress, completed=completed, quick=quick, days=days)
    done = replace(after, place=place, progress=progress)
    offer = counted and may_offer(done.habit, context.day, OFFER_GAP_DAYS)
    if offer:
        done = replace(done, habit=replace(done.habit, offered=context.day))
    last = PlayedLast(
        outcome.at,
        outcome.entry,
        completed - quick,  # full runs only: a quick run does not make the routine known
        new,
        finished=completed if counted else None,
        pause_hint=hint,
        days=days_done(days, context.day, completed),
        offer_reminder=offer,
    )
    return done, Question.REMIND if offer else Question.NONE, last


def _full_runs(state: UserState) -> int:
    """Full routines finished: only these make the routine known (speech's choice of detail)."""
    return max(state.progress.completed - state.progress.quick, 0)


def _play(
    state: UserState, move: int, entry: Entry, part: int = 0, kind: Kind | None = None
) -> tuple[UserState, Question, Outcome]:
    """Play part ``part`` of ``move``, in the run under way (or ``kind``)."""
    if kind is None:
        kind = state.place.kind if isinstance(state.place, AtMove) else Kind.FULL
    at = AtMove(move, part, kind=kind)
    return replace(state, place=at), Question.NEXT, Played(at, entry, _full_runs(state))


def _answer(  # noqa: PLR0911, PLR0912 (one case per command, as mypy checks)
    context: Context, state: UserState, question: Question, command: Command
) -> tuple[UserState, Asked, Outcome]:
    layout = context.layout
    place = state.place
    match command:
        case Launch():
            return _launch(context, state)
        case Start():
            return _play(state, 0, Entry.STARTED, kind=Kind.FULL)
        case Quick():
            return _play(state, 0, Entry.STARTED, kind=Kind.QUICK)
        case DailyMove():
            return _play(state, len(layout) - 1, Entry.DAILY, kind=Kind.FULL)
        case Next() if question in _AFTER_PAIN and isinstance(place, AtMove):
            # "Skip" after "that hurts": on to the next move, not the other side of this one.
            return _next(context, replace(state, place=replace(place, part=layout[place.move] - 1)))
        case Next():
            return _next(context, state)
        case NextSide():
            if isinstance(place, AtMove) and place.part + 1 < layout[place.move]:
                return _next(context, state)
            return state, question, NoOtherSide(place, question)
        case Previous():
            return _previous(layout, state, question)
        case Repeat():
            if isinstance(place, AtMove) and question not in (Question.RESUME, Question.RESTART):
                return _play(state, place.move, Entry.AGAIN, place.part)
            return _launch(context, state)
        case GoTo(move=target):
            if target is None or not 0 <= target < len(layout):
                asked = None if target is None else target + 1
                return state, question, NoSuchMove(asked)
            return _play(state, target, Entry.AGAIN)
        case Resume():
            if isinstance(place, AtMove) and place.done:
                return _next(context, state)  # the set was finished: nothing is replayed
            if isinstance(place, AtMove):
                return _play(state, place.move, Entry.RESUMED, place.part)
            return _play(state, 0, Entry.FRESH_START)
        case Pause():
            if isinstance(place, AtMove):
                return state, Question.NONE, Paused(place)
            return state, Question.NONE, Goodbye(place)
        case Stop():
            return state, Question.NONE, Goodbye(place)
        case AskProgress():
            return state, question, ProgressReport(place, question)
        case Help():
            # The question asked before help still stands: yes and no answer it.
            return state, question, HelpGiven(place, question)
        case NotUnderstood():
            question = _drop_offer(question)
            return state, question, Misheard(place, question)
        case No():
            return _no(state, question)
        case Yes():  # resolved to the command it answers before dispatch
            return state, question, Misheard(place, question)
        case SessionEnd(lapsed=lapsed):
            if lapsed and question is Question.NEXT and isinstance(place, AtMove):
                # The set was heard to its end and nobody answered: coming back goes on.
                return replace(state, place=replace(place, done=True)), question, Silent()
            return state, question, Silent()
        case Hurts():
            # Stop at once; nothing about it is stored. At a move: easier, or skip it. Outside
            # a move (the welcome), the rule is said and the question asked before still stands.
            if not isinstance(place, AtMove):
                return state, question, PainStop(place, question)
            easier = state.preferences.variant(context.move_id(place.move)) == "easier"
            offer = Question.SKIP if easier else Question.EASIER
            return state, offer, PainStop(place, offer)
        case ChangeVersion(variant=variant):
            if not isinstance(place, AtMove):
                return state, question, NoMoveToAdjust(place, question)
            preferences = state.preferences.with_variant(context.move_id(place.move), variant)
            adjusted = replace(state, preferences=preferences)
            return _play(adjusted, place.move, Entry.ADJUSTED, place.part)
        case SetPace(pace=pace):
            already = state.preferences.pace == pace
            paced = replace(state, preferences=replace(state.preferences, pace=pace))
            return paced, question, PaceSet(pace, place, question, already)
        case SetDetail(detail=detail):
            detailed = replace(state, preferences=replace(state.preferences, detail=detail))
            return detailed, question, DetailSet(detail, place, question)
        case AskDays() | SetReminder() | CancelReminder() | PermissionAnswered() | RemindersGone():
            return _habit(context, state, question, command)
        case _:
            assert_never(command)


def _habit(  # noqa: PLR0911 (a case per command)
    context: Context,
    state: UserState,
    question: Question,
    command: AskDays | SetReminder | CancelReminder | PermissionAnswered | RemindersGone,
) -> tuple[UserState, Asked, Outcome]:
    """The daily habit's commands: how the days stand, and the daily reminder."""
    place = state.place
    if not context.known and isinstance(command, AskDays | SetReminder | CancelReminder):
        return state, question, CannotCheck(place, question)
    match command:
        case AskDays():
            progress = state.progress
            days = days_done(progress.days, context.day, progress.completed)
            return state, question, DaysReport(days, place, question)
        case SetReminder(at=at):
            current = None if state.habit.reminder is None else state.habit.reminder.at
            if at is None:
                return state, Question.REMIND_WHEN, ReminderTimeAsked(current)
            # Asking for one is consent to be asked: the time and recurrence are restated
            # for a yes before anything is created.
            return state, ConfirmReminder(at), ReminderProposed(at, current)
        case CancelReminder():
            had = state.habit.reminder is not None
            return state, _after_reminder(place), ReminderCancelled(had, place)
        case PermissionAnswered(consent=consent, at=at):
            return _permission(context, state, consent, at)
        case RemindersGone(tokens=tokens):
            reminder = state.habit.reminder
            if reminder is not None and reminder.token in tokens:
                state = replace(state, habit=replace(state.habit, reminder=None))
            return state, question, Silent()
        case _:
            assert_never(command)


def _permission(
    context: Context, state: UserState, consent: Consent, at: time | None
) -> tuple[UserState, Question, Outcome]:
    """Alexa's permission question answered: create the reminder the person agreed to (its time
    came back with the answer), or take the refusal once, plainly, and never offer again."""
    place = state.place
    match consent:
        case Consent.ACCEPTED if at is not None:
            return state, _after_reminder(place), ReminderSet(at, place)
        case Consent.ACCEPTED:
            current = None if state.habit.reminder is None else state.habit.reminder.at
            return state, Question.REMIND_WHEN, ReminderTimeAsked(current)
        case Consent.DENIED:
            quiet = replace(state.habit, quiet=True, offered=context.day)
            return replace(state, habit=quiet), _after_reminder(place), PermissionRefused(place)
        case Consent.NOT_ANSWERED:
            return state, _after_reminder(place), ReminderDeclined(place)
        case Consent.UNAVAILABLE:
            # No voice consent here: the Alexa app's card asks instead.
            failed = ReminderFailed(ReminderProblem.NO_PERMISSION, False, place)
            return state, _after_reminder(place), failed
        case _:
            assert_never(consent)


def _launch(context: Context, state: UserState) -> tuple[UserState, Question, Outcome]:
    if isinstance(state.place, AtMove) and state.place.done:
        return state, Question.NEXT, WelcomeBackAfterSet(state.place)
    if isinstance(state.place, AtMove):
        return state, Question.RESUME, WelcomeBack(state.place)
    if state.progress.completed:
        progress = state.progress
        days = days_done(progress.days, context.day, progress.completed)
        return state, Question.START, WelcomeBackDone(progress.completed, days)
    return state, Question.START, WelcomeNew()


def _next(context: Context, state: UserState) -> tuple[UserState, Question, Outcome]:
    layout = context.layout
    place = state.place
    if not isinstance(place, AtMove):
        return _play(state, 0, Entry.STARTED)
    if place.part + 1 < layout[place.move]:
        return _play(state, place.move, Entry.CONTINUED, place.part + 1)
    if place.move + 1 < len(layout):
        return _play(state, place.move + 1, Entry.ADVANCED)
    # Past the last part (the last move skipped after "that hurts"): the routine is done.
    count = state.progress.completed + 1
    quick = state.progress.quick + (place.kind is Kind.QUICK)
    days = with_day(state.progress.days, context.day, DAYS_KEPT)
    progress = replace(state.progress, completed=count, quick=quick, days=days)
    done = replace(state, place=NotStarted(), progress=progress)
    offer = may_offer(done.habit, context.day, OFFER_GAP_DAYS)
    if offer:
        done = replace(done, habit=replace(done.habit, offered=context.day))
    finished = Finished(count, days_done(days, context.day, count), offer)
    return done, Question.REMIND if offer else Question.NONE, finished


def _previous(
    layout: Layout, state: UserState, question: Question
) -> tuple[UserState, Question, Outcome]:
    place = state.place
    if not isinstance(place, AtMove):
        return state, question, NotStartedYet()
    if (place.move, place.part) == (0, 0):
        return state, question, AlreadyAtFirst()
    if place.part > 0:
        return _play(state, place.move, Entry.AGAIN, place.part - 1)
    return _play(state, place.move - 1, Entry.AGAIN, layout[place.move - 1] - 1)


def _drop_offer(question: Question) -> Question:
    """A not-understood answer: a yes/no offer made before it no longer stands (help, which
    asks the question again, keeps it)."""
    return (
        Question.NONE
        if question in (Question.START, Question.RESUME, Question.RESTART)
        else question
    )


def _no(state: UserState, question: Question) -> tuple[UserState, Question, Outcome]:
    match question:
        case Question.RESUME:
            return state, Question.RESTART, OfferRestart()
        case Question.NEXT | Question.GO_ON:
            return state, question, NotNow()
        case Question.EASIER | Question.SKIP:
            # Neither easier nor (yet) skipping: rest; "skip" and "yes" still answer the offer.
            return state, question, NotNow()
        case Question.NONE:
            return state, question, Misheard(state.place, question)
        case Question.START | Question.RESTART:
            return state, Question.NONE, Goodbye(state.place)
        case Question.REMIND | Question.REMIND_WHEN:  # answered in _reminder_talk first
            return state, _after_reminder(state.place), ReminderDeclined(state.place)
        case _:
            assert_never(question)
