"""Every reply the renderer makes is SSML Alexa accepts; a move is coached, not described; a
goodbye claims a saved place only when the save happened."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import time
from typing import get_args

import pytest

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
from upper_back.core.routine import Move, load_routine
from upper_back.core.state import AtMove, NotStarted, Place, Question
from upper_back.render import phrases
from upper_back.render.coaching import MIN_PAUSE
from upper_back.render.phrases import number_word
from upper_back.render.speech import Kept, Note, Reply, Saving, Speaker
from upper_back.render.timing import routine_minutes

ROUTINE = load_routine()
LOCALES = ("en-US", "en-GB")
AMAZON = "http://amazon.com/ssml"
TAGS = {"speak", "break", "s", "p", "emphasis", "prosody", "say-as", "sub", "lang", "phoneme",
        "w", "audio", "voice"}  # fmt: skip
AMAZON_TAGS = {"domain", "effect", "emotion", "auto-breaths", "breath"}
BREAK = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")

EVERY_AT = [AtMove(move, part) for move, m in enumerate(ROUTINE.moves) for part in range(m.parts)]
FINAL = EVERY_AT[-1]  # the routine's last part: navigation plays it as PlayedLast
PLACES: list[Place] = [NotStarted(), *EVERY_AT]
DAYS = [
    DaysDone(0, 0, 0, False, 0),  # never done
    DaysDone(0, 2, 0, False, 250),  # a while ago
    DaysDone(1, 1, 1, True, 1),  # today only
    DaysDone(4, 12, 3, False, 21),  # up to yesterday
    DaysDone(7, 30, 30, True, 999),  # every day
]
TIMES = [time(0, 0), time(8, 0), time(12, 0), time(18, 45), time(23, 59)]
EXAMPLES: dict[type, list[Outcome]] = {
    WelcomeNew: [WelcomeNew()],
    WelcomeBack: [WelcomeBack(at) for at in EVERY_AT],
    WelcomeBackDone: [
        WelcomeBackDone(1),
        WelcomeBackDone(7),
        WelcomeBackDone(250),
        *(WelcomeBackDone(40, days) for days in DAYS),
    ],
    Played: [
        Played(at, entry, completed, safety_first)
        for at in EVERY_AT
        if at != FINAL
        for entry in Entry
        for completed in (0, 5)
        for safety_first in (False, True)
    ],
    PlayedLast: [
        PlayedLast(FINAL, entry, completed, safety_first, finished, days=days, offer_reminder=offer)
        for entry in Entry
        for completed, finished in ((0, None), (4, None), (1, 1), (6, 6))
        for safety_first in (False, True)
        for days, offer in ((None, False), (DAYS[-1], finished is not None))
    ],
    Finished: [
        Finished(1),
        Finished(2),
        Finished(21),
        *(Finished(30, days, offer) for days in DAYS for offer in (False, True)),
    ],
    NotStartedYet: [NotStartedYet()],
    AlreadyAtFirst: [AlreadyAtFirst()],
    NoSuchMove: [NoSuchMove(None), NoSuchMove(0), NoSuchMove(6), NoSuchMove(100)],
    NoOtherSide: [NoOtherSide(place, question) for place in PLACES for question in Question],
    OfferRestart: [OfferRestart()],
    NotNow: [NotNow()],
    Paused: [Paused(at) for at in EVERY_AT],
    Goodbye: [Goodbye(place) for place in PLACES],
    ProgressReport: [ProgressReport(place, question) for place in PLACES for question in Question],
    HelpGiven: [HelpGiven(place, question) for place in PLACES for question in Question],
    Misheard: [Misheard(place, question) for place in PLACES for question in Question],
    Silent: [Silent()],
    WelcomeBackAfterSet: [WelcomeBackAfterSet(replace(at, done=True)) for at in EVERY_AT[:-1]],
    PainStop: [PainStop(place, question) for place in PLACES for question in Question],
    NoMoveToAdjust: [NoMoveToAdjust(NotStarted(), question) for question in Question],
    PaceSet: [
        PaceSet(pace, place, question, already)
        for pace in ("slower", "faster", None)
        for already in (False, True)
        for place in PLACES
        for question in Question
    ],
    DetailSet: [
        DetailSet(detail, place, question)
        for detail in ("full", "short")
        for place in PLACES
        for question in Question
    ],
    DaysReport: [DaysReport(days, place, question) for days in DAYS for place in PLACES
                 for question in Question],
    CannotCheck: [CannotCheck(place, question) for place in PLACES for question in Question],
    ReminderTimeAsked: [
        ReminderTimeAsked(current, again)
        for current in (None, time(7, 30))
        for again in (False, True)
    ],
    ReminderProposed: [
        ReminderProposed(at, current)
        for at in TIMES
        for current in (None, time(8, 0), time(21, 15))
    ],
    ReminderSet: [ReminderSet(at, place) for at in TIMES for place in PLACES],
    ReminderFailed: [
        ReminderFailed(problem, cancelling, place, old_gone=not cancelling and gone)
        for problem in ReminderProblem
        for cancelling in (False, True)
        for place in PLACES
        for gone in (False, True)
    ],
    PermissionAsked: [PermissionAsked(at) for at in TIMES],
    PermissionRefused: [PermissionRefused(place) for place in PLACES],
    ReminderDeclined: [ReminderDeclined(place) for place in PLACES],
    ReminderCancelled: [ReminderCancelled(had, place) for had in (False, True) for place in PLACES],
}  # fmt: skip
"""Examples of every outcome; a new outcome fails ``test_every_outcome_type_has_examples``."""
ENDS_SESSION = (PlayedLast, Finished, Paused, Goodbye, Silent, PermissionAsked)
REMINDER_ENDS = (
    ReminderSet,
    ReminderFailed,
    PermissionRefused,
    ReminderDeclined,
    ReminderCancelled,
)


def ends_session(outcome: Outcome, kept: Kept) -> bool:
    """Leaving, finishing (unless a daily reminder is offered over a finish that was recorded),
    and the end of a reminder exchange outside a routine."""
    if isinstance(outcome, PlayedLast | Finished) and outcome.offer_reminder:
        return kept.saving is Saving.FAILED
    if isinstance(outcome, REMINDER_ENDS):
        return not isinstance(outcome.place, AtMove)
    return isinstance(outcome, ENDS_SESSION)


KEPT = [
    Kept(Saving.SAVED),
    Kept(Saving.FAILED, None),
    Kept(Saving.FAILED, NotStarted()),
    Kept(Saving.FAILED, AtMove(1, 0)),
    Kept(Saving.NOT_WRITTEN, AtMove(1, 0)),
]


def parse(body: str) -> ET.Element:
    """The body as Alexa reads it; the amazon: prefix is declared only so XML can parse it."""
    return ET.fromstring(f'<speak xmlns:amazon="{AMAZON}">{body}</speak>')


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def said(reply: Reply) -> str:
    return text(parse(reply.speech))


def break_seconds(element: ET.Element) -> list[float]:
    seconds = []
    for pause in element.iter("break"):
        match = BREAK.match(pause.get("time", ""))
        assert match, pause.attrib
        value = float(match[1]) / (1000 if match[2] == "ms" else 1)
        assert 0 < value <= 10, pause.attrib
        seconds.append(value)
    return seconds


def check_ssml(body: str) -> ET.Element:
    """Assert what Alexa requires of an outputSpeech body, and return it parsed."""
    assert len(f"<speak>{body}</speak>") < 8000
    root = parse(body)
    for element in root.iter():
        if element.tag.startswith(f"{{{AMAZON}}}"):
            assert element.tag.removeprefix(f"{{{AMAZON}}}") in AMAZON_TAGS, element.tag
        else:
            assert element.tag in TAGS, element.tag
    break_seconds(root)
    assert "{" not in text(root), "a template field was left unfilled"
    return root


def ends_with_a_prompt(root: ET.Element) -> bool:
    sentences = list(root.iter("s"))
    last = text(sentences[-1]) if sentences else ""
    return "?" in last or re.search(r"\bsay\b", last, re.IGNORECASE) is not None


def test_every_outcome_type_has_examples() -> None:
    assert set(EXAMPLES) == set(get_args(Outcome))
    assert all(isinstance(o, kind) for kind, examples in EXAMPLES.items() for o in examples)


@pytest.mark.parametrize("kind", get_args(Outcome), ids=lambda kind: kind.__name__)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_outcome_renders_as_speech_alexa_accepts(locale: str, kind: type) -> None:
    speaker = Speaker(ROUTINE, locale)
    for outcome in EXAMPLES[kind]:
        for kept in KEPT:
            where = (outcome, kept)
            reply = speaker.render(outcome, kept)
            root = check_ssml(reply.speech)
            # Silent, and Alexa's own permission question: nothing of the skill's is said
            assert (text(root) == "") == isinstance(outcome, Silent | PermissionAsked), where
            assert (reply.ask_permission is not None) == isinstance(outcome, PermissionAsked)
            screen = reply.screen
            shown = [screen.title, screen.progress, screen.side, screen.hint, *screen.lines]
            assert not any("{" in line for line in shown), where
            assert reply.ends_session == ends_session(outcome, kept), where
            if not reply.ends_session:  # the session stays open: Alexa needs a reprompt
                assert reply.reprompt is not None, where
                assert text(check_ssml(reply.reprompt)), where
                assert ends_with_a_prompt(root), where


@pytest.mark.parametrize("outcome", [Finished(2), Paused(AtMove(1, 1)), Goodbye(AtMove(1, 1))])
def test_leaving_replies_end_the_session(outcome: Outcome) -> None:
    reply = Speaker(ROUTINE).render(outcome, Kept())
    assert reply.reprompt is None
    assert reply.ends_session
    assert said(reply)


def spoken(move: Move, locale: str) -> str:
    return move.names.get(locale, move.name)


PARTS = [
    pytest.param(index, part, locale, id=f"{move.id}-{part}-{locale}")
    for index, move in enumerate(ROUTINE.moves)
    for part in range(move.parts)
    for locale in LOCALES
]


def play(index: int, part: int, locale: str, completed: int = 0) -> tuple[Reply, ET.Element]:
    """A part as navigation plays it going forward: the other side continues the move, and the
    routine's last part finishes the routine in the same reply."""
    at = AtMove(index, part)
    entry = Entry.CONTINUED if part else Entry.ADVANCED
    outcome: Outcome = (
        PlayedLast(at, entry, completed + 1, finished=completed + 1)
        if at == FINAL
        else Played(at, entry, completed)
    )
    reply = Speaker(ROUTINE, locale).render(outcome, Kept())
    return reply, parse(reply.speech)


