"""The stored record: the codec, the upgrade chain from every shipped version, and decoding that
never fails and judges a damaged record part by part."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upper_back.core.record import (
    KNOWN_FIELDS,
    KNOWN_PART_FIELDS,
    MAX_COUNT,
    MAX_DAYS,
    UPGRADES,
    Issue,
    Stored,
    decode,
    encode,
)
from upper_back.core.routine import load_routine
from upper_back.core.state import (
    AtMove,
    Kind,
    NotStarted,
    Place,
    Preferences,
    Progress,
    UserState,
)

ROUTINE = load_routine()
IDS = [move.id for move in ROUTINE.moves]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "records"
NOW = datetime(2025, 3, 14, 7, 30, 12, 345678, tzinfo=UTC)
WRITER = "3f9c2a7e51b04d86"


def named(place: Place) -> tuple[str, str] | None:
    """A place as the record names it: (move id, side), the side "" for a move done in one go."""
    if isinstance(place, NotStarted):
        return None
    move = ROUTINE.moves[place.move]
    return move.id, move.sides[place.part] if move.split_sides else ""


# -- Strategies ---------------------------------------------------------------------------------

places = st.sampled_from(
    [NotStarted()]
    + [
        AtMove(index, part, done, kind)
        for index, move in enumerate(ROUTINE.moves)
        for part in range(move.parts)
        for done in (False, True)
        for kind in Kind
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
        st.dictionaries(st.sampled_from(IDS) | st.text(max_size=8), st.text(max_size=8), max_size=3)
        .map(lambda variants: tuple(sorted(variants.items()))),
        st.none() | st.sampled_from(["full", "short"]) | st.text(max_size=8),
    ),
)  # fmt: skip
revisions = st.integers(0, 2**53)
writers = st.text(max_size=16)
# What DynamoDB can hand back: no floats, numbers as Decimal (whole or not), nested maps and lists.
dynamodb_values = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=8)
    | st.integers(-(10**12), 10**12)
    | st.decimals(-(10**9), 10**9, places=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
unknown_fields = st.dictionaries(
    st.text(max_size=10).filter(lambda key: key not in KNOWN_FIELDS), dynamodb_values, max_size=4
)
# Anything at all that JSON, DynamoDB or a damaged item could hold, floats included.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.decimals()
    | st.sampled_from([*IDS, "left", "right", "", 1, 2, 3, Decimal(2)])
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
v1_like = st.fixed_dictionaries(
    {"schema": st.just(1) | st.just(Decimal(1))},
    optional={
        "move": st.sampled_from(IDS) | json_like,
        "side": st.sampled_from(["left", "right", ""]) | json_like,
        "in_progress": st.booleans() | json_like,
        "completed": st.integers(0, 9) | st.decimals(0, 9) | json_like,
        "revision": st.integers(0, 9) | json_like,
        "updated_at": st.just(NOW.isoformat()) | json_like,
    },
)
v2_like = st.fixed_dictionaries(
    {"schema": st.sampled_from([2, Decimal(2), 3, 17]) | json_like},
    optional={
        "revision": st.integers(0, 9) | json_like,
        "writer": st.just(WRITER) | json_like,
        "place": st.fixed_dictionaries(
            {},
            optional={
                "move": st.sampled_from(IDS) | json_like,
                "side": st.sampled_from(["left", "right", ""]) | json_like,
                "kind": st.sampled_from(["quick", "full"]) | json_like,
                "done": st.booleans() | json_like,
            },
        )
        | json_like,
        "progress": st.fixed_dictionaries(
            {},
            optional={
                "completed": st.integers(0, 9) | json_like,
                "days": st.lists(st.dates().map(date.isoformat) | json_like, max_size=4)
                | json_like,
            },
        )
        | json_like,
        "preferences": st.fixed_dictionaries(
            {},
            optional={
                "pace": json_like,
                "detail": json_like,
                "variants": st.dictionaries(st.sampled_from(IDS) | st.text(max_size=6), json_like),
            },
        )
        | json_like,
        "extra_field": json_like,
    },
)


def assert_safe(stored: Stored) -> None:
    """A decoded record the rest of the skill can use as it is."""
    place = stored.state.place
    assert isinstance(place, NotStarted) or (
        0 <= place.move < len(ROUTINE.moves) and 0 <= place.part < ROUTINE.moves[place.move].parts
    ), place
    progress = stored.state.progress
    assert 0 <= progress.completed <= MAX_COUNT
    assert list(progress.days) == sorted(set(progress.days))
    assert len(progress.days) <= MAX_DAYS
    assert all(isinstance(day, date) for day in progress.days)
    preferences = stored.state.preferences
    assert preferences.pace is None or isinstance(preferences.pace, str)
    assert preferences.detail is None or isinstance(preferences.detail, str)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in preferences.variants)
    assert type(stored.revision) is int
    assert stored.revision >= 0  # the next save is conditional on it
    assert stored.writer is None or isinstance(stored.writer, str)
    # A known name in ``extra`` is only ever a part's unknown fields: a mapping that never
    # carries a field the part's decoder reads (a place's is kept whole, with its unknown ones).
    for name in set(stored.extra) & KNOWN_FIELDS:
        assert name in KNOWN_PART_FIELDS, name
        kept = stored.extra[name]
        assert isinstance(kept, Mapping), kept
        known = KNOWN_PART_FIELDS[name]
        assert set(kept) - known, kept
        if name != "place":
            assert not set(kept) & known, kept


def as_dynamodb(value: Any) -> Any:
    """A record as DynamoDB hands it back: every number a Decimal."""
    if isinstance(value, Mapping):
        return {key: as_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_dynamodb(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def floats_in(value: Any) -> list[float]:
    if isinstance(value, Mapping):
        return [f for item in value.values() for f in floats_in(item)]
    if isinstance(value, list | tuple):
        return [f for item in value for f in floats_in(item)]
    return [value] if isinstance(value, float) else []


# -- Properties ---------------------------------------------------------------------------------


@given(raw=json_like)
def test_decoding_any_json_like_value_never_raises_and_is_safe(raw: Any) -> None:
    assert_safe(decode(raw, ROUTINE))


@given(raw=v1_like | v2_like)
def test_decoding_a_damaged_record_of_any_version_is_safe(raw: dict[str, Any]) -> None:
    stored = decode(raw, ROUTINE)
    assert_safe(stored)
    if stored.issue is Issue.UNKNOWN_MOVE:
        assert stored.state.place == NotStarted()


@given(state=user_states, revision=revisions, writer=writers)
def test_a_stored_state_reads_back_as_written(state: UserState, revision: int, writer: str) -> None:
    record = encode(state, ROUTINE, revision=revision, writer=writer, now=NOW)
    expected = Stored(state, revision, writer)
    assert decode(record, ROUTINE) == expected
    assert decode(as_dynamodb(record), ROUTINE) == expected
    assert decode(json.loads(json.dumps(record)), ROUTINE) == expected


@given(state=user_states, revision=revisions, extra=unknown_fields)
def test_an_encoded_record_holds_no_floats(
    state: UserState, revision: int, extra: dict[str, Any]
) -> None:
    """DynamoDB refuses floats: a record is ints and strings (and what it was given to keep)."""
    record = encode(state, ROUTINE, revision=revision, writer=WRITER, now=NOW, extra=extra)
    assert floats_in(record) == []


@given(state=user_states, extra=unknown_fields, dynamodb=st.booleans())
def test_fields_this_code_does_not_know_survive_a_read_and_a_write(
    state: UserState, extra: dict[str, Any], dynamodb: bool
) -> None:
    record = {**encode(state, ROUTINE, revision=3, writer=WRITER, now=NOW), **extra}
    raw = as_dynamodb(record) if dynamodb else record
    stored = decode(raw, ROUTINE)
    assert stored.extra == extra
    written = encode(
        stored.state, ROUTINE, revision=4, writer="another", now=NOW, extra=stored.extra
    )
    assert {key: written[key] for key in extra} == extra


def part_fields(part: str) -> st.SearchStrategy[dict[str, Any]]:
    """Fields a newer version might add inside ``part`` without a new schema version."""
    names = st.text(max_size=10).filter(lambda key: key not in KNOWN_PART_FIELDS[part])
    return st.dictionaries(names, dynamodb_values, min_size=1, max_size=3)


@given(
    state=user_states,
    parts=st.fixed_dictionaries(
        {}, optional={part: part_fields(part) for part in ("progress", "preferences")}
    ),
    dynamodb=st.booleans(),
)
def test_fields_this_code_does_not_know_inside_progress_and_preferences_survive_a_save(
    state: UserState, parts: dict[str, dict[str, Any]], dynamodb: bool
) -> None:
    record = encode(state, ROUTINE, revision=3, writer=WRITER, now=NOW)
    for part, fields in parts.items():
        record[part] = {**fields, **record[part]}
    stored = decode(as_dynamodb(record) if dynamodb else record, ROUTINE)
    assert (stored.state, stored.issue) == (state, None)
    written = encode(
        stored.state, ROUTINE, revision=4, writer="another", now=NOW, extra=stored.extra
    )
    for part, fields in parts.items():
        assert {key: written[part][key] for key in fields} == fields
    assert decode(written, ROUTINE).state == state


@given(
    at=places.filter(lambda place: isinstance(place, AtMove)),
    to=places,
    fields=part_fields("place"),
)
def test_a_place_keeps_its_unknown_fields_only_while_the_person_is_still_there(
    at: AtMove, to: Place, fields: dict[str, Any]
) -> None:
    record = encode(UserState(at), ROUTINE, revision=3, writer=WRITER, now=NOW)
    record["place"] = {**fields, **record["place"]}
    stored = decode(record, ROUTINE)
    assert (stored.state.place, stored.issue) == (at, None)
    written = encode(UserState(to), ROUTINE, revision=4, writer=WRITER, now=NOW, extra=stored.extra)
    same_spot = isinstance(to, AtMove) and (to.move, to.part) == (at.move, at.part)
    if same_spot:  # still there: the same move and side, whatever became of the set or run
        mine = encode(UserState(to), ROUTINE, revision=4, writer=WRITER, now=NOW)["place"]
        assert written["place"] == {**fields, **mine}
    elif isinstance(to, AtMove):
        assert (
            written["place"]
            == encode(UserState(to), ROUTINE, revision=4, writer=WRITER, now=NOW)["place"]
        )
    else:
        assert "place" not in written


def test_a_part_field_this_code_does_not_know_never_overrides_one_it_reads() -> None:
    """Unknown fields are kept beside the known ones, which are always this save's."""
    extra = {
        "place": {"move": "wall_splat", "side": "right", "tempo": "slow"},
        "progress": {"streak": 5},
        "preferences": {"voice": "calm"},
    }
    state = UserState(AtMove(1, 1), Progress(7), Preferences("slow"))
    written = encode(state, ROUTINE, revision=4, writer=WRITER, now=NOW, extra=extra)
    assert written["place"] == {"move": "wall_splat", "side": "right", "tempo": "slow"}
    assert written["progress"] == {"streak": 5, "completed": 7, "days": []}
    assert written["preferences"] == {"voice": "calm", "variants": {}, "pace": "slow"}
    assert decode(written, ROUTINE).state == state


