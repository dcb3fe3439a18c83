"""Fault-injection helpers: the skill's own DynamoDB client, watched; logs checked for ids."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.stub import Stubber

import lambda_function
from sim.envelopes import Caller, envelope, skill_event

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

    def warm_up(self) -> None:
        """Build the skill, as the first request of a container does, with a request that
        touches no storage (SkillEnabled); the calls list starts empty afterwards."""
        lambda_function.lambda_handler(envelope(skill_event("SkillEnabled"), WARM_UP_CALLER), None)
        assert self.calls == [], self.calls

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
