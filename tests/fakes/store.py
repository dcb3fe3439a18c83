"""An in-memory progress store for conversation tests: the port's contract, and faults on demand.

It behaves like the DynamoDB store where the skill could notice: one record per key, whole-record
saves under the port's revision rule (``accepts``), numbers read back as ``Decimal``, floats
refused, ``Stale`` carrying the stored record. A test can make the next call of an operation fail
*before* it takes effect (nothing happens: a throttle, a refused connection) or *after* it (the
write lands but its answer is lost: a timeout after DynamoDB accepted it).
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

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

Operation = Literal["load", "save", "delete"]
When = Literal["before", "after"]


def _as_dynamodb(value: Any) -> Any:
    """What DynamoDB hands back: every number a Decimal, containers copied."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Mapping):
        return {k: _as_dynamodb(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_dynamodb(v) for v in value]
    return copy.deepcopy(value)


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, Mapping):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(v) for v in value)
    return False


@dataclass(frozen=True)
class Fault:
    operation: Operation
    when: When
    reason: str


@dataclass
class MemoryStore:
    """Records by key, every call logged (``calls``), faults queued with ``fail``."""

    records: dict[str, RawRecord] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)

    def fail(
        self, operation: Operation, *, when: When = "before", reason: str = "ThrottlingException"
    ) -> None:
        """Make the next ``operation`` fail: ``before`` it takes effect or ``after`` it."""
        self.faults.append(Fault(operation, when, reason))

    def _fault(self, operation: Operation) -> Fault | None:
        self.calls.append(operation)
        if self.faults and self.faults[0].operation == operation:
            return self.faults.popleft()
        return None

    def put(self, key: str, record: Mapping[str, Any]) -> None:
        """Seed a record as if an earlier version of the skill had written it."""
        self.records[key] = _as_dynamodb(record)

    def load(self, key: str) -> LoadResult:
        fault = self._fault("load")
        if fault is not None:
            return Unavailable(fault.reason)
        return Found(_as_dynamodb(self.records.get(key, {})))

    def save(self, key: str, record: Mapping[str, Any], expected: int) -> SaveResult:
        fault = self._fault("save")
        if fault is not None and fault.when == "before":
            return Unavailable(fault.reason)
        if _has_float(record):
            return Unavailable("ValidationException: floats are not supported")
        current = self.records.get(key)
        if not accepts(current, expected):
            return Stale(_as_dynamodb(current))
        self.records[key] = _as_dynamodb(record)
        if fault is not None:
            return Unavailable(fault.reason, uncertain=True)  # it landed; the answer was lost
        return Saved()

    def delete(self, key: str) -> bool:
        fault = self._fault("delete")
        if fault is not None and fault.when == "before":
            return False
        self.records.pop(key, None)
        return fault is None
