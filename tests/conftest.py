"""Shared fixtures: fake AWS credentials before any SDK import, a moto table, conversations."""

from __future__ import annotations

import os

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

import lambda_function  # noqa: E402
from sim.conversation import Conversation  # noqa: E402
from sim.envelopes import Caller  # noqa: E402

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
        lambda_function.reset()
        yield created
        lambda_function.reset()


@pytest.fixture
def alexa(table: Any) -> Callable[..., Conversation]:
    """Start a conversation with the real lambda_handler, as a given caller."""

    def start(**caller: Any) -> Conversation:
        return Conversation(handler=lambda_function.lambda_handler, caller=Caller(**caller))

    return start


@pytest.fixture
def stored(table: Any) -> Callable[[str], dict[str, Any] | None]:
    """The stored record (the adapter's ``attributes``) for a partition key, or None."""

    def read(key: str) -> dict[str, Any] | None:
        item = table.get_item(Key={"id": key}, ConsistentRead=True).get("Item")
        return None if item is None else dict(item["attributes"])

    return read
