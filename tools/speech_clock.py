"""How long a reply takes to hear, estimated from its SSML at Alexa's pace (issue 9).

The estimate is the one the issue and ``../shared/routine-notes.md`` define: every spoken word
takes ``WORD_SECONDS`` (0.4 s, about 150 words a minute) and every ``<break time="…"/>`` takes its
value. A ``<break>`` with only a ``strength`` counts as nothing: Alexa makes it a comma's or a
sentence's pause, which the word rate already allows for.

Talk is the words, silent work the breaks. A move reply is also cut in three: what comes
``before`` the coached set, the ``guided`` part ("from 'One.' to the end of the last round") and
what comes ``after`` it (the closing: "Nice work…" or "Well done, you have finished…"). The caller
names the sentences that open a set and begin a closing, taken from the skill's own phrases, so
this module needs nothing but the standard library.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

WORD_SECONDS = 0.4
"""Alexa's pace as issue 9 measures it: seconds per spoken word."""
_BLOCKS = frozenset({"speak", "p", "s"})
"""Elements whose edges end a sentence."""
_TIME = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    """Words spoken without a break: one sentence, or the part of one between two breaks."""

    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Pause:
    """A ``<break>``: silence the listener works (or waits) through."""

    seconds: float


Piece = Said | Pause


@dataclass(frozen=True)
class Estimate:
    """Talk (words at ``WORD_SECONDS`` each) and silence (breaks), in seconds."""

    words: int = 0
    silent: float = 0.0

    @property
    def talk(self) -> float:
        return self.words * WORD_SECONDS

    @property
    def total(self) -> float:
        return self.talk + self.silent

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.words + other.words, self.silent + other.silent)


@dataclass(frozen=True)
class MoveSpeech:
    """A move reply cut at the start of its coached set and at the start of its closing."""

    before: Estimate
    guided: Estimate
    after: Estimate

    @property
    def whole(self) -> Estimate:
        return self.before + self.guided + self.after


def break_seconds(value: str | None) -> float:
    """A ``time`` attribute ("750ms", "2s", "1.5s") in seconds; none (a ``strength`` break) is
    0. Anything else is an error: Alexa would reject the reply."""
    if value is None:
        return 0.0
    match = _TIME.fullmatch(value)
    if match is None:
        raise ValueError(f"not a break time: {value!r}")
    number, unit = float(match.group(1)), match.group(2).lower()
    return number / 1000 if unit == "ms" else number


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _events(element: ET.Element) -> Iterator[str | Pause | None]:
    """Text, pauses and sentence edges (None) in document order."""
    tag = _local(element.tag)
    block = tag in _BLOCKS
    if block:
        yield None
    if tag == "break":
        yield Pause(break_seconds(element.get("time")))
    elif tag == "sub":
        yield element.get("alias", element.text or "")  # Alexa says the alias, not the text
    else:
        if element.text:
            yield element.text
        for child in element:
            yield from _events(child)
            if child.tail:
                yield child.tail
    if block:
        yield None


def parse(ssml: str) -> ET.Element:
    """The ``<speak>`` element of ``ssml`` (wrapped in one if it is a bare body)."""
    body = ssml.strip()
    if not body.startswith("<speak"):
        body = f"<speak>{body}</speak>"
    return ET.fromstring(body)


def pieces(ssml: str) -> list[Piece]:
    """What the listener hears, in order: sentences (split at any break inside one) and pauses."""
    result: list[Piece] = []
    words: list[str] = []

    def flush() -> None:
        if words:
            result.append(Said(" ".join(words)))
            words.clear()

    for event in _events(parse(ssml)):
        if isinstance(event, str):
            words.extend(event.split())
        else:
            flush()
            if isinstance(event, Pause):
                result.append(event)
    flush()
    return result


def estimate(heard: Iterable[Piece]) -> Estimate:
    """Words and silence of ``heard``."""
    words, silent = 0, 0.0
    for piece in heard:
        if isinstance(piece, Said):
            words += piece.words
        else:
            silent += piece.seconds
    return Estimate(words, silent)


def clock(ssml: str) -> Estimate:
    """The estimate for a whole reply."""
    return estimate(pieces(ssml))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def guided_bounds(
    heard: Sequence[Piece], starts: Iterable[str], closings: Iterable[str]
) -> tuple[int, int] | None:
    """Where the coached set lies in ``heard``, as a slice: from the first sentence that is one
    of ``starts`` ("One.") to where the closing begins, or to the end if there is none. The
    closing begins at the last sentence that begins with one of ``closings`` ("Nice work."), or
    at the first of a run of such sentences just before it, so an encouragement earlier in the
    set does not end it. None when no set starts: not a move reply."""
    opening = {_fold(text) for text in starts}
    start = next(
        (i for i, p in enumerate(heard) if isinstance(p, Said) and _fold(p.text) in opening),
        None,
    )
    if start is None:
        return None
    endings = tuple(_fold(text) for text in closings)

    def closes(piece: Piece) -> bool:
        return isinstance(piece, Said) and _fold(piece.text).startswith(endings)

    end = len(heard)
    last = next((i for i in range(len(heard) - 1, start, -1) if closes(heard[i])), None)
    if last is not None:
        end = last
        while end - 1 > start and closes(heard[end - 1]):
            end -= 1
    return start, end


def split_move(ssml: str, starts: Iterable[str], closings: Iterable[str]) -> MoveSpeech | None:
    """``ssml`` cut into before / guided / after (see ``guided_bounds``); None if no set."""
    heard = pieces(ssml)
    bounds = guided_bounds(heard, starts, closings)
    if bounds is None:
        return None
    start, end = bounds
    return MoveSpeech(
        before=estimate(heard[:start]),
        guided=estimate(heard[start:end]),
        after=estimate(heard[end:]),
    )
