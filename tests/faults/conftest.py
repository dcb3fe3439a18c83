"""Fixtures for fault injection: the real DynamoDB adapter on moto, its client watched, logs kept.

Here the root ``alexa`` and ``stored`` fixtures are overridden: conversations run on a handler
built by the production composition root with its default store (``DynamoDbProgressStore`` on
the moto ``table``), and ``stored`` reads that table.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3.session
import pytest
from moto import mock_aws

from sim.conversation import Conversation
from sim.envelopes import Caller
from tests.faults.support import TABLE, Build, LiveDynamoDb
from tests.integration.faulty_proxy import FaultyProxy
from upper_back.edge.app import Handler, build_handler
from upper_back.edge.config import Settings
from upper_back.edge.turn import Clock


@pytest.fixture(scope="module")
def moto_table() -> Iterator[Any]:
    """One in-process moto (``mock_aws``) per test module, holding a table shaped like the one
    template.yaml declares. Starting moto resets boto3's default session, and the SDK then
    reloads its service models (about 0.1 s): once per module rather than once per test."""
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        yield resource.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


@pytest.fixture
def table(moto_table: Any) -> Any:
    """The root fixture's fresh moto table, here the module's table emptied before each test."""
    items = moto_table.scan(ConsistentRead=True, ProjectionExpression="id")["Items"]
    with moto_table.batch_writer() as batch:
        for item in items:
            batch.delete_item(Key={"id": item["id"]})
    assert moto_table.scan(ConsistentRead=True)["Count"] == 0
    return moto_table


@pytest.fixture
def build(table: Any) -> Build:
    """Build a handler as a Lambda container does, on the moto table, optionally with a skill
    id or a clock of the test's own. Its DynamoDB resource is made on the first request that
    needs it."""

    def make(*, skill_id: str | None = None, clock: Clock | None = None) -> Handler:
        settings = Settings(table_name=TABLE, skill_id=skill_id)
        return build_handler(settings) if clock is None else build_handler(settings, clock=clock)

    return make


@pytest.fixture
def handler(build: Build) -> Handler:
    """One container's handler: the default settings, the real DynamoDB adapter on moto."""
    return build()


@pytest.fixture
def alexa(handler: Handler) -> Callable[..., Conversation]:
    """Start a conversation, as a given caller, with this folder's handler (DynamoDB on moto)."""

    def start(**caller: Any) -> Conversation:
        return Conversation(handler=handler, caller=Caller(**caller))

    return start


@pytest.fixture
def stored(table: Any) -> Callable[[str], dict[str, Any] | None]:
    """The record stored in the moto table for a partition key (its ``attributes``), or None."""

    def read(key: str) -> dict[str, Any] | None:
        item = table.get_item(Key={"id": key}, ConsistentRead=True).get("Item")
        return None if item is None else dict(item["attributes"])

    return read


@pytest.fixture
def dynamodb(table: Any, monkeypatch: pytest.MonkeyPatch) -> LiveDynamoDb:
    """The skill's own DynamoDB resources and the calls their clients make.

    Our code is not patched: ``boto3.session.Session.resource`` (the dependency that
    ``upper_back.adapters.dynamodb`` calls, on the first request that needs the table) is
    wrapped so that each DynamoDB resource it returns is recorded and its client's calls are
    counted with a botocore event hook. Tests then put a botocore ``Stubber`` in front of that
    very client for a turn (``failing``) to inject service errors, and leave moto (the
    ``table`` fixture) to answer every other call.
    """
    live = LiveDynamoDb()
    original = boto3.session.Session.resource

    def recording(self: boto3.session.Session, *args: Any, **kwargs: Any) -> Any:
        resource = original(self, *args, **kwargs)
        if (args[0] if args else kwargs.get("service_name")) == "dynamodb":
            live.built(resource)
        return resource

    monkeypatch.setattr(boto3.session.Session, "resource", recording)
    return live


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record the function would log in Lambda (INFO and up), ours down to DEBUG."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="upper_back")
    return caplog


@pytest.fixture
def proxy(moto_server: str) -> Iterator[FaultyProxy]:
    """A ``FaultyProxy`` (tests/integration/faulty_proxy.py) in front of moto's server, which
    holds just a fresh, empty table named ``TABLE``. Not for use with the in-process ``table``
    fixture: this table lives behind real HTTP."""
    reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=5) as answer:
        assert answer.status == 200
    boto3.resource("dynamodb", endpoint_url=moto_server).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    faulty = FaultyProxy(moto_server, table_name=TABLE).start()
    yield faulty
    faulty.close()
