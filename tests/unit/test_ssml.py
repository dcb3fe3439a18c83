"""Markup helpers escape text and keep pauses inside Alexa's limit; phrases are plain words."""

from __future__ import annotations

import math
import re
import string
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upper_back.render import phrases
from upper_back.render.ssml import Ssml, join, pause, say, sentence, split_pause

# Characters XML 1.0 can carry: no control characters and no lone surrogates.
plain_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
TEMPLATE_FIELDS = {
    "n", "name", "side", "total", "moves", "minutes", "count", "week", "month", "time", "old"
}  # fmt: skip


def parse(body: str) -> ET.Element:
    return ET.fromstring(f"<speak>{body}</speak>")


def break_time(body: str) -> float:
    (element,) = parse(body)
    assert element.tag == "break"
    match = re.fullmatch(r"(\d+)(ms|s)", element.get("time", ""))
    assert match, element.attrib
    return int(match[1]) / (1000 if match[2] == "ms" else 1)


@pytest.mark.parametrize("text", ["Neck & shoulders", "a < b", "b > a", "<speak>", "&amp;"])
def test_markup_characters_in_plain_text_come_out_escaped(text: str) -> None:
    for body in (say(text), sentence(text)):
        assert not re.search(r"&(?!amp;|lt;|gt;)|<(?!/?s>)", body), body
        assert "".join(parse(body).itertext()) == text


@settings(max_examples=200, deadline=None)
@given(text=plain_text)
def test_any_plain_text_is_said_exactly_as_written(text: str) -> None:
    assert (parse(say(text)).text or "") == text
    (element,) = parse(sentence(text))
    assert element.tag == "s"
    assert (element.text or "") == text


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(3, 3.0), (1.5, 1.5), (10, 10.0), (0.25, 0.25), (12, 10.0), (600, 10.0)],
)
def test_a_pause_lasts_as_asked_within_alexas_limits(seconds: float, expected: float) -> None:
    assert break_time(pause(seconds)) == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(seconds=st.floats(allow_nan=False))
def test_a_pause_is_never_longer_than_ten_seconds_nor_empty(seconds: float) -> None:
    taken = break_time(pause(seconds))
    assert 0 < taken <= 10
    if 0.1 <= seconds <= 10:
        assert taken == pytest.approx(seconds, abs=0.0005)


@settings(max_examples=300, deadline=None)
@given(seconds=st.floats(0.001, 3600))
def test_a_long_hold_splits_into_even_chunks_of_ten_seconds_or_less(seconds: float) -> None:
    chunks = split_pause(seconds)
    assert all(0 < chunk <= 10 for chunk in chunks)
    assert sum(chunks) == pytest.approx(seconds)
    assert len(chunks) == math.ceil(seconds / 10)
    assert max(chunks) - min(chunks) == pytest.approx(0)


@pytest.mark.parametrize(("seconds", "count"), [(5, 1), (10, 1), (10.5, 2), (20, 2), (45, 5)])
def test_a_hold_is_split_into_as_few_breaks_as_possible(seconds: float, count: int) -> None:
    assert len(split_pause(seconds)) == count


def test_joining_drops_empty_fragments_and_separates_with_one_space() -> None:
    assert join(Ssml("<s>a</s>"), Ssml(""), Ssml("<s>b</s>")) == "<s>a</s> <s>b</s>"
    assert join() == ""
    assert join(Ssml(""), Ssml("")) == ""


TEMPLATES = {
    name: value
    for name, value in vars(phrases).items()
    if name.isupper() and isinstance(value, str) and not name.startswith("_")
}


@pytest.mark.parametrize("name", TEMPLATES)
def test_phrases_are_plain_words_with_known_fields(name: str) -> None:
    template = TEMPLATES[name]
    assert template.strip() == template != ""
    assert not any(char in template for char in "<>&"), "markup belongs in the ssml module"
    fields = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    assert fields <= TEMPLATE_FIELDS


def test_small_numbers_are_spoken_as_distinct_words() -> None:
    words = [phrases.number_word(n) for n in range(21)]
    assert len(set(words)) == len(words)
    assert all(word.isalpha() and word.islower() for word in words)
    assert phrases.number_word(1) == "one"


@pytest.mark.parametrize("number", [21, 100, -1])
def test_numbers_beyond_the_word_list_are_said_as_digits(number: int) -> None:
    assert phrases.number_word(number) == str(number)