# -- The record as written ----------------------------------------------------------------------


def test_a_record_names_the_move_and_side_and_holds_every_part() -> None:
    state = UserState(
        AtMove(2, 1),
        Progress(40, (date(2025, 3, 12), date(2025, 3, 13))),
        Preferences("slow", (("wall_splat", "seated"),)),
    )
    record = encode(state, ROUTINE, revision=18, writer=WRITER, now=NOW, extra={"nickname": "Sam"})
    assert record == {
        "schema": 2,
        "revision": 18,
        "writer": WRITER,
        "updated_at": "2025-03-14T07:30:12+00:00",
        "place": {"move": "can_openers", "side": "right"},
        "progress": {"completed": 40, "days": ["2025-03-12", "2025-03-13"]},
        "preferences": {"variants": {"wall_splat": "seated"}, "pace": "slow"},
        "nickname": "Sam",
    }


def test_a_record_with_no_routine_under_way_has_no_place() -> None:
    record = encode(UserState(progress=Progress(2)), ROUTINE, revision=1, writer=WRITER, now=NOW)
    assert "place" not in record
    assert record["progress"] == {"completed": 2, "days": []}


def test_a_move_done_in_one_go_is_stored_with_no_side() -> None:
    record = encode(UserState(AtMove(4)), ROUTINE, revision=1, writer=WRITER, now=NOW)
    assert record["place"] == {"move": "bridge_reach_over", "side": ""}