def sides_covered(move: Move, part: int) -> tuple[str, ...]:
    return (move.sides[part],) if move.split_sides else move.sides


@pytest.mark.parametrize(("index", "part", "locale"), PARTS)
def test_a_move_is_announced_by_its_spoken_name_and_sides(
    index: int, part: int, locale: str
) -> None:
    move = ROUTINE.moves[index]
    _, root = play(index, part, locale)
    words = text(root)
    assert spoken(move, locale) in words
    for side in sides_covered(move, part):
        assert re.search(rf"\b{side}\b", words), side
    if move.split_sides:
        (other,) = set(move.sides) - {move.sides[part]}
        before_what_next = " ".join(text(s) for s in list(root.iter("s"))[:-1])
        assert not re.search(rf"\b{other}\b", before_what_next), other


def test_en_gb_hears_its_own_name_for_a_move() -> None:
    index, move = next((i, m) for i, m in enumerate(ROUTINE.moves) if "en-GB" in m.names)
    _, british = play(index, 0, "en-GB")
    _, american = play(index, 0, "en-US")
    assert move.names["en-GB"] in text(british)
    assert move.names["en-GB"] not in text(american)


@pytest.mark.parametrize(("index", "part", "locale"), PARTS)
def test_a_move_is_coached_for_about_as_long_as_its_dose(
    index: int, part: int, locale: str
) -> None:
    move = ROUTINE.moves[index]
    dose = move.guided.rounds * move.guided.round_seconds * max(len(sides_covered(move, part)), 1)
    _, root = play(index, part, locale)
    assert dose <= heard_seconds(root) <= dose + 90, "a coached set, not a description or a lecture"


