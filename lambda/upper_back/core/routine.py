"""The routine as typed, frozen data, loaded once from ``routine.toml``.

Everything a physiotherapist would review lives in the TOML file; this module only gives it a
shape and refuses a file that breaks the rules the renderer and the voice model rely on.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA_FILE = Path(__file__).with_name("routine.toml")
SideStyle = Literal["each", "alternate"]
_SPOKEN_WORDS = re.compile(r"^[a-z][a-z ']*$")
_FORBIDDEN_IN_CONTENT = ("<", ">", "&")


class RoutineError(ValueError):
    """The routine data breaks a rule the skill depends on."""


@dataclass(frozen=True)
class Phase:
    """One timed part of a round: a cue, then a pause of ``seconds``."""

    cue: str
    short: str
    seconds: float
    hold_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guided:
    """The coached set: ``rounds`` per side, each made of the same phases."""

    rounds: int
    phases: tuple[Phase, ...]

    @property
    def round_seconds(self) -> float:
        return sum(phase.seconds for phase in self.phases)


@dataclass(frozen=True)
class Move:
    """One exercise of the routine."""

    id: str
    name: str
    names: dict[str, str]
    synonyms: tuple[str, ...]
    synonyms_by_locale: dict[str, tuple[str, ...]]
    purpose: str
    setup: tuple[str, ...]
    cues: tuple[str, ...]
    sides: tuple[str, ...]
    side_style: SideStyle
    split_sides: bool
    guided: Guided

    def spoken_name(self, locale: str = "en-US") -> str:
        """The move's name as said in ``locale`` (e.g. press-up in en-GB)."""
        return self.names.get(locale, self.name)

    @property
    def parts(self) -> int:
        """How many responses the move takes: one per side when sides are split."""
        return len(self.sides) if self.split_sides else 1

    def words_for(self, locale: str) -> tuple[str, ...]:
        """Every phrase that names this move in ``locale``, for the voice model."""
        return self.synonyms + self.synonyms_by_locale.get(locale, ())


@dataclass(frozen=True)
class Routine:
    """The five moves in order, with the words said around them."""

    minutes: int
    why: str
    safety: str
    closing: str
    moves: tuple[Move, ...]

    def index_of(self, move_id: str) -> int | None:
        """Position of ``move_id``, or None when the id is not (or no longer) in the routine."""
        for index, move in enumerate(self.moves):
            if move.id == move_id:
                return index
        return None


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RoutineError(f"{where}: expected non-empty text")
    if any(char in value for char in _FORBIDDEN_IN_CONTENT):
        raise RoutineError(f"{where}: content must be plain words, without < > or &")
    return " ".join(value.split())


def _texts(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise RoutineError(f"{where}: expected a list")
    return tuple(_text(value, f"{where}[{i}]") for i, value in enumerate(values))


def _words(values: Any, where: str) -> tuple[str, ...]:
    words = _texts(values, where)
    for word in words:
        if not _SPOKEN_WORDS.match(word):
            raise RoutineError(f"{where}: {word!r} must be lowercase letters and spaces")
    return words


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RoutineError(f"{where}: expected a table")
    return value


def _phase(raw: Any, where: str) -> Phase:
    raw = _table(raw, where)
    seconds = raw.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 60:
        raise RoutineError(f"{where}: seconds must be between 0 and 60")
    return Phase(
        cue=_text(raw.get("cue"), f"{where}.cue"),
        short=_text(raw.get("short", raw.get("cue")), f"{where}.short"),
        seconds=float(seconds),
        hold_cues=_texts(raw.get("hold_cues", []), f"{where}.hold_cues"),
    )


def _move(raw: Any, where: str) -> Move:
    raw = _table(raw, where)
    guided = _table(raw.get("guided"), f"{where}.guided")
    rounds = guided.get("rounds")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise RoutineError(f"{where}.guided.rounds must be a positive whole number")
    raw_phases = guided.get("phases")
    if not isinstance(raw_phases, list) or not raw_phases:
        raise RoutineError(f"{where}.guided.phases must be a non-empty list")
    phases = tuple(
        _phase(phase, f"{where}.guided.phases[{i}]") for i, phase in enumerate(raw_phases)
    )
    sides = _words(raw.get("sides", []), f"{where}.sides")
    if len(sides) not in (0, 2):
        raise RoutineError(f"{where}.sides: a move has no sides or two")
    style = raw.get("side_style", "each")
    if style not in ("each", "alternate"):
        raise RoutineError(f"{where}.side_style must be 'each' or 'alternate'")
    split = bool(raw.get("split_sides", False))
    if split and (not sides or style != "each"):
        raise RoutineError(f"{where}: only a move done one side at a time can split its sides")
    return Move(
        id=_text(raw.get("id"), f"{where}.id"),
        name=_text(raw.get("name"), f"{where}.name"),
        names={k: _text(v, f"{where}.names.{k}") for k, v in raw.get("names", {}).items()},
        synonyms=_words(raw.get("synonyms"), f"{where}.synonyms"),
        synonyms_by_locale={
            k: _words(v, f"{where}.synonyms_by_locale.{k}")
            for k, v in raw.get("synonyms_by_locale", {}).items()
        },
        purpose=_text(raw.get("purpose"), f"{where}.purpose"),
        setup=_texts(raw.get("setup"), f"{where}.setup"),
        cues=_texts(raw.get("cues"), f"{where}.cues"),
        sides=sides,
        side_style=style,
        split_sides=split,
        guided=Guided(rounds=rounds, phases=phases),
    )


def parse_routine(data: dict[str, Any]) -> Routine:
    """Validate raw TOML data into a :class:`Routine`; raises :class:`RoutineError`."""
    moves = tuple(_move(raw, f"moves[{i}]") for i, raw in enumerate(data.get("moves", [])))
    if not moves:
        raise RoutineError("the routine has no moves")
    ids = [move.id for move in moves]
    if len(set(ids)) != len(ids):
        raise RoutineError("move ids must be unique")
    return Routine(
        minutes=int(data.get("minutes", 0)),
        why=_text(data.get("why"), "why"),
        safety=_text(data.get("safety"), "safety"),
        closing=_text(data.get("closing"), "closing"),
        moves=moves,
    )


@cache
def load_routine(path: Path = DATA_FILE) -> Routine:
    """The routine from ``path``, parsed once per process (it never changes at run time)."""
    with path.open("rb") as handle:
        return parse_routine(tomllib.load(handle))
