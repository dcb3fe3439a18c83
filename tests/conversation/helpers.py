"""Small helpers shared by the conversation tests: the routine's own names, speech text, and
what a stored (schema 2) record says."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from sim.conversation import Conversation, Turn
from sim.envelopes import SlotValue
from upper_back.core.routine import Move, load_routine
from upper_back.render import phrases
from upper_back.render.phrases import number_word

Alexa = Callable[..., Conversation]
"""The ``alexa`` fixture: start a conversation as some caller."""
Stored = Callable[[str], dict[str, Any] | None]
"""The ``stored`` fixture: the stored record for a partition key, or None."""

ROUTINE = load_routine()
MOVES: tuple[Move, ...] = ROUTINE.moves
SPLIT = [move for move in MOVES if move.split_sides]
_TAG = re.compile(r"<[^>]+>")


def text(ssml: str) -> str:
    """What a listener hears: tags dropped, entities decoded, case folded."""
    return " ".join(html.unescape(_TAG.sub(" ", ssml)).lower().split())


def named(index: int, locale: str = "en-US") -> str:
    """The spoken name of move ``index`` (0-based), as the routine data gives it."""
    return MOVES[index].spoken_name(locale).lower()


def said(template: str, index: int, part: int = 0) -> str:
    """A phrases template that names a place ("move {n}, the {name}{side}"), as a listener hears
    it for part ``part`` of move ``index`` (0-based): {side} is ", <side> side" for a move whose
    sides are split, and nothing otherwise."""
    move = MOVES[index]
    side = f", {move.sides[part]} side" if move.split_sides else ""
    filled = template.format(
        n=number_word(index + 1), total=number_word(len(MOVES)), name=move.spoken_name(), side=side
    )
    return text(filled)


def move_slot(index: int) -> dict[str, object]:
    """A GoToMoveIntent slot as Alexa resolves a name from the model."""
    move = MOVES[index]
    return {"move": SlotValue(move.synonyms[0], move.id, move.synonyms[0], "MoveName")}


def _current(record: Mapping[str, Any] | None) -> Mapping[str, Any]:
    assert record is not None, "nothing is stored"
    assert record.get("schema") == 2, f"not a schema 2 record: {dict(record)}"
    return record


def place(record: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """Where a stored schema 2 record says the person is: (move id, side name, or "" for a move
    without split sides); None when no routine is under way."""
    at = _current(record).get("place")
    if at is None:
        return None
    return str(at["move"]), str(at["side"])


def at(index: int, part: int = 0) -> tuple[str, str]:
    """How a stored record names part ``part`` of move ``index`` (0-based), by the routine data:
    the move's id, and its side's name when the move splits its sides ("" otherwise)."""
    move = MOVES[index]
    return move.id, move.sides[part] if move.split_sides else ""


def completed(record: Mapping[str, Any] | None) -> int:
    """How many whole routines a stored schema 2 record counts."""
    return int(_current(record)["progress"]["completed"])


def revision(record: Mapping[str, Any] | None) -> int:
    """The revision a stored record is at (every save adds one)."""
    assert record is not None, "nothing is stored"
    return int(record["revision"])


def v2_record(
    move: str | None, side: str = "", *, done: int = 0, rev: int = 3, **extra: Any
) -> dict[str, Any]:
    """A schema 2 record as this version writes it (``move`` None: no routine under way), with
    ``extra`` top-level fields merged in (overriding any default)."""
    record: dict[str, Any] = {
        "schema": 2,
        "revision": rev,
        "writer": "0123456789abcdef",
        "updated_at": "2026-11-01T08:00:00+00:00",
        "progress": {"completed": done, "days": []},
        "preferences": {"variants": {}},
    }
    if move is not None:
        record["place"] = {"move": move, "side": side}
    return {**record, **extra}


def v1_record(move: str, **overrides: Any) -> dict[str, Any]:
    """A record as the first shipped version (schema 1, flat) wrote it: the upgrade path."""
    base: dict[str, Any] = {
        "schema": 1, "move": move, "side": "", "in_progress": True, "completed": 0,
        "revision": 3, "updated_at": "2026-11-01T08:00:00+00:00",
    }  # fmt: skip
    return {**base, **overrides}


def routine_over(turn: Turn) -> bool:
    """Whether ``turn`` finished the routine: the session ends on it, or it stays open only for
    the daily reminder's offer."""
    return turn.ends_session or text(phrases.OFFER_REMINDER) in text(turn.ssml)