def heard_seconds(root: ET.Element) -> float:
    """Pauses plus words at a typical text-to-speech rate (about 150 words a minute)."""
    words = len(" ".join(root.itertext()).split())
    return sum(break_seconds(root)) + words / 2.5


def test_the_whole_routine_takes_about_as_long_as_the_welcome_says() -> None:
    """timing.py measures the coached sets alone; a first run as really played (headers, why
    each move helps, what comes next; a second side continues the first) must still land within
    a fifth of the minutes the welcome announces."""
    minutes = routine_minutes(ROUTINE)
    speaker = Speaker(ROUTINE, "en-US")

    def heard(index: int, part: int) -> float:
        entry = Entry.CONTINUED if part > 0 else Entry.ADVANCED
        outcome = Played(AtMove(index, part), entry, completed=0)
        return heard_seconds(parse(speaker.render(outcome).speech))

    total = sum(
        heard(index, part) for index, move in enumerate(ROUTINE.moves) for part in range(move.parts)
    )
    assert 0.8 * minutes * 60 <= total <= 1.2 * minutes * 60, total


@pytest.mark.parametrize(("index", "part", "locale"), PARTS)
def test_a_move_ends_by_saying_what_comes_next(index: int, part: int, locale: str) -> None:
    move = ROUTINE.moves[index]
    _, root = play(index, part, locale)
    last = text(list(root.iter("s"))[-1])
    if part + 1 < move.parts:
        assert move.sides[part + 1] in last
    elif index + 1 < len(ROUTINE.moves):
        assert spoken(ROUTINE.moves[index + 1], locale) in last
    else:  # the routine's last part: its end, and the first full routine counted
        assert phrases.FINISHED in text(root)
        assert last == phrases.FIRST_FINISH


