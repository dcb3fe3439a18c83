"""The routine as typed, frozen data, loaded once from ``routine.toml``.

Everything a physiotherapist would review lives in the TOML file; this module only gives it a
shape and refuses a file that breaks the rules the renderer and the voice model rely on. The
parse is strict on purpose: a misspelled optional key (``hold_cue`` for ``hold_cues``) would
otherwise be silently ignored and the skill would ship without the content the reviewer signed
off, so every key must be known and every error names the key and the move it sits in.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA_FILE = Path(__file__).with_name("routine.toml")
ROUTINE_SCHEMA = 1
"""The ``schema`` of ``routine.toml`` this code reads. Bump both together when the shape of the
file changes, so an old file and new code (or the reverse) fail at load, not mid-conversation."""
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
"""The locales the skill is published in: the only keys ``names`` and ``synonyms_by_locale``
may use, so a typo such as ``en-UK`` cannot quietly leave a locale without its words."""
SideStyle = Literal["each", "alternate"]
SIDE_STYLES: tuple[SideStyle, ...] = ("each", "alternate")
Variant = Literal["normal", "easier", "harder"]
VARIANTS: tuple[Variant, ...] = ("normal", "easier", "harder")
"""A move's versions: as written, its regression and its progression (routine-notes.md)."""
_SPOKEN_WORDS = re.compile(r"^[a-z][a-z ']*$")
_FORBIDDEN_IN_CONTENT = ("<", ">", "&")
_SIDE = "{side}"
_MAX_PHASE_SECONDS = 60
_SETTLE_SECONDS = (1, 10)

# Each table's keys: required, then optional. Anything else in the file is a mistake.
_ROUTINE_KEYS = ("schema", "why", "safety", "closing", "moves"), ("daily",)
_MOVE_KEYS = (
    ("id", "name", "synonyms", "purpose", "setup", "cues", "guided"),
    (
        "names", "synonyms_by_locale", "sides", "side_style", "split_sides", "key", "settle",
        "switch", "variants",
    ),
)  # fmt: skip
_GUIDED_KEYS = ("rounds", "phases"), ("quick_rounds", "rep_seconds", "pace", "hold_range")
_PHASE_KEYS = ("cue", "seconds"), ("hold", "hold_cues")
_VARIANTS_KEYS = (), ("easier", "harder")
_VARIANT_KEYS = (), ("setup", "cues", "key", "settle", "hold_seconds", "phase_cues", "switch")
_RETIRED = {
    "minutes": "the length is now worked out from the coached speech",
    "short": "every round now says the same cue: make the cue itself short",
}
"""Keys older files had, with why they went: a plain 'unknown key' would puzzle their author."""
_MISSING = {"schema": f" (this code reads schema {ROUTINE_SCHEMA})"}


class RoutineError(ValueError):
    """The routine data breaks a rule the skill depends on."""


@dataclass(frozen=True)
class Phase:
    """One timed part of a round: a cue, then a pause of ``seconds``."""

    cue: str
    seconds: float
    hold: bool = False
    """A squeeze, hold or pause the user performs: ``seconds`` of silence after the cue (a
    movement phase's ``seconds`` include its cue)."""
    hold_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guided:
    """The coached set: ``rounds`` per side, each made of the same phases."""

    rounds: int
    phases: tuple[Phase, ...]
    quick_rounds: int = 0
    """Rounds per side in the quick version (0: the same as ``rounds``)."""
    rep_seconds: float = 0.0
    """One round in the dose (0: the phases' sum)."""
    pace: tuple[float, float] = (1.0, 1.0)
    """The slowest and fastest multipliers of every phase that stay in the sources' ranges."""
    hold_range: tuple[float, float] | None = None
    """The shortest and longest hold the sources allow (routine-notes.md), whatever the pace
    and the version (None: no limit besides ``pace``)."""

    def hold(self, seconds: float) -> float:
        """A hold's ``seconds`` (paced) kept inside ``hold_range``."""
        if self.hold_range is None:
            return seconds
        low, high = self.hold_range
        return min(max(seconds, low), high)

    @property
    def round_seconds(self) -> float:
        return sum(phase.seconds for phase in self.phases)

    def rounds_for(self, quick: bool = False) -> int:
        return (self.quick_rounds or self.rounds) if quick else self.rounds

    def clamp(self, pace: float) -> float:
        """``pace`` kept inside this move's range (1.0 when it is not a finite number)."""
        low, high = self.pace
        return min(max(pace, low), high) if math.isfinite(pace) else 1.0