# -- Every version that shipped, as it was written ----------------------------------------------

SHIPPED = [
    # file, routines done, (move id, side) or None when no routine is under way, revision
    ("v1_in_progress.json", 40, ("wall_splat", "right"), 17),
    ("v1_finished.json", 12, None, 30),
    ("v2_in_progress.json", 3, ("can_openers", "left"), 5),
]


def test_every_fixture_record_has_a_case() -> None:
    assert sorted(path.name for path in FIXTURES.glob("*.json")) == sorted(c[0] for c in SHIPPED)


@pytest.mark.parametrize("numbers", ["ints", "decimals"])
@pytest.mark.parametrize(("name", "completed", "place", "revision"), SHIPPED)
def test_a_record_of_every_shipped_version_reads_under_the_current_code(
    name: str, completed: int, place: tuple[str, str] | None, revision: int, numbers: str
) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    raw = json.loads(text, parse_int=Decimal if numbers == "decimals" else int)
    stored = decode(raw, ROUTINE)
    assert (stored.issue, stored.read_only) == (None, False)
    assert stored.state.progress.completed == completed
    assert named(stored.state.place) == place
    assert stored.revision == revision


def test_a_v2_fixture_keeps_its_unknown_field_through_a_save() -> None:
    raw = json.loads((FIXTURES / "v2_in_progress.json").read_text(encoding="utf-8"))
    stored = decode(raw, ROUTINE)
    assert stored.extra == {"streak_goal": {"days_per_week": 4, "since": "2025-03-01"}}
    assert stored.writer == "3f9c2a7e51b04d86"
    assert stored.state.progress.days == (date(2025, 3, 30), date(2025, 4, 1))
    written = encode(stored.state, ROUTINE, revision=6, writer=WRITER, now=NOW, extra=stored.extra)
    assert written["streak_goal"] == {"days_per_week": 4, "since": "2025-03-01"}


