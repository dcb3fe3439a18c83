"""The stored record and the session copy: round trips, and decoding that never fails."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upper_back.core.navigation import Position, Question
from upper_back.core.record import (
    MAX_COUNT,
    SCHEMA_VERSION,
    SESSION_KEY,
    Decoded,
    Issue,
    SessionState,
    decode,
    encode,
    from_session,
    to_session,
)
from upper_back.core.routine import load_routine

ROUTINE = load_routine()
LAYOUT = tuple(move.parts for move in ROUTINE.moves)
IDS = [move.id for move in ROUTINE.moves]
SPLIT = max(i for i, move in enumerate(ROUTINE.moves) if move.split_sides)
NOW = datetime(2025, 3, 14, 7, 30, 12, 345678, tzinfo=UTC)


@st.composite
def positions(draw: st.DrawFn) -> Position:
    """Any valid position of the real routine, with any question."""
    move = draw(st.integers(0, len(LAYOUT) - 1))
    return Position(
        move=move,
        part=draw(st.integers(0, LAYOUT[move] - 1)),
        in_progress=draw(st.booleans()),
        completed=draw(st.integers(0, MAX_COUNT)),
        question=draw(st.sampled_from(Question)),
    )


revisions = st.integers(0, 2**53)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.decimals()
    | st.sampled_from([*IDS, "left", "right", "", SCHEMA_VERSION])
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
record_like = st.fixed_dictionaries(
    {},
    optional={
        "schema": st.sampled_from([SCHEMA_VERSION, Decimal(SCHEMA_VERSION)]) | json_like,
        "move": st.sampled_from(IDS) | json_like,
        "side": st.sampled_from(["left", "right", ""]) | json_like,
        "in_progress": st.booleans() | json_like,
        "completed": st.integers(0, 9) | st.decimals(0, 9) | json_like,
        "revision": st.integers(0, 9) | json_like,
        "updated_at": st.just(NOW.isoformat()) | json_like,
    },
)


def is_safe(decoded: Decoded) -> bool:
    p = decoded.position
    return (
        0 <= p.move < len(LAYOUT)
        and 0 <= p.part < LAYOUT[p.move]
        and 0 <= p.completed <= MAX_COUNT
        and p.question is Question.NONE
        and isinstance(decoded.revision, int)  # kept as stored: saves are conditional on it
    )


def as_dynamodb(record: dict[str, Any]) -> dict[str, Any]:
    """The record as DynamoDB hands it back: every number a Decimal."""
    return {
        key: Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for key, value in record.items()
    }


def record(**fields: Any) -> dict[str, Any]:
    """A well-formed record (a split move, second side, in progress) with ``fields`` changed."""
    return {**encode(Position(SPLIT, 1, True, 4), ROUTINE, 9, NOW), **fields}


@settings(max_examples=200, deadline=None)
@given(position=positions(), revision=revisions)
def test_a_stored_position_reads_back_as_written(position: Position, revision: int) -> None:
    stored = encode(position, ROUTINE, revision, NOW)
    expected = Decoded(replace(position, question=Question.NONE), revision)
    assert decode(stored, ROUTINE) == expected
    assert decode(as_dynamodb(stored), ROUTINE) == expected
    assert decode(json.loads(json.dumps(stored)), ROUTINE) == expected


@settings(max_examples=300, deadline=None)
@given(raw=json_like)
def test_decoding_any_json_like_value_gives_a_safe_position(raw: Any) -> None:
    assert is_safe(decode(raw, ROUTINE))


@settings(max_examples=300, deadline=None)
@given(raw=record_like)
def test_decoding_a_damaged_record_gives_a_safe_position(raw: dict[str, Any]) -> None:
    decoded = decode(raw, ROUTINE)
    assert is_safe(decoded)
    if decoded.issue is not None:
        assert not decoded.position.in_progress


def test_numbers_dynamodb_returns_as_decimals_decode_like_ints() -> None:
    as_ints = record(completed=12, revision=40)
    as_decimals = record(schema=Decimal(1), completed=Decimal("12"), revision=Decimal("4E+1"))
    assert decode(as_decimals, ROUTINE) == decode(as_ints, ROUTINE)
    assert decode(as_ints, ROUTINE) == Decoded(Position(SPLIT, 1, True, 12), 40)


@pytest.mark.parametrize("schema", [SCHEMA_VERSION + 1, 0, None, "1", True, 1.5, Decimal("1.5")])
def test_an_unknown_schema_version_starts_afresh(schema: Any) -> None:
    assert decode(record(schema=schema), ROUTINE) == Decoded(
        Position(), revision=9, issue=Issue.UNKNOWN_VERSION
    )


def test_a_record_without_a_schema_version_starts_afresh() -> None:
    raw = record()
    del raw["schema"]
    assert decode(raw, ROUTINE).issue is Issue.UNKNOWN_VERSION


@pytest.mark.parametrize("move", ["neck_roll", "", None, 3, ["wall_splat"], "WALL_SPLAT"])
def test_an_unknown_move_starts_afresh_but_keeps_the_count(move: Any) -> None:
    assert decode(record(move=move), ROUTINE) == Decoded(
        Position(completed=4), revision=9, issue=Issue.UNKNOWN_MOVE
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"completed": "4"},
        {"completed": 4.0},
        {"completed": True},
        {"completed": Decimal("4.5")},
        {"completed": Decimal("NaN")},
        {"completed": -1},
        {"completed": MAX_COUNT + 1},
        {"completed": None},
        {"in_progress": "true"},
        {"in_progress": 1},
        {"in_progress": None},
    ],
    ids=repr,
)
def test_fields_of_the_wrong_type_are_corrupt(fields: dict[str, Any]) -> None:
    decoded = decode(record(**fields), ROUTINE)
    assert (decoded.position, decoded.issue) == (Position(), Issue.CORRUPT)


@pytest.mark.parametrize("raw", [None, [], "record", 3, [("schema", 1)]], ids=repr)
def test_something_other_than_a_record_is_corrupt(raw: Any) -> None:
    assert decode(raw, ROUTINE) == Decoded(Position(), issue=Issue.CORRUPT)


def test_an_empty_record_is_a_new_user_with_no_issue() -> None:
    assert decode({}, ROUTINE) == Decoded(Position(), revision=0, issue=None)


def test_a_revision_that_is_not_a_whole_number_reads_as_zero_without_losing_the_place() -> None:
    for revision in ("7", 2.5, None, True):
        decoded = decode(record(revision=revision), ROUTINE)
        assert (decoded.revision, decoded.issue) == (0, None)
        assert decoded.position == Position(SPLIT, 1, True, 4)


def test_a_whole_number_revision_is_kept_exactly_as_stored() -> None:
    for revision in (-3, 0, Decimal(12)):
        assert decode(record(revision=revision), ROUTINE).revision == int(revision)


def test_an_unknown_side_falls_back_to_the_first_part_of_the_move() -> None:
    decoded = decode(record(side="middle"), ROUTINE)
    assert decoded == Decoded(Position(SPLIT, 0, True, 4), 9)


def floats_in(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats_in(item)]
    if isinstance(value, list | tuple):
        return [f for item in value for f in floats_in(item)]
    return [value] if isinstance(value, float) else []


@settings(max_examples=100, deadline=None)
@given(position=positions(), revision=revisions)
def test_a_record_holds_no_floats_and_names_move_and_side(
    position: Position, revision: int
) -> None:
    stored = encode(position, ROUTINE, revision, NOW)
    move = ROUTINE.moves[position.move]
    assert floats_in(stored) == []
    assert stored["schema"] == SCHEMA_VERSION
    assert stored["move"] == move.id
    assert stored["side"] == (move.sides[position.part] if move.split_sides else "")
    assert (stored["completed"], stored["revision"]) == (position.completed, revision)
    assert datetime.fromisoformat(stored["updated_at"]) == NOW.replace(microsecond=0)


sessions = st.builds(SessionState, positions(), revisions, st.booleans(), st.booleans())


@settings(max_examples=200, deadline=None)
@given(state=sessions)
def test_the_session_copy_round_trips_with_its_session_only_fields(state: SessionState) -> None:
    attributes = to_session(state, ROUTINE)
    assert from_session(attributes, ROUTINE) == state
    assert from_session(json.loads(json.dumps(attributes)), ROUTINE) == state
    assert floats_in(attributes) == []


def test_session_attributes_of_other_features_are_left_alone() -> None:
    state = SessionState(Position(2, 1, True, 1, Question.NEXT), revision=3, unsaved=True)
    attributes = {"unrelated": {"schema": 99}, **to_session(state, ROUTINE)}
    assert from_session(attributes, ROUTINE) == state


@pytest.mark.parametrize(
    "attributes",
    [
        None,
        {},
        {"other": 1},
        {SESSION_KEY: None},
        {SESSION_KEY: "move 3"},
        {SESSION_KEY: [1, 2]},
        {SESSION_KEY: {}},
        {SESSION_KEY: {**record(), "schema": 7}},
        {SESSION_KEY: {**record(), "move": "gone"}},
        {SESSION_KEY: {**record(), "completed": "lots"}},
    ],
    ids=repr,
)
def test_missing_or_damaged_session_data_reads_as_no_session(attributes: Any) -> None:
    assert from_session(attributes, ROUTINE) is None


def test_an_unknown_question_in_the_session_is_forgotten_not_fatal() -> None:
    attributes = to_session(SessionState(Position(1, 1, True), 2), ROUTINE)
    attributes[SESSION_KEY]["question"] = "dance"
    restored = from_session(attributes, ROUTINE)
    assert restored is not None
    assert restored.position == Position(1, 1, True, question=Question.NONE)


@settings(max_examples=200, deadline=None)
@given(raw=st.dictionaries(st.text(max_size=10), json_like, max_size=8) | record_like)
def test_from_session_never_raises_on_damaged_session_data(raw: dict[str, Any]) -> None:
    restored = from_session({SESSION_KEY: raw}, ROUTINE)
    if restored is not None:
        assert is_safe(Decoded(replace(restored.position, question=Question.NONE)))
