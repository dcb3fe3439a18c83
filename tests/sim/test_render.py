"""Speech prints as a person would read it, with the coach's pauses still visible."""

from __future__ import annotations

import io

import pytest

from sim.conversation import Turn
from sim.envelopes import SlotValue
from sim.nlu import Intent
from sim.render import break_seconds, describe, play, readable, show


def test_tags_are_stripped_and_entities_unescaped() -> None:
    ssml = "<speak>Neck &amp; shoulders: <emphasis level='strong'>gently</emphasis> &lt;3</speak>"
    assert readable(ssml) == "Neck & shoulders: gently <3"


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ('<break time="3s"/>', "[pause 3s]"),
        ('<break time="500ms"/>', "[pause 0.5s]"),
        ("<break time='1500ms' />", "[pause 1.5s]"),
        ('<break time="10s"/>', "[pause 10s]"),
        ('<break strength="strong"/>', "[pause 1s]"),
    ],
)
def test_a_break_shows_as_a_pause_with_its_length(tag: str, shown: str) -> None:
    assert readable(f"<speak>Hold.{tag}Relax.</speak>") == f"Hold. {shown} Relax."


def test_back_to_back_breaks_are_added_into_one_pause() -> None:
    ssml = '<speak>Hold. <break time="10s"/> <break time="10s"/><break time="0.5s"/>Relax.</speak>'
    assert readable(ssml) == "Hold. [pause 20.5s] Relax."


def test_a_zero_length_break_leaves_no_marker() -> None:
    assert readable('<speak>One<break time="0s"/>two</speak>') == "One two"


def test_break_seconds_reads_time_before_strength() -> None:
    assert break_seconds(' time="2s" strength="x-strong"') == 2.0
    assert break_seconds(' strength="none"') == 0.0


def test_paragraphs_go_on_their_own_lines_and_sentences_keep_a_space() -> None:
    ssml = "<speak><p><s>One.</s><s>Two.</s></p><p>Three.</p></speak>"
    assert readable(ssml) == "One. Two.\nThree."


def test_sub_is_read_as_its_alias() -> None:
    assert readable('<speak><sub alias="eleven fifteen">11:15</sub></speak>') == "eleven fifteen"


def test_text_wraps_to_the_width_without_splitting_a_pause() -> None:
    words = " ".join(["word"] * 12)
    text = readable(f'<speak>{words}<break time="3s"/>{words}</speak>', width=30)
    lines = text.splitlines()
    assert all(len(line) <= 30 for line in lines)
    assert sum(line.count("[pause 3s]") for line in lines) == 1


def test_play_sleeps_through_each_pause_in_order() -> None:
    out = io.StringIO()
    slept: list[float] = []
    play("Hold. [pause 3s] Relax. [pause 0.5s] Done.", out, slept.append)
    assert slept == [3.0, 0.5]
    assert out.getvalue() == "Hold. [pause 3s] Relax. [pause 0.5s] Done.\n"


def test_describe_names_the_intent_and_how_each_slot_resolved() -> None:
    intent = Intent(
        "GoToMoveIntent",
        {
            "move": SlotValue("openers", "can_openers", "can openers", custom_type="MoveName"),
            "number": SlotValue(None),
        },
    )
    assert describe(intent) == 'GoToMoveIntent move="openers" (can_openers)'
    unknown = Intent("GoToMoveIntent", {"move": SlotValue("jacks", custom_type="MoveName")})
    assert describe(unknown) == 'GoToMoveIntent move="jacks" (no match)'


def _turn(end: bool | None, reprompt: str | None = None) -> Turn:
    response: dict[str, object] = {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Hello there.</speak>"}
    }
    if end is not None:
        response["shouldEndSession"] = end
    if reprompt:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reprompt}}
    return Turn({"version": "1.0", "response": response})


def test_show_prints_speech_then_the_reprompt_distinctly() -> None:
    out = io.StringIO()
    show(_turn(False, "<speak>Say next.</speak>"), out, 80, in_session=True, player=None)
    assert out.getvalue() == "Alexa: Hello there.\n  (if you say nothing: Say next.)\n"


def test_show_marks_the_end_of_the_session() -> None:
    out = io.StringIO()
    show(_turn(True), out, 80, in_session=False, player=None)
    assert out.getvalue().splitlines()[-1] == "  — session ended —"


def test_show_warns_when_should_end_session_is_left_out() -> None:
    out = io.StringIO()
    show(_turn(None), out, 80, in_session=True, player=None)
    assert "shouldEndSession is not set" in out.getvalue()
