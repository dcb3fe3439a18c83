"""Logs say what each turn did without leaking who did it; metrics count the business events."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from sim.envelopes import DEVICE_ID, USER_ID, SlotValue
from tests.conversation.helpers import Alexa, named, text

SECRETS = (USER_ID, DEVICE_ID, "TEST.ACCESS.TOKEN", "amzn1.ask.person.SECRET")


def metric_names(output: str) -> list[str]:
    """Metric names from the embedded-metric-format lines Powertools printed."""
    names: list[str] = []
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            for directive in document["_aws"]["CloudWatchMetrics"]:
                names += [metric["Name"] for metric in directive["Metrics"]]
    return names


def fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in vars(record).items() if not key.startswith("_")}


def test_each_turn_logs_request_type_intent_outcome_and_move(
    alexa: Alexa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="upper_back")
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    requests = [fields(r) for r in caplog.records if r.getMessage() == "request"]
    turns = [fields(r) for r in caplog.records if r.getMessage() == "turn"]
    assert [r["request_type"] for r in requests] == ["LaunchRequest", "IntentRequest"]
    assert requests[1]["intent"] == "GoToMoveIntent"
    assert turns[-1]["command"] == "go_to"
    assert turns[-1]["outcome"] == "Played"
    assert turns[-1]["move"] == 3
    assert turns[-1]["changed"] is True


def test_no_log_line_or_output_carries_user_device_person_ids_or_tokens(
    alexa: Alexa, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    conversation = alexa(person_id="amzn1.ask.person.SECRET")
    conversation.launch()
    conversation.say("StartRoutineIntent")
    conversation.say("OrderPizzaIntent")
    conversation.say("GoToMoveIntent", number=SlotValue("?"))
    conversation.end_session()
    logged = "\n".join(f"{r.getMessage()} {fields(r)}" for r in caplog.records)
    printed = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in logged
        assert secret not in printed.out + printed.err


def test_business_metrics_are_emitted_in_embedded_metric_format(
    alexa: Alexa, capsys: pytest.CaptureFixture[str]
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    conversation.say("AMAZON.PauseIntent")
    conversation.launch()
    conversation.say("AMAZON.ResumeIntent")
    conversation.say("GoToMoveIntent", number=SlotValue("5"))  # the last move ends the routine
    names = metric_names(capsys.readouterr().out)
    assert names.count("RoutineStarted") == 1
    assert names.count("RoutineResumed") == 1
    assert names.count("RoutineCompleted") == 1
    assert "MoveCompleted" in names


def test_the_skill_answers_in_the_requests_locale(alexa: Alexa) -> None:
    british = alexa(locale="en-GB")
    british.launch()
    turn = british.say("StartRoutineIntent")
    assert named(0, "en-GB") in text(turn.ssml)
    assert named(0, "en-GB") != named(0, "en-US"), "en-GB says press-up"


def test_going_back_to_move_one_is_no_new_start_and_a_side_is_no_whole_move(
    alexa: Alexa, capsys: pytest.CaptureFixture[str]
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    capsys.readouterr()
    conversation.say("NextMoveIntent")  # move one done: on to the wall splat's first side
    conversation.say("NextMoveIntent")  # the wall splat's second side: no move finished
    conversation.say("GoToMoveIntent", number=SlotValue("1"))
    conversation.say("NextMoveIntent")
    conversation.say("PreviousMoveIntent")
    names = metric_names(capsys.readouterr().out)
    assert "RoutineStarted" not in names
    assert names.count("MoveCompleted") == 2
