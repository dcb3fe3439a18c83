"""An embedded persistence adapter (stdlib sqlite3) so the simulator needs no AWS account.

It stands in for ``DynamoDbAdapter`` and behaves like it where the skill could notice: one record
per partition key (person id, else user id), whole-record saves, ``{}`` for an unknown key, errors
wrapped in ``PersistenceException``, numbers read back as ``Decimal``, floats refused, and saves
conditional on the record's revision. A skill
that works against this store therefore meets no surprise in DynamoDB. Never used in AWS.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.partition_keygen import person_id_partition_keygen
from ask_sdk_model import RequestEnvelope

from upper_back.core.record import may_replace
from upper_back.edge.errors import StaleWriteError

PartitionKeygen = Callable[[RequestEnvelope], str]

_SCHEMA = "CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"


def _check(value: Any) -> None:
    """Refuse what DynamoDB refuses (floats), so the bug shows up here first."""
    if isinstance(value, float):
        raise PersistenceException(
            "Failed to save attributes: float values are not supported, use int or Decimal "
            "(DynamoDB rejects them too)"
        )
    if isinstance(value, dict):
        for item in value.values():
            _check(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check(item)


def _encode(value: Any) -> Any:
    """JSON has no Decimal: write integral ones as integers, the others as numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class SqliteAdapter(AbstractPersistenceAdapter):
    """Persistent attributes in one SQLite table: ``id`` (partition key) -> JSON ``attributes``.

    A connection is opened per call: the skill makes a few calls per request at most, and a fresh
    connection is never stale across simulator runs or shared between threads.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        partition_keygen: PartitionKeygen = person_id_partition_keygen,
    ) -> None:
        self.path = Path(path)
        self.partition_keygen = partition_keygen

    @contextmanager
    def _connection(self, action: str) -> Iterator[sqlite3.Connection]:
        """Open the store (creating folder and table the first time) inside one transaction."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # closing() closes the file; the connection's own context commits or rolls back.
            with closing(sqlite3.connect(self.path, timeout=5.0)) as connection, connection:
                connection.execute(_SCHEMA)
                yield connection
        except PersistenceException:
            raise
        except (OSError, sqlite3.Error, TypeError, ValueError) as error:
            raise PersistenceException(
                f"Failed to {action} attributes in SQLite store {self.path}: "
                f"{type(error).__name__}: {error}"
            ) from error

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """The stored record for this caller, or ``{}`` if there is none yet."""
        key = self.partition_keygen(request_envelope)
        with self._connection("retrieve") as connection:
            row = connection.execute(
                "SELECT attributes FROM attributes WHERE id = ?", (key,)
            ).fetchone()
            if row is None:
                return {}
            attributes = json.loads(row[0], parse_int=Decimal, parse_float=Decimal)
        if not isinstance(attributes, dict):
            raise PersistenceException(f"Stored attributes for a caller are not an object: {key}")
        return attributes

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Replace the whole record, as DynamoDB's PutItem does, under the same revision rule
        as the DynamoDB adapter's conditional save (StaleWriteError when the record moved on)."""
        key = self.partition_keygen(request_envelope)
        _check(attributes)
        with self._connection("save") as connection:
            row = connection.execute(
                "SELECT attributes FROM attributes WHERE id = ?", (key,)
            ).fetchone()
            revision = attributes.get("revision")
            if row is not None and isinstance(revision, int):
                stored = json.loads(row[0], parse_int=Decimal, parse_float=Decimal)
                current = stored.get("revision") if isinstance(stored, dict) else None
                if not may_replace(current, revision):
                    raise StaleWriteError("the stored record has a newer revision")
            text = json.dumps(attributes, default=_encode, sort_keys=True)
            connection.execute(
                "INSERT INTO attributes (id, attributes) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET attributes = excluded.attributes",
                (key, text),
            )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Forget this caller; deleting an unknown key is not an error (nor in DynamoDB)."""
        key = self.partition_keygen(request_envelope)
        with self._connection("delete") as connection:
            connection.execute("DELETE FROM attributes WHERE id = ?", (key,))
