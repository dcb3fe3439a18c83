"""Issue 9's talk limits, walked over every question state and every move (and side, in the full
and the quick run): first-run welcome <= 20 s, welcome back <= 8 s, help <= 15 s, completion
<= 8 s, progress <= 10 s; and issue 10's "how am I doing" <= 10 s, with the days said at the
completion and the welcome back held to their limits. Every figure is computed from the
rendered reply with ``tools.speech_clock`` at Alexa's pace (words x 0.4 s + breaks)."""

from __future__ import annotations

from collections.abc import Iterator

from tools import speech_clock
from upper_back.core.habit import DaysDone
from upper_back.core.outcomes import (
    DaysReport,
    Finished,
    HelpGiven,
    Outcome,
    ProgressReport,
    WelcomeBack,
    WelcomeBackAfterSet,
    WelcomeBackDone,
    WelcomeNew,
)
from upper_back.core.routine import load_routine
from upper_back.core.state import AtMove, Kind, NotStarted, Place, Question
from upper_back.render.speech import Kept, Saving, Speaker

ROUTINE = load_routine()
SPEAKER = Speaker(ROUTINE)
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
AT = [
    AtMove(index, part, kind=kind)
    for index, move in enumerate(ROUTINE.moves)
    for part in range(move.parts)
    for kind in Kind
]
PLACES: list[Place] = [NotStarted(), *AT]
DAYS = [
    DaysDone(week, month, in_a_row, today, routines)
    for week, month, in_a_row, today in ((0, 0, 0, False), (1, 1, 1, True), (7, 30, 45, True))
    for routines in (1, 17, 999)  # "nine hundred ninety-nine" is the longest count to say
]


def seconds(outcome: Outcome, kept: Kept | None = None, locale: str = "en-US") -> float:
    reply = Speaker(ROUTINE, locale).render(outcome, kept)
    return speech_clock.clock(reply.speech).total


def replies() -> Iterator[tuple[str, float, float]]:
    """(what, seconds, limit) for every reply a talk limit covers."""
    for locale in LOCALES:
        yield f"first-run welcome {locale}", seconds(WelcomeNew(), locale=locale), 20
        for at in AT:
            yield f"welcome back at {at} {locale}", seconds(WelcomeBack(at), locale=locale), 8
            after = seconds(WelcomeBackAfterSet(at), locale=locale)
            yield f"welcome back after a set {at} {locale}", after, 8
        for place in PLACES:
            for question in Question:
                help_given = seconds(HelpGiven(place, question), locale=locale)
                yield f"help at {place} {question} {locale}", help_given, 15
                progress = seconds(ProgressReport(place, question), locale=locale)
                yield f"progress at {place} {question} {locale}", progress, 10
    for count in (1, 2, 7, 999):
        yield f"welcome back after {count}", seconds(WelcomeBackDone(count)), 8
        for saving in (Saving.SAVED, Saving.NOT_WRITTEN):  # a failed save must be told
            yield f"completion {count} {saving}", seconds(Finished(count), Kept(saving)), 8
            for days in DAYS:  # the week said, a daily reminder offered
                done = Finished(count, days, offer_reminder=True)
                yield f"completion {count} {days} {saving}", seconds(done, Kept(saving)), 8
        for days in DAYS:
            welcome = seconds(WelcomeBackDone(count, days))
            yield f"welcome back after {count} with {days}", welcome, 8
            for place in PLACES:
                for question in Question:
                    report = seconds(DaysReport(days, place, question))
                    yield f"how am I doing {days} at {place} {question}", report, 10


def test_every_talk_limit_holds_for_every_question_state_and_every_move() -> None:
    over = [(what, round(said, 1), limit) for what, said, limit in replies() if said > limit]
    assert not over
