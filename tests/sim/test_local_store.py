"""The simulator's SQLite store: what only a file-backed store can get wrong. The port's own
contract (the revision rule, Stale, Decimals, floats refused) is checked for every store in
tests/contract/test_progress_store.py."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sim.local_store import SqliteStore
from upper_back.adapters.port import Found, ProgressStore, Saved, Stale, Unavailable

KEY = "amzn1.ask.account.ALICE"
RECORD: dict[str, Any] = {
    "schema": 2,
    "revision": 1,
    "place": {"move": "wall_splat", "side": "left"},
    "progress": {"completed": 3, "days": ["2026-11-23", "2026-11-24"]},
    "note": "naïve café",
}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "folder" / "store.sqlite3"


@pytest.fixture
def store(path: Path) -> SqliteStore:
    return SqliteStore(path)


@pytest.fixture
def store_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="sim.store")
    return caplog


def raw_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return list(connection.execute("SELECT id, attributes FROM attributes ORDER BY id"))


def put_raw(path: Path, key: str, text: str) -> None:
    """A row as an earlier simulator (or a damaged file) left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"
        )
        connection.execute("INSERT INTO attributes VALUES (?, ?)", (key, text))


def test_the_store_is_a_progress_store(store: SqliteStore) -> None:
    port: ProgressStore = store
    assert port.load(KEY) == Found({})


def test_nothing_is_created_until_the_first_call_then_folder_file_and_table_are(
    path: Path, store: SqliteStore
) -> None:
    assert not path.parent.exists()
    assert store.save(KEY, RECORD, 0) == Saved()
    assert path.is_file()
    assert [key for key, _ in raw_rows(path)] == [KEY]


def test_the_record_outlives_the_store_like_two_simulator_runs(path: Path) -> None:
    assert SqliteStore(path).save(KEY, RECORD, 0) == Saved()
    assert SqliteStore(str(path)).load(KEY) == Found(RECORD)


def test_the_row_holds_the_record_as_json(path: Path, store: SqliteStore) -> None:
    store.save(KEY, RECORD, 0)
    [(_, text)] = raw_rows(path)
    assert json.loads(text) == RECORD


def test_a_place_an_earlier_simulator_saved_still_reads(path: Path) -> None:
    """The first simulator store (the SDK-adapter era) wrote the same table, flat v1 records."""
    v1 = {"schema": 1, "move": "can_openers", "side": "", "in_progress": True, "completed": 2}
    put_raw(path, KEY, json.dumps(v1))
    found = SqliteStore(path).load(KEY)
    assert found == Found(v1)
    assert isinstance(found, Found)
    assert type(found.record["completed"]) is Decimal


def test_numbers_keep_every_digit_as_dynamodb_keeps_them(store: SqliteStore) -> None:
    numbers = {"revision": 1, "tenth": Decimal("0.1"), "big": 10**20, "exp": Decimal("1E+2")}
    assert store.save(KEY, numbers, 0) == Saved()
    found = store.load(KEY)
    assert isinstance(found, Found)
    assert found.record == numbers
    assert str(found.record["tenth"]) == "0.1"  # not 0.1000000000000000055511151231257827
    assert all(type(value) is Decimal for value in found.record.values())


@pytest.mark.parametrize(
    "value",
    [Decimal("NaN"), Decimal("Infinity"), {1, 2}, b"bytes", {1: "not a string key"}],
    ids=["nan", "infinity", "set", "bytes", "int-key"],
)
def test_what_the_store_cannot_keep_is_refused_and_nothing_is_written(
    path: Path, store: SqliteStore, value: object
) -> None:
    assert store.save(KEY, {"revision": 1, "value": value}, 0) == Unavailable("TypeError")
    assert store.load(KEY) == Found({})


def test_a_row_that_is_not_a_json_object_reads_as_empty_and_takes_only_a_first_save(
    path: Path, store_logs: pytest.LogCaptureFixture
) -> None:
    put_raw(path, KEY, "[1, 2")
    store = SqliteStore(path)
    assert store.load(KEY) == Found({})
    assert store.save(KEY, {"revision": 3}, 2) == Stale({})
    assert store.save(KEY, {"revision": 1}, 0) == Saved()
    assert store.load(KEY) == Found({"revision": 1})
    assert "not a JSON object" in store_logs.text
    assert KEY not in store_logs.text


def test_an_unusable_path_is_an_answer_never_an_exception(
    tmp_path: Path, store_logs: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    store = SqliteStore(blocker / "store.sqlite3")
    assert store.load(KEY) == Unavailable("FileExistsError")
    assert store.save(KEY, RECORD, 0) == Unavailable("FileExistsError")
    assert store.delete(KEY) is False
    lines = [r.getMessage() for r in store_logs.records if r.name == "sim.store"]
    assert lines == [f"store {op} failed: FileExistsError" for op in ("load", "save", "delete")]
    assert KEY not in store_logs.text


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not an SQLite database, just some bytes" * 20)
    store = SqliteStore(path)
    assert store.load(KEY) == Unavailable("DatabaseError")
    assert store.save(KEY, RECORD, 0) == Unavailable("DatabaseError")
    assert store.delete(KEY) is False


def test_a_file_another_process_holds_is_unavailable_after_the_busy_timeout(
    path: Path,
) -> None:
    """Each call checks the revision and writes in one transaction that locks the file, so
    two simulators on one file cannot both pass the check; a call that cannot get the lock
    gives up after the busy timeout."""
    store = SqliteStore(path, busy_timeout=0.05)
    assert store.save(KEY, RECORD, 0) == Saved()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert store.save(KEY, {**RECORD, "revision": 2}, 1) == Unavailable("OperationalError")
        assert time.monotonic() - started < 1.0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.load(KEY) == Found(RECORD)
    assert store.save(KEY, {**RECORD, "revision": 2}, 1) == Saved()
