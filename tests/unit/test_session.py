"""The session's copy of the person: it round-trips through JSON, and damage reads as no copy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary
from hypothesis import given
from hypothesis import strategies as st

from upper_back.core.record import KNOWN_FIELDS, MAX_COUNT, MAX_DAYS
from upper_back.core.routine import load_routine
from upper_back.core.session import (
    SESSION_KEY,
    SESSION_ONLY,
    Owed,
    ReadOnly,
    SessionCopy,
    Sync,
    Synced,
    Unread,
    from_session,
    revision_of,
    to_session,
)
from upper_back.core.state import AtMove, NotStarted, Preferences, Progress, Question, UserState

ROUTINE = load_routine()
IDS = [move.id for move in ROUTINE.moves]
NOW = datetime(2025, 3, 14, 7, 30, 12, tzinfo=UTC)
WRITER = "3f9c2a7e51b04d86"

places = st.sampled_from(
    [NotStarted()]
    + [
        AtMove(index, part)
        for index, move in enumerate(ROUTINE.moves)
        for part in range(move.parts)
    ]
)
user_states = st.builds(
    UserState,
    places,
    st.builds(
        Progress,
        st.integers(0, MAX_COUNT),
        st.lists(st.dates(), max_size=MAX_DAYS, unique=True).map(lambda days: tuple(sorted(days))),
    ),
    st.builds(
        Preferences,
        st.none() | st.text(max_size=8),
        st.dictionaries(st.sampled_from(IDS), st.text(max_size=8), max_size=2)
        .map(lambda variants: tuple(sorted(variants.items()))),
    ),
)  # fmt: skip
# Unknown fields of a record as DynamoDB hands them back: numbers are Decimals, whole or not.
dynamodb_values = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=8)
    | st.decimals(-(10**9), 10**9, places=0)
    | st.decimals(-(10**9), 10**9, places=4, allow_nan=False, allow_infinity=False)
    | st.binary(max_size=8)
    | st.binary(max_size=8).map(Binary),  # how boto3 hands a DynamoDB binary back
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
extras = st.dictionaries(
    st.text(max_size=10).filter(lambda key: key not in KNOWN_FIELDS | set(SESSION_ONLY)),
    dynamodb_values,
    max_size=3,
)
revisions = st.integers(0, 2**53)
syncs: st.SearchStrategy[Sync] = (
    st.builds(Synced, revisions)
    | st.builds(Owed, revisions, st.none() | places)
    | st.builds(Unread, st.booleans())
    | st.builds(ReadOnly, revisions)
)
copies = st.builds(SessionCopy, user_states, extras, st.sampled_from(Question), syncs)
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def through_json(attributes: dict[str, Any]) -> Any:
    """What the next request brings back: session attributes travel as JSON."""
    return json.loads(json.dumps(attributes))


def floats_in(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats_in(item)]
    if isinstance(value, list | tuple):
        return [f for item in value for f in floats_in(item)]
    return [value] if isinstance(value, float) else []


@given(copy=copies)
def test_the_session_copy_round_trips_through_json_with_its_session_only_fields(
    copy: SessionCopy,
) -> None:
    attributes = to_session(copy, ROUTINE, WRITER, NOW)
    assert from_session(attributes, ROUTINE) == copy
    assert from_session(through_json(attributes), ROUTINE) == copy
    assert floats_in(attributes) == []


def test_an_unknown_field_with_a_fractional_decimal_comes_back_as_that_decimal() -> None:
    copy = SessionCopy(
        UserState(AtMove(1, 1), Progress(3)),
        extra={"weight": Decimal("72.50"), "nested": {"ratios": [Decimal("0.1"), Decimal(4)]}},
        question=Question.NEXT,
        sync=Owed(7, None),
    )
    restored = from_session(through_json(to_session(copy, ROUTINE, WRITER, NOW)), ROUTINE)
    assert restored is not None
    assert restored == copy
    weight = restored.extra["weight"]
    assert isinstance(weight, Decimal)
    assert str(weight) == "72.50"  # exactly as stored: no float ever in between
    assert restored.extra["nested"] == {"ratios": [Decimal("0.1"), 4]}
    assert isinstance(restored.extra["nested"]["ratios"][0], Decimal)


def test_the_session_copy_is_the_record_plus_the_session_only_fields() -> None:
    copy = SessionCopy(
        UserState(AtMove(2, 1), Progress(4, (date(2025, 3, 13),))),
        extra={"nickname": "Sam"},
        question=Question.NEXT,
        sync=Owed(9, AtMove(2)),
    )
    assert to_session(copy, ROUTINE, WRITER, NOW) == {
        SESSION_KEY: {
            "schema": 2,
            "revision": 9,
            "writer": WRITER,
            "updated_at": "2025-03-14T07:30:12+00:00",
            "place": {"move": "can_openers", "side": "right"},
            "progress": {"completed": 4, "days": ["2025-03-13"]},
            "preferences": {"variants": {}},
            "nickname": "Sam",
            "question": "next",
            "owed": True,
            "loaded": True,
            "saved_place": [2, 0],
        }
    }


@pytest.mark.parametrize(
    ("sync", "flags"),
    [
        (Synced(9), {"revision": 9, "owed": False, "loaded": True, "saved_place": [2, 1]}),
        (Owed(9, AtMove(2)), {"revision": 9, "owed": True, "loaded": True, "saved_place": [2, 0]}),
        (Owed(9, NotStarted()), {"revision": 9, "owed": True, "loaded": True, "saved_place": []}),
        (Owed(9, None), {"revision": 9, "owed": True, "loaded": True, "saved_place": None}),
        (Unread(), {"revision": 0, "owed": False, "loaded": False}),
        (Unread(changed=True), {"revision": 0, "owed": True, "loaded": False}),
        (ReadOnly(9), {"revision": 9, "owed": False, "loaded": True, "read_only": True}),
    ],
    ids=repr,
)
def test_each_sync_is_written_as_the_flat_flags_session_copies_have_always_had(
    sync: Sync, flags: dict[str, Any]
) -> None:
    """A copy in flight across a deployment reads the same under either release."""
    copy = SessionCopy(UserState(AtMove(2, 1)), question=Question.NEXT, sync=sync)
    written = to_session(copy, ROUTINE, WRITER, NOW)[SESSION_KEY]
    session_flags = {"owed", "loaded", "read_only", "saved_place"}
    assert {key: written[key] for key in {"revision"} | session_flags if key in written} == flags
    assert revision_of(sync) == flags["revision"]
    assert from_session({SESSION_KEY: written}, ROUTINE) == copy


FIRST_RELEASE_COPY = {
    "schema": 1,
    "move": "wall_splat",
    "side": "right",
    "in_progress": True,
    "completed": 2,
    "revision": 4,
    "updated_at": "2025-03-14T07:30:12+00:00",
    "question": "next",
}


@pytest.mark.parametrize(
    ("flags", "sync"),
    [
        ({"unsaved": True, "verified": True}, Owed(4, None)),
        ({"unsaved": False, "verified": True}, Synced(4)),
        # Its count came from the store: only routines finished after it would be added.
        ({"unsaved": True, "verified": False}, Unread(changed=True, counted_from=2)),
        ({"unsaved": False, "verified": False}, Unread(counted_from=2)),
        ({}, Synced(4)),
    ],
    ids=repr,
)
def test_a_session_copy_from_the_first_release_reads_its_unsaved_and_verified_flags(
    flags: dict[str, Any], sync: Sync
) -> None:
    restored = from_session({SESSION_KEY: {**FIRST_RELEASE_COPY, **flags}}, ROUTINE)
    assert restored == SessionCopy(UserState(AtMove(1, 1), Progress(2)), {}, Question.NEXT, sync)
    # The first release's flags are session-only: never taken for record fields, never written.
    written = to_session(restored, ROUTINE, WRITER, NOW)[SESSION_KEY]
    assert not {"unsaved", "verified", "in_progress", "move", "side"} & set(written)


def test_session_attributes_of_other_features_are_left_alone() -> None:
    copy = SessionCopy(UserState(AtMove(2, 1), Progress(1)), question=Question.NEXT)
    attributes = {"unrelated": {"schema": 99}, **to_session(copy, ROUTINE, WRITER, NOW)}
    assert from_session(attributes, ROUTINE) == copy


GOOD = to_session(
    SessionCopy(UserState(AtMove(1, 1), Progress(2)), question=Question.NEXT), ROUTINE, WRITER, NOW
)[SESSION_KEY]


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
        {SESSION_KEY: {**GOOD, "schema": 0}},
        {SESSION_KEY: {**GOOD, "schema": "2"}},
        {SESSION_KEY: {key: value for key, value in GOOD.items() if key != "schema"}},
        {SESSION_KEY: {**GOOD, "place": {"move": "gone", "side": ""}}},
        {SESSION_KEY: {**GOOD, "place": "move 3"}},
        {SESSION_KEY: {**GOOD, "progress": {"completed": "lots"}}},
        {SESSION_KEY: {**GOOD, "progress": [2]}},
    ],
    ids=repr,
)
def test_missing_or_damaged_session_data_reads_as_no_copy(attributes: Any) -> None:
    assert from_session(attributes, ROUTINE) is None


@pytest.mark.parametrize("question", ["dance", None, 3, ["next"], {"q": "next"}], ids=repr)
def test_an_unknown_question_in_the_session_is_forgotten_not_fatal(question: Any) -> None:
    restored = from_session({SESSION_KEY: {**GOOD, "question": question}}, ROUTINE)
    assert restored == SessionCopy(UserState(AtMove(1, 1), Progress(2)), question=Question.NONE)


@pytest.mark.parametrize(
    ("saved_place", "expected"),
    [([], NotStarted()), ([1, 1], AtMove(1, 1)), ([1, 2], None), ([9, 0], None),
     ([True, 0], None), ("1,1", None), (None, None)],
    ids=repr,
)  # fmt: skip
def test_a_damaged_saved_place_is_forgotten_not_fatal(saved_place: Any, expected: Any) -> None:
    raw = {**GOOD, "owed": True, "saved_place": saved_place}
    restored = from_session({SESSION_KEY: raw}, ROUTINE)
    assert restored is not None
    assert restored.sync == Owed(GOOD["revision"], expected)


def test_sync_flags_that_are_not_booleans_read_as_their_safe_side() -> None:
    """Not owed (nothing to retry), loaded (no extra read), not read-only, unless said exactly."""
    raw = {**GOOD, "owed": "yes", "loaded": 0, "read_only": 1}
    restored = from_session({SESSION_KEY: raw}, ROUTINE)
    assert restored is not None
    assert restored.sync == Synced(GOOD["revision"])


@given(raw=st.dictionaries(st.text(max_size=10), json_like, max_size=8))
def test_from_session_never_raises_on_damaged_session_data(raw: dict[str, Any]) -> None:
    for attributes in ({SESSION_KEY: raw}, {SESSION_KEY: {**GOOD, **raw}}):
        restored = from_session(attributes, ROUTINE)
        if restored is not None:
            place = restored.state.place
            assert isinstance(place, NotStarted) or 0 <= place.move < len(ROUTINE.moves)


def test_a_session_copy_written_by_newer_code_is_never_written_by_this_code() -> None:
    """A rollback mid-session: the copy newer code wrote (schema 3, writable for it) must be
    read-only here, as the same record read from the store is."""
    restored = from_session({SESSION_KEY: {**GOOD, "schema": 3, "read_only": False}}, ROUTINE)
    assert restored is not None
    assert restored.sync == ReadOnly(GOOD["revision"])


def test_an_unknown_field_shaped_like_an_encoded_decimal_is_not_fatal() -> None:
    """A field another writer stored as {"$decimal": "..."} that is not a number."""
    restored = from_session({SESSION_KEY: {**GOOD, "future": {"$decimal": "n/a"}}}, ROUTINE)
    assert restored is None or restored.extra["future"] == {"$decimal": "n/a"}


@pytest.mark.parametrize("value", [b"\x00\xffab", Binary(b"\x00\xffab"), bytearray(b"\x00\xffab")])
def test_an_unknown_binary_field_survives_the_json_trip_as_its_bytes(value: Any) -> None:
    """DynamoDB binaries (boto3 hands them back wrapped) are not JSON: tagged, then read back."""
    copy = SessionCopy(UserState(AtMove(1, 1)), extra={"blob": value, "nested": {"list": [value]}})
    attributes = through_json(to_session(copy, ROUTINE, WRITER, NOW))
    restored = from_session(attributes, ROUTINE)
    assert restored is not None
    assert restored.extra == {"blob": b"\x00\xffab", "nested": {"list": [b"\x00\xffab"]}}
    assert type(restored.extra["blob"]) is bytes


@pytest.mark.parametrize("tag", ["not base64!", 3, ["AAE="]], ids=repr)
def test_an_unknown_field_shaped_like_an_encoded_binary_is_not_fatal(tag: Any) -> None:
    """A field another writer stored as {"$binary": ...} that does not decode."""
    restored = from_session({SESSION_KEY: {**GOOD, "future": {"$binary": tag}}}, ROUTINE)
    assert restored is not None
    assert restored.extra["future"] == {"$binary": tag}
