"""DynamoDbProgressStore against moto, botocore's Stubber and loopback sockets: the port's
answers (Found, Saved, Stale, Unavailable) for real calls, and never an exception."""

from __future__ import annotations

import ast
import logging
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.faults.support import ERROR_CODES, HTTP_STATUS
from tests.integration.conftest import TABLE
from upper_back.adapters import dynamodb
from upper_back.adapters.dynamodb import (
    CLIENT_CONFIG,
    RETENTION_SECONDS,
    DynamoDbProgressStore,
)
from upper_back.adapters.port import Found, ProgressStore, Saved, Stale, Unavailable, accepts

KEY = "amzn1.ask.person.INTEGRATION"
OTHER_KEY = "amzn1.ask.account.INTEGRATION"
TIMEOUT_BUDGET = 1.5
"""Seconds a call may take against an endpoint that never answers (read timeout 0.8 s)."""


def record(revision: Any, **fields: Any) -> dict[str, Any]:
    return {"revision": revision, **fields}


@pytest.fixture
def store(moto_table: Any) -> DynamoDbProgressStore:
    return DynamoDbProgressStore(TABLE)


@pytest.fixture
def store_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="upper_back.store")
    return caplog


def store_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "upper_back.store"]


def test_the_store_is_a_progress_store() -> None:
    store: ProgressStore = DynamoDbProgressStore(TABLE)
    assert store is not None


# --- load and save ------------------------------------------------------------------------


def test_somebody_new_is_found_with_an_empty_record(store: DynamoDbProgressStore) -> None:
    assert store.load(KEY) == Found({})


def test_a_first_save_reads_back_whole_with_numbers_as_decimals(
    store: DynamoDbProgressStore,
) -> None:
    saved = record(1, move=3, done=[1, 2], name="cat-cow", nested={"hold": 30}, flag=True)
    assert store.save(KEY, saved, 0) == Saved()
    found = store.load(KEY)
    assert found == Found(saved)
    assert isinstance(found, Found)
    assert type(found.record["revision"]) is Decimal
    assert type(found.record["nested"]["hold"]) is Decimal
    assert store.load(OTHER_KEY) == Found({})


def test_a_save_takes_only_the_revision_it_expects(store: DynamoDbProgressStore) -> None:
    assert store.save(KEY, record(1, move=1), 0) == Saved()
    assert store.save(KEY, record(2, move=2), 1) == Saved()
    # Another device (or this session's own lost answer) moved the record on: nothing written,
    # and the stored record comes back in the same answer.
    assert store.save(KEY, record(1, move=9), 0) == Stale(current=record(2, move=2))
    assert store.save(KEY, record(4, move=9), 3) == Stale(current=record(2, move=2))
    assert store.load(KEY) == Found(record(2, move=2))


@pytest.mark.parametrize("expected", [0, 1, 7])
def test_an_empty_slot_takes_any_expected_revision(
    store: DynamoDbProgressStore, expected: int
) -> None:
    assert accepts(None, expected)
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


