"""Structured logs and business metrics, kept out of the conversation logic.

Logs go through stdlib logging: in Lambda the function's JSON log format turns each record (and
its ``extra`` fields) into one JSON line. Metrics are CloudWatch embedded-metric-format lines
written by Powertools. Never log the envelope, user ids or tokens: only what a turn did.
"""

from __future__ import annotations

import logging
import os
import traceback
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from upper_back.core import commands
from upper_back.core.commands import Command
from upper_back.core.outcomes import (
    AlreadyAtFirst,
    CannotCheck,
    DaysReport,
    DetailSet,
    Entry,
    Finished,
    Goodbye,
    HelpGiven,
    Misheard,
    NoMoveToAdjust,
    NoOtherSide,
    NoSuchMove,
    NotNow,
    NotStartedYet,
    OfferRestart,
    Outcome,
    PaceSet,
    PainStop,
    Paused,
    PermissionAsked,
    PermissionRefused,
    Played,
    PlayedLast,
    ProgressReport,
    ReminderCancelled,
    ReminderDeclined,
    ReminderFailed,
    ReminderProposed,
    ReminderSet,
    ReminderTimeAsked,
    Silent,
    WelcomeBack,
    WelcomeBackAfterSet,
    WelcomeBackDone,
    WelcomeNew,
)
from upper_back.core.state import AtMove

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics

log = logging.getLogger("upper_back")


@cache
def _metrics() -> Metrics:
    """Powertools' metrics, made when a turn first earns one (about 15 ms to import): a launch
    earns none, so the first answer of a cold container does not wait for it."""
    from aws_lambda_powertools import Metrics  # noqa: PLC0415

    return Metrics(
        namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "UpperBackRoutine",
        service=os.environ.get("POWERTOOLS_SERVICE_NAME") or "upper-back-routine",
    )


def count(name: str) -> None:
    """Add one to a business metric, published when the invocation ends."""
    from aws_lambda_powertools.metrics import MetricUnit  # noqa: PLC0415

    _metrics().add_metric(name=name, unit=MetricUnit.Count, value=1)


def record_turn(command: Command, outcome: Outcome, changed: bool) -> None:
    """One log line per turn, and the metrics the turn earns."""
    at = getattr(outcome, "at", None) or getattr(outcome, "place", None)
    log.info(
        "turn",
        extra={
            "command": commands.name(command),
            "outcome": type(outcome).__name__,
            "move": at.move + 1 if isinstance(at, AtMove) else None,
            "changed": changed,
        },
    )
    for metric in metrics_for(outcome):
        count(metric)


def metrics_for(outcome: Outcome) -> list[str]:  # noqa: PLR0911 (a case per outcome)
    """The business metrics an outcome earns; every case is decided here (mypy checks)."""
    match outcome:
        case Played(entry=entry):
            return _ENTRY_METRICS.get(entry, [])
        case PlayedLast(entry=entry, finished=finished):
            done = [] if finished is None else ["MoveCompleted", "RoutineCompleted"]
            return _ENTRY_METRICS.get(entry, []) + done
        case Finished():
            return ["MoveCompleted", "RoutineCompleted"]
        case (
            WelcomeNew() | WelcomeBack() | WelcomeBackDone() | NotStartedYet() | AlreadyAtFirst()
            | NoSuchMove() | NoOtherSide() | OfferRestart() | NotNow() | Paused() | Goodbye()
            | ProgressReport() | HelpGiven() | Misheard() | Silent() | WelcomeBackAfterSet()
            | PainStop() | NoMoveToAdjust() | PaceSet() | DetailSet() | DaysReport()
            | ReminderTimeAsked() | ReminderProposed() | PermissionAsked() | ReminderDeclined()
            | CannotCheck()
        ):  # fmt: skip
            return []
        case ReminderSet():
            return ["ReminderSet"]
        case ReminderFailed():
            return ["ReminderFailed"]
        case PermissionRefused():
            return ["ReminderPermissionDenied"]
        case ReminderCancelled(had=had):
            return ["ReminderCancelled"] if had else []
        case _:
            assert_never(outcome)


_ENTRY_METRICS = {
    Entry.STARTED: ["RoutineStarted"],
    Entry.FRESH_START: ["RoutineStarted"],
    Entry.ADVANCED: ["MoveCompleted"],
    Entry.RESUMED: ["RoutineResumed"],
}


def log_error(message: str, error: BaseException, **fields: object) -> None:
    """Log an unexpected error with its type and the innermost frames where it was raised, but
    not its message: the SDK's messages quote request field values, which may carry ids."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in frames]
    log.error(message, extra={"error": type(error).__name__, "where": where, **fields})
    count("Errors")


def flush() -> None:
    """Publish this invocation's metrics, if it earned any (an empty flush only warns)."""
    if _metrics.cache_info().currsize and _metrics().metric_set:
        _metrics().flush_metrics()
