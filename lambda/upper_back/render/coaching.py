"""One move's part as coached speech: setup, form cues, then counted rounds with timed pauses.

The guided part is meant to be exercised along with, not just heard: each phase of a round is a
cue followed by a pause as long as the phase, so a set lasts about as long as its dose.
"""

from __future__ import annotations

from upper_back.core.routine import Move, Phase
from upper_back.render import phrases
from upper_back.render.ssml import Ssml, join, pause, sentence, split_pause

FULL_CUE_ROUNDS = 2
"""Rounds that get the full cue; later rounds get the short one (less talk, same rhythm)."""
SWITCH_SECONDS = 3.0
WORDS_PER_SECOND = 2.7
"""Alexa's speaking rate, near enough (about 160 words a minute)."""
MIN_PAUSE = 0.5
"""Even a phase whose cue fills its time gets a breath before the next cue."""


def speaking_seconds(text: str) -> float:
    """About how long Alexa takes to say ``text``."""
    return len(text.split()) / WORDS_PER_SECOND


def part_sides(move: Move, part: int) -> tuple[str | None, ...]:
    """The sides one response covers: one side when sides are split, else all (or none)."""
    if move.split_sides:
        return (move.sides[part],)
    return move.sides or (None,)


def fill(text: str, side: str | None) -> str:
    """Put the side's name into a cue that mentions ``{side}``."""
    return text.replace("{side}", side or "")


def instructions(move: Move, side: str | None, first: bool = True) -> Ssml:
    """How to get into position and what to keep doing. A second side gets only the setup
    (with its side named): the form cues were heard a minute ago."""
    lines = (*move.setup, *move.cues) if first else move.setup
    return join(*(sentence(fill(line, side)) for line in lines))


def _phase(phase: Phase, side: str | None, full: bool, round_index: int) -> Ssml:
    """A cue, then silence for the rest of the phase: ``seconds`` is the whole phase, cue
    included, so the tempo is the dose's. Long holds get a hold cue between chunks, rotating
    from round to round so each one is heard."""
    cue = fill(phase.cue if full else phase.short, side)
    # The cue covers the movement into the phase, but never eats more than half of it: a hold
    # stays a hold even while the long first-round cues are being said.
    silence = max(phase.seconds - speaking_seconds(cue), phase.seconds / 2, MIN_PAUSE)
    chunks = split_pause(silence)
    parts = [sentence(cue), pause(chunks[0])]
    hold_cues = phase.hold_cues or (phase.short,)
    for index, chunk in enumerate(chunks[1:]):
        hold = hold_cues[(round_index + index) % len(hold_cues)]
        parts += [sentence(fill(hold, side)), pause(chunk)]
    return join(*parts)


def _rounds(move: Move, sides: list[str | None]) -> Ssml:
    """Counted rounds, one per entry of ``sides`` (the side each round works)."""
    parts = []
    for index, side in enumerate(sides):
        label = (
            phrases.LAST_ROUND if index == len(sides) - 1 else f"{phrases.number_word(index + 1)}."
        )
        full = index < FULL_CUE_ROUNDS
        parts.append(sentence(label.capitalize()))
        parts.extend(_phase(phase, side, full, index) for phase in move.guided.phases)
    return join(*parts)


def guided(move: Move, part: int) -> Ssml:
    """The whole coached set of one response, switching sides where the move has them."""
    rounds = move.guided.rounds
    sides = part_sides(move, part)
    if move.side_style == "alternate" and len(sides) > 1:
        return _rounds(move, [sides[i % len(sides)] for i in range(rounds * len(sides))])
    blocks = []
    for index, side in enumerate(sides):
        if index:
            blocks += [
                sentence(phrases.SWITCH_SIDES.format(side=side)),
                sentence(fill(move.setup[-1], side)),
                pause(SWITCH_SECONDS),  # time to get into position after hearing how
            ]
        blocks.append(_rounds(move, [side] * rounds))
    return join(*blocks)


def coach(move: Move, part: int, continued: bool = False) -> Ssml:
    """Setup and cues, a short settle, then the guided set. ``continued``: the previous side of
    this move was just heard, so its form cues are not repeated."""
    first_side = part_sides(move, part)[0]
    return join(
        instructions(move, first_side, first=not continued),
        sentence(phrases.READY),
        pause(2),
        guided(move, part),
    )
