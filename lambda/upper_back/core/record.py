"""The stored record and the session copy of the position: encoding, and decoding that never fails.

The record names the move by id (not index) and the side by name, so content can be reordered
between releases; it carries a schema version and a revision that increases with every save.
Numbers are ints (DynamoDB hands them back as ``Decimal``; floats it refuses). Anything that does
not decode cleanly becomes the nearest safe position plus a reason, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from upper_back.core.navigation import Position, Question
from upper_back.core.routine import Routine

SCHEMA_VERSION = 1
MAX_COUNT = 1_000_000
"""Completed-routine counts above this are treated as corrupt."""


class Issue(Enum):
    """Why a record did not decode as written (None when it did)."""

    UNKNOWN_VERSION = "unknown_version"
    UNKNOWN_MOVE = "unknown_move"
    CORRUPT = "corrupt"


@dataclass(frozen=True)
class Decoded:
    """A position recovered from storage, the revision it was stored at, and what was wrong."""

    position: Position
    revision: int = 0
    issue: Issue | None = None


def _int(value: Any) -> int | None:
    """An int from an int or an integral Decimal; None for anything else (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def _fields(position: Position, routine: Routine, revision: int) -> dict[str, Any]:
    """What the stored record and the session copy share (ints and strings only)."""
    move = routine.moves[position.move]
    return {
        "schema": SCHEMA_VERSION,
        "move": move.id,
        "side": move.sides[position.part] if move.split_sides else "",
        "in_progress": position.in_progress,
        "completed": position.completed,
        "revision": revision,
    }


def encode(position: Position, routine: Routine, revision: int, now: datetime) -> dict[str, Any]:
    """The record to store for ``position``, stamped with when it was last touched."""
    return {**_fields(position, routine, revision), "updated_at": now.isoformat(timespec="seconds")}


def decode(raw: Any, routine: Routine) -> Decoded:
    """The position in a stored record. An empty record is a new user; a damaged one decodes to
    the nearest safe position (keeping what can be trusted) with the reason in ``issue``."""
    if not isinstance(raw, Mapping):
        return Decoded(Position(), issue=Issue.CORRUPT)
    if not raw:
        return Decoded(Position())
    # Any whole number is kept as stored: the next save is conditional on exactly this value.
    revision = _int(raw.get("revision"))
    revision = revision if revision is not None else 0
    if _int(raw.get("schema")) != SCHEMA_VERSION:
        return Decoded(Position(), revision, Issue.UNKNOWN_VERSION)
    completed = _int(raw.get("completed"))
    in_progress = raw.get("in_progress")
    if completed is None or not 0 <= completed <= MAX_COUNT or not isinstance(in_progress, bool):
        return Decoded(Position(), revision, Issue.CORRUPT)
    move_id = raw.get("move")
    index = routine.index_of(move_id) if isinstance(move_id, str) else None
    if index is None:
        return Decoded(Position(completed=completed), revision, Issue.UNKNOWN_MOVE)
    move = routine.moves[index]
    side = raw.get("side")
    part = move.sides.index(side) if move.split_sides and side in move.sides else 0
    return Decoded(Position(index, part, in_progress, completed), revision)


def may_replace(stored_revision: Any, new_revision: int) -> bool:
    """Whether a save at ``new_revision`` may replace a record stored at ``stored_revision``:
    only over the revision just before it, or, for a first save, over a record whose revision is
    missing or not a number. (persistence.py states the same rule as a DynamoDB condition.)"""
    if isinstance(stored_revision, bool) or not isinstance(stored_revision, int | Decimal):
        return new_revision == 1
    return stored_revision == new_revision - 1


@dataclass(frozen=True)
class SessionState:
    """What travels in session attributes between turns: the position, the question last asked,
    the stored revision, whether the stored record still lags behind (a save failed), and
    whether the stored record was ever read or written in this session (a read may have failed)."""

    position: Position
    revision: int
    unsaved: bool = False
    verified: bool = True


SESSION_KEY = "upper_back"


def to_session(state: SessionState, routine: Routine) -> dict[str, Any]:
    """Session attributes are JSON: the same record plus the session-only fields."""
    record = _fields(state.position, routine, state.revision)
    record["question"] = state.position.question.value
    record["unsaved"] = state.unsaved
    record["verified"] = state.verified
    return {SESSION_KEY: record}


def from_session(attributes: Mapping[str, Any] | None, routine: Routine) -> SessionState | None:
    """The session's state, or None when the session has none (or a damaged one): then the
    caller reads the stored record, exactly as at the start of a session."""
    record = (attributes or {}).get(SESSION_KEY)
    if not isinstance(record, Mapping) or not record:
        return None  # an empty copy is damage, not a new user: read the store instead
    decoded = decode(record, routine)
    if decoded.issue is not None:
        return None
    try:
        question = Question(record.get("question", Question.NONE.value))
    except ValueError:
        question = Question.NONE
    position = replace(decoded.position, question=question)
    unsaved = record.get("unsaved") is True
    return SessionState(position, decoded.revision, unsaved, record.get("verified") is not False)
