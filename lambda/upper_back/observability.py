"""Structured logs and business metrics, kept out of the conversation logic.

Logs go through stdlib logging: in Lambda the function's JSON log format turns each record (and
its ``extra`` fields) into one JSON line. Metrics are CloudWatch embedded-metric-format lines
written by Powertools. Never log the envelope, user ids or tokens: only what a turn did.
"""

from __future__ import annotations

import logging
import os

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from upper_back.navigation import Command, Kind, Position

log = logging.getLogger("upper_back")
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "UpperBackRoutine",
    service=os.environ.get("POWERTOOLS_SERVICE_NAME") or "upper-back-routine",
)

FORWARD = (Command.NEXT, Command.YES)


def count(name: str) -> None:
    """Add one to a business metric, published when the invocation ends."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def record_turn(
    command: Command, kind: Kind, before: Position, after: Position, changed: bool
) -> None:
    """One log line per turn, and the metrics the turn earns."""
    log.info(
        "turn",
        extra={
            "command": command.value,
            "outcome": kind.value,
            "move": after.move + 1,
            "part": after.part,
            "changed": changed,
        },
    )
    if kind is Kind.PLAY:
        if (after.move, after.part) == (0, 0) and command not in (Command.REPEAT, Command.PREVIOUS):
            count("RoutineStarted")
        elif command in (Command.RESUME, Command.YES) and before.in_progress and not changed:
            count("RoutineResumed")
        if (
            command in FORWARD
            and before.in_progress
            and (after.move, after.part)
            > (
                before.move,
                before.part,
            )
        ):
            count("MoveCompleted")
    elif kind is Kind.FINISHED:
        count("MoveCompleted")
        count("RoutineCompleted")


def flush() -> None:
    """Publish this invocation's metrics, if it earned any (an empty flush only warns)."""
    if metrics.metric_set:
        metrics.flush_metrics()
