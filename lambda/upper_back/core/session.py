"""What travels in session attributes between turns: the person's state as a stored record, the
question last asked, and how the state stands against the store.

Session attributes are JSON, so the state is kept as the very record a save would write (the
same codec, so the two can never disagree), with the session-only fields beside it. Decoding a
damaged copy answers None: the caller then reads the store, as at the start of a session.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, assert_never

from upper_back.core.habit import clock_text, clock_time
from upper_back.core.record import Stored, decode, encode, whole
from upper_back.core.routine import Routine
from upper_back.core.state import (
    Asked,
    AtMove,
    ConfirmReminder,
    NotStarted,
    Place,
    Question,
    UserState,
)

SESSION_KEY = "upper_back"


@dataclass(frozen=True)
class Synced:
    """The store holds this session's state, at ``revision``."""

    revision: int


@dataclass(frozen=True)
class Owed:
    """The state changed but no save of it succeeded yet; it is retried on the next turn. The
    store is at ``revision`` and holds ``stored_place`` (None: not known, for a save that may
    have landed all the same), which an honest goodbye names."""

    revision: int
    stored_place: Place | None


@dataclass(frozen=True)
class Unread:
    """The stored record is not known to this session: its read failed, or another device's
    newer record won a race. It is read on the next turn. ``changed``: the session moved on
    meanwhile, so what it did is laid on top of the record once read. ``counted_from``: the
    routines-done count the session's state started from (0 when it never read the record;
    the count it had read, after a race), so only routines finished since are added."""

    changed: bool = False
    counted_from: int = 0


@dataclass(frozen=True)
class ReadOnly:
    """The stored record (at ``revision``) is newer than this code: used, never written."""

    revision: int


Sync = Synced | Owed | Unread | ReadOnly


@dataclass(frozen=True)
class SessionCopy:
    """The session's view of the person: state, the fields this code does not know, the
    question pending, and the sync with the store."""

    state: UserState = field(default_factory=UserState)
    extra: Mapping[str, Any] = field(default_factory=dict)
    question: Asked = Question.NONE
    sync: Sync = field(default_factory=lambda: Synced(0))


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
    binary = getattr(value, "value", value)  # boto3 hands DynamoDB binaries back wrapped
    if isinstance(binary, bytes | bytearray):
        return {"$binary": base64.b64encode(binary).decode("ascii")}
    return value


def _untagged(value: Mapping[str, Any]) -> Any:
    """A ``$decimal`` or ``$binary`` tag written by ``_json_safe`` read back; any other map
    (or a tag that does not read: some other writer's field) as it is."""
    try:
        if set(value) == {"$binary"}:
            return base64.b64decode(str(value["$binary"]), validate=True)
        if set(value) == {"$decimal"}:
            return Decimal(str(value["$decimal"]))
    except (ArithmeticError, ValueError):
        pass
    return {k: _from_json(v) for k, v in value.items()}


def _from_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _untagged(value)
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def revision_of(sync: Sync) -> int:
    """The stored revision a sync builds on (0 when the record is not known)."""
    match sync:
        case Synced(revision=revision) | Owed(revision=revision) | ReadOnly(revision=revision):
            return revision
        case Unread():
            return 0
        case _:
            assert_never(sync)


def _sync_json(sync: Sync, place: Place) -> dict[str, Any]:
    """The sync as flat JSON flags, the shape session copies have had since the first release
    (``owed``, ``loaded``, ``read_only``, ``saved_place``), so copies in flight across a
    deployment read the same either way."""
    match sync:
        case Synced():
            return {"owed": False, "loaded": True, "saved_place": _place_json(place)}
        case Owed(stored_place=stored):
            return {"owed": True, "loaded": True, "saved_place": _place_json(stored)}
        case Unread(changed=changed, counted_from=counted_from):
            return {"owed": changed, "loaded": False, "counted_from": counted_from}
        case ReadOnly():
            return {"owed": False, "loaded": True, "read_only": True}
        case _:
            assert_never(sync)


def _sync_from(raw: Mapping[str, Any], stored: Stored, routine: Routine) -> Sync:
    # A copy written by newer code is never writable here, whatever its flags say.
    if raw.get("read_only") is True or stored.read_only:
        return ReadOnly(stored.revision)
    if raw.get("schema") == 1:
        # The first release's copy: ``unsaved`` and ``verified`` for ``owed`` and ``loaded``; its
        # count always came from the store (finishing ended the session there too).
        owed, loaded = raw.get("unsaved") is True, raw.get("verified") is not False
        counted_from = stored.state.progress.completed
    else:
        owed, loaded = raw.get("owed") is True, raw.get("loaded") is not False
        counted = whole(raw.get("counted_from"))
        counted_from = counted if counted is not None and counted >= 0 else 0
    if not loaded:
        return Unread(changed=owed, counted_from=counted_from)
    if owed:
        return Owed(stored.revision, _place_from(raw.get("saved_place"), routine))
    return Synced(stored.revision)


def to_session(copy: SessionCopy, routine: Routine, writer: str, now: datetime) -> dict[str, Any]:
    """The session attributes for ``copy``."""
    record = encode(
        copy.state,
        routine,
        revision=revision_of(copy.sync),
        writer=writer,
        now=now,
        extra=_json_safe(copy.extra),
    )
    record.update(_question_json(copy.question), **_sync_json(copy.sync, copy.state.place))
    return {SESSION_KEY: record}


CONFIRM_REMINDER = "confirm_reminder"
"""The session's name for the question ``ConfirmReminder``; its time travels as ``proposal``."""


def _question_json(asked: Asked) -> dict[str, str]:
    match asked:
        case ConfirmReminder(at=at):
            return {"question": CONFIRM_REMINDER, "proposal": clock_text(at)}
        case Question():
            return {"question": asked.value}
        case _:
            assert_never(asked)


def _question_from(raw: Mapping[str, Any]) -> Asked:
    """The question pending; a damaged one (or a proposal without a readable time) is none."""
    value = raw.get("question", Question.NONE.value)
    if value == CONFIRM_REMINDER:
        proposal = clock_time(raw.get("proposal"))
        return Question.NONE if proposal is None else ConfirmReminder(proposal)
    try:
        return Question(value)
    except (TypeError, ValueError):
        return Question.NONE


SESSION_ONLY = (
    "question", "proposal", "owed", "loaded", "read_only", "saved_place", "counted_from"
)  # fmt: skip
"""Keys of the session copy that are not record fields."""
FIRST_RELEASE_ONLY = ("unsaved", "verified")
"""The first release's session-only keys, in a copy with ``schema`` 1 only."""


def from_session(attributes: Mapping[str, Any] | None, routine: Routine) -> SessionCopy | None:
    """The session's copy, or None when the session has none (or a damaged one)."""
    raw = (attributes or {}).get(SESSION_KEY)
    if not isinstance(raw, Mapping) or not raw:
        return None  # an empty copy is damage, not a new user: read the store instead
    session_only = SESSION_ONLY + (FIRST_RELEASE_ONLY if raw.get("schema") == 1 else ())
    record = {key: value for key, value in raw.items() if key not in session_only}
    stored: Stored = decode(_from_json(record), routine)
    if stored.issue is not None:
        return None
    question = _question_from(raw)
    return SessionCopy(stored.state, stored.extra, question, _sync_from(raw, stored, routine))
