"""The DynamoDB side of persistence: the SDK's adapter on a resource with bounded timeouts, and
a conditional save so that two devices of one account cannot silently overwrite each other.

botocore's defaults (60 s connect timeout, several retries) could outlast Alexa's 8-second
deadline many times over; these bounds keep even a hanging DynamoDB to about a second per call.
"""

from __future__ import annotations

import time
from typing import Any, cast

import boto3
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.partition_keygen import person_id_partition_keygen
from boto3.dynamodb.conditions import Attr, ConditionBase
from botocore.config import Config
from botocore.exceptions import ClientError

from upper_back.edge.errors import StaleWriteError

PARTITION_KEY = "id"
ATTRIBUTE_NAME = "attributes"
EXPIRES_ATTRIBUTE = "expires_at"
"""The table's TTL attribute (epoch seconds): a place untouched this long is forgotten. It also
covers records keyed by a recognised voice, which SkillDisabled (user id only) cannot name."""
RETENTION_SECONDS = 365 * 24 * 60 * 60
CLIENT_CONFIG = Config(
    connect_timeout=0.5,
    read_timeout=0.8,
    # One attempt per call: a failed save is owed and retried on the user's next turn anyway,
    # and a second attempt would honour a server's retry-after hint past Alexa's deadline.
    retries={"total_max_attempts": 1, "mode": "standard"},
)


def _conditional_adapter_class() -> type[Any]:
    """The adapter class, defined on first use: importing the SDK's adapter module builds a
    default boto3 resource (which needs a region and costs cold-start time)."""
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter  # noqa: PLC0415

    class RevisionedDynamoDbAdapter(DynamoDbAdapter):
        """Saves only over the revision the record is expected to have (``revision - 1``), or
        into an empty slot for a first save; a record that moved on raises StaleWriteError."""

        def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
            revision = attributes.get("revision")
            if not isinstance(revision, int):
                super().save_attributes(request_envelope, attributes)
                return
            stored = Attr(f"{self.attribute_name}.revision")
            # Saving over revision N-1 is safe. A first save may also replace a record whose
            # revision is missing or not a number (damaged): nothing newer can be lost there.
            fresh: ConditionBase = Attr(self.partition_key_name).not_exists()
            fresh = fresh | stored.eq(revision - 1)
            if revision == 1:
                fresh = fresh | stored.not_exists() | ~stored.attribute_type("N")
            try:
                cast(Any, self.dynamodb).Table(self.table_name).put_item(
                    Item={
                        self.partition_key_name: self.partition_keygen(request_envelope),
                        self.attribute_name: attributes,
                        EXPIRES_ATTRIBUTE: int(time.time()) + RETENTION_SECONDS,
                    },
                    ConditionExpression=fresh,
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code == "ConditionalCheckFailedException":
                    raise StaleWriteError("the stored record has a newer revision") from error
                raise PersistenceException(f"Failed to save attributes: {code}") from error
            except PersistenceException:
                raise
            except Exception as error:
                raise PersistenceException(
                    f"Failed to save attributes: {type(error).__name__}"
                ) from error

    return RevisionedDynamoDbAdapter


def dynamodb_adapter(table_name: str) -> AbstractPersistenceAdapter:
    """The SDK's DynamoDbAdapter (with conditional saves), keyed by the recognised voice (else
    the account), on our own bounded resource. The endpoint is left to boto3, so
    AWS_ENDPOINT_URL_DYNAMODB can point it at a local DynamoDB."""
    resource = boto3.resource("dynamodb", config=CLIENT_CONFIG)
    adapter: AbstractPersistenceAdapter = _conditional_adapter_class()(
        table_name=table_name,
        partition_key_name=PARTITION_KEY,
        attribute_name=ATTRIBUTE_NAME,
        create_table=False,
        partition_keygen=person_id_partition_keygen,
        dynamodb_resource=resource,
    )
    return adapter
