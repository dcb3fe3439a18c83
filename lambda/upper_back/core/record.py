"""The stored record: versioned, upgraded step by step, and decoded without ever raising.

A record is JSON-like data (DynamoDB hands numbers back as ``Decimal``; it refuses floats, so
only ints and strings are written). Its ``schema`` says which shape it has:

- v1 (shipped first): flat ``move``, ``side``, ``in_progress``, ``completed``.
- v2: the state in parts: ``place`` (absent when no routine is under way), ``progress``,
  ``preferences``; and ``writer``, a token of the session that wrote the revision, so that a
  session can recognise its own write whose answer was lost. Fields added since, each with a
  default (so no new version): ``place.kind`` ("quick"; absent for the full run), ``place.done``
  (true: the set there was finished before the session lapsed), ``preferences.pace``,
  ``preferences.variants`` (move id -> version), ``preferences.detail``, ``progress.days`` (local
  ISO dates done) and ``habit`` (``zone``, the IANA time zone last looked up; ``reminder``, the
  daily reminder's ``at`` "HH:MM" and Alexa's ``token``; ``offered``, the ISO date a reminder was
  last offered; ``quiet``, true once the person refused the permission).

Older records go through the upgrade chain (``UPGRADES``) one version at a time, keeping
everything they hold. A field added with a default needs no new version. A record whose version
is newer than this code (a rollback, a canary) is read for what this code understands and marked
``read_only``: it is never written. Fields this code does not know are kept in ``extra`` and
written back untouched. Anything damaged decodes to the nearest safe value, part by part, with
the reason in ``issue``: a damaged count does not cost the place, nor a removed move the count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from upper_back.core.habit import DAYS_KEPT, clock_text, clock_time
from upper_back.core.routine import Routine
from upper_back.core.state import (
    AtMove,
    Habit,
    Kind,
    NotStarted,
    Place,
    Preferences,
    Progress,
    Reminder,
    UserState,
)

SCHEMA_VERSION = 2
MAX_COUNT = 1_000_000
"""Completed-routine counts above this are treated as damage."""
MAX_DAYS = DAYS_KEPT
"""Local dates kept in ``progress.days``."""
MAX_TEXT = 200
"""Longest zone name or reminder token read back; anything longer is treated as damage."""
KNOWN_FIELDS = frozenset(
    {"schema", "revision", "writer", "updated_at", "place", "progress", "preferences", "habit"}
)
"""Top-level fields this version reads; any other is carried through a save untouched."""
KNOWN_PART_FIELDS = {
    "place": frozenset({"move", "side", "kind", "done"}),
    "progress": frozenset({"completed", "days", "quick"}),
    "preferences": frozenset({"pace", "variants", "detail"}),
    "habit": frozenset({"zone", "reminder", "offered", "quiet"}),
}
"""Fields this version reads inside each part; any other is kept too (under ``extra[part]``)."""


class Issue(Enum):
    """Why a record did not decode as written (None when it did), by what was lost."""

    UNKNOWN_MOVE = "unknown_move"  # the place names a move the routine no longer has
    UNREADABLE = "unreadable"  # the record, or its place, could not be read
    UNREADABLE_PROGRESS = "unreadable_progress"  # the place was kept; the count was not


@dataclass(frozen=True)
class Stored:
    """A record as this code understands it: the state, the revision it was stored at, the
    session that wrote it, what this code does not know (kept for the next save), whether it is
    too new to write, and what was wrong with it."""

    state: UserState = field(default_factory=UserState)
    revision: int = 0
    writer: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    read_only: bool = False
    issue: Issue | None = None


def whole(value: Any) -> int | None:
    """An int from an int or an integral Decimal; None for anything else (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


# The upgrade chain: UPGRADES[n] turns a version-n record into a version-(n + 1) record. Each
# step is pure, keeps every field it does not reshape, and never raises on damaged values: it
# moves them where the next decoder finds (and judges) them.


def _v1_to_v2(raw: Mapping[str, Any]) -> dict[str, Any]:
    flat = ("move", "side", "in_progress", "completed")
    upgraded = {key: value for key, value in raw.items() if key not in flat}
    in_progress = raw.get("in_progress")
    if in_progress is True:
        upgraded["place"] = {"move": raw.get("move"), "side": raw.get("side", "")}
    elif in_progress is not False:
        upgraded["place"] = "unreadable"  # v1 refused such a record: the v2 decoder does too
    upgraded["progress"] = {"completed": raw.get("completed")}
    upgraded["schema"] = 2
    return upgraded


UPGRADES: dict[int, Callable[[Mapping[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def _place(raw: Any, routine: Routine) -> tuple[Place, Issue | None]:
    if raw is None:
        return NotStarted(), None
    if not isinstance(raw, Mapping):
        return NotStarted(), Issue.UNREADABLE
    move_id = raw.get("move")
    index = routine.index_of(move_id) if isinstance(move_id, str) else None
    if index is None:
        return NotStarted(), Issue.UNKNOWN_MOVE
    move = routine.moves[index]
    side = raw.get("side")
    part = move.sides.index(side) if move.split_sides and side in move.sides else 0
    kind = Kind.QUICK if raw.get("kind") == Kind.QUICK.value else Kind.FULL
    return AtMove(index, part, done=raw.get("done") is True, kind=kind), None


def _days(raw: Any) -> tuple[date, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    days = set()
    for value in raw:
        try:
            days.add(date.fromisoformat(value))
        except (TypeError, ValueError):
            continue  # one unreadable date is dropped, not the others
    return tuple(sorted(days)[-MAX_DAYS:])


def _progress(raw: Any) -> tuple[Progress, Issue | None]:
    if raw is None:
        return Progress(), None  # not written by this version's shape: the default
    if not isinstance(raw, Mapping):
        return Progress(), Issue.UNREADABLE_PROGRESS
    completed = whole(raw.get("completed"))
    if completed is None or not 0 <= completed <= MAX_COUNT:
        return Progress(days=_days(raw.get("days"))), Issue.UNREADABLE_PROGRESS
    quick = whole(raw.get("quick"))  # absent (v1, or before quick runs counted apart): 0
    quick = quick if quick is not None and 0 <= quick <= completed else 0
    return Progress(completed, _days(raw.get("days")), quick), None


def _preferences(raw: Any) -> Preferences:
    if not isinstance(raw, Mapping):
        return Preferences()
    pace = raw.get("pace")
    detail = raw.get("detail")
    variants = raw.get("variants")
    pairs = (
        tuple(
            sorted((k, v) for k, v in variants.items() if isinstance(k, str) and isinstance(v, str))
        )
        if isinstance(variants, Mapping)
        else ()
    )
    # Any string is kept as stored (a newer version may know more values); the renderer treats
    # a value it does not know as the default.
    return Preferences(
        pace if isinstance(pace, str) else None, pairs, detail if isinstance(detail, str) else None
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_TEXT else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _habit(raw: Any) -> Habit:
    """The habit part; each field on its own, so a damaged one costs only itself (a reminder
    without a readable time or token is forgotten: it can be set again, never doubled, since
    Alexa's copy is deleted only by token)."""
    if not isinstance(raw, Mapping):
        return Habit()
    reminder = raw.get("reminder")
    at = clock_time(reminder.get("at")) if isinstance(reminder, Mapping) else None
    token = _text(reminder.get("token")) if isinstance(reminder, Mapping) else None
    return Habit(
        zone=_text(raw.get("zone")),
        reminder=Reminder(at, token) if at is not None and token is not None else None,
        offered=_date(raw.get("offered")),
        quiet=raw.get("quiet") is True,
    )


def _upgrade(raw: Mapping[str, Any]) -> tuple[Mapping[str, Any], int] | None:
    """The record in the current shape and the version it was written with; None when its
    version is not one that ever shipped (not a whole number, or below 1)."""
    version = whole(raw.get("schema"))
    if version is None or version < 1:
        return None
    record: Mapping[str, Any] = raw
    for step in range(version, SCHEMA_VERSION):
        record = UPGRADES[step](record)
    return record, version


def decode(raw: Any, routine: Routine) -> Stored:
    """What a stored record says, never raising. ``{}`` is somebody new."""
    if not isinstance(raw, Mapping):
        return Stored(issue=Issue.UNREADABLE)
    if not raw:
        return Stored()
    # Any whole number is kept as stored: the next save is conditional on exactly this value.
    revision = max(whole(raw.get("revision")) or 0, 0)
    upgraded = _upgrade(raw)
    if upgraded is None:
        return Stored(revision=revision, issue=Issue.UNREADABLE)
    record, version = upgraded
    place, place_issue = _place(record.get("place"), routine)
    progress, progress_issue = _progress(record.get("progress"))
    writer = record.get("writer")
    return Stored(
        state=UserState(
            place, progress, _preferences(record.get("preferences")), _habit(record.get("habit"))
        ),
        revision=revision,
        writer=writer if isinstance(writer, str) else None,
        extra=_unknown(record),
        read_only=version > SCHEMA_VERSION,
        issue=place_issue or progress_issue,
    )


def _unknown(record: Mapping[str, Any]) -> dict[str, Any]:
    """What this version does not read: top-level fields as they are, and, under a part's name,
    the fields of that part it does not read (a newer version may add some without a new
    schema version, and a rollback must not strip them)."""
    unknown = {key: value for key, value in record.items() if key not in KNOWN_FIELDS}
    for part, known in KNOWN_PART_FIELDS.items():
        value = record.get(part)
        if isinstance(value, Mapping):
            extra = {k: v for k, v in value.items() if k not in known}
            if extra:
                # A place's unknown fields describe that place: keep it whole, to tell later
                # whether the person is still there.
                unknown[part] = dict(value) if part == "place" else extra
    return unknown


def _progress_fields(progress: Progress, days: list[str]) -> dict[str, Any]:
    """The progress part: ``quick`` only once a quick run was finished (absent reads as 0)."""
    fields: dict[str, Any] = {"completed": progress.completed, "days": days}
    if progress.quick:
        fields["quick"] = progress.quick
    return fields


def _with(extra: Mapping[str, Any], part: str, known: dict[str, Any]) -> dict[str, Any]:
    """A part's known fields over the unknown ones kept for it."""
    kept = extra.get(part)
    return {**(kept if isinstance(kept, Mapping) else {}), **known}


def _encode_place(place: Place, routine: Routine) -> dict[str, Any] | None:
    match place:
        case NotStarted():
            return None
        case AtMove(move=index, part=part, done=done, kind=kind):
            move = routine.moves[index]
            encoded: dict[str, Any] = {
                "move": move.id,
                "side": move.sides[part] if move.split_sides else "",
            }
            if kind is not Kind.FULL:
                encoded["kind"] = kind.value
            if done:
                encoded["done"] = True
            return encoded


def encode(
    state: UserState,
    routine: Routine,
    *,
    revision: int,
    writer: str,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The record to store for ``state`` at ``revision``: ints and strings only (never floats),
    the move by id and the side by name (so content can be reordered between releases), and
    ``extra``, the fields this code does not know, as they were read."""
    extra = extra or {}
    record: dict[str, Any] = {key: value for key, value in extra.items() if key != "place"}
    days = [day.isoformat() for day in state.progress.days[-MAX_DAYS:]]
    record.update(
        schema=SCHEMA_VERSION,
        revision=revision,
        writer=writer,
        updated_at=now.isoformat(timespec="seconds"),
        progress=_with(extra, "progress", _progress_fields(state.progress, days)),
        preferences=_with(extra, "preferences", _encode_preferences(state.preferences)),
    )
    habit = _with(extra, "habit", _encode_habit(state.habit))
    if habit:
        record["habit"] = habit
    place = _encode_place(state.place, routine)
    if place is not None:
        # Unknown fields of a place belong to that place: kept while the person is still there.
        kept = extra.get("place")
        # Still there: the same move and side (a finished set or the run's kind may change).
        if isinstance(kept, Mapping) and all(kept.get(k) == place.get(k) for k in ("move", "side")):
            unknown = {k: v for k, v in kept.items() if k not in KNOWN_PART_FIELDS["place"]}
            record["place"] = {**unknown, **place}
        else:
            record["place"] = place
    return record


def _encode_habit(habit: Habit) -> dict[str, Any]:
    """The habit part, its unset fields left out (nothing at all for somebody new)."""
    encoded: dict[str, Any] = {}
    if habit.zone is not None:
        encoded["zone"] = habit.zone
    if habit.reminder is not None:
        at = clock_text(habit.reminder.at)
        encoded["reminder"] = {"at": at, "token": habit.reminder.token}
    if habit.offered is not None:
        encoded["offered"] = habit.offered.isoformat()
    if habit.quiet:
        encoded["quiet"] = True
    return encoded


def _encode_preferences(preferences: Preferences) -> dict[str, Any]:
    encoded: dict[str, Any] = {"variants": dict(preferences.variants)}
    if preferences.pace is not None:
        encoded["pace"] = preferences.pace
    if preferences.detail is not None:
        encoded["detail"] = preferences.detail
    return encoded
