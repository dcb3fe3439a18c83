"""The simulator on a DynamoDB endpoint instead of its embedded store: the production store,
built by the factory from the table name alone, with boto3 resolving the endpoint from
AWS_ENDPOINT_URL_DYNAMODB as it would for DynamoDB Local. moto's server stands in for it, on
loopback only."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from sim.cli import main
from sim.envelopes import USER_ID
from upper_back.core.routine import load_routine
from upper_back.render import phrases

TABLE = "upper-back-routine-local"


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield url
    server.stop()


def test_a_conversation_on_a_dynamodb_endpoint_keeps_the_place_there(endpoint: str) -> None:
    script = io.StringIO("open upper back routine\nstart\nskip to can openers\nstop\n")
    args = ["--dynamodb-endpoint", endpoint, "--table", TABLE]
    assert main(args, stdin=script, stdout=io.StringIO()) == 0
    assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == endpoint
    table = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1").Table(TABLE)
    item: Any = table.get_item(Key={"id": USER_ID})["Item"]
    assert item["attributes"]["place"]["move"] == "can_openers"
    assert item["attributes"]["revision"] == 2  # start, then the skip: one PutItem each
    out = io.StringIO()
    assert main(args, stdin=io.StringIO("open upper back routine\n"), stdout=out) == 0
    said = " ".join(out.getvalue().split())  # unwrapped
    assert phrases.WELCOME_BACK_IN_PROGRESS.partition("{")[0] in said
    assert load_routine().moves[2].spoken_name("en-US") in said