def test_the_last_move_done_on_its_own_ends_without_counting_a_routine() -> None:
    reply = Speaker(ROUTINE).render(PlayedLast(FINAL, Entry.AGAIN, 3), Kept())
    closing = [text(s) for s in parse(reply.speech).iter("s")][-2:]
    assert closing == [phrases.LAST_MOVE_ONLY, phrases.SEE_YOU]
    assert phrases.FINISHED not in said(reply)


def test_the_daily_move_on_its_own_speaks_of_the_week_once_there_is_one() -> None:
    week = DaysDone(3, 5, 1, True, 3)
    reply = Speaker(ROUTINE).render(PlayedLast(FINAL, Entry.DAILY, 3, days=week), Kept())
    closing = [text(s) for s in parse(reply.speech).iter("s")][-3:]
    assert closing == [
        phrases.LAST_MOVE_ONLY,
        "That's three of the last seven days.",
        phrases.SEE_YOU,
    ]
    first = DaysDone(1, 1, 1, True, 0)
    reply = Speaker(ROUTINE).render(PlayedLast(FINAL, Entry.DAILY, 0, days=first), Kept())
    assert "last seven days" not in said(reply)


def test_why_a_move_helps_is_dropped_once_the_routine_is_familiar() -> None:
    for index, move in enumerate(ROUTINE.moves):
        _, new = play(index, 0, "en-US", completed=0)
        _, familiar = play(index, 0, "en-US", completed=5)
        assert move.purpose in text(new)
        assert move.purpose not in text(familiar)


def test_the_safety_line_is_said_first_when_it_is_owed() -> None:
    speaker = Speaker(ROUTINE)
    owed = speaker.render(Played(AtMove(2), Entry.AGAIN, 0, safety_first=True), Kept())
    not_owed = speaker.render(Played(AtMove(2), Entry.AGAIN, 0), Kept())
    assert said(owed).startswith(ROUTINE.safety)
    assert ROUTINE.safety not in said(not_owed)


