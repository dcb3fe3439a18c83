"""The progress store on an embedded SQLite file (stdlib ``sqlite3``): the simulator needs no AWS.

``SqliteStore`` implements the ``ProgressStore`` port (``upper_back.adapters.port``) and behaves
like ``DynamoDbProgressStore`` wherever the skill could notice: one record per key, whole-record
saves under the port's revision rule (``accepts``, checked and written in one transaction),
``Stale`` carrying the stored record, ``{}`` for somebody new, numbers read back as ``Decimal``,
floats (and NaN or infinite numbers) refused, and no exception ever: a failure is ``Unavailable``
(or ``False`` from ``delete``). A skill that works against this store meets no surprise in
DynamoDB. The production code does not know this module exists; the simulator hands it to
``build_handler``.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from upper_back.adapters.port import (
    Found,
    LoadResult,
    RawRecord,
    Saved,
    SaveResult,
    Stale,
    Unavailable,
    accepts,
)

log = logging.getLogger("sim.store")
"""One line per failure: the operation and the reason, never a key or a value."""

# The layout of earlier simulator stores, so places saved by earlier runs still read.
_SCHEMA = "CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"
_SELECT = "SELECT attributes FROM attributes WHERE id = ?"
_UPSERT = (
    "INSERT INTO attributes (id, attributes) VALUES (?, ?) "
    "ON CONFLICT(id) DO UPDATE SET attributes = excluded.attributes"
)
_DELETE = "DELETE FROM attributes WHERE id = ?"
BUSY_TIMEOUT_SECONDS = 2.0
"""How long a call waits for another process holding the file (two simulators at once) before
it answers Unavailable."""


class UnsupportedValueError(TypeError):
    """A value DynamoDB would refuse (a float, NaN) or JSON cannot hold (a set, bytes)."""


def to_json(value: Any) -> str:
    """The record as JSON text, every number written exactly as given (a Decimal keeps its
    digits). Raises ``UnsupportedValueError`` for what boto3 refuses (floats, NaN, infinity) and
    for what JSON cannot hold (sets, bytes, non-string keys)."""
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UnsupportedValueError("Infinity and NaN not supported")
        return str(value)
    if isinstance(value, float):
        raise UnsupportedValueError("Float types are not supported. Use Decimal types instead.")
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise UnsupportedValueError("map keys must be strings")
        fields = (
            f"{json.dumps(key, ensure_ascii=False)}:{to_json(item)}"
            for key, item in sorted(value.items())
        )
        return "{" + ",".join(fields) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    raise UnsupportedValueError(f"{type(value).__name__} values are not supported")


def from_json(text: str) -> RawRecord:
    """A stored record, every number a Decimal as DynamoDB hands them back; ``{}`` (logged) when
    the text is not a JSON object, as the DynamoDB store reads attributes that are not a map."""
    try:
        record = json.loads(text, parse_int=Decimal, parse_float=Decimal)
    except ValueError:
        record = None
    if isinstance(record, dict):
        return record
    log.warning("store: the stored record is not a JSON object")
    return {}


class SqliteStore:
    """The ``ProgressStore`` port on one SQLite table: ``id`` (the key) -> JSON ``attributes``.

    The folder, file and table are made on first use, not on construction. A connection is
    opened per call: the turn makes a few calls per request at most, and a fresh connection is
    never stale across simulator runs or shared between threads.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, begun before the first read so a check and its write are
        atomic even against another process; committed on success, rolled back otherwise."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(
            sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        ) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(_SCHEMA)
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @staticmethod
    def _stored(connection: sqlite3.Connection, key: str) -> RawRecord | None:
        row = connection.execute(_SELECT, (key,)).fetchone()
        return None if row is None else from_json(str(row[0]))

    def load(self, key: str) -> LoadResult:
        try:
            with self._transaction() as connection:
                stored = self._stored(connection, key)
        except Exception as error:  # every failure is an answer
            return Unavailable(_failed("load", error))
        return Found({} if stored is None else stored)

    def save(self, key: str, record: Mapping[str, Any], expected: int) -> SaveResult:
        try:
            text = to_json(record)
            with self._transaction() as connection:
                stored = self._stored(connection, key)
                if not accepts(stored, expected):
                    return Stale(stored)
                connection.execute(_UPSERT, (key, text))
        except Exception as error:  # every failure is an answer
            return Unavailable(_failed("save", error))
        return Saved()

    def delete(self, key: str) -> bool:
        try:
            with self._transaction() as connection:
                connection.execute(_DELETE, (key,))
        except Exception as error:  # every failure is an answer
            _failed("delete", error)
            return False
        return True


def _failed(operation: str, error: Exception) -> str:
    """The reason for ``Unavailable``: the exception's type (a float is a ``TypeError``, as boto3
    reports it), logged once without the key or the message (which may quote a value)."""
    reason = "TypeError" if isinstance(error, TypeError) else type(error).__name__
    log.warning("store %s failed: %s", operation, reason)
    return reason
