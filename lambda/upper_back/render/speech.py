"""Every reply the skill speaks: ``Speaker.render(outcome, saving, note) -> Reply``.

Words come from the routine data and the phrases module; decisions were made by navigation, and
whether a save happened by the turn. The ``match`` over outcomes is checked for completeness by
mypy. A reply that keeps the session open always carries a reprompt. The apology for an
unexpected error and the last-resort answer come from here too, so no words are chosen outside.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import time
from enum import Enum
from typing import assert_never

from upper_back.core.habit import DaysDone
from upper_back.core.outcomes import (
    AlreadyAtFirst,
    CannotCheck,
    DaysReport,
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
    PermissionAsked,
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
    Silent,
    WelcomeBack,
    WelcomeBackAfterSet,
    WelcomeBackDone,
    WelcomeNew,
)
from upper_back.core.routine import Move, Routine, Variant
from upper_back.core.state import (
    DETAILS,
    PACES,
    VARIANTS,
    Asked,
    AtMove,
    Kind,
    NotStarted,
    Place,
    Preferences,
    Question,
)
from upper_back.render import phrases
from upper_back.render.coaching import PACE_STEPS, coach, fill, part_sides
from upper_back.render.screen import (
    MOVE_BUTTONS,
    Day,
    ScreenView,
    figure_id,
    follow,
    poses,
)
from upper_back.render.ssml import Ssml, join, sentence
from upper_back.render.timing import minutes_after, routine_minutes
from upper_back.render.variety import pick

FAMILIAR_AFTER = 1
COACHED_VARIANTS: dict[str, Variant] = {"easier": "easier", "harder": "harder"}
"""After this many finished routines the skill stops explaining why each move helps."""
SHORT_ASKS = {
    Question.RESUME: phrases.ASK_RESUME,
    Question.RESTART: phrases.ASK_RESTART,
    Question.EASIER: phrases.ASK_EASIER,
    Question.SKIP: phrases.ASK_SKIP,
}
"""The open question, asked again in help and progress in a few words (issue 9's talk limits:
help 15 s, progress 10 s, whatever the move's name); the reprompt still says it in full."""
DAYS_ASKS = {
    Question.RESUME: phrases.DAYS_ASK_RESUME,
    Question.RESTART: phrases.DAYS_ASK_RESTART,
    Question.EASIER: phrases.ASK_EASIER,
    Question.SKIP: phrases.DAYS_ASK_SKIP,
}
"""The same after "how am I doing", shorter still (its report stays under 10 s)."""


@dataclass(frozen=True)
class Reply:
    """Speech and reprompt as SSML bodies (no reprompt: the session ends), and the screen.
    ``ask_permission``: Alexa is to ask the person, by voice, for the reminders permission for
    a reminder at that time (the reply then has no speech of its own); ``permission_card``: the
    Alexa app is to show the card that asks for it."""

    speech: Ssml
    reprompt: Ssml | None
    screen: ScreenView = field(default_factory=ScreenView)
    ask_permission: time | None = None
    permission_card: bool = False

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None


class Saving(Enum):
    """What became of the person's place in this turn, as far as the user may be told."""

    SAVED = "saved"  # the store holds the place just spoken of
    FAILED = "failed"  # a save is owed: the store holds an older place (or nothing)
    NOT_WRITTEN = "not_written"  # the stored record is newer than this code: left untouched


@dataclass(frozen=True)
class Kept:
    """``saving``, and the place the store is known to hold (None: not known)."""

    saving: Saving = Saving.SAVED
    stored_place: Place | None = None


class Note(Enum):
    """A sentence said before the reply, about the stored place."""

    COULD_NOT_LOAD = "could_not_load"  # unreachable at launch: starting from the top
    COULD_NOT_REACH = "could_not_reach"  # unreachable on a one-shot request
    MOVE_REMOVED = "move_removed"  # the stored move is no longer in the routine
    UNREADABLE = "unreadable"  # the stored record (or its place) was damaged
    HISTORY_UNREADABLE = "history_unreadable"  # the count was damaged; the place is kept
    STALE_SCREEN = "stale_screen"  # a tap on a screen that no longer shows the place


def _note(note: Note) -> str:
    match note:
        case Note.COULD_NOT_LOAD:
            return phrases.COULD_NOT_LOAD
        case Note.COULD_NOT_REACH:
            return phrases.COULD_NOT_REACH
        case Note.MOVE_REMOVED:
            return phrases.MOVE_REMOVED
        case Note.UNREADABLE:
            return phrases.UNREADABLE_PLACE
        case Note.HISTORY_UNREADABLE:
            return phrases.HISTORY_UNREADABLE
        case Note.STALE_SCREEN:
            return phrases.STALE_SCREEN
        case _:
            assert_never(note)


def _say(*lines: str) -> Ssml:
    return join(*(sentence(line) for line in lines if line))


def apology() -> Reply:
    """Something failed on our side mid-session: the place is kept, the session stays open."""
    return Reply(_say(phrases.APOLOGY), _say(phrases.REPROMPT_GENERAL))


def unreadable_request() -> Reply:
    """A request nobody could read, outside a session: say so and end."""
    return Reply(_say(phrases.UNREADABLE), None)


@dataclass(frozen=True)
class Speaker:
    """Renders replies for one routine in one locale."""

    routine: Routine
    locale: str = "en-US"
    seed: str = ""
    """Mixed into the choice among a few phrasings (``variety.pick``): the person and the date,
    once the edge passes them; the same seed and place always give the same words."""
    preferences: Preferences = field(default_factory=Preferences)

    def name(self, index: int) -> str:
        return self.routine.moves[index].spoken_name(self.locale)

    def move_list(self, start: int = 0) -> str:
        names = [
            f"{phrases.number_word(i + 1)}, the {self.name(i)}"
            for i in range(start, len(self.routine.moves))
        ]
        return "; ".join(names)

    def fields(self, at: AtMove) -> dict[str, str]:
        """Template fields that describe ``at``."""
        move = self.routine.moves[at.move]
        return {
            "n": phrases.number_word(at.move + 1),
            "name": self.name(at.move),
            "side": f", {move.sides[at.part]} side" if move.split_sides else "",
            "total": phrases.number_word(len(self.routine.moves)),
        }

    def render(self, outcome: Outcome, kept: Kept | None = None, note: Note | None = None) -> Reply:
        """The reply for ``outcome``; ``kept`` says what became of the place (goodbyes must not
        claim a save that did not happen); ``note`` is said first."""
        reply = self._reply(outcome, kept or Kept())
        reply = replace(reply, screen=self._screen(outcome, reply))
        if note is not None:
            reply = replace(reply, speech=join(sentence(_note(note)), reply.speech))
        return reply

    def _reply(self, outcome: Outcome, kept: Kept) -> Reply:  # noqa: PLR0911, PLR0912, PLR0915 (a case each)
        match outcome:
            case WelcomeNew():
                return self._welcome_new()
            case WelcomeBack(at=at):
                place = self.fields(at)
                speech = _say(
                    phrases.WELCOME_BACK_IN_PROGRESS.format(**place), phrases.OFFER_RESUME
                )
                return Reply(speech, _say(phrases.REPROMPT_RESUME.format(**place)))
            case WelcomeBackDone(completed=completed, days=days):
                done = phrases.DONE_COUNT.format(count=_times(completed))
                if days is not None and days.week >= 2:  # something good to say
                    week = phrases.number_word(days.week).capitalize()
                    done = phrases.WELCOME_DAYS.format(week=week)
                speech = _say(
                    phrases.WELCOME_BACK_DONE, done, phrases.SAFETY_SHORT, phrases.OFFER_AGAIN
                )
                return Reply(speech, _say(phrases.REPROMPT_START))
            case Played():
                return self._coached(outcome, self._after_set(outcome))
            case PlayedLast(finished=finished, days=days, offer_reminder=offered):
                # No offer over a finish that could not be recorded: the session ends on it.
                offer = offered and kept.saving is not Saving.FAILED
                ending = (
                    _say(phrases.LAST_MOVE_ONLY, _week(days), phrases.SEE_YOU)
                    if finished is None
                    else self._finished(
                        finished, kept, quick=outcome.at.kind is Kind.QUICK, days=days, offer=offer
                    )
                )
                ask = _say(phrases.REPROMPT_REMINDER) if offer else None
                return replace(self._coached(outcome, ending), reprompt=ask)
            case Finished(count=count, days=days, offer_reminder=offered):
                offer = offered and kept.saving is not Saving.FAILED
                ask = _say(phrases.REPROMPT_REMINDER) if offer else None
                return Reply(self._finished(count, kept, days=days, offer=offer), ask)
            case NotStartedYet():
                return Reply(
                    _say(phrases.NOT_STARTED.format(name=self.name(0))),
                    _say(phrases.REPROMPT_START),
                )
            case AlreadyAtFirst():
                return Reply(
                    _say(phrases.AT_FIRST.format(name=self.name(0))), _say(phrases.REPROMPT_MOVE)
                )
            case NoSuchMove(asked=asked):
                what = (
                    phrases.NO_SUCH_NAME
                    if asked is None
                    else phrases.NO_SUCH_NUMBER.format(n=phrases.number_word(asked))
                )
                speech = _say(
                    what, phrases.MOVE_LIST.format(moves=self.move_list()), phrases.HOW_TO_GO_TO
                )
                return Reply(speech, _say(phrases.HOW_TO_GO_TO))
            case NoOtherSide(place=place, question=question):
                next_words = self._reprompt(place, question)
                return Reply(
                    _say(phrases.NO_OTHER_SIDE, self.where(place), next_words), _say(next_words)
                )
            case OfferRestart():
                return Reply(_say(phrases.OFFER_RESTART), _say(phrases.REPROMPT_RESTART))
            case NotNow():
                return Reply(_say(phrases.NOT_NOW), _say(phrases.REPROMPT_MOVE))
            case Paused(at=at):
                return Reply(self._paused(at, kept), None)
            case Goodbye(place=place):
                return Reply(self._goodbye(place, kept), None)
            case ProgressReport(place=place, question=question):
                next_words = self._reprompt(place, question)
                ask_again = SHORT_ASKS.get(question, next_words)  # where already names the move
                return Reply(_say(self.where(place), ask_again), _say(next_words))
            case HelpGiven(place=place, question=question):
                intro = phrases.HELP.format(total=phrases.number_word(len(self.routine.moves)))
                # The question asked before help is asked again: yes and no still answer it.
                # In a few words where the question's reprompt would push help past 15 s (a
                # long move's name); the reprompt still says it in full.
                short = question is not Question.RESTART and question in SHORT_ASKS
                again = SHORT_ASKS[question] if short else self._ask(place, question)
                # Where the person is is a question of its own ("how many are left"): help stays
                # short (issue 9: 15 s at most).
                speech = _say(intro, phrases.HELP_COMMANDS, again)
                screen = ScreenView(lines=(phrases.HELP_COMMANDS,))
                reprompt = phrases.REPROMPT_GENERAL if question is Question.NONE else again
                if short:
                    reprompt = self._reprompt(place, question)
                return Reply(speech, _say(reprompt), screen)
            case Misheard(place=place):
                speech = _say(phrases.FALLBACK, self.where(place), phrases.FALLBACK_COMMANDS)
                return Reply(speech, _say(phrases.REPROMPT_GENERAL))
            case Silent():
                return Reply(Ssml(""), None)
            case WelcomeBackAfterSet(at=at):
                speech = _say(
                    phrases.FINISHED_LAST_TIME.format(**self.fields(at)),
                    self._next_is(at),
                    phrases.OFFER_GO_ON,
                )
                return Reply(speech, _say(phrases.REPROMPT_MOVE))
            case PainStop(place=place, question=question):
                return self._pain(place, question)
            case NoMoveToAdjust(place=place, question=question):
                next_words = self._reprompt(place, question)
                return Reply(_say(phrases.NO_MOVE_TO_ADJUST, next_words), _say(next_words))
            case PaceSet(pace=pace, place=place, question=question, already=already):
                paces = {"slower": phrases.PACE_SLOWER, "faster": phrases.PACE_FASTER}
                chosen = paces.get(pace or "", phrases.PACE_NORMAL)
                return self._noted(phrases.PACE_ALREADY if already else chosen, place, question)
            case DetailSet(detail=detail, place=place, question=question):
                chosen = phrases.DETAIL_SHORT if detail == "short" else phrases.DETAIL_FULL
                return self._noted(chosen, place, question)
            case CannotCheck(place=place, question=question):
                ask_again = _days_ask(place, question)
                return Reply(
                    _say(phrases.CANNOT_CHECK, ask_again), _say(self._reprompt(place, question))
                )
            case DaysReport(days=days, place=place, question=question):
                ask_again = _days_ask(place, question)
                return Reply(
                    _say(*_days_report(days), ask_again), _say(self._reprompt(place, question))
                )
            case (
                ReminderTimeAsked() | ReminderProposed() | ReminderSet() | ReminderFailed()
                | PermissionAsked() | PermissionRefused() | ReminderDeclined() | ReminderCancelled()
            ):  # fmt: skip
                return self._reminder(outcome)
            case _:
                assert_never(outcome)

    def _reminder(  # noqa: PLR0911, PLR0912 (a case each)
        self,
        outcome: ReminderTimeAsked
        | ReminderProposed
        | ReminderSet
        | ReminderFailed
        | PermissionAsked
        | PermissionRefused
        | ReminderDeclined
        | ReminderCancelled,
    ) -> Reply:
        """The daily reminder's exchange: the time asked for and restated for a yes, then what
        Alexa made of it. At a move the session stays open to carry on; otherwise it ends."""
        match outcome:
            case ReminderTimeAsked(current=current, again=again):
                asked = (
                    phrases.ASK_REMINDER_TIME
                    if current is None
                    else phrases.ASK_REMINDER_CHANGE.format(time=_clock(current))
                )
                sorry = phrases.FALLBACK if again else ""  # what was said was not a time
                return Reply(_say(sorry, asked), _say(phrases.REPROMPT_REMINDER_TIME))
            case ReminderProposed(at=at, current=current):
                said = (
                    phrases.CONFIRM_REMINDER.format(time=_clock(at))
                    if current is None or current == at
                    else phrases.CONFIRM_REMINDER_CHANGE.format(
                        old=_clock(current), time=_clock(at)
                    )
                )
                return Reply(_say(said), _say(phrases.REPROMPT_CONFIRM.format(time=_clock(at))))
            case ReminderSet(at=at, place=place):
                return self._then(phrases.REMINDER_SET.format(time=_clock(at)), place)
            case ReminderDeclined(place=place):
                return self._then(phrases.REMINDER_DECLINED, place)
            case ReminderCancelled(had=had, place=place):
                return self._then(phrases.REMINDER_CANCELLED if had else phrases.NO_REMINDER, place)
            case PermissionRefused(place=place):
                return self._then(phrases.PERMISSION_REFUSED, place)
            case PermissionAsked(at=at):
                # Alexa asks in its own words; the skill says nothing over it.
                return Reply(Ssml(""), None, ask_permission=at)
            case ReminderFailed(problem=problem, cancelling=cancelling, place=place):
                # A change whose old reminder was deleted before the new one failed: say so.
                gone = phrases.OLD_REMINDER_GONE if outcome.old_gone else ""
                if cancelling:
                    # Whatever Alexa said, it is not a reason to ask for a permission or to
                    # speak of setting: the reminder stands, and the Alexa app can remove it.
                    return self._then(phrases.REMINDER_NOT_CANCELLED, place)
                match problem:
                    case ReminderProblem.NO_PERMISSION:
                        reply = self._then(phrases.REMINDER_NEEDS_PERMISSION, place, gone)
                        return replace(reply, permission_card=True)
                    case ReminderProblem.UNSUPPORTED:
                        return self._then(phrases.REMINDER_UNSUPPORTED, place, gone)
                    case ReminderProblem.UNAVAILABLE:
                        return self._then(phrases.REMINDER_NOT_NOW, place, gone)
                    case _:
                        assert_never(problem)
            case _:
                assert_never(outcome)

    def _then(self, said: str, place: Place, also: str = "") -> Reply:
        """``said`` (and ``also``), then: mid-routine, what to say to carry on (the session
        stays open); otherwise a goodbye."""
        if isinstance(place, AtMove):
            return Reply(_say(said, also, phrases.CARRY_ON), _say(phrases.REPROMPT_MOVE))
        return Reply(_say(said, also, phrases.SEE_YOU), None)

    def _pain(self, place: Place, question: Question) -> Reply:
        """Stop at once, the stop rule, then the offer (the easier version, or skipping)."""
        offer = (
            self._ask(place, question)
            if question in (Question.EASIER, Question.SKIP)
            else self._reprompt(place, question)
        )
        # Outside a move there is nothing to stop: the rule, then the question still open.
        stop = phrases.PAIN_STOP if isinstance(place, AtMove) else ""
        speech = _say(stop, phrases.PAIN_RULE, offer)
        return Reply(speech, _say(self._reprompt(place, question)))

    def _noted(self, said: str, place: Place, question: Question) -> Reply:
        """A preference set: say so, then what to say next (at a move: repeat it this way)."""
        if isinstance(place, AtMove) and question in (Question.NEXT, Question.GO_ON):
            return Reply(_say(said, phrases.AGAIN_AT_NEW_PACE), _say(phrases.REPROMPT_MOVE))
        next_words = self._reprompt(place, question)
        return Reply(_say(said, next_words), _say(next_words))

    def _next_is(self, at: AtMove) -> str:
        """What comes after the finished part ``at``: its other side, or the next move."""
        move = self.routine.moves[at.move]
        if at.part + 1 < move.parts:
            return phrases.NEXT_IS_SIDE.format(side=move.sides[at.part + 1])
        following = min(at.move + 1, len(self.routine.moves) - 1)
        return phrases.NEXT_IS_MOVE.format(
            n=phrases.number_word(following + 1), name=self.name(following)
        )

    def pace(self) -> str | None:
        """The tempo chosen ("slower", "faster"), None for the default (or a value unknown here)."""
        pace = self.preferences.pace
        return pace if pace in PACES else None

    def variant(self, move: Move) -> str | None:
        """The version chosen for ``move`` ("easier", "harder"), None for the default."""
        variant = self.preferences.variant(move.id)
        return variant if variant in VARIANTS else None

    def detail(self, completed: int) -> str:
        """Full coaching for somebody who has not finished the routine yet (or who asked for
        it), short for somebody who knows it (or who asked for less)."""
        detail = self.preferences.detail
        if detail in DETAILS:
            return str(detail)
        return "short" if completed else "full"

    def _set(self, move: Move, at: AtMove, continued: bool, completed: int) -> Ssml:
        """The coached set, as this person likes it: the one call into the coaching module
        (its API: render/coaching.py's docstring). ``completed``: routines known (``_known``)."""
        return coach(
            move,
            at.part,
            continued,
            detail="short" if self.detail(completed) == "short" else "full",
            pace=PACE_STEPS.get(self.pace() or "", 1.0),
            variant=COACHED_VARIANTS.get(self.variant(move) or "", "normal"),
            quick=at.kind is Kind.QUICK,
            seed=self.seed,
        )

    def _welcome_new(self, minutes: int | None = None) -> Reply:
        """The first-run welcome; ``minutes`` (default: worked out by render/timing) is given
        only by render/timing itself, which times this very reply."""
        if minutes is None:
            minutes = routine_minutes(self.routine, self.locale)
        overview = phrases.OVERVIEW.format(
            total=phrases.number_word(len(self.routine.moves)).capitalize(),
            minutes=phrases.number_word(minutes),
        )
        speech = _say(phrases.WELCOME_NEW, self.routine.why, overview, self.routine.safety,
                      phrases.OFFER_START)  # fmt: skip
        # The moves by name are shown, not said: the welcome stays under 20 s (issue 9).
        moves = phrases.MOVE_LIST.format(moves=self.move_list())
        screen = ScreenView(lines=(self.routine.why, overview, moves))
        return Reply(speech, _say(phrases.REPROMPT_START), screen)

    def _after_set(self, played: Played) -> Ssml:
        """An encouragement (one of a few, by place), then the other side or the next move."""
        at = played.at
        well_done = pick(phrases.WELL_DONE_OPTIONS, self.seed, "well done", at.move, at.part)
        if at.kind is Kind.QUICK:
            # The quick run says how to go on once, at its first move in a session; after that
            # the next reply names the move (or side) at once, and the reprompt says it anyway.
            opening = played.entry in (Entry.STARTED, Entry.FRESH_START, Entry.RESUMED)
            return _say(well_done, phrases.QUICK_NEXT if opening else "")
        short = self.detail(_known(played)) == "short"
        return _say(well_done, self._what_next(at, short))

    def _what_next(self, at: AtMove, short: bool = False) -> str:
        """The other side, or the next move: a plain ``Played`` is never the routine's last.
        ``short``: for somebody who knows the routine, without how to go on (the reprompt
        still says it)."""
        move = self.routine.moves[at.move]
        if at.part + 1 < move.parts:
            side = phrases.NEXT_SIDE_SHORT if short else phrases.NEXT_SIDE
            return side.format(side=move.sides[at.part + 1])
        following = min(at.move + 1, len(self.routine.moves) - 1)
        options = phrases.NEXT_MOVE_SHORT if short else phrases.NEXT_MOVE_OPTIONS
        return pick(options, self.seed, "next", at.move, at.part).format(
            n=phrases.number_word(following + 1), name=self.name(following)
        )

    def _coached(self, played: Played | PlayedLast, ending: Ssml) -> Reply:
        """A move's part: the safety line if owed, where it is, why, how, the set, ``ending``."""
        at = played.at
        move = self.routine.moves[at.move]
        place = self.fields(at)
        continued = played.entry is Entry.CONTINUED
        side = move.sides[at.part] if move.split_sides else ""
        known = _known(played)
        full = self.detail(known) == "full"
        quick = at.kind is Kind.QUICK
        if at.part and continued:
            title = phrases.SECOND_SIDE.format(name=place["name"], side=side)
        elif move.split_sides:
            title = phrases.MOVE_HEADER_SIDE.format(**{**place, "side": side})
        else:
            title = phrases.MOVE_HEADER.format(**place)
        header = title
        if quick:
            # Every second counts in the quick run (issue 9: 4 to 6 minutes): the name only, and
            # on a second side just heard coming, only its position cue (the set says it).
            name = place["name"][:1].upper() + place["name"][1:]
            header = (
                ""
                if at.part and continued
                else phrases.QUICK_HEADER.format(**{**place, "name": name})
            )
        intro = {
            Entry.RESUMED: phrases.RESUMED,
            Entry.FRESH_START: phrases.NOTHING_TO_RESUME,
            Entry.DAILY: phrases.DAILY_START,
        }.get(played.entry, "")
        if at.kind is Kind.QUICK and played.entry in (Entry.STARTED, Entry.FRESH_START):
            intro = phrases.QUICK_START
        if played.entry is Entry.ADJUSTED:
            versions = {"easier": phrases.VERSION_EASIER, "harder": phrases.VERSION_HARDER}
            intro = versions.get(self.variant(move) or "", phrases.VERSION_NORMAL)
        safety = self.routine.safety if played.safety_first else ""
        # Why it helps is left out of the quick run, even for somebody new: the setup is what a
        # first-time user needs to do the move safely.
        purpose = move.purpose if not continued and full and not quick else ""
        pause_line = phrases.PAUSE_ANYTIME_SHORT if quick else phrases.PAUSE_ANYTIME
        hint = pause_line if played.pause_hint else ""
        speech = join(
            _say(intro, safety, header, purpose, hint),
            self._set(move, at, continued, known),
            ending,
        )
        # The screen shows the version being coached (easier, harder), as fully as it is said:
        # why, setup and cues in full detail, the key cue in short.
        version = move.version(COACHED_VARIANTS.get(self.variant(move) or "", "normal"))
        first_side = part_sides(version, at.part)[0]
        shown = (version.purpose, *version.setup, *version.cues) if full else (version.key,)
        variant = self.variant(move)
        screen = ScreenView(
            title=title,
            progress=phrases.SCREEN_PROGRESS.format(n=at.move + 1, total=len(self.routine.moves)),
            side=side,
            lines=tuple(fill(line, first_side) for line in shown),
            kind="move",
            name=place["name"][:1].upper() + place["name"][1:],
            move=at.move + 1,
            total=len(self.routine.moves),
            done=self._share_done(at),
            key=fill(version.key, first_side),
            figure=figure_id(move.id, variant),
            # The figure is drawn for a move's first side; the second side's is its mirror.
            mirrored=move.split_sides and at.part > 0,
            beats=follow(speech, poses(version, part_sides(version, at.part))),
        )
        return Reply(speech, _say(phrases.REPROMPT_MOVE), screen)

    def _share_done(self, at: AtMove) -> float:
        """The share of the routine's parts before ``at``: what the progress bar shows."""
        parts = [move.parts for move in self.routine.moves]
        return (sum(parts[: at.move]) + at.part) / sum(parts)

    def _screen(self, outcome: Outcome, reply: Reply) -> ScreenView:  # noqa: PLR0911, PLR0912 (a case each)
        """The screen beside ``reply``: its kind, what it shows for the outcome, and what to say
        or tap next (buttons only while the session is open: the words voice would use)."""
        view = reply.screen
        match outcome:
            case Played():
                return self._open(view, reply, outcome.at, Question.NEXT)
            case PlayedLast():  # the routine's end: the session ends, or a reminder is offered
                return self._open(view, reply, outcome.at, Question.REMIND)
            case WelcomeNew() | WelcomeBackDone():
                return self._open(replace(view, kind="welcome"), reply, None, Question.START)
            case WelcomeBack(at=at):
                welcome = replace(view, kind="welcome", key=self.where(at))
                return self._open(welcome, reply, at, Question.RESUME)
            case WelcomeBackAfterSet(at=at):
                welcome = replace(view, kind="welcome", key=self._next_is(at))
                return self._open(welcome, reply, at, Question.GO_ON)
            case HelpGiven(place=place, question=question):
                return self._open(replace(view, kind="help"), reply, place, question)
            case ProgressReport(place=place, question=question):
                where = replace(view, kind="progress", key=self.where(place))
                return self._open(where, reply, place, question)
            case DaysReport(days=days, place=place, question=question):
                week = tuple(Day("", index < days.week) for index in range(7))
                said = phrases.SCREEN_DAYS.format(week=days.week)
                report = replace(view, kind="progress", key=said, days=week)
                return self._open(report, reply, place, question)
            case Finished():
                done = replace(view, kind="completion", key=phrases.SCREEN_FINISHED, done=1.0)
                return self._open(done, reply, None, Question.REMIND)
            case (
                NoOtherSide(place=place, question=question)
                | PainStop(place=place, question=question)
                | NoMoveToAdjust(place=place, question=question)
                | PaceSet(place=place, question=question)
                | DetailSet(place=place, question=question)
            ):  # fmt: skip
                return self._open(view, reply, place, question)
            case Misheard(place=place):
                return self._open(view, reply, place, Question.NONE)
            case NotStartedYet() | OfferRestart():
                return self._open(view, reply, None, Question.START)
            case _:
                return self._open(view, reply, None, Question.NONE)

    def _open(
        self, view: ScreenView, reply: Reply, place: Place | None, question: Asked
    ) -> ScreenView:
        """``view`` with what to say or tap next: the reprompt's words and the buttons for the
        question still open, or, when the session ends, how to come back."""
        if reply.reprompt is None:
            return replace(view, hint=phrases.SCREEN_HINT_ENDED, buttons=())
        buttons = _buttons(place, question)
        said = _plain(reply.reprompt)
        return replace(
            view, hint=f"{said} {phrases.SCREEN_OR_TAP}" if buttons else said, buttons=buttons
        )

    def _finished(
        self,
        count: int,
        kept: Kept,
        quick: bool = False,
        days: DaysDone | None = None,
        offer: bool = False,
    ) -> Ssml:
        # The session ends here, so a save owed now is never retried: say so, not just the count.
        unsaved = phrases.FINISH_NOT_SAVED if kept.saving is Saving.FAILED else ""
        week = _week(days)
        ask = phrases.OFFER_REMINDER if offer else ""
        if quick:  # a short closing: the quick run has no time for the tally and the advice
            return _say(phrases.QUICK_FINISHED, week, unsaved, ask)
        tally = (
            phrases.FIRST_FINISH
            if count == 1
            else phrases.FINISHED_COUNT.format(count=phrases.number_word(count))
        )
        # The closing advice is heard at the first finish; after that it is known. The week, or
        # the offer of a reminder, takes the tally's place (the completion stays within 8 s).
        closing = self.routine.closing if count <= 1 and not week else ""
        return _say(phrases.FINISHED, closing, week or ("" if offer else tally), unsaved, ask)

    def _paused(self, at: AtMove, kept: Kept) -> Ssml:
        paused = phrases.PAUSED.format(**self.fields(at))
        match kept.saving:
            case Saving.SAVED:
                return _say(paused, phrases.PLACE_SAVED, phrases.HOW_TO_COME_BACK)
            case Saving.FAILED:
                return _say(paused, *self._unsaved(kept.stored_place), phrases.HOW_TO_COME_BACK)
            case Saving.NOT_WRITTEN:
                return _say(paused, phrases.HOW_TO_COME_BACK)
            case _:
                assert_never(kept.saving)

    def _goodbye(self, place: Place, kept: Kept) -> Ssml:
        if not isinstance(place, AtMove):
            return _say(phrases.GOODBYE)
        match kept.saving:
            case Saving.SAVED:
                return _say(phrases.GOODBYE_SAVED.format(**self.fields(place)))
            case Saving.FAILED:
                stopping = phrases.STOPPING_AT.format(**self.fields(place))
                return _say(stopping, *self._unsaved(kept.stored_place), phrases.BYE)
            case Saving.NOT_WRITTEN:
                return _say(phrases.STOPPING_AT.format(**self.fields(place)), phrases.BYE)
            case _:
                assert_never(kept.saving)

    def _unsaved(self, stored: Place | None) -> tuple[str, ...]:
        """Say plainly that the place was not saved, and where the next session will start."""
        match stored:
            case AtMove():
                return phrases.NOT_SAVED, phrases.PICK_UP_FROM.format(**self.fields(stored))
            case NotStarted():
                return phrases.NOT_SAVED, phrases.PICK_UP_FROM_START
            case None:
                return (phrases.NOT_SAVED,)
            case _:
                assert_never(stored)

    def where(self, place: Place) -> str:
        """Where the person is and what is left, as one or two plain sentences."""
        if not isinstance(place, AtMove):
            return f"{phrases.NOT_STARTED_PROGRESS} {self._length()}"
        left = len(self.routine.moves) - place.move - 1
        minutes = minutes_after(self.routine, place.move, place.part, self.locale, place.kind)
        to_go = (
            phrases.MINUTES_LEFT.format(minutes=phrases.number_word(minutes))
            if minutes > 1
            else phrases.MINUTE_LEFT
            if left or place.part + 1 < self.routine.moves[place.move].parts
            else phrases.LEFT_NONE
        )
        return f"{phrases.WHERE.format(**self.fields(place))} {to_go}"

    def _length(self) -> str:
        """How many moves and about how many minutes: "Five moves, about ten minutes." """
        return phrases.OVERVIEW.format(
            total=phrases.number_word(len(self.routine.moves)).capitalize(),
            minutes=phrases.number_word(routine_minutes(self.routine, self.locale)),
        )

    def _ask(self, place: Place, question: Question) -> str:  # noqa: PLR0911 (a case each)
        """The question still open, asked again (after help)."""
        match question:
            case Question.START:
                return phrases.OFFER_START
            case Question.RESUME | Question.RESTART:
                return self._reprompt(place, question)
            case Question.EASIER:
                return phrases.OFFER_EASIER
            case Question.SKIP:
                return phrases.OFFER_SKIP
            case Question.NEXT | Question.GO_ON | Question.NONE:
                return phrases.WHAT_NEXT
            case Question.REMIND:
                return phrases.OFFER_REMINDER
            case Question.REMIND_WHEN:
                return phrases.REPROMPT_REMINDER_TIME
            case _:
                assert_never(question)

    def _reprompt(self, place: Place, question: Question) -> str:
        """What to say next, matching the question still open."""
        if question is Question.EASIER:
            return phrases.REPROMPT_EASIER
        if question is Question.SKIP:
            return phrases.REPROMPT_SKIP
        if question is Question.RESTART:
            return phrases.REPROMPT_RESTART
        if isinstance(place, AtMove) and question is Question.RESUME:
            return phrases.REPROMPT_RESUME.format(**self.fields(place))
        return phrases.REPROMPT_MOVE if isinstance(place, AtMove) else phrases.REPROMPT_START


def _known(played: Played | PlayedLast) -> int:
    """Full routines finished before this one, as the choice of detail sees it (navigation
    counts only full runs: finishing a quick run does not make the routine known; the last
    move's count already includes this run when it is a full one). A first-time user hears the
    setup in full even in the quick run, which makes a new user's quick run longer than a
    familiar one (tests/unit/test_pacing.py holds the familiar quick run to 4-6 minutes);
    "less detail" (a remembered preference) still keeps it short."""
    full = isinstance(played, PlayedLast) and played.finished is not None
    return played.completed - (full and played.at.kind is Kind.FULL)


def _week(days: DaysDone | None) -> str:
    """The week, once there is a week to speak of: encouragement, never a tally of misses."""
    if days is None or days.week < 2:
        return ""
    return phrases.DAYS_THIS_WEEK.format(week=phrases.number_word(days.week))


def _clock(at: time) -> str:
    return phrases.clock(at.hour, at.minute)


def _days_ask(place: Place, question: Question) -> str:
    """The question still open after "how am I doing", in five words at most (the reprompt
    says it in full)."""
    if question in DAYS_ASKS:
        return DAYS_ASKS[question]
    return phrases.DAYS_ASK_GO_ON if isinstance(place, AtMove) else phrases.DAYS_ASK_START


def _days_report(days: DaysDone) -> tuple[str, ...]:
    """ "How am I doing", in a few sentences: the week and the month, a run of days when there
    is one, and the routines in all."""
    if not days.month:
        return (phrases.DAYS_NONE,)
    report = phrases.DAYS_REPORT.format(
        week=phrases.number_word(days.week).capitalize(), month=phrases.number_word(days.month)
    )
    run = (
        phrases.DAYS_IN_A_ROW.format(count=phrases.number_word(days.in_a_row).capitalize())
        if days.in_a_row >= 2
        else ""
    )
    total = (
        phrases.ROUTINE_IN_ALL
        if days.routines == 1
        else phrases.ROUTINES_IN_ALL.format(count=phrases.number_word(days.routines).capitalize())
    )
    return report, run, total if days.routines else ""


def _times(completed: int) -> str:
    return (
        phrases.ONCE
        if completed == 1
        else phrases.TIMES.format(count=phrases.number_word(completed))
    )


def _buttons(place: Place | None, question: Asked) -> tuple[str, ...]:
    """The buttons for the question still open: what "yes" would do, or at a move its
    controls; none for a question only words can answer (a time, a reminder)."""
    match question:
        case Question.START | Question.RESTART:
            return ("start",)
        case Question.RESUME:
            return ("resume", "start")
        case Question.EASIER:
            return ("easier", "next")
        case Question.SKIP | Question.GO_ON:
            return ("next", "repeat")
        case Question.NEXT | Question.NONE:
            return MOVE_BUTTONS if isinstance(place, AtMove) else ("start",)
        case _:
            return ()


def _plain(ssml: Ssml) -> str:
    """What an SSML body says, as plain text for the screen."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", ssml)).split())
