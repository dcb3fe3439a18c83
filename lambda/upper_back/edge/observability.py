"""Structured logs and business metrics, kept out of the conversation logic.

Logs go through stdlib logging: in Lambda the function's JSON log format turns each record (and
its ``extra`` fields) into one JSON line. Metrics are CloudWatch embedded-metric-format lines
written by Powertools. Never log the envelope, user ids or tokens: only what a turn did.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from upper_back.core.navigation import Command, Kind, Outcome, Position

log = logging.getLogger("upper_back")
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "UpperBackRoutine",
    service=os.environ.get("POWERTOOLS_SERVICE_NAME") or "upper-back-routine",
)


def count(name: str) -> None:
    """Add one to a business metric, published when the invocation ends."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def record_turn(command: Command, outcome: Outcome, after: Position, changed: bool) -> None:
    """One log line per turn, and the metrics the turn earns."""
    log.info(
        "turn",
        extra={
            "command": command.value,
            "outcome": outcome.kind.value,
            "move": after.move + 1,
            "part": after.part,
            "changed": changed,
        },
    )
    if outcome.advanced:
        count("MoveCompleted")
    if outcome.finished:
        count("RoutineCompleted")
    if outcome.kind is Kind.PLAY_LAST and outcome.finished:
        count("MoveCompleted")  # the final move itself, done in this very reply
    if outcome.started:
        count("RoutineStarted")
    if outcome.resumed:
        count("RoutineResumed")


def log_error(message: str, error: BaseException, **fields: object) -> None:
    """Log an unexpected error with its type and the innermost frames where it was raised, but
    not its message: the SDK's messages quote request field values, which may carry ids."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in frames]
    log.error(message, extra={"error": type(error).__name__, "where": where, **fields})
    count("Errors")


def flush() -> None:
    """Publish this invocation's metrics, if it earned any (an empty flush only warns)."""
    if metrics.metric_set:
        metrics.flush_metrics()
