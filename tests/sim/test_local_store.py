"""The embedded store keeps each caller's record across runs, as DynamoDB would."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope

from sim.envelopes import Caller, envelope, launch_request
from sim.local_store import SqliteAdapter

RECORD: dict[str, Any] = {
    "schema": 1,
    "move": "wall_splat",
    "side": 0,
    "in_progress": True,
    "updated": "2026-11-24T06:00:00Z",
    "history": {"completed": 3, "ids": ["a", "b"]},
}


def request_from(user: str = "ALICE", person: str | None = None) -> RequestEnvelope:
    caller = Caller(user_id=f"amzn1.ask.account.{user}", person_id=person)
    event = envelope(launch_request(), caller, session_id="amzn1.echo-api.session.1")
    parsed: RequestEnvelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    return parsed


@pytest.fixture
def store(tmp_path: Path) -> SqliteAdapter:
    return SqliteAdapter(tmp_path / "nested" / "folder" / "store.sqlite3")


def test_a_caller_with_no_record_gets_an_empty_dict(store: SqliteAdapter) -> None:
    assert store.get_attributes(request_from()) == {}


def test_saved_attributes_come_back_equal(store: SqliteAdapter) -> None:
    store.save_attributes(request_from(), RECORD)
    assert store.get_attributes(request_from()) == RECORD


def test_the_folder_and_table_are_created_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store.sqlite3"
    SqliteAdapter(path).save_attributes(request_from(), {"move": "can_openers"})
    assert path.is_file()


def test_numbers_come_back_as_decimal_like_dynamodb(store: SqliteAdapter) -> None:
    store.save_attributes(request_from(), {"side": 1, "nested": {"count": Decimal(4)}})
    back = store.get_attributes(request_from())
    assert back == {"side": 1, "nested": {"count": 4}}
    assert isinstance(back["side"], Decimal)
    assert isinstance(back["nested"]["count"], Decimal)


def test_floats_are_refused_like_dynamodb_and_nothing_is_written(store: SqliteAdapter) -> None:
    with pytest.raises(PersistenceException, match="float"):
        store.save_attributes(request_from(), {"hold": {"seconds": [1.5]}})
    assert store.get_attributes(request_from()) == {}


def test_a_save_replaces_the_whole_record(store: SqliteAdapter) -> None:
    store.save_attributes(request_from(), {"move": "wall_splat", "side": 1})
    store.save_attributes(request_from(), {"move": "can_openers"})
    assert store.get_attributes(request_from()) == {"move": "can_openers"}


def test_two_users_are_kept_apart(store: SqliteAdapter) -> None:
    store.save_attributes(request_from("ALICE"), {"move": "wall_splat"})
    store.save_attributes(request_from("BOB"), {"move": "can_openers"})
    assert store.get_attributes(request_from("ALICE")) == {"move": "wall_splat"}
    assert store.get_attributes(request_from("BOB")) == {"move": "can_openers"}


def test_recognised_voices_in_one_household_are_kept_apart(store: SqliteAdapter) -> None:
    person = "amzn1.ask.person.CAROL"
    store.save_attributes(request_from("HOME", person), {"move": "bridge_reach_over"})
    assert store.get_attributes(request_from("HOME")) == {}
    assert store.get_attributes(request_from("HOME", person)) == {"move": "bridge_reach_over"}
    # The same voice is known by person id, whichever account's device hears it.
    assert store.get_attributes(request_from("OTHER", person)) == {"move": "bridge_reach_over"}


def test_the_partition_key_can_be_the_user_id_alone(tmp_path: Path) -> None:
    store = SqliteAdapter(tmp_path / "store.sqlite3", partition_keygen=user_id_partition_keygen)
    store.save_attributes(request_from("HOME", "amzn1.ask.person.CAROL"), {"move": "wall_splat"})
    assert store.get_attributes(request_from("HOME")) == {"move": "wall_splat"}


def test_delete_forgets_only_that_caller(store: SqliteAdapter) -> None:
    store.save_attributes(request_from("ALICE"), {"move": "wall_splat"})
    store.save_attributes(request_from("BOB"), {"move": "can_openers"})
    store.delete_attributes(request_from("ALICE"))
    assert store.get_attributes(request_from("ALICE")) == {}
    assert store.get_attributes(request_from("BOB")) == {"move": "can_openers"}


def test_deleting_a_caller_with_no_record_is_not_an_error(store: SqliteAdapter) -> None:
    store.delete_attributes(request_from("NOBODY"))
    assert store.get_attributes(request_from("NOBODY")) == {}


def test_the_record_outlives_the_adapter_like_two_simulator_runs(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    SqliteAdapter(path).save_attributes(request_from(), RECORD)
    assert SqliteAdapter(str(path)).get_attributes(request_from()) == RECORD


def test_an_unwritable_path_raises_persistence_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    store = SqliteAdapter(blocker / "store.sqlite3")
    with pytest.raises(PersistenceException, match="save"):
        store.save_attributes(request_from(), {"move": "wall_splat"})
    with pytest.raises(PersistenceException, match="retrieve"):
        store.get_attributes(request_from())
    with pytest.raises(PersistenceException, match="delete"):
        store.delete_attributes(request_from())


def test_a_file_that_is_not_a_database_raises_persistence_exception(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not an SQLite database, just some bytes" * 20)
    with pytest.raises(PersistenceException):
        SqliteAdapter(path).get_attributes(request_from())
