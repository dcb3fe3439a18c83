"""The DynamoDB side of persistence: the SDK's adapter on a resource with bounded timeouts.

botocore's defaults (60 s connect timeout, several retries) could outlast Alexa's 8-second
deadline many times over; these bounds keep even a hanging DynamoDB to about two seconds per call.
"""

from __future__ import annotations

import boto3
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_dynamodb.partition_keygen import person_id_partition_keygen
from botocore.config import Config

PARTITION_KEY = "id"
ATTRIBUTE_NAME = "attributes"
CLIENT_CONFIG = Config(
    connect_timeout=0.5,
    read_timeout=0.8,
    retries={"total_max_attempts": 2, "mode": "standard"},
)


def dynamodb_adapter(table_name: str) -> AbstractPersistenceAdapter:
    """The SDK's DynamoDbAdapter, keyed by the recognised voice (else the account), on our own
    resource. The endpoint is left to boto3, so AWS_ENDPOINT_URL_DYNAMODB can point it at a
    local DynamoDB. The adapter module is imported here, not at the top: it builds a default
    resource when imported, which needs a region and costs cold-start time."""
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter  # noqa: PLC0415

    resource = boto3.resource("dynamodb", config=CLIENT_CONFIG)
    return DynamoDbAdapter(
        table_name=table_name,
        partition_key_name=PARTITION_KEY,
        attribute_name=ATTRIBUTE_NAME,
        create_table=False,
        partition_keygen=person_id_partition_keygen,
        dynamodb_resource=resource,
    )
