"""The one table from the voice model's intents to navigation commands.

The interaction model (interaction_model/) and this table must name the same intents: a contract
test checks both directions, so an intent is never declared without a handler or handled without
being declared.
"""

from __future__ import annotations

from upper_back.core.navigation import Command

MOVE_SLOT = "move"
NUMBER_SLOT = "number"
ORDINAL_SLOT = "ordinal"
MOVE_SLOT_TYPE = "MoveName"

INTENT_COMMANDS: dict[str, Command] = {
    "StartRoutineIntent": Command.START,
    "AMAZON.StartOverIntent": Command.START,
    "NextMoveIntent": Command.NEXT,
    "AMAZON.NextIntent": Command.NEXT,
    "NextSideIntent": Command.NEXT_SIDE,
    "PreviousMoveIntent": Command.PREVIOUS,
    "AMAZON.PreviousIntent": Command.PREVIOUS,
    "AMAZON.RepeatIntent": Command.REPEAT,
    "GoToMoveIntent": Command.GOTO,
    "ResumeRoutineIntent": Command.RESUME,
    "AMAZON.ResumeIntent": Command.RESUME,
    "AMAZON.PauseIntent": Command.PAUSE,
    "ProgressIntent": Command.PROGRESS,
    "AMAZON.HelpIntent": Command.HELP,
    "AMAZON.FallbackIntent": Command.FALLBACK,
    "AMAZON.StopIntent": Command.STOP,
    "AMAZON.CancelIntent": Command.STOP,
    "AMAZON.NavigateHomeIntent": Command.STOP,
    "AMAZON.YesIntent": Command.YES,
    "AMAZON.NoIntent": Command.NO,
}
