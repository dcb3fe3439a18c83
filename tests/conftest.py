"""Shared fixtures: fake AWS credentials before any SDK import, a moto table, conversations."""

from __future__ import annotations

import os

from hypothesis import settings

# Property tests: a quick look while developing, a thorough and repeatable one in CI. Choose with
# HYPOTHESIS_PROFILE; CI=true (as CI services set it) picks "ci". Tests that set no example count
# take the profile's.
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=100, derandomize=True, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

pytest_plugins = [
    "tests.fakes.alexa_api",  # the ``alexa_api`` fixture
    "tests.fakes.endpoints",  # silent and refused loopback endpoints, moto's server
]

# Set before boto3 or the SDK are imported anywhere: no real AWS is ever reached from tests.
os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    TABLE_NAME="upper-back-routine-test",
)
for _name in ("AWS_PROFILE", "SKILL_ID", "LOCAL_STORE_PATH", "AWS_ENDPOINT_URL_DYNAMODB",
              "AWS_ENDPOINT_URL"):  # fmt: skip
    os.environ.pop(_name, None)

from collections.abc import Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from sim.conversation import Conversation  # noqa: E402
from sim.envelopes import Caller  # noqa: E402
from tests.fakes.store import MemoryStore  # noqa: E402
from upper_back.edge.app import build_handler  # noqa: E402
from upper_back.edge.config import Settings  # noqa: E402

TABLE = os.environ["TABLE_NAME"]


@pytest.fixture
def table() -> Iterator[Any]:
    """A fresh moto DynamoDB table shaped like the one template.yaml declares."""
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        created = resource.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield created


@pytest.fixture
def store() -> MemoryStore:
    """The in-memory progress store that conversation tests run against."""
    return MemoryStore()


@pytest.fixture
def alexa(store: MemoryStore) -> Callable[..., Conversation]:
    """Start a conversation, as a given caller, with a handler built by the production
    composition root on the in-memory store."""
    handler = build_handler(Settings(), store=store)

    def start(**caller: Any) -> Conversation:
        return Conversation(handler=handler, caller=Caller(**caller))

    return start


@pytest.fixture
def stored(store: MemoryStore) -> Callable[[str], dict[str, Any] | None]:
    """The stored record for a partition key, or None."""

    def read(key: str) -> dict[str, Any] | None:
        record = store.records.get(key)
        return None if record is None else dict(record)

    return read
