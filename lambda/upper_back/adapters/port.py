"""The progress store port: what the turn needs from storage, and nothing more.

One record per person (the partition key is the recognised voice's person id, else the user id),
read once per session and written whole when the person's state changes. Every answer is a value,
never an exception, so the turn cannot forget to handle a failure:

- ``load`` answers ``Found`` (``{}`` for somebody new) or ``Unavailable``;
- ``save`` writes only over the revision the session expects and answers ``Saved``, ``Stale``
  (the stored record moved on: another device, or this session's own write whose answer was lost)
  or ``Unavailable`` (nothing is known: the write may or may not have landed).

The revision rule is stated once here (``accepts``) for adapters that check it in Python; the
DynamoDB adapter states the same rule once as a condition expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from upper_back.core.cases import Case

RawRecord = dict[str, Any]
"""A stored record as JSON-like data (DynamoDB hands numbers back as ``Decimal``)."""
REVISION = "revision"
"""The record's field that grows by one with every save; saves are conditional on it."""


@dataclass(frozen=True)
class Found:
    """The stored record, ``{}`` when the person has none yet."""

    record: RawRecord = field(default_factory=dict)


class Saved(Case):
    """The record was written."""


@dataclass(frozen=True)
class Stale:
    """The stored record is not at the expected revision, so nothing was written. ``current`` is
    the record that is stored now, when the store could tell in the same call (else None)."""

    current: RawRecord | None = None


@dataclass(frozen=True)
class Unavailable:
    """The store did not answer usefully (throttled, refused, timed out). ``reason`` is for logs:
    an error code or exception type, never a key or a value. ``uncertain``: a save may have
    landed all the same (its answer was lost, or the service failed midway); False when the
    store is sure nothing was written (refused, throttled, invalid)."""

    reason: str
    uncertain: bool = False


LoadResult = Found | Unavailable
SaveResult = Saved | Stale | Unavailable


class ProgressStore(Protocol):
    """Where each person's record lives between sessions."""

    def load(self, key: str) -> LoadResult:
        """The record stored under ``key``."""
        ...

    def save(self, key: str, record: Mapping[str, Any], expected: int) -> SaveResult:
        """Replace the whole record under ``key`` with ``record`` (whose revision is
        ``expected + 1``), but only if ``accepts(stored, expected)``."""
        ...

    def delete(self, key: str) -> bool:
        """Forget ``key`` (an unknown key is not an error). False when the store failed."""
        ...


def stored_revision(record: Mapping[str, Any] | None) -> int | None:
    """The revision of a stored record, or None (no record, or none usable: not a whole number,
    or negative, which no save of ours ever writes)."""
    value = None if record is None else record.get(REVISION)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    if isinstance(value, Decimal) and not (value.is_finite() and value == int(value)):
        return None
    return int(value) if value >= 0 else None


def accepts(stored: Mapping[str, Any] | None, expected: int) -> bool:
    """Whether a save that expects revision ``expected`` may replace ``stored`` (None: no record
    under the key). An empty slot always takes it: nothing can be lost there. A record takes only
    the revision it expects, and a first save (``expected == 0``) may also replace a record whose
    revision is missing or not a number, which would otherwise block every save for ever."""
    if stored is None:
        return True
    revision = stored_revision(stored)
    if revision is None:
        return expected == 0
    return revision == expected
