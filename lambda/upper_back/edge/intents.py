"""The one table from the voice model's intents to commands, and reading the move a request names.

The interaction model (interaction_model/) and this table must name the same intents: a contract
test checks both directions, so an intent is never declared without a handler or handled without
being declared. ``GoToMoveIntent`` is the one intent whose command carries data (the move).
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from ask_sdk_model import IntentRequest
from ask_sdk_model.slu.entityresolution import StatusCode

from upper_back.core.commands import (
    AskDays,
    AskProgress,
    CancelReminder,
    ChangeVersion,
    Command,
    DailyMove,
    GoTo,
    Help,
    Hurts,
    Next,
    NextSide,
    No,
    NotUnderstood,
    Pause,
    Previous,
    Quick,
    Repeat,
    Resume,
    SetDetail,
    SetPace,
    SetReminder,
    Start,
    Stop,
    Yes,
)
from upper_back.core.habit import clock_time
from upper_back.core.routine import Routine

MOVE_SLOT = "move"
NUMBER_SLOT = "number"
ORDINAL_SLOT = "ordinal"
MOVE_SLOT_TYPE = "MoveName"
GO_TO_MOVE = "GoToMoveIntent"
SET_REMINDER = "SetReminderIntent"
TIME_SLOT = "time"
_DIGITS = re.compile(r"^\d{1,4}$")

INTENT_COMMANDS: dict[str, Command | type[GoTo] | type[SetReminder]] = {
    "StartRoutineIntent": Start(),
    "AMAZON.StartOverIntent": Start(),
    "NextMoveIntent": Next(),
    "AMAZON.NextIntent": Next(),
    "NextSideIntent": NextSide(),
    "PreviousMoveIntent": Previous(),
    "AMAZON.PreviousIntent": Previous(),
    "AMAZON.RepeatIntent": Repeat(),
    GO_TO_MOVE: GoTo,  # built from the request's slots
    "ResumeRoutineIntent": Resume(),
    "AMAZON.ResumeIntent": Resume(),
    "AMAZON.PauseIntent": Pause(),
    "ProgressIntent": AskProgress(),
    "AMAZON.HelpIntent": Help(),
    "AMAZON.FallbackIntent": NotUnderstood(),
    "AMAZON.StopIntent": Stop(),
    "AMAZON.CancelIntent": Stop(),
    "AMAZON.NavigateHomeIntent": Stop(),
    "AMAZON.YesIntent": Yes(),
    "AMAZON.NoIntent": No(),
    "ThatHurtsIntent": Hurts(),
    "EasierIntent": ChangeVersion("easier"),
    "HarderIntent": ChangeVersion("harder"),
    "NormalVersionIntent": ChangeVersion(None),
    "SlowerIntent": SetPace("slower"),
    "FasterIntent": SetPace("faster"),
    "NormalPaceIntent": SetPace(None),
    "MoreDetailIntent": SetDetail("full"),
    "LessDetailIntent": SetDetail("short"),
    "QuickRoutineIntent": Quick(),
    "DailyMoveIntent": DailyMove(),
    "DaysDoneIntent": AskDays(),
    SET_REMINDER: SetReminder,  # built from the request's time slot
    "CancelReminderIntent": CancelReminder(),
}


TAP_INTENTS: dict[str, str] = {
    "next": "NextMoveIntent",
    "back": "PreviousMoveIntent",
    "repeat": "AMAZON.RepeatIntent",
    "pause": "AMAZON.PauseIntent",
    "easier": "EasierIntent",
    "start": "StartRoutineIntent",
    "resume": "ResumeRoutineIntent",
}
"""Each word a screen's button sends (render/screen.py's ``TAP_COMMANDS``) and the intent that
says the same by voice: a tap goes through ``INTENT_COMMANDS`` like the words, so it does
exactly what they do."""


def command_for_tap(word: object) -> Command | None:
    """The command a button's word asks for; None for a word no button sends."""
    intent = TAP_INTENTS.get(word) if isinstance(word, str) else None
    command = INTENT_COMMANDS.get(intent) if intent is not None else None
    return command if command is not None and not isinstance(command, type) else None


def command_for(request: IntentRequest, routine: Routine) -> Command | None:
    """The command an intent request asks for; None for an intent the model does not have."""
    name = str(getattr(request.intent, "name", "") or "")
    command = INTENT_COMMANDS.get(name)
    if command is GoTo:
        return GoTo(requested_move(request, routine))
    if command is SetReminder:
        return SetReminder(requested_time(request))
    return command if not isinstance(command, type) else None


def requested_time(request: IntentRequest) -> time | None:
    """The time of day a reminder request names (AMAZON.TIME gives "HH:MM"); None when it
    names none, or only a part of the day ("MO", "EV": the exact time is then asked for)."""
    slots = (request.intent.slots or {}) if request.intent else {}
    slot = slots.get(TIME_SLOT)
    return clock_time(str(slot.value).strip()) if slot is not None and slot.value else None


def requested_move(request: IntentRequest, routine: Routine) -> int | None:
    """The 0-based move a GoToMove request names: by resolved name, by heard name, or by number
    or ordinal (out-of-range numbers are passed on for navigation to refuse). None when the
    request names no move we can tell."""
    slots = (request.intent.slots or {}) if request.intent else {}
    move = slots.get(MOVE_SLOT)
    if move is not None and move.value:
        return _by_name(move, routine)
    for name in (NUMBER_SLOT, ORDINAL_SLOT):
        slot = slots.get(name)
        if slot is not None and slot.value:
            value = slot.value.strip()
            return int(value) - 1 if _DIGITS.match(value) else None
    return None


def _by_name(slot: Any, routine: Routine) -> int | None:
    resolutions = getattr(slot.resolutions, "resolutions_per_authority", None) or []
    for authority in resolutions:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
            for value in authority.values or []:
                index = routine.index_of(str(getattr(value.value, "id", "")))
                if index is not None:
                    return index
    heard = " ".join(str(slot.value).lower().split())
    for index, move in enumerate(routine.moves):
        if heard in {
            word
            for locale in ("en-US", *move.synonyms_by_locale)
            for word in move.words_for(locale)
        }:
            return index
    return None
