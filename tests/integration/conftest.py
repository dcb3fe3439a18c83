"""Fixtures for the store against real protocols: moto in process, moto behind a faulty proxy,
and loopback endpoints that refuse or never answer.

Fixtures (all function-scoped unless said otherwise):

- ``moto_table``: a fresh table in an in-process moto (``mock_aws``), shaped as template.yaml
  declares it; any store built inside the test talks to it.
- ``moto_server`` (session): moto's ``ThreadedMotoServer`` on the loopback address; its URL.
- ``faulty_proxy``: a ``FaultyProxy`` (tests/integration/faulty_proxy.py, which says how to
  plan faults) in front of ``moto_server``, holding one fresh table named ``TABLE``.
- ``silent_endpoint``: a loopback URL that accepts connections and never answers a byte.
- ``refused_endpoint``: a loopback URL nothing listens on.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.contract.sam import load, only
from tests.integration.faulty_proxy import FaultyProxy

TABLE = "upper-back-routine-test"
REGION = "us-east-1"
FAKE_AWS = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
REDIRECTS = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB")


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, ``TABLE_NAME`` naming the fixtures' table, and no endpoint override,
    whatever the shell or a parent conftest set: nothing here may reach real AWS."""
    for name, value in {**FAKE_AWS, "TABLE_NAME": TABLE}.items():
        monkeypatch.setenv(name, value)
    for name in REDIRECTS:
        monkeypatch.delenv(name, raising=False)


def table_shape() -> dict[str, Any]:
    """The key and billing of the table template.yaml declares (what CreateTable needs)."""
    _, table = only(load(), "AWS::DynamoDB::Table")
    properties = table["Properties"]
    return {key: properties[key] for key in ("KeySchema", "AttributeDefinitions", "BillingMode")}


def create_table(resource: Any) -> Any:
    """The table, at once: moto's tables are active on creation."""
    return resource.create_table(TableName=TABLE, **table_shape())


@pytest.fixture
def moto_table() -> Iterator[Any]:
    """A fresh in-process moto table shaped like template.yaml's (key "id", a string)."""
    with mock_aws():
        yield create_table(boto3.resource("dynamodb", region_name=REGION))


@pytest.fixture
def faulty_proxy(moto_server: str) -> Iterator[FaultyProxy]:
    """A started ``FaultyProxy`` in front of a moto server holding just a fresh ``TABLE``."""
    reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=5) as answer:
        assert answer.status == 200
    create_table(boto3.resource("dynamodb", endpoint_url=moto_server))
    proxy = FaultyProxy(moto_server, table_name=TABLE).start()
    yield proxy
    proxy.close()
