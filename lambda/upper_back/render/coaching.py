"""One move's part as coached speech: how to do it, the position, silence to get there, then
counted rounds in the dose's rhythm.

The API (render/speech.py calls it; so may a new outcome's renderer)::

    coach(move, part, continued=False, *, detail="full", pace=1.0, variant="normal",
          quick=False, seed="") -> Ssml

- ``move``, ``part``: the routine's move and which of its parts (a side, for a move whose
  sides are split; else 0).
- ``continued``: the previous side of this move was just heard: only the new side's position
  cue is said (``Move.side_cue``), not the form again.
- ``detail``: ``"full"`` says the form cues once, then the position (a first-time user);
  ``"short"`` says only the move's one ``key`` cue (somebody who knows the routine). The header,
  the move's name and why it helps are the speech module's (it leaves "why" out in short detail).
- ``pace``: a multiplier of every phase's seconds (1.0 = the dose; above 1 slower; the
  preference names map through ``PACE_STEPS``), clamped to
  the move's ``guided.pace`` range from routine.toml, which keeps it inside the sources' ranges.
  Use ``effective_pace(move, pace)`` to know what was applied (to say "that is as slow as it
  goes").
- ``variant``: ``"normal"``, ``"easier"`` or ``"harder"``: the move's ``variants`` table in
  routine.toml replaces its setup, cues, key cue, settle time, hold seconds or phase cues
  (``Move.version``); a move without that variant is coached as normal.
- ``quick``: the quick version's rounds (``guided.quick_rounds``) instead of the full dose.
- ``seed``: mixes into the choice of hold cues (``render.variety.pick``): the person and the
  date, so each day sounds a little different; "" until it is wired.

What the user hears: the instructions, the position cue last, ``settle`` seconds of silence to
get there (about 5 on the floor, 3 standing), then "One." and the rounds. Every round says the
same short cues (the move's key cue among them) with the same silences, so the rhythm is the
same from the first rep to the last: a movement phase's seconds include what is said in it, a
hold phase (``hold = true``: a squeeze, hold or pause the user performs) is silence of at least
its seconds after its cue. Durations are estimated at Alexa's pace, as issue 9 measures it.
"""

from __future__ import annotations

from typing import Literal

from upper_back.core.routine import Move, Phase, Variant
from upper_back.render import phrases
from upper_back.render.ssml import Ssml, join, pause, sentence, split_pause
from upper_back.render.variety import pick

Detail = Literal["full", "short"]
DETAILS: tuple[Detail, ...] = ("full", "short")
WORD_SECONDS = 0.4
"""Alexa's pace as issue 9 measures it (tools/speech_clock.py): seconds per spoken word."""
WORDS_PER_SECOND = 1 / WORD_SECONDS
MIN_PAUSE = 0.5
PACE_STEPS = {"slower": 1.3, "faster": 0.8}
"""The multipliers "slower" and "faster" ask for; ``coach`` clamps them to each move's range."""
"""Even a phase whose cue fills its time gets a breath before the next cue."""


def speaking_seconds(text: str) -> float:
    """About how long Alexa takes to say ``text``."""
    return len(text.split()) * WORD_SECONDS


def part_sides(move: Move, part: int) -> tuple[str | None, ...]:
    """The sides one response covers: one side when sides are split, else all (or none)."""
    if move.split_sides:
        return (move.sides[part],)
    return move.sides or (None,)


def fill(text: str, side: str | None) -> str:
    """Put the side's name into a cue that mentions ``{side}`` (capitalised at the start)."""
    filled = text.replace("{side}", side or "")
    return filled[:1].upper() + filled[1:] if text.startswith("{side}") else filled


def effective_pace(move: Move, pace: float) -> float:
    """The multiplier ``coach`` applies for ``pace``: kept inside the move's range."""
    return move.guided.clamp(pace)


