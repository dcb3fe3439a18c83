"""How long the routine takes, worked out from the speech the skill really coaches.

The welcome tells a new user how many minutes the routine takes. A number typed into the data
file drifts as soon as a dose, a cue or the coaching rhythm changes; this one cannot, because it
is measured on the same SSML the user will hear: every part of every move coached in full, as on
a first run (the second side of a split move is ``continued``: its form cues are not repeated).

Spoken time is an estimate: words at ``coaching.WORDS_PER_SECOND`` plus every ``<break>``. The
words around a move (its header, why it helps, what comes next) are left out on purpose: they
change with the locale and the user's history, and they are a small share of a coached set.
"""

from __future__ import annotations

import html
import re

from upper_back.core.routine import Routine
from upper_back.render import coaching
from upper_back.render.ssml import Ssml

_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"/>')
_TAG = re.compile(r"<[^>]*>")
_SECONDS: dict[int, tuple[Routine, float]] = {}
"""routine_seconds by ``id(routine)``. A Routine holds dicts, so it cannot be hashed for
functools.cache; keeping the routine itself in the value stops its id being reused by another
object while the entry lives. In practice there is one routine per process (load_routine)."""


def spoken_seconds(speech: Ssml) -> float:
    """About how long Alexa takes to say ``speech``: its words plus its pauses."""
    pauses = sum(
        float(value) / (1000 if unit == "ms" else 1) for value, unit in _BREAK.findall(speech)
    )
    words = len(html.unescape(_TAG.sub(" ", speech)).split())
    return words / coaching.WORDS_PER_SECOND + pauses


def coached_speech(routine: Routine) -> tuple[Ssml, ...]:
    """Every part of every move, coached as on a first run of the whole routine."""
    return tuple(
        coaching.coach(move, part, continued=part > 0)
        for move in routine.moves
        for part in range(move.parts)
    )


def routine_seconds(routine: Routine) -> float:
    """Seconds the coached sets of ``routine`` take, computed once per routine (rendering every
    move is too much work to repeat on each welcome)."""
    cached = _SECONDS.get(id(routine))
    if cached is None or cached[0] is not routine:
        cached = routine, sum(spoken_seconds(speech) for speech in coached_speech(routine))
        _SECONDS[id(routine)] = cached
    return cached[1]


def routine_minutes(routine: Routine) -> int:
    """Whole minutes, rounded half up, as the welcome says them; never zero ("about zero
    minutes" would be wrong for any routine that has a move)."""
    return max(1, int(routine_seconds(routine) / 60 + 0.5))
