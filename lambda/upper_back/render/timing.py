"""How long the routine takes, worked out from the replies the skill really says.

The welcome tells a new user how many minutes the routine takes, and "how many are left" says
roughly how many minutes remain. A number typed into the data file drifts as soon as a dose, a
cue or a phrase changes; these cannot, because they are measured on the replies a first run
speaks: the welcome, every part of every move (through ``speech.Speaker``, exactly as rendered,
header, why, set and "next" included) and the completion, at Alexa's pace as issue 9 measures
it (words x ``coaching.WORD_SECONDS`` plus every ``<break>``).

Why here and not in ``speech.Speaker``: the Speaker imports this module to say the minutes, so
this module imports ``speech`` lazily, inside ``first_run`` (no import cycle at load time), and
renders the welcome with the minutes given (``Speaker._welcome_new(minutes)``), so timing never
asks itself for the minutes. The result is cached per routine and locale: rendering every move
is too much work to repeat on each welcome.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from upper_back.core.routine import Routine
from upper_back.core.state import Kind
from upper_back.render import coaching
from upper_back.render.ssml import Ssml

_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"/>')
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class FirstRun:
    """Seconds of a first run: the welcome, then each (move, part) reply (the last one
    includes the completion)."""

    welcome: float
    parts: tuple[tuple[tuple[int, int], float], ...]

    @property
    def total(self) -> float:
        return self.welcome + sum(seconds for _, seconds in self.parts)

    def after(self, move: int, part: int) -> float:
        """Seconds of the replies after ``(move, part)``."""
        return sum(seconds for place, seconds in self.parts if place > (move, part))


_RUNS: dict[tuple[int, str, Kind], tuple[Routine, FirstRun]] = {}
"""first_run by ``(id(routine), locale)``. A Routine holds dicts, so it cannot be hashed for
functools.cache; keeping the routine itself in the value stops its id being reused by another
object while the entry lives. In practice there is one routine per process (load_routine)."""


_MEASURING: set[tuple[int, str, Kind]] = set()
"""Routines being timed right now (see ``first_run``)."""


def spoken_seconds(speech: Ssml) -> float:
    """About how long Alexa takes to say ``speech``: its words plus its pauses."""
    pauses = sum(
        float(value) / (1000 if unit == "ms" else 1) for value, unit in _BREAK.findall(speech)
    )
    words = len(html.unescape(_TAG.sub(" ", speech)).split())
    return words * coaching.WORD_SECONDS + pauses


def first_run(routine: Routine, locale: str = "en-US", kind: Kind = Kind.FULL) -> FirstRun:
    """Every reply a new user hears going through the whole routine (or the quick run), timed
    (cached)."""
    key = id(routine), locale, kind
    cached = _RUNS.get(key)
    if cached is None or cached[0] is not routine:
        if key in _MEASURING:
            # A move reply or the completion asked for the minutes while being timed: it would
            # never end. Those replies must not say the minutes (the welcome and progress do).
            raise RecursionError("a reply timed by render/timing asks render/timing for minutes")
        _MEASURING.add(key)
        try:
            cached = routine, _first_run(routine, locale, kind)
        finally:
            _MEASURING.discard(key)
        _RUNS[key] = cached
    return cached[1]


def _first_run(routine: Routine, locale: str, kind: Kind) -> FirstRun:
    # Imported here: speech imports this module (see the module docstring).
    from upper_back.core.outcomes import Entry, Played, PlayedLast  # noqa: PLC0415
    from upper_back.core.state import AtMove  # noqa: PLC0415
    from upper_back.render.speech import Speaker  # noqa: PLC0415

    speaker = Speaker(routine, locale)
    places = [(m, p) for m, move in enumerate(routine.moves) for p in range(move.parts)]
    parts = []
    for index, (move, part) in enumerate(places):
        at = AtMove(move, part, kind=kind)
        entry = Entry.CONTINUED if part else Entry.ADVANCED if index else Entry.STARTED
        hint = index == 0  # the first move also says that "Alexa, pause" works at any time
        outcome = (
            PlayedLast(at, entry, completed=1, finished=1, pause_hint=hint)
            if index == len(places) - 1
            else Played(at, entry, completed=0, pause_hint=hint)
        )
        parts.append(((move, part), spoken_seconds(speaker.render(outcome).speech)))
    welcome = spoken_seconds(speaker._welcome_new(minutes=0).speech)
    return FirstRun(welcome, tuple(parts))


def routine_seconds(routine: Routine, locale: str = "en-US") -> float:
    """Seconds a first run of ``routine`` takes, from the welcome to the completion."""
    return first_run(routine, locale).total


def _minutes(seconds: float) -> int:
    """Whole minutes, rounded half up; never zero ("about zero minutes" is never right)."""
    return max(1, int(seconds / 60 + 0.5))


def routine_minutes(routine: Routine, locale: str = "en-US") -> int:
    """The first run's length in whole minutes, as the welcome says it."""
    return _minutes(routine_seconds(routine, locale))


def minutes_after(
    routine: Routine, move: int, part: int, locale: str = "en-US", kind: Kind = Kind.FULL
) -> int:
    """About how many minutes the routine (the full or the quick run, ``kind``) has left after
    the part ``(move, part)`` (0 when nothing is left)."""
    seconds = first_run(routine, locale, kind).after(move, part)
    return _minutes(seconds) if seconds else 0
