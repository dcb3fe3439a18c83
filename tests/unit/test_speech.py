"""Every reply the renderer makes is SSML Alexa accepts; a move is coached, not described."""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from itertools import product

import pytest

from upper_back.core.navigation import ENDS_SESSION, Kind, Outcome, Position
from upper_back.core.routine import Move, load_routine
from upper_back.render.phrases import number_word
from upper_back.render.speech import Reply, Speaker

ROUTINE = load_routine()
LOCALES = ("en-US", "en-GB")
AMAZON = "http://amazon.com/ssml"
TAGS = {"speak", "break", "s", "p", "emphasis", "prosody", "say-as", "sub", "lang", "phoneme",
        "w", "audio", "voice"}  # fmt: skip
AMAZON_TAGS = {"domain", "effect", "emotion", "auto-breaths", "breath"}
BREAK = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
PLACES = [
    Position(move, part, in_progress, completed)
    for move, m in enumerate(ROUTINE.moves)
    for part, in_progress, completed in product(range(m.parts), (False, True), (0, 5))
]


def outcomes(kind: Kind) -> list[Outcome]:
    if kind is Kind.PLAY:
        return [Outcome(kind), Outcome(kind, resumed=True), Outcome(kind, fresh_start=True)]
    if kind is Kind.NO_SUCH_MOVE:
        return [Outcome(kind), Outcome(kind, requested=6), Outcome(kind, requested=0)]
    return [Outcome(kind)]


def parse(body: str) -> ET.Element:
    """The body as Alexa reads it; the amazon: prefix is declared only so XML can parse it."""
    return ET.fromstring(f'<speak xmlns:amazon="{AMAZON}">{body}</speak>')


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


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


@pytest.mark.parametrize("kind", Kind)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_reply_is_speech_alexa_accepts(locale: str, kind: Kind) -> None:
    speaker = Speaker(ROUTINE, locale)
    for position, outcome in product(PLACES, outcomes(kind)):
        where = (position, outcome)
        reply = speaker.render(outcome, position)
        root = check_ssml(reply.speech)
        assert reply.ends_session == (kind in ENDS_SESSION), where
        assert (text(root) == "") == (kind is Kind.SILENT), where
        assert "{" not in reply.card_title + reply.card_text, where
        if reply.reprompt is not None:
            assert text(check_ssml(reply.reprompt)), where
            assert ends_with_a_prompt(root), where


@pytest.mark.parametrize("kind", [Kind.FINISHED, Kind.PAUSED, Kind.GOODBYE])
def test_leaving_replies_end_the_session(kind: Kind) -> None:
    reply = Speaker(ROUTINE).render(Outcome(kind), Position(1, 1, True, 2))
    assert reply.reprompt is None
    assert reply.ends_session
    assert text(parse(reply.speech))


def spoken(move: Move, locale: str) -> str:
    return move.names.get(locale, move.name)


PARTS = [
    pytest.param(index, part, locale, id=f"{move.id}-{part}-{locale}")
    for index, move in enumerate(ROUTINE.moves)
    for part in range(move.parts)
    for locale in LOCALES
]


def play(index: int, part: int, locale: str, completed: int = 0) -> tuple[Reply, ET.Element]:
    reply = Speaker(ROUTINE, locale).render(
        Outcome(Kind.PLAY), Position(index, part, True, completed)
    )
    return reply, parse(reply.speech)


def sides_covered(move: Move, part: int) -> tuple[str, ...]:
    return (move.sides[part],) if move.split_sides else move.sides


@pytest.mark.parametrize(("index", "part", "locale"), PARTS)
def test_a_move_is_announced_by_its_spoken_name_and_sides(
    index: int, part: int, locale: str
) -> None:
    move = ROUTINE.moves[index]
    _, root = play(index, part, locale)
    said = text(root)
    assert spoken(move, locale) in said
    for side in sides_covered(move, part):
        assert re.search(rf"\b{side}\b", said), side
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
    total = sum(
        heard_seconds(play(index, part, "en-US")[1])
        for index, move in enumerate(ROUTINE.moves)
        for part in range(move.parts)
    )
    assert 0.8 * ROUTINE.minutes * 60 <= total <= 1.2 * ROUTINE.minutes * 60


