"""The speech clock on hand-written SSML: words x 0.4 s + breaks, and a move reply's set."""

from __future__ import annotations

import pytest

from tools.speech_clock import (
    Estimate,
    Pause,
    Said,
    break_seconds,
    clock,
    guided_bounds,
    pieces,
    split_move,
)

STARTS = ("One.", "Last one.")
CLOSINGS = ("Nice work.", "Well done, you have finished the routine.")
MOVE = (
    "<speak><s>Move one of five: the push-up.</s> <s>Get into a plank.</s> "
    '<break time="2s"/> <s>One.</s> <s>Sink.</s> <break time="1s"/> <s>Push away.</s> '
    '<break time="1s"/> <s>Last one.</s> <s>Sink.</s> <break time="1s"/> <s>Push away.</s> '
    '<break time="1s"/> <s>Nice work.</s> <s>Next is move two.</s></speak>'
)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2s", 2.0), ("1.5s", 1.5), ("750ms", 0.75), ("1130ms", 1.13), ("10S", 10.0), (None, 0.0)],
)
def test_break_times_are_read_in_seconds(value: str | None, seconds: float) -> None:
    assert break_seconds(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["fast", "2", "-1s", ""])
def test_a_break_time_alexa_would_reject_is_an_error(value: str) -> None:
    with pytest.raises(ValueError, match="not a break time"):
        break_seconds(value)


def test_a_reply_is_its_words_at_four_tenths_of_a_second_plus_its_breaks() -> None:
    estimate = clock(
        '<speak><s>Hello there.</s> <break time="750ms"/> <s>One two three.</s></speak>'
    )
    assert estimate == Estimate(words=5, silent=0.75)
    assert estimate.talk == pytest.approx(2.0)
    assert estimate.total == pytest.approx(2.75)


def test_a_bare_body_entities_and_aliases_are_read_as_alexa_says_them() -> None:
    heard = pieces('<s>Tom &amp; Jerry</s><s><sub alias="World Wide Web">WWW</sub> rocks</s>')
    assert heard == [Said("Tom & Jerry"), Said("World Wide Web rocks")]
    assert clock('<s>Tom &amp; Jerry</s><s><sub alias="World Wide Web">WWW</sub></s>').words == 6


def test_a_strength_break_takes_no_time_and_a_break_splits_a_sentence() -> None:
    heard = pieces(
        '<s>Hold <break time="2s"/> and relax.</s> <break strength="strong"/> <s>Up.</s>'
    )
    assert heard == [Said("Hold"), Pause(2.0), Said("and relax."), Pause(0.0), Said("Up.")]
    assert clock('<s>Hold <break time="2s"/> and relax.</s>').total == pytest.approx(3.2)


def test_a_move_reply_splits_into_before_the_set_the_set_and_the_closing() -> None:
    move = split_move(MOVE, STARTS, CLOSINGS)
    assert move is not None
    assert move.before == Estimate(words=10, silent=2.0)  # header and setup, then "Ready" pause
    assert move.guided == Estimate(words=9, silent=4.0)  # "One." to the last round's pause
    assert move.after == Estimate(words=6, silent=0.0)  # "Nice work. Next is move two."
    assert move.guided.total == pytest.approx(7.6)
    assert move.whole == clock(MOVE)
    assert move.whole.total == pytest.approx(16.0)


def test_an_encouragement_inside_the_set_is_not_its_end() -> None:
    ssml = (
        '<s>One.</s> <break time="3s"/> <s>Nice work.</s> <break time="3s"/> <s>Last one.</s> '
        '<break time="3s"/> <s>Nice work, keep going.</s> <break time="1s"/> '
        "<s>Nice work.</s> <s>Well done, you have finished the routine.</s> <s>See you.</s>"
    )
    move = split_move(ssml, STARTS, CLOSINGS)
    assert move is not None
    assert move.guided == Estimate(words=9, silent=10.0)
    assert move.after == Estimate(words=11, silent=0.0)  # the closing run starts at "Nice work."


def test_a_set_of_one_round_starts_at_last_one_and_without_a_closing_runs_to_the_end() -> None:
    heard = pieces('<s>Reach.</s> <s>Last one.</s> <s>Hold.</s> <break time="20s"/>')
    assert guided_bounds(heard, STARTS, CLOSINGS) == (1, 4)
    move = split_move('<s>Reach.</s> <s>Last one.</s> <s>Hold.</s> <break time="20s"/>',
                      STARTS, CLOSINGS)  # fmt: skip
    assert move is not None
    assert move.guided.total == pytest.approx(21.2)


def test_a_reply_without_a_set_has_no_guided_part() -> None:
    assert split_move("<speak><s>Welcome back. One more?</s></speak>", STARTS, CLOSINGS) is None
