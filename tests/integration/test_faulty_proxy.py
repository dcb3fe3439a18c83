"""The store over real HTTP when the network, not DynamoDB, misbehaves: a write whose answer is
lost, a request refused before it reaches the table, a connection dropped mid-call."""

from __future__ import annotations

import time

import pytest

from tests.integration.faulty_proxy import HOLD_SECONDS, FaultyProxy
from upper_back.adapters.dynamodb import READ_TIMEOUT_SECONDS, DynamoDbProgressStore
from upper_back.adapters.port import Found, Saved, Stale, Unavailable

KEY = "amzn1.ask.person.PROXY"
FIRST = {"revision": 1, "move": 2}
SECOND = {"revision": 2, "move": 3}


@pytest.fixture
def store(faulty_proxy: FaultyProxy) -> DynamoDbProgressStore:
    return DynamoDbProgressStore(faulty_proxy.table_name, resource=faulty_proxy.resource())


def test_the_proxy_passes_everything_through_when_told_nothing(
    faulty_proxy: FaultyProxy, store: DynamoDbProgressStore
) -> None:
    assert store.load(KEY) == Found({})
    assert store.save(KEY, FIRST, 0) == Saved()
    assert store.load(KEY) == Found(FIRST)
    assert store.delete(KEY) is True
    assert faulty_proxy.seen == ["GetItem", "PutItem", "GetItem", "DeleteItem"]


def test_a_default_store_follows_the_endpoint_in_the_environment(
    faulty_proxy: FaultyProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How the deployed function (or a handler built from the environment) can be pointed at
    the proxy: the store leaves the endpoint to boto3."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", faulty_proxy.url)
    store = DynamoDbProgressStore(faulty_proxy.table_name)
    faulty_proxy.fail_next("GetItem", status=400, code="ThrottlingException")
    assert store.load(KEY) == Unavailable("ThrottlingException")
    assert store.save(KEY, FIRST, 0) == Saved()
    assert faulty_proxy.seen == ["GetItem", "PutItem"]


def test_a_save_whose_answer_is_lost_landed_and_its_retry_is_stale(
    faulty_proxy: FaultyProxy, store: DynamoDbProgressStore
) -> None:
    assert READ_TIMEOUT_SECONDS < HOLD_SECONDS
    faulty_proxy.hold_next("PutItem")
    started = time.monotonic()
    assert store.save(KEY, FIRST, 0) == Unavailable("ReadTimeoutError", uncertain=True)
    assert time.monotonic() - started < 1.5
    assert faulty_proxy.pending() == []
    # Nothing was known, yet the write landed: a fresh read shows it ...
    assert store.load(KEY) == Found(FIRST)
    # ... and the same save again is stale against its own landed write.
    assert store.save(KEY, FIRST, 0) == Stale(current=FIRST)
    assert store.save(KEY, SECOND, 1) == Saved()
    assert faulty_proxy.seen == ["PutItem", "GetItem", "PutItem", "PutItem"]


def test_a_request_failed_before_the_table_changes_nothing(
    faulty_proxy: FaultyProxy, store: DynamoDbProgressStore
) -> None:
    faulty_proxy.fail_next("PutItem")
    assert store.load(KEY) == Found({})  # a fault waits for the operation it names
    # A 500 may or may not have been applied, as far as the skill can tell: uncertain.
    assert store.save(KEY, FIRST, 0) == Unavailable("InternalServerError", uncertain=True)
    assert store.load(KEY) == Found({})
    faulty_proxy.fail_next(status=400, code="ThrottlingException")
    assert store.load(KEY) == Unavailable("ThrottlingException")
    assert store.save(KEY, FIRST, 0) == Saved()


def test_a_dropped_connection_is_an_answer_and_changes_nothing(
    faulty_proxy: FaultyProxy, store: DynamoDbProgressStore
) -> None:
    faulty_proxy.drop_next()
    answer = store.save(KEY, FIRST, 0)
    assert isinstance(answer, Unavailable)
    assert answer.reason == "ConnectionClosedError"
    faulty_proxy.drop_next("DeleteItem")
    assert store.delete(KEY) is False
    assert store.load(KEY) == Found({})
    assert faulty_proxy.pending() == []
