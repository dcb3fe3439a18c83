"""The progress store on DynamoDB: one item per person, bounded calls, conditional saves.

Each item keeps the layout the ASK SDK's DynamoDbAdapter wrote, so records saved before this
module existed still read: ``{"id": <key>, "attributes": <record>, "expires_at": <epoch s>}``.

Why not the SDK's adapter class: its save is an unconditional PutItem and its calls answer
nothing (a failure is an exception), while the port needs a save conditional on the revision
that tells Saved from Stale from Unavailable; and merely importing its module builds a default
boto3 resource (a region is needed, and a cold start pays for it). So this module never imports
``ask_sdk_dynamodb.adapter``.

Why the bounds: botocore's defaults (60 s to connect, 60 s to read, several attempts with
backoff) could outlast Alexa's 8-second deadline many times over. With ``CLIENT_CONFIG`` a call
to a hanging DynamoDB gives up after about a second, and the turn still answers in time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
)

from upper_back.adapters.port import (
    REVISION,
    Found,
    LoadResult,
    RawRecord,
    Saved,
    SaveResult,
    Stale,
    Unavailable,
    accepts,
)

PARTITION_KEY = "id"
ATTRIBUTE_NAME = "attributes"
EXPIRES_ATTRIBUTE = "expires_at"
"""The table's TTL attribute (epoch seconds): a place untouched this long is forgotten. It also
covers records keyed by a recognised voice, which SkillDisabled (user id only) cannot name."""
RETENTION_SECONDS = 365 * 24 * 60 * 60
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 0.8
CLIENT_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
    # One attempt per call: a failed save is owed and retried on the user's next turn anyway,
    # and a second attempt would honour a server's retry-after hint past Alexa's deadline.
    retries={"total_max_attempts": 1, "mode": "standard"},
)

log = logging.getLogger("upper_back.store")
"""One line per failure: the operation and the reason, never a key (a user or person id) or a
value."""

_CONDITION_FAILED = "ConditionalCheckFailedException"
_NAMES = {"#key": PARTITION_KEY, "#attributes": ATTRIBUTE_NAME, "#revision": REVISION}
_REVISION_PATH = "#attributes.#revision"
# accepts(), stated once for DynamoDB: an empty slot, or the expected revision, or (for a first
# save only) a record whose revision is missing or not a number. The type test before the
# equality is DynamoDB's own rule made explicit (moto would take a stored true for 1).
_ACCEPTS = (
    f"attribute_not_exists(#key)"
    f" OR (attribute_type({_REVISION_PATH}, :number) AND {_REVISION_PATH} = :expected)"
)
_ACCEPTS_FIRST_SAVE = (
    f"{_ACCEPTS} OR attribute_not_exists({_REVISION_PATH})"
    f" OR NOT attribute_type({_REVISION_PATH}, :number)"
)
_deserializer = TypeDeserializer()


class DynamoDbProgressStore:
    """The ``ProgressStore`` port on a DynamoDB table keyed by ``id`` (a string).

    ``resource`` is a boto3 DynamoDB service resource; by default one is built on first use
    (never at import or construction) with ``CLIENT_CONFIG``, its endpoint left to boto3 so that
    ``AWS_ENDPOINT_URL_DYNAMODB`` can point it at a local DynamoDB. ``clock`` gives epoch
    seconds for the expiry stamp. No method raises: every failure is an answer.
    """

    def __init__(
        self,
        table_name: str,
        *,
        resource: Any | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table_name = table_name
        self._resource = resource
        self._table: Any | None = None
        self._clock = clock

    @property
    def resource(self) -> Any:
        """The boto3 DynamoDB resource, built on first use (tests stub ``resource.meta.client``)."""
        if self._resource is None:
            self._resource = boto3.resource("dynamodb", config=CLIENT_CONFIG)
        return self._resource

    @property
    def _items(self) -> Any:
        if self._table is None:
            self._table = self.resource.Table(self._table_name)
        return self._table

    def load(self, key: str) -> LoadResult:
        try:
            response = self._items.get_item(Key={PARTITION_KEY: key}, ConsistentRead=True)
        except Exception as error:  # every failure is an answer
            return Unavailable(_failed("load", error))
        item = response.get("Item")
        return Found({} if item is None else _attributes(item.get(ATTRIBUTE_NAME), "load"))

    def save(self, key: str, record: Mapping[str, Any], expected: int) -> SaveResult:
        condition = _ACCEPTS_FIRST_SAVE if expected == 0 else _ACCEPTS
        result = self._put(key, record, condition, {":expected": expected, ":number": "N"})
        if not isinstance(result, Stale) or result.current is None:
            return result
        seen = result.current.get(REVISION)
        if isinstance(seen, Decimal) and accepts(result.current, expected):
            # A revision stored as a number that is not whole (only a damaged record has one):
            # accepts() lets a first save replace it, but no condition expression can tell a
            # whole number from another. So one more bounded put, over exactly what is stored.
            return self._put(key, record, f"{_REVISION_PATH} = :seen", {":seen": seen})
        return result

    def delete(self, key: str) -> bool:
        try:
            self._items.delete_item(Key={PARTITION_KEY: key})
        except Exception as error:  # every failure is an answer
            _failed("delete", error)
            return False
        return True

    def _put(
        self, key: str, record: Mapping[str, Any], condition: str, values: dict[str, Any]
    ) -> SaveResult:
        """One conditional PutItem of the whole item. A failed condition answers the stored
        record in the same call (ReturnValuesOnConditionCheckFailure, which moto 5.2.5 honours
        too); numbers in ``record`` must be ints or Decimals: boto3 refuses floats (Unavailable)."""
        item = {
            PARTITION_KEY: key,
            ATTRIBUTE_NAME: dict(record),
            EXPIRES_ATTRIBUTE: int(self._clock()) + RETENTION_SECONDS,
        }
        names = {name: _NAMES[name] for name in _NAMES if name in condition}
        try:
            self._items.put_item(
                Item=item,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if _code(error) != _CONDITION_FAILED:
                return Unavailable(_failed("save", error), uncertain=_may_have_landed(error))
            # The error's Item is in DynamoDB's wire format: the resource layer does not
            # deserialize error responses.
            old = error.response.get("Item")
            if not isinstance(old, dict):
                return Stale()
            try:
                stored = _deserializer.deserialize({"M": old}).get(ATTRIBUTE_NAME)
            except Exception as failure:  # a malformed answer: nothing known
                _failed("save", failure)
                return Stale()
            return Stale(_attributes(stored, "save"))
        except Exception as error:  # every failure is an answer
            return Unavailable(_failed("save", error), uncertain=_may_have_landed(error))
        return Saved()


_NOT_SENT = (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    TypeError,  # boto3 refuses floats before sending
)


def _may_have_landed(error: Exception) -> bool:
    """Whether a failed PutItem may have been applied all the same: DynamoDB refused it (a 4xx
    answer), the request never left (no connection, refused parameters) or it did."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return not (isinstance(status, int) and 400 <= status < 500)
    return not isinstance(error, _NOT_SENT)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code") or "ClientError")


def _failed(operation: str, error: Exception) -> str:
    """The reason for ``Unavailable`` (an error code, else the exception's type), logged once."""
    reason = _code(error) if isinstance(error, ClientError) else type(error).__name__
    log.warning("store %s failed: %s", operation, reason)
    return reason


def _attributes(stored: object, operation: str) -> RawRecord:
    """The stored record, ``{}`` (logged) when what is stored is not a map: the core then sees a
    record without a revision, which a first save (expected revision 0) may replace."""
    if isinstance(stored, dict):
        return stored
    log.warning("store %s: stored attributes are not a map", operation)
    return {}