@dataclass(frozen=True)
class Version:
    """What an easier or harder version changes (None: as in the move)."""

    setup: tuple[str, ...] | None = None
    cues: tuple[str, ...] | None = None
    key: str | None = None
    settle: float | None = None
    hold_seconds: float | None = None
    phase_cues: tuple[str, ...] | None = None
    switch: str | None = None


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
    key: str = ""
    """The one cue a familiar user hears instead of the cues and the setup."""
    settle: float = 3.0
    """Seconds of silence after the position cue, before the count starts."""
    switch: str = ""
    """The position cue for the other side (default: the last setup line)."""
    variants: dict[str, Version] | None = None

    @property
    def side_cue(self) -> str:
        return self.switch or self.setup[-1]

    def dose_seconds(self, quick: bool = False) -> float:
        """The dose as counted work: rounds per side x one round x sides worked."""
        rep = self.guided.rep_seconds or self.guided.round_seconds
        return self.guided.rounds_for(quick) * rep * max(len(self.sides), 1)

    def version(self, variant: Variant = "normal") -> Move:
        """This move as its ``variant`` says it (itself when normal or not written)."""
        change = (self.variants or {}).get(variant) if variant != "normal" else None
        if change is None:
            return self
        guided = self.guided
        if change.hold_seconds is not None or change.phase_cues is not None:
            hold = change.hold_seconds
            phases = tuple(
                replace(
                    phase,
                    cue=phase.cue if change.phase_cues is None else change.phase_cues[index],
                    seconds=hold if hold is not None and phase.hold else phase.seconds,
                )
                for index, phase in enumerate(guided.phases)
            )
            added = sum(b.seconds - a.seconds for a, b in zip(guided.phases, phases, strict=True))
            rep = (guided.rep_seconds or guided.round_seconds) + added
            guided = replace(guided, phases=phases, rep_seconds=rep)
        return replace(
            self,
            setup=self.setup if change.setup is None else change.setup,
            cues=self.cues if change.cues is None else change.cues,
            key=self.key if change.key is None else change.key,
            settle=self.settle if change.settle is None else change.settle,
            switch=self.switch if change.switch is None else change.switch,
            guided=guided,
            variants=None,
        )

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
    """The five moves in order, with the words said around them. How long it takes is not
    stored: ``upper_back.render.timing`` works it out from what the skill really says."""

    why: str
    safety: str
    closing: str
    moves: tuple[Move, ...]
    daily: str = ""
    """The id of the move worth doing every day, on its own ("just the daily move")."""

    def index_of(self, move_id: str) -> int | None:
        """Position of ``move_id``, or None when the id is not (or no longer) in the routine."""
        for index, move in enumerate(self.moves):
            if move.id == move_id:
                return index
        return None


def _suggest(key: str, known: Collection[str]) -> str:
    """' (did you mean ...?)' for a near miss, so a typo is fixed without opening this file."""
    from difflib import get_close_matches  # noqa: PLC0415 (only when the file has a typo)

    close = get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RoutineError(f"{where}: expected a table")
    return value


