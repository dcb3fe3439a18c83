"""``make timing``'s measurement on the real handler: its table's shape, never today's verdicts
(issue 9 changes what the skill says; the figures are for people to read)."""

from __future__ import annotations

import pytest

from tools.speech_clock import Estimate
from tools.timing import RunTiming, format_report, measure
from upper_back.core.routine import load_routine

ROUTINE = load_routine()


def _added(estimates: list[Estimate]) -> Estimate:
    return sum(estimates, Estimate())


def _check_run(run: RunTiming) -> None:
    assert [move.index for move in run.moves] == list(range(len(ROUTINE.moves)))
    assert [move.replies for move in run.moves] == [move.parts for move in ROUTINE.moves]
    for move in run.moves:
        replies = [reply for reply in run.replies if reply.move == move.index]
        assert move.estimate == _added([reply.estimate for reply in replies])
        assert 0 < move.guided.total < move.estimate.total
        assert move.dose is not None
        assert move.dose > 0
    other = [reply.estimate for reply in run.replies if reply.move is None]
    added = _added([move.estimate for move in run.moves]) + _added(other)
    assert run.total.words == added.words
    assert run.total.silent == pytest.approx(added.silent)  # breaks in ms add up in any order
    assert run.total.total == pytest.approx(run.total.talk + run.total.silent)
    assert run.exercise == _added([move.guided for move in run.moves])
    assert run.replies[-1].move == len(ROUTINE.moves) - 1  # it ends with the last move


def test_every_run_has_a_row_per_move_and_its_totals_add_up() -> None:
    report = measure()
    for run in report.runs:
        _check_run(run)
    assert report.runs[:2] == (report.first, report.familiar)
    assert report.first.replies[0].move is None  # the welcome
    assert {limit.what.split(",")[0] for limit in report.limits} == {
        "first-run welcome", "welcome back", "help", "completion", "progress",
    }  # fmt: skip
    assert all(limit.seconds > 0 for limit in report.limits)
    table = format_report(report)
    for move in ROUTINE.moves:
        assert table.count(f". {move.spoken_name()} ") == len(report.runs)
    assert ("quick version: not available yet" in table) == (report.quick is None)