# -- The upgrade chain --------------------------------------------------------------------------

V1 = {
    "schema": 1,
    "move": "wall_splat",
    "side": "right",
    "in_progress": True,
    "completed": 40,
    "revision": 17,
    "updated_at": "2025-03-14T07:30:12+00:00",
    "nickname": "Sam",  # a field v1 did not know (written by a later version, say)
}


def test_the_v1_upgrade_reshapes_the_place_and_count_and_keeps_everything_else() -> None:
    assert UPGRADES[1](V1) == {
        "schema": 2,
        "revision": 17,
        "updated_at": "2025-03-14T07:30:12+00:00",
        "place": {"move": "wall_splat", "side": "right"},
        "progress": {"completed": 40},
        "nickname": "Sam",
    }


def test_the_v1_upgrade_of_a_finished_routine_has_no_place() -> None:
    finished = {**V1, "move": "rhomboid_push_up", "side": "", "in_progress": False}
    upgraded = UPGRADES[1](finished)
    assert "place" not in upgraded
    assert upgraded["progress"] == {"completed": 40}


def test_a_v1_record_decodes_to_its_place_count_revision_and_unknown_fields() -> None:
    assert decode(V1, ROUTINE) == Stored(
        UserState(AtMove(1, 1), Progress(40)), revision=17, extra={"nickname": "Sam"}
    )
    assert decode(as_dynamodb(V1), ROUTINE) == decode(V1, ROUTINE)


