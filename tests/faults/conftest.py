"""Fixtures for fault injection: the skill's own DynamoDB client, watched; logs captured."""

from __future__ import annotations

import importlib
import logging
from typing import Any

import boto3.session
import pytest

from tests.faults.support import LiveDynamoDb


@pytest.fixture
def dynamodb(table: Any, monkeypatch: pytest.MonkeyPatch) -> LiveDynamoDb:
    """The real skill, through the real ``lambda_handler``, on its own bounded boto3 resource.

    Our code is not patched: ``boto3.session.Session.resource`` (the dependency that
    ``upper_back.adapters.dynamodb`` calls) is wrapped so that each resource it returns is recorded
    and its client's calls are counted with a botocore event hook. Tests then put a botocore
    ``Stubber`` in front of that very client for a turn (``failing``) to inject service errors,
    and leave moto (the ``table`` fixture) to answer every other call.

    The SDK's adapter module builds a default resource of its own when first imported (unused
    by the skill, which passes its own): it is imported first so only the skill's is recorded.
    """
    importlib.import_module("ask_sdk_dynamodb.adapter")
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
