"""Fault-injection helpers: the skill's own DynamoDB client, watched; logs checked for ids; what
the session carries."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.stub import Stubber

from sim.conversation import Conversation
from sim.envelopes import Caller, envelope, launch_request
from tests.conversation.helpers import MOVES, text
from upper_back.core.session import SESSION_KEY
from upper_back.render import phrases

TABLE = os.environ["TABLE_NAME"]  # set by tests/conftest.py: the ``table`` fixture's name
# Errors DynamoDB can answer GetItem, PutItem or DeleteItem with (besides a conditional check).
ERROR_CODES = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "AccessDeniedException",
    "ResourceNotFoundException",
    "UnrecognizedClientException",
    "ValidationException",
]
# DynamoDB answers these with 5xx; every other code here is a 400.
HTTP_STATUS = {"InternalServerError": 500, "ServiceUnavailable": 503}
# Never to be found in a log line or in printed output: account and person ids, the API token.
SECRETS = ("amzn1.ask.account.", "amzn1.ask.person.", "TEST.ACCESS.TOKEN")
WARM_UP_CALLER = Caller(user_id="amzn1.ask.account.WARMUP")
Handler = Callable[[Any, Any], dict[str, Any]]
"""An Alexa handler as ``upper_back.edge.app.build_handler`` returns it."""
Build = Callable[..., Handler]
"""The ``build`` fixture: ``build(skill_id=..., clock=...)`` is a handler built by
``build_handler(Settings(table_name=TABLE, skill_id=skill_id), clock=clock)`` on the moto table."""


@dataclass
class LiveDynamoDb:
    """The DynamoDB resources the skill builds for itself, and every call their clients make."""

    resources: list[Any] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    @property
    def client(self) -> Any:
        assert self.resources, "the skill has not built its DynamoDB resource yet"
        return self.resources[-1].meta.client

    def built(self, resource: Any) -> None:
        self.resources.append(resource)
        resource.meta.client.meta.events.register(
            "before-parameter-build.dynamodb", self._count, unique_id=f"count-{id(self)}"
        )

    def _count(self, model: Any, **_kwargs: Any) -> None:
        self.calls.append(str(model.name))

    def warm_up(self, handler: Handler) -> None:
        """Make ``handler`` build its DynamoDB client, as a container's first request does:
        somebody else's launch (one read, nothing written). The calls list starts empty after."""
        handler(envelope(launch_request(), WARM_UP_CALLER, "amzn1.echo-api.session.WARMUP"), None)
        assert self.calls == ["GetItem"], self.calls
        self.calls.clear()

    @contextmanager
    def failing(self, *faults: tuple[str, str]) -> Iterator[Stubber]:
        """Answer the next calls, in order, with these (method, error code) faults, e.g.
        ("get_item", "ThrottlingException"). The block must make exactly those calls: the
        Stubber holds nothing else, so an extra call would fail too (and be counted here)."""
        start = len(self.calls)
        with Stubber(self.client) as stub:
            for method, code in faults:
                stub.add_client_error(
                    method,
                    service_error_code=code,
                    service_message=f"simulated {code}",
                    http_status_code=HTTP_STATUS.get(code, 400),
                )
            yield stub
        mapping = self.client.meta.method_to_api_mapping
        assert self.calls[start:] == [mapping[method] for method, _code in faults]


def leaks(logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Secrets found in any captured log record (message, extras, traceback) or printed line."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    found = []
    for record in logs.records:
        rendered = formatter.format(record) + repr(vars(record))
        found += [f"{record.name} {record.getMessage()!r}: {s}" for s in SECRETS if s in rendered]
    printed = capsys.readouterr()
    found += [f"printed: {s}" for s in SECRETS if s in printed.out + printed.err]
    return found


def errors(logs: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in logs.records if record.levelno >= logging.ERROR]


def session_record(conversation: Conversation) -> dict[str, Any]:
    """The record the open session carries (schema 2, with the session-only fields beside it:
    ``question``, ``owed``, ``loaded``, ``read_only``, ``saved_place``)."""
    return dict(conversation.attributes[SESSION_KEY])


def owed(conversation: Conversation) -> bool:
    """Whether the open session still owes the store a save of its place."""
    return session_record(conversation)["owed"] is True


def place_fields(index: int, part: int = 0) -> dict[str, str]:
    """The fields the phrases name a place with, for move ``index`` (0-based), part ``part``:
    ``{n}`` and ``{total}`` in words, ``{name}``, and ``{side}`` as the place sentences say it
    (", left side" for a split move, else nothing)."""
    move = MOVES[index]
    return {
        "n": phrases.number_word(index + 1),
        "total": phrases.number_word(len(MOVES)),
        "name": move.spoken_name("en-US"),
        "side": f", {move.sides[part]} side" if move.split_sides else "",
    }


def said(template: str, index: int, part: int = 0) -> str:
    """A place sentence (``phrases.GOODBYE_SAVED``, ``STOPPING_AT``, ...) as heard, for a place."""
    return text(template.format(**place_fields(index, part)))


def header(index: int, part: int = 0) -> str:
    """What a listener hears when move ``index`` (0-based), part ``part``, begins: its header,
    built from the phrases and the routine data (see ``tests.conversation.helpers.text``)."""
    move = MOVES[index]
    fields = place_fields(index, part)
    if move.split_sides:
        return text(phrases.MOVE_HEADER_SIDE.format(**{**fields, "side": move.sides[part]}))
    return text(phrases.MOVE_HEADER.format(**fields))


def second_side(index: int) -> str:
    """What a listener hears when "next" moves on to the second side of split move ``index``."""
    move = MOVES[index]
    assert move.split_sides, move.id
    return text(phrases.SECOND_SIDE.format(name=move.spoken_name("en-US"), side=move.sides[1]))


def at(index: int, part: int = 0) -> tuple[str, str]:
    """How a stored record names move ``index`` (0-based), part ``part``: (move id, side or "")."""
    move = MOVES[index]
    return move.id, move.sides[part] if move.split_sides else ""
