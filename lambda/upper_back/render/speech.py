"""Every reply the skill speaks: ``Speaker.render(outcome, saving, note) -> Reply``.

Words come from the routine data and the phrases module; decisions were made by navigation, and
whether a save happened by the turn. The ``match`` over outcomes is checked for completeness by
mypy. A reply that keeps the session open always carries a reprompt. The apology for an
unexpected error and the last-resort answer come from here too, so no words are chosen outside.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import assert_never

from upper_back.core.outcomes import (
    AlreadyAtFirst,
    Entry,
    Finished,
    Goodbye,
    HelpGiven,
    Misheard,
    NoOtherSide,
    NoSuchMove,
    NotNow,
    NotStartedYet,
    OfferRestart,
    Outcome,
    Paused,
    Played,
    PlayedLast,
    ProgressReport,
    Silent,
    WelcomeBack,
    WelcomeBackDone,
    WelcomeNew,
)
from upper_back.core.routine import Routine
from upper_back.core.state import AtMove, NotStarted, Place, Question
from upper_back.render import phrases
from upper_back.render.coaching import coach, fill, part_sides
from upper_back.render.screen import ScreenView
from upper_back.render.ssml import Ssml, join, sentence
from upper_back.render.timing import routine_minutes

FAMILIAR_AFTER = 3
"""After this many finished routines the skill stops explaining why each move helps."""
MOVE_BUTTONS = ("back", "repeat", "next")


@dataclass(frozen=True)
class Reply:
    """Speech and reprompt as SSML bodies (no reprompt: the session ends), and the screen."""

    speech: Ssml
    reprompt: Ssml | None
    screen: ScreenView = field(default_factory=ScreenView)

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
        if note is not None:
            reply = replace(reply, speech=join(sentence(_note(note)), reply.speech))
        return reply

    def _reply(self, outcome: Outcome, kept: Kept) -> Reply:  # noqa: PLR0911, PLR0912 (a case each)
        match outcome:
            case WelcomeNew():
                return self._welcome_new()
            case WelcomeBack(at=at):
                place = self.fields(at)
                speech = _say(
                    phrases.WELCOME_BACK_IN_PROGRESS.format(**place), phrases.OFFER_RESUME
                )
                return Reply(speech, _say(phrases.REPROMPT_RESUME.format(**place)))
            case WelcomeBackDone(completed=completed):
                done = phrases.DONE_COUNT.format(count=_times(completed))
                speech = _say(
                    phrases.WELCOME_BACK_DONE, done, phrases.SAFETY_SHORT, phrases.OFFER_AGAIN
                )
                return Reply(speech, _say(phrases.REPROMPT_START))
            case Played():
                ending = _say(phrases.WELL_DONE, self._what_next(outcome.at))
                return self._coached(outcome, ending)
            case PlayedLast(finished=finished):
                ending = (
                    self._finished(finished, kept)
                    if finished is not None
                    else _say(phrases.LAST_MOVE_ONLY)
                )
                return replace(self._coached(outcome, ending), reprompt=None)
            case Finished(count=count):
                return Reply(self._finished(count, kept), None)
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
                return Reply(_say(self.where(place), next_words), _say(next_words))
            case HelpGiven(place=place):
                intro = phrases.HELP.format(total=phrases.number_word(len(self.routine.moves)))
                speech = _say(intro, self.where(place), phrases.HELP_COMMANDS, phrases.WHAT_NEXT)
                screen = ScreenView(lines=(phrases.HELP_COMMANDS,))
                return Reply(speech, _say(phrases.REPROMPT_GENERAL), screen)
            case Misheard(place=place):
                speech = _say(phrases.FALLBACK, self.where(place), phrases.FALLBACK_COMMANDS)
                return Reply(speech, _say(phrases.REPROMPT_GENERAL))
            case Silent():
                return Reply(Ssml(""), None)
            case _:
                assert_never(outcome)

    def _welcome_new(self) -> Reply:
        overview = phrases.OVERVIEW.format(
            total=phrases.number_word(len(self.routine.moves)),
            moves=self.move_list(),
            minutes=phrases.number_word(routine_minutes(self.routine)),
        )
        speech = _say(phrases.WELCOME_NEW, self.routine.why, overview, self.routine.safety,
                      phrases.OFFER_START)  # fmt: skip
        screen = ScreenView(lines=(self.routine.why, overview))
        return Reply(speech, _say(phrases.REPROMPT_START), screen)

    def _what_next(self, at: AtMove) -> str:
        """The other side, or the next move: a plain ``Played`` is never the routine's last."""
        move = self.routine.moves[at.move]
        if at.part + 1 < move.parts:
            return phrases.NEXT_SIDE.format(side=move.sides[at.part + 1])
        following = min(at.move + 1, len(self.routine.moves) - 1)
        return phrases.NEXT_MOVE.format(
            n=phrases.number_word(following + 1), name=self.name(following)
        )

    def _coached(self, played: Played | PlayedLast, ending: Ssml) -> Reply:
        """A move's part: the safety line if owed, where it is, why, how, the set, ``ending``."""
        at = played.at
        move = self.routine.moves[at.move]
        place = self.fields(at)
        continued = played.entry is Entry.CONTINUED
        side = move.sides[at.part] if move.split_sides else ""
        if at.part and continued:
            header = phrases.SECOND_SIDE.format(name=place["name"], side=side)
        elif move.split_sides:
            header = phrases.MOVE_HEADER_SIDE.format(**{**place, "side": side})
        else:
            header = phrases.MOVE_HEADER.format(**place)
        intro = {Entry.RESUMED: phrases.RESUMED, Entry.FRESH_START: phrases.NOTHING_TO_RESUME}
        safety = self.routine.safety if played.safety_first else ""
        purpose = move.purpose if not continued and played.completed < FAMILIAR_AFTER else ""
        speech = join(
            _say(intro.get(played.entry, ""), safety, header, purpose),
            coach(move, at.part, continued),
            ending,
        )
        first_side = part_sides(move, at.part)[0]
        screen = ScreenView(
            title=header,
            progress=phrases.SCREEN_PROGRESS.format(n=at.move + 1, total=len(self.routine.moves)),
            side=side,
            lines=tuple(fill(line, first_side) for line in (move.purpose, *move.setup, *move.cues)),
            hint=phrases.REPROMPT_MOVE,
            buttons=MOVE_BUTTONS,
        )
        return Reply(speech, _say(phrases.REPROMPT_MOVE), screen)

    def _finished(self, count: int, kept: Kept) -> Ssml:
        tally = (
            phrases.FIRST_FINISH
            if count == 1
            else phrases.FINISHED_COUNT.format(count=phrases.number_word(count))
        )
        # The session ends here, so a save owed now is never retried: say so, not just the count.
        unsaved = phrases.FINISH_NOT_SAVED if kept.saving is Saving.FAILED else ""
        return _say(phrases.FINISHED, self.routine.closing, tally, unsaved)

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
            return (
                f"{phrases.NOT_STARTED_PROGRESS} {phrases.MOVE_LIST.format(moves=self.move_list())}"
            )
        left = len(self.routine.moves) - place.move - 1
        after = (
            phrases.LEFT_SOME.format(
                count=phrases.number_word(left), moves=self.move_list(place.move + 1)
            )
            if left
            else phrases.LEFT_NONE
        )
        return f"{phrases.WHERE.format(**self.fields(place))} {after}"

    def _reprompt(self, place: Place, question: Question) -> str:
        """What to say next, matching the question still open."""
        if isinstance(place, AtMove) and question in (Question.RESUME, Question.RESTART):
            return phrases.REPROMPT_RESUME.format(**self.fields(place))
        return phrases.REPROMPT_MOVE if isinstance(place, AtMove) else phrases.REPROMPT_START


def _times(completed: int) -> str:
    return (
        phrases.ONCE
        if completed == 1
        else phrases.TIMES.format(count=phrases.number_word(completed))
    )