@pytest.mark.parametrize("stored", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_record_without_a_usable_revision_takes_only_a_first_save(
    store: DynamoDbProgressStore, moto_table: Any, stored: dict[str, Any]
) -> None:
    moto_table.put_item(Item={"id": KEY, "attributes": stored})
    for expected in (1, 2):
        assert not accepts(stored, expected)
        assert store.save(KEY, record(expected + 1), expected) == Stale(current=stored)
    assert accepts(stored, 0)
    assert store.save(KEY, record(1), 0) == Saved()
    assert store.load(KEY) == Found(record(1))


@pytest.mark.parametrize(
    "item", [{"attributes": "not a map"}, {"attributes": ["x"]}, {}], ids=["string", "list", "none"]
)
def test_stored_attributes_that_are_not_a_map_read_as_empty_and_take_a_first_save(
    store: DynamoDbProgressStore,
    moto_table: Any,
    store_logs: pytest.LogCaptureFixture,
    item: dict[str, Any],
) -> None:
    moto_table.put_item(Item={"id": KEY, **item})
    assert store.load(KEY) == Found({})
    assert store.save(KEY, record(3), 2) == Stale(current={})
    assert store.save(KEY, record(1), 0) == Saved()
    assert store.load(KEY) == Found(record(1))
    assert store_lines(store_logs) == [
        "store load: stored attributes are not a map",
        "store save: stored attributes are not a map",
    ]
    assert KEY not in store_logs.text


def test_a_record_the_sdk_adapter_wrote_still_reads(
    store: DynamoDbProgressStore, moto_table: Any
) -> None:
    """The ASK SDK's adapter wrote ``{"id", "attributes"}`` and no expiry."""
    moto_table.put_item(Item={"id": KEY, "attributes": record(4, move=2)})
    assert store.load(KEY) == Found(record(4, move=2))
    assert store.save(KEY, record(5, move=3), 4) == Saved()


def test_each_save_writes_the_sdk_layout_and_a_year_of_retention(moto_table: Any) -> None:
    now = [1_700_000_000.75]
    store = DynamoDbProgressStore(TABLE, clock=lambda: now[0])
    assert store.save(KEY, record(1), 0) == Saved()
    item = moto_table.get_item(Key={"id": KEY}, ConsistentRead=True)["Item"]
    assert item == {"id": KEY, "attributes": record(1), "expires_at": 1_700_000_000 + 31_536_000}
    assert RETENTION_SECONDS == 365 * 24 * 60 * 60
    now[0] += 3600
    assert store.save(KEY, record(2), 1) == Saved()
    item = moto_table.get_item(Key={"id": KEY}, ConsistentRead=True)["Item"]
    assert item["expires_at"] == 1_700_003_600 + RETENTION_SECONDS


def test_the_default_clock_is_now(store: DynamoDbProgressStore, moto_table: Any) -> None:
    before = int(time.time())
    assert store.save(KEY, record(1), 0) == Saved()
    expires = moto_table.get_item(Key={"id": KEY})["Item"]["expires_at"]
    assert before + RETENTION_SECONDS <= expires <= int(time.time()) + RETENTION_SECONDS


def test_a_float_is_refused_by_boto3_and_nothing_is_written(
    store: DynamoDbProgressStore, store_logs: pytest.LogCaptureFixture
) -> None:
    """The core encodes whole numbers only; the store does not convert, and does not raise."""
    assert store.save(KEY, record(1, seconds=1.5), 0) == Unavailable("TypeError")
    assert store.load(KEY) == Found({})
    assert store_lines(store_logs) == ["store save failed: TypeError"]


def test_loads_are_consistent_reads(store: DynamoDbProgressStore) -> None:
    calls: list[dict[str, Any]] = []

    def watch(params: dict[str, Any], **_kwargs: Any) -> None:
        calls.append(params)

    store.resource.meta.client.meta.events.register("provide-client-params.dynamodb.*", watch)
    store.load(KEY)
    store.save(KEY, record(1), 0)
    assert [call.get("ConsistentRead") for call in calls] == [True, None]
    assert calls[1]["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


# --- delete -------------------------------------------------------------------------------


def test_delete_forgets_the_record_and_an_unknown_key_is_no_error(
    store: DynamoDbProgressStore,
) -> None:
    assert store.save(KEY, record(1), 0) == Saved()
    assert store.save(OTHER_KEY, record(1), 0) == Saved()
    assert store.delete(KEY) is True
    assert store.load(KEY) == Found({})
    assert store.delete(KEY) is True
    assert store.load(OTHER_KEY) == Found(record(1))
    assert store.save(KEY, record(1), 0) == Saved()


# --- construction ---------------------------------------------------------------------------


def test_nothing_is_built_before_the_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Construction touches no AWS configuration (a region is needed only by the first call),
    and a store that cannot build its resource answers Unavailable rather than raising."""
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    store = DynamoDbProgressStore(TABLE)
    assert store.load(KEY) == Unavailable("NoRegionError")


def test_the_module_never_imports_the_sdk_adapter() -> None:
    """Importing ask_sdk_dynamodb.adapter builds a default boto3 resource."""
    tree = ast.parse(Path(dynamodb.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}  # fmt: skip
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.startswith("ask_sdk")}


# --- failures -------------------------------------------------------------------------------

OPERATIONS: dict[str, tuple[str, Callable[[DynamoDbProgressStore], object]]] = {
    "load": ("get_item", lambda store: store.load(KEY)),
    "save": ("put_item", lambda store: store.save(KEY, record(1), 0)),
    "delete": ("delete_item", lambda store: store.delete(KEY)),
}


def store_at(endpoint: str) -> DynamoDbProgressStore:
    """A store on its own bounded resource pointed at ``endpoint`` (no moto in between)."""
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, config=CLIENT_CONFIG)
    return DynamoDbProgressStore(TABLE, resource=resource)


def failed(operation: str, reason: str) -> object:
    """What an operation answers when the store fails for ``reason``. A save that failed with a
    5xx answer or a lost answer may have landed all the same (DynamoDB says a 500 may or may not
    have been applied): ``uncertain``; a 4xx refusal or a connection never made is not."""
    if operation == "delete":
        return False
    maybe = operation == "save" and reason in {"InternalServerError", "ServiceUnavailable",
                                               "ReadTimeoutError"}  # fmt: skip
    return Unavailable(reason, uncertain=maybe)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_service_error_is_an_answer_logged_without_the_key(
    refused_endpoint: str,
    store_logs: pytest.LogCaptureFixture,
    operation: str,
    code: str,
) -> None:
    """The Stubber answers before anything is sent; behind it, nothing listens (no moto needed,
    and a call that slipped past the Stubber would fail here instead of going anywhere)."""
    store = store_at(refused_endpoint)
    method, call = OPERATIONS[operation]
    with Stubber(store.resource.meta.client) as stub:
        stub.add_client_error(
            method,
            service_error_code=code,
            service_message=f"simulated {code}",
            http_status_code=HTTP_STATUS.get(code, 400),
        )
        assert call(store) == failed(operation, code)
        stub.assert_no_pending_responses()
    assert store_lines(store_logs) == [f"store {operation} failed: {code}"]
    assert KEY not in store_logs.text


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_dynamodb_that_never_answers_is_given_up_on_within_the_budget(
    silent_endpoint: str,
    store_logs: pytest.LogCaptureFixture,
    operation: str,
) -> None:
    store = store_at(silent_endpoint)
    _method, call = OPERATIONS[operation]
    started = time.monotonic()
    answer = call(store)
    elapsed = time.monotonic() - started
    assert answer == failed(operation, "ReadTimeoutError")
    assert elapsed < TIMEOUT_BUDGET, f"{operation} took {elapsed:.2f} s"
    assert store_lines(store_logs) == [f"store {operation} failed: ReadTimeoutError"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_refused_connection_is_an_answer_at_once(refused_endpoint: str, operation: str) -> None:
    store = store_at(refused_endpoint)
    _method, call = OPERATIONS[operation]
    started = time.monotonic()
    assert call(store) == failed(operation, "EndpointConnectionError")
    assert time.monotonic() - started < TIMEOUT_BUDGET
