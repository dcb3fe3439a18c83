"""Storage errors the conversation logic distinguishes from plain failures."""

from __future__ import annotations

from ask_sdk_core.exceptions import PersistenceException


class StaleWriteError(PersistenceException):
    """The stored record moved on since this session read it (another device saved first)."""