def test_the_first_welcome_shows_every_move_in_order() -> None:
    """Listed on the screen and the card, not said: the welcome stays under 20 s (issue 9)."""
    for locale in LOCALES:
        words = " ".join(Speaker(ROUTINE, locale).render(WelcomeNew(), Kept()).screen.lines)
        at = [words.find(spoken(move, locale)) for move in ROUTINE.moves]
        assert -1 not in at
        assert at == sorted(at)


@pytest.mark.parametrize("index", range(len(ROUTINE.moves)))
def test_replies_about_a_saved_place_name_the_move(index: int) -> None:
    move = ROUTINE.moves[index]
    at = AtMove(index, move.parts - 1)
    for outcome in (WelcomeBack(at), Paused(at), Goodbye(at), ProgressReport(at, Question.NEXT)):
        assert move.name in said(Speaker(ROUTINE).render(outcome, Kept())), outcome


def test_progress_says_roughly_how_many_minutes_are_left_and_fewer_as_it_goes() -> None:
    speaker = Speaker(ROUTINE, "en-GB")
    minutes = []
    for index in range(len(ROUTINE.moves) - 1):
        words = said(speaker.render(ProgressReport(AtMove(index), Question.NEXT), Kept()))
        found = re.search(r"about (\w+) minutes? to go", words, re.IGNORECASE)
        assert found, words
        minutes.append(phrases.NUMBER_WORDS.index(found[1]))
    assert minutes == sorted(minutes, reverse=True)
    last = said(speaker.render(ProgressReport(AtMove(len(ROUTINE.moves) - 1), Question.NEXT)))
    assert phrases.LEFT_NONE in last


def test_asking_for_a_move_that_does_not_exist_says_the_number_and_the_moves() -> None:
    words = said(Speaker(ROUTINE).render(NoSuchMove(6), Kept()))
    assert re.search(rf"\b{number_word(6)}\b", words)
    assert all(move.name in words for move in ROUTINE.moves)


def test_finishing_says_how_many_routines_are_done() -> None:
    words = said(Speaker(ROUTINE).render(Finished(7), Kept()))
    assert re.search(rf"\b{number_word(7)}\b", words)


NOTE_WORDS = {
    Note.COULD_NOT_LOAD: phrases.COULD_NOT_LOAD,
    Note.COULD_NOT_REACH: phrases.COULD_NOT_REACH,
    Note.MOVE_REMOVED: phrases.MOVE_REMOVED,
    Note.UNREADABLE: phrases.UNREADABLE_PLACE,
    Note.HISTORY_UNREADABLE: phrases.HISTORY_UNREADABLE,
    Note.STALE_SCREEN: phrases.STALE_SCREEN,
}


@pytest.mark.parametrize("note", list(Note), ids=lambda note: note.name)
def test_a_note_is_said_first_and_the_reply_goes_on(note: Note) -> None:
    outcome = HelpGiven(NotStarted(), Question.NONE)
    plain = Speaker(ROUTINE).render(outcome, Kept())
    reply = Speaker(ROUTINE).render(outcome, Kept(), note)
    root = check_ssml(reply.speech)
    assert text(next(root.iter("s"))) == NOTE_WORDS[note]
    assert text(root) == f"{NOTE_WORDS[note]} {said(plain)}"
    assert reply.reprompt == plain.reprompt


def test_every_cue_in_a_set_is_followed_by_silence() -> None:
    """Holds are measured in tests/unit/test_pacing.py; here: no cue runs into the next."""
    for index, move in enumerate(ROUTINE.moves):
        side = move.sides[0] if move.sides else ""
        ssml = play(index, 0, "en-US")[0].speech
        for phase in move.guided.phases:
            cue = html.escape(phase.cue.replace("{side}", side), quote=False)
            found = re.search(re.escape(f"<s>{cue}</s>") + r' <break time="(\d+)(ms|s)"/>', ssml)
            assert found, (move.id, phase.cue)
            silence = float(found[1]) / (1000 if found[2] == "ms" else 1)
            assert silence >= MIN_PAUSE - 0.01, (move.id, phase.cue, silence)


