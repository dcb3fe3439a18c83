"""The ``alexa_api`` fixture: a started fake Alexa API per test (the server is ``sim.alexa_api``,
which the simulator runs too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sim.alexa_api import REMINDER, REMINDERS, TIME_ZONE, FakeAlexaApi, Received

__all__ = ["REMINDER", "REMINDERS", "TIME_ZONE", "FakeAlexaApi", "Received", "alexa_api"]


@pytest.fixture
def alexa_api() -> Iterator[FakeAlexaApi]:
    """A started ``FakeAlexaApi`` with the default routes; shut down (and checked for errors of
    its own) at teardown."""
    with FakeAlexaApi() as api:
        yield api
    assert not api.errors, f"the fake Alexa API failed while serving: {api.errors!r}"
