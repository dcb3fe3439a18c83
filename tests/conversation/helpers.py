"""Small helpers shared by the conversation tests: the routine's own names, and speech text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from sim.conversation import Conversation
from sim.envelopes import SlotValue
from upper_back.core.routine import Move, load_routine

Alexa = Callable[..., Conversation]
"""The ``alexa`` fixture: start a conversation as some caller."""
Stored = Callable[[str], dict[str, Any] | None]
"""The ``stored`` fixture: the stored record for a partition key, or None."""

ROUTINE = load_routine()
MOVES: tuple[Move, ...] = ROUTINE.moves
SPLIT = [move for move in MOVES if move.split_sides]
_TAG = re.compile(r"<[^>]+>")


def text(ssml: str) -> str:
    """What a listener hears: tags dropped, entities decoded, case folded."""
    return " ".join(html.unescape(_TAG.sub(" ", ssml)).lower().split())


def named(index: int, locale: str = "en-US") -> str:
    """The spoken name of move ``index`` (0-based), as the routine data gives it."""
    return MOVES[index].spoken_name(locale).lower()


def move_slot(index: int) -> dict[str, object]:
    """A GoToMoveIntent slot as Alexa resolves a name from the model."""
    move = MOVES[index]
    return {"move": SlotValue(move.synonyms[0], move.id, move.synonyms[0], "MoveName")}