def test_a_v1_record_is_written_back_in_the_current_shape_with_its_unknown_fields() -> None:
    stored = decode(V1, ROUTINE)
    written = encode(stored.state, ROUTINE, revision=18, writer=WRITER, now=NOW, extra=stored.extra)
    assert written["schema"] == 2
    assert written["place"] == {"move": "wall_splat", "side": "right"}
    assert written["progress"]["completed"] == 40
    assert written["nickname"] == "Sam"
    assert not {"move", "side", "in_progress", "completed"} & set(written)


@pytest.mark.parametrize("in_progress", ["true", 1, None, [True]], ids=repr)
def test_a_v1_record_with_an_unreadable_in_progress_loses_the_place_not_the_count(
    in_progress: Any,
) -> None:
    assert decode({**V1, "in_progress": in_progress}, ROUTINE) == Stored(
        UserState(progress=Progress(40)), 17, extra={"nickname": "Sam"}, issue=Issue.UNREADABLE
    )


def test_a_v1_record_whose_move_was_removed_keeps_the_count() -> None:
    assert decode({**V1, "move": "neck_roll"}, ROUTINE) == Stored(
        UserState(progress=Progress(40)), 17, extra={"nickname": "Sam"}, issue=Issue.UNKNOWN_MOVE
    )


def test_a_v1_record_with_a_damaged_count_keeps_the_place() -> None:
    assert decode({**V1, "completed": "forty"}, ROUTINE) == Stored(
        UserState(AtMove(1, 1)),
        17,
        extra={"nickname": "Sam"},
        issue=Issue.UNREADABLE_PROGRESS,
    )


# -- Newer and unknown versions -----------------------------------------------------------------

V2: dict[str, Any] = {
    "schema": 2,
    "revision": 9,
    "writer": WRITER,
    "updated_at": "2025-03-14T07:30:12+00:00",
    "place": {"move": "can_openers", "side": "right"},
    "progress": {"completed": 4, "days": ["2025-03-13"]},
    "preferences": {"variants": {}},
}


def test_a_record_from_newer_code_is_read_for_what_it_can_and_marked_read_only() -> None:
    newer = {**V2, "schema": 3, "place": {**V2["place"], "tempo": "slow"}, "habit": {"goal": 4}}
    assert decode(newer, ROUTINE) == Stored(
        UserState(AtMove(2, 1), Progress(4, (date(2025, 3, 13),))),
        revision=9,
        writer=WRITER,
        # The place's field this code does not read is kept with the place it describes.
        extra={
            "habit": {"goal": 4},
            "place": {"move": "can_openers", "side": "right", "tempo": "slow"},
        },
        read_only=True,
    )
    assert decode(as_dynamodb({**newer, "schema": 40}), ROUTINE).read_only


def test_a_damaged_record_from_newer_code_is_still_read_only() -> None:
    stored = decode({**V2, "schema": 3, "place": {"move": "neck_roll"}}, ROUTINE)
    assert (stored.read_only, stored.issue) == (True, Issue.UNKNOWN_MOVE)
    assert stored.state == UserState(progress=Progress(4, (date(2025, 3, 13),)))


@pytest.mark.parametrize(
    "schema",
    [0, -1, None, "2", True, 2.0, 1.5, Decimal("2.5"), Decimal("NaN"), Decimal("-Infinity"), [2]],
    ids=repr,
)
def test_a_schema_that_is_not_a_whole_number_of_at_least_one_is_unreadable_keeping_the_revision(
    schema: Any,
) -> None:
    assert decode({**V2, "schema": schema}, ROUTINE) == Stored(revision=9, issue=Issue.UNREADABLE)


def test_a_record_without_a_schema_is_unreadable_keeping_the_revision() -> None:
    raw = {key: value for key, value in V2.items() if key != "schema"}
    assert decode(raw, ROUTINE) == Stored(revision=9, issue=Issue.UNREADABLE)


