"""The ProgressStore port's contract, for every store the skill is ever built with.

Production runs on ``DynamoDbProgressStore`` (here on moto), the simulator on ``SqliteStore``,
the conversation tests on ``MemoryStore``: a behaviour only one of them has would make the
simulator or the tests say something production does not. So each test below runs on all three,
through the port alone (records are seeded with a save into an empty slot, which every store
must take).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sim.local_store import SqliteStore
from tests.fakes.store import MemoryStore
from upper_back.adapters.dynamodb import DynamoDbProgressStore
from upper_back.adapters.port import Found, ProgressStore, Saved, Stale, Unavailable, accepts

KEY = "amzn1.ask.person.CONTRACT"
OTHER_KEY = "amzn1.ask.account.CONTRACT"


def record(revision: Any, **fields: Any) -> dict[str, Any]:
    return {"revision": revision, **fields}


@pytest.fixture(params=["dynamodb", "sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgressStore]:
    if request.param == "dynamodb":
        table = request.getfixturevalue("table")  # a moto table, live for this test
        yield DynamoDbProgressStore(table.name)
    elif request.param == "sqlite":
        yield SqliteStore(tmp_path / "store.sqlite3")
    else:
        yield MemoryStore()


def test_somebody_new_is_found_with_an_empty_record(store: ProgressStore) -> None:
    assert store.load(KEY) == Found({})


def test_a_saved_record_reads_back_whole_with_every_number_a_decimal(
    store: ProgressStore,
) -> None:
    saved = record(
        1,
        schema=2,
        place={"move": "wall_splat", "side": "left"},
        progress={"completed": 3, "days": ["2026-11-24"]},
        flag=True,
        nothing=None,
    )
    assert store.save(KEY, saved, 0) == Saved()
    found = store.load(KEY)
    assert found == Found(saved)
    assert isinstance(found, Found)
    assert type(found.record["revision"]) is Decimal
    assert type(found.record["progress"]["completed"]) is Decimal
    assert found.record["flag"] is True


def test_a_save_replaces_the_whole_record(store: ProgressStore) -> None:
    assert store.save(KEY, record(1, place={"move": "a"}, extra="x"), 0) == Saved()
    assert store.save(KEY, record(2, place={"move": "b"}), 1) == Saved()
    assert store.load(KEY) == Found(record(2, place={"move": "b"}))


def test_a_save_takes_only_the_revision_it_expects_and_stale_carries_the_stored_record(
    store: ProgressStore,
) -> None:
    assert store.save(KEY, record(1, move=1), 0) == Saved()
    assert store.save(KEY, record(2, move=2), 1) == Saved()
    for expected in (0, 1, 3):
        stale = store.save(KEY, record(expected + 1, move=9), expected)
        assert stale == Stale(record(2, move=2))
        assert isinstance(stale, Stale)
        assert stale.current is not None
        assert type(stale.current["revision"]) is Decimal
    assert store.load(KEY) == Found(record(2, move=2))


@pytest.mark.parametrize("expected", [0, 1, 7])
def test_an_empty_slot_takes_any_expected_revision(store: ProgressStore, expected: int) -> None:
    assert store.save(KEY, record(expected + 1), expected) == Saved()
    assert store.load(KEY) == Found(record(expected + 1))


DAMAGED = {
    "missing": {"move": 2},
    "a string": record("3"),
    "a boolean": record(True),
    "null": record(None),
    "a map": record({"n": 1}),
    "a list": record([1]),
    "not whole": record(Decimal("1.5")),
}


@pytest.mark.parametrize("damaged", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_record_without_a_usable_revision_takes_only_a_first_save(
    store: ProgressStore, damaged: dict[str, Any]
) -> None:
    assert store.save(KEY, damaged, 0) == Saved()  # an empty slot takes anything
    for expected in (1, 2):
        assert not accepts(damaged, expected)
        assert store.save(KEY, record(expected + 1), expected) == Stale(damaged)
    assert store.save(KEY, record(1), 0) == Saved()
    assert store.load(KEY) == Found(record(1))


@pytest.mark.parametrize(
    "fields", [{"seconds": 1.5}, {"nested": {"hold": [30, 2.5]}}], ids=["top", "nested"]
)
def test_a_float_is_refused_and_nothing_is_written(
    store: ProgressStore, fields: dict[str, Any]
) -> None:
    assert store.save(KEY, record(1, move=1), 0) == Saved()
    assert isinstance(store.save(KEY, record(2, **fields), 1), Unavailable)
    assert store.load(KEY) == Found(record(1, move=1))


def test_keys_are_kept_apart(store: ProgressStore) -> None:
    assert store.save(KEY, record(1, who="person"), 0) == Saved()
    assert store.save(OTHER_KEY, record(5, who="account"), 0) == Saved()
    assert store.load(KEY) == Found(record(1, who="person"))
    assert store.load(OTHER_KEY) == Found(record(5, who="account"))


def test_delete_forgets_only_that_key_and_an_unknown_key_is_no_error(
    store: ProgressStore,
) -> None:
    assert store.save(KEY, record(4), 0) == Saved()
    assert store.save(OTHER_KEY, record(1), 0) == Saved()
    assert store.delete(KEY) is True
    assert store.load(KEY) == Found({})
    assert store.delete(KEY) is True
    assert store.delete("amzn1.ask.account.NOBODY") is True
    assert store.load(OTHER_KEY) == Found(record(1))
    assert store.save(KEY, record(1), 0) == Saved()  # forgotten: a first save is welcome again