def instructions(move: Move, side: str | None, first: bool = True, detail: Detail = "full") -> Ssml:
    """What to do, then the position cue last. ``first`` False: the other side of the move just
    heard, so only the new side's position cue. Short detail: the one key cue."""
    if not first:
        lines: tuple[str, ...] = (move.side_cue,)
    elif detail == "short":
        lines = (move.key,)
    else:
        lines = (*move.cues, *move.setup)
    return join(*(sentence(fill(line, side)) for line in lines))


def _hold(
    move: Move, phase: Phase, side: str | None, seconds: float, keys: tuple[object, ...]
) -> Ssml:
    """The hold after its cue: ``seconds`` of silence; past ten seconds (Alexa's longest break)
    it is cut in chunks with a short hold cue between them (chosen by ``variety.pick``), said
    inside the hold's time, so the hold lasts ``seconds`` from the cue to the next phase."""
    count = len(split_pause(seconds))
    options = phase.hold_cues or (phase.cue,)
    cues = [fill(pick(options, *keys, move.id, side, index), side) for index in range(count - 1)]
    silence = max(seconds - sum(speaking_seconds(cue) for cue in cues), count * MIN_PAUSE)
    chunks = [silence / count] * count  # each at most ten seconds: silence < seconds
    parts = [pause(chunks[0])]
    for cue, chunk in zip(cues, chunks[1:], strict=True):
        parts += [sentence(cue), pause(chunk)]
    return join(*parts)


def _round(move: Move, label: str, side: str | None, pace: float, keys: tuple[object, ...]) -> Ssml:
    """One counted round: its label, then each phase's cue and silence."""
    parts = [sentence(label)]
    spoken = speaking_seconds(label)  # the count is said inside the first phase's time
    for phase in move.guided.phases:
        cue = fill(phase.cue, side)
        seconds = phase.seconds * pace
        if phase.hold:
            # Whatever the pace and the version, a hold stays inside the sources' range.
            seconds = move.guided.hold(seconds)
            parts += [sentence(cue), _hold(move, phase, side, seconds, keys)]
        else:
            silence = max(seconds - spoken - speaking_seconds(cue), MIN_PAUSE)
            parts += [sentence(cue), pause(silence)]
        spoken = 0.0
    return join(*parts)


def _rounds(move: Move, sides: list[str | None], pace: float, seed: str) -> Ssml:
    """Counted rounds, one per entry of ``sides`` (the side each round works)."""
    parts = []
    for index, side in enumerate(sides):
        label = (
            phrases.LAST_ROUND if index == len(sides) - 1 else f"{phrases.number_word(index + 1)}."
        )
        parts.append(_round(move, label.capitalize(), side, pace, (seed, index)))
    return join(*parts)


def guided(
    move: Move, part: int, *, pace: float = 1.0, quick: bool = False, seed: str = ""
) -> Ssml:
    """The whole coached set of one response, switching sides where the move has them."""
    rounds = move.guided.rounds_for(quick)
    speed = effective_pace(move, pace)
    sides = part_sides(move, part)
    if move.side_style == "alternate" and len(sides) > 1:
        alternating = [sides[i % len(sides)] for i in range(rounds * len(sides))]
        return _rounds(move, alternating, speed, seed)
    blocks = []
    for index, side in enumerate(sides):
        if index:
            # The quick run says only the new side's position cue (it names the side).
            switch = "" if quick else phrases.SWITCH_SIDES.format(side=side)
            blocks += [
                sentence(switch) if switch else Ssml(""),
                sentence(fill(move.side_cue, side)),
                pause(move.settle),  # time to get into position after hearing how
            ]
        blocks.append(_rounds(move, [side] * rounds, speed, seed))
    return join(*blocks)


def coach(
    move: Move,
    part: int,
    continued: bool = False,
    *,
    detail: Detail = "full",
    pace: float = 1.0,
    variant: Variant = "normal",
    quick: bool = False,
    seed: str = "",
) -> Ssml:
    """Instructions (position last), silence to get there, then the guided set."""
    version = move.version(variant)
    first_side = part_sides(version, part)[0]
    return join(
        instructions(version, first_side, first=not continued, detail=detail),
        pause(version.settle),
        guided(version, part, pace=pace, quick=quick, seed=seed),
    )