# -- Damage, judged part by part ----------------------------------------------------------------


@pytest.mark.parametrize(
    "progress",
    [
        {"completed": "4"},
        {"completed": 4.0},
        {"completed": True},
        {"completed": Decimal("4.5")},
        {"completed": Decimal("NaN")},
        {"completed": -1},
        {"completed": MAX_COUNT + 1},
        {"completed": None},
        {},
    ],
    ids=repr,
)
def test_a_damaged_count_keeps_the_place_and_the_days(progress: dict[str, Any]) -> None:
    raw = {**V2, "progress": {**progress, "days": ["2025-03-13"]}}
    assert decode(raw, ROUTINE) == Stored(
        UserState(AtMove(2, 1), Progress(0, (date(2025, 3, 13),))),
        9,
        WRITER,
        issue=Issue.UNREADABLE_PROGRESS,
    )


@pytest.mark.parametrize("progress", ["4", [4], 4], ids=repr)
def test_unreadable_progress_keeps_the_place(progress: Any) -> None:
    stored = decode({**V2, "progress": progress}, ROUTINE)
    assert (stored.state, stored.issue) == (UserState(AtMove(2, 1)), Issue.UNREADABLE_PROGRESS)


def test_a_record_without_progress_has_none_done_and_no_issue() -> None:
    raw = {key: value for key, value in V2.items() if key != "progress"}
    assert decode(raw, ROUTINE) == Stored(UserState(AtMove(2, 1)), 9, WRITER)


@pytest.mark.parametrize(
    "move", ["neck_roll", "", None, 3, ["can_openers"], "CAN_OPENERS"], ids=repr
)
def test_an_unknown_move_keeps_the_count(move: Any) -> None:
    stored = decode({**V2, "place": {"move": move, "side": "right"}}, ROUTINE)
    assert stored == Stored(
        UserState(progress=Progress(4, (date(2025, 3, 13),))), 9, WRITER, issue=Issue.UNKNOWN_MOVE
    )


@pytest.mark.parametrize("place", ["can_openers", ["can_openers", "right"], 3], ids=repr)
def test_a_place_that_is_not_a_mapping_is_unreadable_and_keeps_the_count(place: Any) -> None:
    stored = decode({**V2, "place": place}, ROUTINE)
    assert (stored.state.place, stored.state.progress.completed) == (NotStarted(), 4)
    assert stored.issue is Issue.UNREADABLE


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ({"move": "can_openers", "side": "middle"}, AtMove(2, 0)),
        ({"move": "can_openers"}, AtMove(2, 0)),
        ({"move": "eleven_fifteen", "side": "left"}, AtMove(3, 0)),
    ],
    ids=repr,
)
def test_a_side_the_move_does_not_split_by_reads_as_its_first_part(
    place: dict[str, Any], expected: AtMove
) -> None:
    stored = decode({**V2, "place": place}, ROUTINE)
    assert (stored.state.place, stored.issue) == (expected, None)


@pytest.mark.parametrize("raw", [None, [], "record", 3, [("schema", 2)]], ids=repr)
def test_something_other_than_a_record_is_unreadable(raw: Any) -> None:
    assert decode(raw, ROUTINE) == Stored(issue=Issue.UNREADABLE)


def test_an_empty_record_is_somebody_new() -> None:
    assert decode({}, ROUTINE) == Stored()


@pytest.mark.parametrize("revision", ["7", 2.5, None, True, Decimal("2.5"), -3], ids=repr)
def test_a_revision_that_is_not_a_whole_number_of_at_least_zero_reads_as_zero(
    revision: Any,
) -> None:
    stored = decode({**V2, "revision": revision}, ROUTINE)
    assert (stored.revision, stored.issue, stored.state.place) == (0, None, AtMove(2, 1))


