"""What travels in session attributes between turns: the person's state as a stored record, the
question last asked, and how the state stands against the store.

Session attributes are JSON, so the state is kept as the very record a save would write (the
same codec, so the two can never disagree), with the session-only fields beside it. Decoding a
damaged copy answers None: the caller then reads the store, as at the start of a session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from upper_back.core.record import Stored, decode, encode
from upper_back.core.routine import Routine
from upper_back.core.state import AtMove, NotStarted, Place, Question, UserState

SESSION_KEY = "upper_back"


@dataclass(frozen=True)
class Sync:
    """How the session's state stands against the stored record.

    ``revision``: the stored revision the state builds on (saves expect it). ``owed``: the state
    changed but no save of it succeeded yet (it is retried on the next turn). ``loaded``: the
    store was read (or written) in this session; a failed read is retried next turn.
    ``read_only``: the stored record is newer than this code, so it is never written.
    ``saved_place``: the place the store is known to hold, for an honest goodbye when a save is
    owed (None: not known)."""

    revision: int = 0
    owed: bool = False
    loaded: bool = True
    read_only: bool = False
    saved_place: Place | None = None


@dataclass(frozen=True)
class SessionCopy:
    """The session's view of the person: state, the fields this code does not know, the
    question pending, and the sync with the store."""

    state: UserState = field(default_factory=UserState)
    extra: Mapping[str, Any] = field(default_factory=dict)
    question: Question = Question.NONE
    sync: Sync = field(default_factory=Sync)


def _place_json(place: Place | None) -> list[int] | None:
    match place:
        case None:
            return None
        case NotStarted():
            return []
        case AtMove(move=move, part=part):
            return [move, part]


def _place_from(raw: Any, routine: Routine) -> Place | None:
    if raw == []:
        return NotStarted()
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in raw)
        and 0 <= raw[0] < len(routine.moves)
        and 0 <= raw[1] < routine.moves[raw[0]].parts
    ):
        return AtMove(raw[0], raw[1])
    return None


def _json_safe(value: Any) -> Any:
    """Session attributes pass through JSON: a Decimal read from DynamoDB becomes an int, or a
    string-exact Decimal again when read back (``_from_json``), never a float in the store."""
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return {"$decimal": str(value)}
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]  # DynamoDB sets come back as Python sets
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        if set(value) == {"$decimal"}:
            try:
                return Decimal(str(value["$decimal"]))
            except ArithmeticError:
                return dict(value)  # not ours: some other writer's field, kept as it is
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def to_session(copy: SessionCopy, routine: Routine, writer: str, now: datetime) -> dict[str, Any]:
    """The session attributes for ``copy``."""
    record = encode(
        copy.state,
        routine,
        revision=copy.sync.revision,
        writer=writer,
        now=now,
        extra=_json_safe(copy.extra),
    )
    record.update(
        question=copy.question.value,
        owed=copy.sync.owed,
        loaded=copy.sync.loaded,
        read_only=copy.sync.read_only,
        saved_place=_place_json(copy.sync.saved_place),
    )
    return {SESSION_KEY: record}


SESSION_ONLY = ("question", "owed", "loaded", "read_only", "saved_place")


def from_session(attributes: Mapping[str, Any] | None, routine: Routine) -> SessionCopy | None:
    """The session's copy, or None when the session has none (or a damaged one)."""
    raw = (attributes or {}).get(SESSION_KEY)
    if not isinstance(raw, Mapping) or not raw:
        return None  # an empty copy is damage, not a new user: read the store instead
    record = {key: value for key, value in raw.items() if key not in SESSION_ONLY}
    stored: Stored = decode(_from_json(record), routine)
    if stored.issue is not None:
        return None
    try:
        question = Question(raw.get("question", Question.NONE.value))
    except (TypeError, ValueError):
        question = Question.NONE
    sync = Sync(
        revision=stored.revision,
        owed=raw.get("owed") is True,
        loaded=raw.get("loaded") is not False,
        # A copy written by newer code is never writable here, whatever its flag says.
        read_only=raw.get("read_only") is True or stored.read_only,
        saved_place=_place_from(raw.get("saved_place"), routine),
    )
    return SessionCopy(stored.state, stored.extra, question, sync)