def _check_keys(
    raw: dict[str, Any], keys: tuple[tuple[str, ...], tuple[str, ...]], where: str
) -> None:
    """Refuse unknown keys (with a suggestion) and then missing required ones."""
    required, optional = keys
    known = (*required, *optional)
    for key in raw:
        if key not in known:
            why = f": {_RETIRED[key]}" if key in _RETIRED else _suggest(key, known)
            raise RoutineError(f"{where}: unknown key {key!r}{why}")
    for key in required:
        if key not in raw:
            raise RoutineError(f"{where}: missing key {key!r}{_MISSING.get(key, '')}")


def _locales(value: Any, where: str) -> dict[str, Any]:
    """A table keyed by locale, refusing any locale the skill is not published in."""
    table = _table(value, where)
    for locale in table:
        if locale not in LOCALES:
            raise RoutineError(
                f"{where}: unknown locale {locale!r}{_suggest(locale, LOCALES)}; "
                f"the skill speaks {', '.join(LOCALES)}"
            )
    return table


def _text(value: Any, where: str, sided: bool = False) -> str:
    """Plain words, single-spaced. ``sided``: the text may name the side with ``{side}``; any
    other brace would be spoken as is (or fail the SSML checks), so it is refused here."""
    if not isinstance(value, str) or not value.strip():
        raise RoutineError(f"{where}: expected non-empty text")
    if any(char in value for char in _FORBIDDEN_IN_CONTENT):
        raise RoutineError(f"{where}: content must be plain words, without < > or &")
    rest = value.replace(_SIDE, "") if sided else value
    if "{" in rest or "}" in rest:
        allowed = f"only {_SIDE} may be in braces" if sided else f"{_SIDE} needs a move with sides"
        raise RoutineError(
            f"{where}: {value!r} has a placeholder this move cannot fill ({allowed})"
        )
    return " ".join(value.split())


def _texts(
    values: Any, where: str, sided: bool = False, non_empty: bool = False
) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise RoutineError(f"{where}: expected a list")
    if non_empty and not values:
        raise RoutineError(f"{where}: expected at least one line")
    return tuple(_text(value, f"{where}[{i}]", sided) for i, value in enumerate(values))


def _words(values: Any, where: str) -> tuple[str, ...]:
    """Phrases for the voice model, which takes only lowercase letters, spaces and apostrophes."""
    words = _texts(values, where)
    for word in words:
        if not _SPOKEN_WORDS.match(word):
            raise RoutineError(
                f"{where}: {word!r} must be lowercase letters, spaces and apostrophes"
            )
    return words


def _whole(value: Any, where: str, minimum: int) -> int:
    # bool is an int in Python, but `rounds = true` is a mistake, not one round.
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RoutineError(f"{where} must be a whole number of at least {minimum}, not {value!r}")
    return value