@pytest.mark.parametrize("revision", [0, 12, Decimal(12), Decimal("1.2E+1"), 2**53], ids=repr)
def test_a_whole_number_revision_is_kept_exactly_as_stored(revision: Any) -> None:
    assert decode({**V2, "revision": revision}, ROUTINE).revision == int(revision)


def test_unreadable_days_are_dropped_one_by_one_and_the_newest_are_kept() -> None:
    days = ["2025-03-13", "yesterday", 20250312, None, "2025-03-11", "2025-03-13"]
    stored = decode({**V2, "progress": {"completed": 4, "days": days}}, ROUTINE)
    assert stored.state.progress.days == (date(2025, 3, 11), date(2025, 3, 13))
    assert stored.issue is None
    many = [date.fromordinal(date(2025, 1, 1).toordinal() + n).isoformat() for n in range(70)]
    kept = decode({**V2, "progress": {"completed": 4, "days": many}}, ROUTINE).state.progress.days
    assert (len(kept), kept[0], kept[-1]) == (60, date(2025, 1, 11), date(2025, 3, 11))


def test_unreadable_preferences_fall_back_to_the_defaults() -> None:
    raw = {**V2, "preferences": {"pace": 3, "variants": {"wall_splat": "seated", "x": 1, 2: "y"}}}
    stored = decode(raw, ROUTINE)
    assert stored.state.preferences == Preferences(None, (("wall_splat", "seated"),))
    assert decode({**V2, "preferences": "fast"}, ROUTINE).state.preferences == Preferences()


# -- The adaptive coach's fields: defaults, so no new schema version ---------------------------


def test_pace_versions_detail_and_a_quick_finished_set_are_stored_and_read_back() -> None:
    preferences = Preferences(
        "slower", (("can_openers", "easier"), ("wall_splat", "harder")), "short"
    )
    state = UserState(AtMove(1, 0, done=True, kind=Kind.QUICK), Progress(2), preferences)
    record = encode(state, ROUTINE, revision=4, writer=WRITER, now=NOW)
    assert record["schema"] == 2
    assert record["place"] == {"move": "wall_splat", "side": "left", "kind": "quick", "done": True}
    assert record["preferences"] == {
        "pace": "slower",
        "detail": "short",
        "variants": {"can_openers": "easier", "wall_splat": "harder"},
    }
    assert decode(record, ROUTINE).state == state


def test_a_full_run_and_default_preferences_add_no_fields_to_the_record() -> None:
    record = encode(UserState(AtMove(0)), ROUTINE, revision=1, writer=WRITER, now=NOW)
    assert record["place"] == {"move": IDS[0], "side": ""}
    assert record["preferences"] == {"variants": {}}


def test_a_v1_fixture_decodes_with_the_default_pace_versions_detail_and_run() -> None:
    raw = json.loads((FIXTURES / "v1_in_progress.json").read_text())
    stored = decode(raw, ROUTINE)
    assert stored.issue is None
    assert stored.state.preferences == Preferences()
    place = stored.state.place
    assert isinstance(place, AtMove)
    assert (place.done, place.kind) == (False, Kind.FULL)


def test_a_place_marked_done_by_anything_but_true_is_not_done() -> None:
    raw = {"schema": 2, "revision": 1, "place": {"move": IDS[1], "side": "left", "done": "yes"}}
    place = decode(raw, ROUTINE).state.place
    assert place == AtMove(1, 0)


def test_the_quick_runs_are_counted_apart_and_an_absent_or_damaged_count_reads_as_none() -> None:
    state = UserState(progress=Progress(5, quick=2))
    record = encode(state, ROUTINE, revision=1, writer="w", now=NOW)
    assert record["progress"]["quick"] == 2
    assert decode(record, ROUTINE).state.progress == Progress(5, quick=2)
    plain = encode(UserState(progress=Progress(3)), ROUTINE, revision=1, writer="w", now=NOW)
    assert "quick" not in plain["progress"], "no new field until a quick run is finished"
    for damaged in (-1, 6, "two", 1.5):
        record["progress"]["quick"] = damaged
        assert decode(record, ROUTINE).state.progress == Progress(5)