@pytest.mark.parametrize(("index", "part", "locale"), PARTS)
def test_a_move_ends_by_saying_what_comes_next(index: int, part: int, locale: str) -> None:
    move = ROUTINE.moves[index]
    _, root = play(index, part, locale)
    last = text(list(root.iter("s"))[-1])
    if part + 1 < move.parts:
        assert move.sides[part + 1] in last
    elif index + 1 < len(ROUTINE.moves):
        assert spoken(ROUTINE.moves[index + 1], locale) in last


def test_why_a_move_helps_is_dropped_once_the_routine_is_familiar() -> None:
    for index, move in enumerate(ROUTINE.moves):
        _, new = play(index, 0, "en-US", completed=0)
        _, familiar = play(index, 0, "en-US", completed=5)
        assert move.purpose in text(new)
        assert move.purpose not in text(familiar)


def test_the_first_welcome_lists_every_move_in_order() -> None:
    for locale in LOCALES:
        reply = Speaker(ROUTINE, locale).render(Outcome(Kind.WELCOME_NEW), Position())
        said = text(parse(reply.speech))
        at = [said.find(spoken(move, locale)) for move in ROUTINE.moves]
        assert -1 not in at
        assert at == sorted(at)


@pytest.mark.parametrize("kind", [Kind.WELCOME_BACK_IN_PROGRESS, Kind.PAUSED, Kind.GOODBYE,
                                  Kind.PROGRESS])  # fmt: skip
def test_replies_about_a_saved_place_name_the_move(kind: Kind) -> None:
    for index, move in enumerate(ROUTINE.moves):
        reply = Speaker(ROUTINE).render(Outcome(kind), Position(index, move.parts - 1, True))
        assert move.name in text(parse(reply.speech)), (kind, move.id)


def test_progress_names_every_move_still_to_come() -> None:
    speaker = Speaker(ROUTINE, "en-GB")
    for index in range(len(ROUTINE.moves)):
        reply = speaker.render(Outcome(Kind.PROGRESS), Position(index, 0, True))
        said = text(parse(reply.speech))
        for later in ROUTINE.moves[index + 1 :]:
            assert spoken(later, "en-GB") in said


def test_asking_for_a_move_that_does_not_exist_says_the_number_and_the_moves() -> None:
    reply = Speaker(ROUTINE).render(Outcome(Kind.NO_SUCH_MOVE, requested=6), Position())
    said = text(parse(reply.speech))
    assert re.search(rf"\b{number_word(6)}\b", said)
    assert all(move.name in said for move in ROUTINE.moves)


def test_finishing_says_how_many_routines_are_done() -> None:
    reply = Speaker(ROUTINE).render(Outcome(Kind.FINISHED), Position(completed=7))
    assert re.search(rf"\b{number_word(7)}\b", text(parse(reply.speech)))


def test_a_note_is_said_first_and_escaped() -> None:
    note = "Back & shoulders <saved>"
    reply = Speaker(ROUTINE).render(Outcome(Kind.HELP), Position(), note=note)
    root = check_ssml(reply.speech)
    assert text(next(root.iter("s"))) == note
    assert reply.reprompt is not None


def test_a_hold_stays_a_hold_even_while_a_long_first_cue_is_said() -> None:
    for index, move in enumerate(ROUTINE.moves):
        side = move.sides[0] if move.sides else ""
        ssml = play(index, 0, "en-US")[0].speech
        for phase in move.guided.phases:
            cue = html.escape(phase.cue.replace("{side}", side), quote=False)
            found = re.search(re.escape(f"<s>{cue}</s>") + r' <break time="(\d+)(ms|s)"/>', ssml)
            assert found, (move.id, phase.cue)
            silence = float(found[1]) / (1000 if found[2] == "ms" else 1)
            chunks = math.ceil(phase.seconds / 10)  # a longer hold is told in breaks of <= 10 s
            assert silence >= phase.seconds / 2 / chunks - 0.01, (move.id, phase.cue, silence)