def _seconds(value: Any, where: str, low: float = 0, high: float = _MAX_PHASE_SECONDS) -> float:
    """A number of seconds in (``low``, ``high``]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low < value <= high:
        raise RoutineError(f"{where} must be more than {low:g} and at most {high:g}, not {value!r}")
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise RoutineError(f"{where} must be true or false, not {value!r}")
    return value


def _phase(raw: Any, where: str, sided: bool) -> Phase:
    raw = _table(raw, where)
    _check_keys(raw, _PHASE_KEYS, where)
    return Phase(
        cue=_text(raw["cue"], f"{where}.cue", sided),
        seconds=_seconds(raw["seconds"], f"{where}.seconds"),
        hold=_flag(raw.get("hold", False), f"{where}.hold"),
        hold_cues=_texts(raw.get("hold_cues", []), f"{where}.hold_cues", sided),
    )


def _pace(value: Any, where: str) -> tuple[float, float]:
    """[slowest, fastest]... as multipliers: the first at most 1, the second at least 1."""
    if not isinstance(value, list) or len(value) != 2:
        raise RoutineError(f"{where} must be a pair [lowest, highest], not {value!r}")
    low = _seconds(value[0], f"{where}[0]", 0, 1)
    high = _seconds(value[1], f"{where}[1]", 0, 3)
    if high < 1:
        raise RoutineError(f"{where}[1] must be at least 1, not {value[1]!r}")
    return low, high


def _guided(raw: Any, where: str, sided: bool) -> Guided:
    raw = _table(raw, where)
    _check_keys(raw, _GUIDED_KEYS, where)
    rounds = _whole(raw["rounds"], f"{where}.rounds", minimum=1)
    phases = raw["phases"]
    if not isinstance(phases, list) or not phases:
        raise RoutineError(f"{where}.phases must be a non-empty list")
    rep = raw.get("rep_seconds")
    return Guided(
        rounds=rounds,
        phases=tuple(
            _phase(phase, f"{where}.phases[{i}]", sided) for i, phase in enumerate(phases)
        ),
        quick_rounds=_whole(raw.get("quick_rounds", rounds), f"{where}.quick_rounds", minimum=1),
        rep_seconds=0.0 if rep is None else _seconds(rep, f"{where}.rep_seconds"),
        pace=_pace(raw.get("pace", [1, 1]), f"{where}.pace"),
        hold_range=_hold_range(raw["hold_range"], f"{where}.hold_range")
        if "hold_range" in raw
        else None,
    )


def _hold_range(value: Any, where: str) -> tuple[float, float]:
    """[shortest, longest] seconds of a hold."""
    if not isinstance(value, list) or len(value) != 2:
        raise RoutineError(f"{where} must be a pair [shortest, longest], not {value!r}")
    low, high = _seconds(value[0], f"{where}[0]"), _seconds(value[1], f"{where}[1]")
    if high < low:
        raise RoutineError(f"{where}: {value[1]!r} is shorter than {value[0]!r}")
    return low, high


def _version(raw: Any, where: str, sided: bool, phases: int) -> Version:
    raw = _table(raw, where)
    _check_keys(raw, _VARIANT_KEYS, where)

    def lines(key: str) -> tuple[str, ...] | None:
        if key not in raw:
            return None
        return _texts(raw[key], f"{where}.{key}", sided, non_empty=True)

    phase_cues = lines("phase_cues")
    if phase_cues is not None and len(phase_cues) != phases:
        raise RoutineError(f"{where}.phase_cues must have one cue per phase ({phases})")
    return Version(
        setup=lines("setup"),
        cues=lines("cues"),
        key=_text(raw["key"], f"{where}.key", sided) if "key" in raw else None,
        settle=_seconds(raw["settle"], f"{where}.settle", *_SETTLE_SECONDS)
        if "settle" in raw
        else None,
        hold_seconds=_seconds(raw["hold_seconds"], f"{where}.hold_seconds")
        if "hold_seconds" in raw
        else None,
        phase_cues=phase_cues,
        switch=_text(raw["switch"], f"{where}.switch", sided) if "switch" in raw else None,
    )


def _variants(raw: Any, where: str, sided: bool, phases: int) -> dict[str, Version]:
    raw = _table(raw, where)
    _check_keys(raw, _VARIANTS_KEYS, where)
    return {name: _version(value, f"{where}.{name}", sided, phases) for name, value in raw.items()}


def _move_label(raw: dict[str, Any], index: int) -> str:
    """'move <id>' when the id is readable, so errors point at what the reviewer knows;
    otherwise its position in the file."""
    move_id = raw.get("id")
    if isinstance(move_id, str) and move_id.strip():
        return f"move {move_id.strip()!r}"
    return f"moves[{index}]"


def _move(raw: Any, index: int) -> Move:
    raw = _table(raw, f"moves[{index}]")
    where = _move_label(raw, index)
    _check_keys(raw, _MOVE_KEYS, where)
    sides = _words(raw.get("sides", []), f"{where}, sides")
    if len(sides) not in (0, 2):
        raise RoutineError(f"{where}, sides: a move has no sides or two, not {len(sides)}")
    if len(set(sides)) != len(sides):
        raise RoutineError(f"{where}, sides: the two sides must differ")
    style = raw.get("side_style", "each")
    if style not in SIDE_STYLES:
        raise RoutineError(f"{where}, side_style must be 'each' or 'alternate', not {style!r}")
    split = raw.get("split_sides", False)
    if not isinstance(split, bool):
        raise RoutineError(f"{where}, split_sides must be true or false, not {split!r}")
    if split and (not sides or style != "each"):
        raise RoutineError(f"{where}: only a move done one side at a time can split its sides")
    sided = bool(sides)
    names = _locales(raw.get("names", {}), f"{where}, names")
    by_locale = _locales(raw.get("synonyms_by_locale", {}), f"{where}, synonyms_by_locale")
    # The coach says the last setup line when switching sides: there must be one.
    setup = _texts(raw["setup"], f"{where}, setup", sided, non_empty=True)
    cues = _texts(raw["cues"], f"{where}, cues", sided)
    guided = _guided(raw["guided"], f"{where}, guided", sided)
    phases = len(guided.phases)
    return Move(
        id=_text(raw["id"], f"{where}, id"),
        name=_text(raw["name"], f"{where}, name"),
        names={k: _text(v, f"{where}, names.{k}") for k, v in names.items()},
        synonyms=_words(raw["synonyms"], f"{where}, synonyms"),
        synonyms_by_locale={
            k: _words(v, f"{where}, synonyms_by_locale.{k}") for k, v in by_locale.items()
        },
        purpose=_text(raw["purpose"], f"{where}, purpose"),
        setup=setup,
        cues=cues,
        sides=sides,
        side_style=style,
        split_sides=split,
        guided=guided,
        key=_text(raw["key"], f"{where}, key", sided) if "key" in raw else setup[-1],
        settle=_seconds(raw.get("settle", 3), f"{where}, settle", *_SETTLE_SECONDS),
        switch=_text(raw["switch"], f"{where}, switch", sided) if "switch" in raw else "",
        variants=_variants(raw.get("variants", {}), f"{where}, variants", sided, phases),
    )


def _schema(value: Any) -> None:
    """Refuse a file written for another version of this code before reading anything else:
    its keys may mean something different here."""
    if isinstance(value, bool) or not isinstance(value, int) or value != ROUTINE_SCHEMA:
        raise RoutineError(
            f"routine: schema {value!r} is not the one this code reads ({ROUTINE_SCHEMA})"
        )


def parse_routine(data: dict[str, Any]) -> Routine:
    """Validate raw TOML data into a :class:`Routine`; raises :class:`RoutineError` naming the
    key, and the move, at fault. Pure: ``data`` is not changed."""
    if "schema" in data:
        _schema(data["schema"])
    _check_keys(data, _ROUTINE_KEYS, "routine")
    raw_moves = data["moves"]
    if not isinstance(raw_moves, list) or not raw_moves:
        raise RoutineError("routine: moves must be a non-empty list of [[moves]] tables")
    moves = tuple(_move(raw, i) for i, raw in enumerate(raw_moves))
    seen: set[str] = set()
    for move in moves:
        if move.id in seen:
            raise RoutineError(f"move {move.id!r}: the id is used by another move")
        seen.add(move.id)
    daily = data.get("daily", moves[-1].id)
    if daily not in seen:
        raise RoutineError(f"routine, daily: {daily!r} is not the id of a move")
    return Routine(
        why=_text(data["why"], "routine, why"),
        safety=_text(data["safety"], "routine, safety"),
        closing=_text(data["closing"], "routine, closing"),
        moves=moves,
        daily=daily,
    )


@cache
def load_routine(path: Path = DATA_FILE) -> Routine:
    """The routine from ``path``, parsed once per process (it never changes at run time)."""
    with path.open("rb") as handle:
        return parse_routine(tomllib.load(handle))