# -- Leaving: what is said about the saved place ------------------------------------------------

CAN_OPENERS_RIGHT = AtMove(2, 1)
STOPPING = phrases.STOPPING_AT.format(n="three", name="can openers", side=", right side")
PAUSED_HERE = phrases.PAUSED.format(n="three", name="can openers", side=", right side")
PICK_UP_WALL_SPLAT = phrases.PICK_UP_FROM.format(n="two", name="wall splat", side=", left side")
LEAVING = [Goodbye(CAN_OPENERS_RIGHT), Paused(CAN_OPENERS_RIGHT)]


def claims_a_save(words: str) -> bool:
    return phrases.PLACE_SAVED in words or "saved at" in words.lower()


def test_a_goodbye_after_a_save_says_where_the_place_is_saved() -> None:
    reply = Speaker(ROUTINE).render(Goodbye(CAN_OPENERS_RIGHT), Kept(Saving.SAVED))
    assert said(reply) == phrases.GOODBYE_SAVED.format(
        n="three", name="can openers", side=", right side"
    )


def test_a_pause_after_a_save_says_the_place_is_saved() -> None:
    words = said(Speaker(ROUTINE).render(Paused(CAN_OPENERS_RIGHT), Kept(Saving.SAVED)))
    assert words.startswith(PAUSED_HERE)
    assert phrases.PLACE_SAVED in words


@pytest.mark.parametrize("outcome", LEAVING, ids=lambda outcome: type(outcome).__name__)
def test_leaving_after_a_failed_save_names_the_stored_place_and_claims_no_save(
    outcome: Outcome,
) -> None:
    words = said(Speaker(ROUTINE).render(outcome, Kept(Saving.FAILED, AtMove(1, 0))))
    assert words.startswith(STOPPING if isinstance(outcome, Goodbye) else PAUSED_HERE)
    assert phrases.NOT_SAVED in words
    assert PICK_UP_WALL_SPLAT in words
    assert not claims_a_save(words)


@pytest.mark.parametrize("outcome", LEAVING, ids=lambda outcome: type(outcome).__name__)
def test_leaving_after_a_failed_save_with_nothing_stored_says_the_start(outcome: Outcome) -> None:
    words = said(Speaker(ROUTINE).render(outcome, Kept(Saving.FAILED, NotStarted())))
    assert phrases.NOT_SAVED in words
    assert phrases.PICK_UP_FROM_START in words
    assert not claims_a_save(words)


@pytest.mark.parametrize("outcome", LEAVING, ids=lambda outcome: type(outcome).__name__)
def test_leaving_after_a_failed_save_with_the_stored_place_unknown_names_no_place(
    outcome: Outcome,
) -> None:
    words = said(Speaker(ROUTINE).render(outcome, Kept(Saving.FAILED, None)))
    assert phrases.NOT_SAVED in words
    assert "Next time" not in words
    assert not claims_a_save(words)


@pytest.mark.parametrize("outcome", LEAVING, ids=lambda outcome: type(outcome).__name__)
def test_leaving_when_the_record_is_too_new_to_write_says_neither_saved_nor_failed(
    outcome: Outcome,
) -> None:
    words = said(Speaker(ROUTINE).render(outcome, Kept(Saving.NOT_WRITTEN, AtMove(1, 0))))
    assert words.startswith(STOPPING if isinstance(outcome, Goodbye) else PAUSED_HERE)
    assert not claims_a_save(words)
    assert phrases.NOT_SAVED not in words
    assert "Next time" not in words


@pytest.mark.parametrize("kept", KEPT, ids=lambda kept: f"{kept.saving.name}-{kept.stored_place}")
def test_a_goodbye_with_no_routine_under_way_says_nothing_about_saving(kept: Kept) -> None:
    assert said(Speaker(ROUTINE).render(Goodbye(NotStarted()), kept)) == phrases.GOODBYE
