"""What a screen shows for a reply: a structured view model, and the APL data derived from it.

The view is built by the speech renderer beside the speech, from the same outcome; the card in
the Alexa app and the APL datasource are both derived from it here, so nothing is joined into
text and split again. The document (``screen.json``) is layout only and the same for every turn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from upper_back.render import phrases

DOCUMENT = Path(__file__).with_name("screen.json")
TOKEN = "upper-back-routine"


@dataclass(frozen=True)
class ScreenView:
    """One reply's screen: ``title`` (the move and side, or the skill's name), ``progress``
    ("Move 2 of 5", empty outside a move), ``side``, ``lines`` (why, setup and cues, or help),
    ``hint`` (what to say next) and ``buttons`` (the commands a tap may send)."""

    title: str = phrases.CARD_TITLE
    progress: str = ""
    side: str = ""
    lines: tuple[str, ...] = ()
    hint: str = phrases.SCREEN_HINT
    buttons: tuple[str, ...] = ()

    def card(self) -> tuple[str, str] | None:
        """The Alexa app's card (title, content), or None when there is nothing to show."""
        if not self.lines:
            return None
        return self.title, "\n".join(self.lines)


@cache
def document() -> dict[str, Any]:
    """The APL document, read once per container."""
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def datasources(view: ScreenView) -> dict[str, Any]:
    """The data the document binds to."""
    return {
        "screen": {
            "title": view.title,
            "progress": view.progress,
            "side": view.side,
            "lines": list(view.lines),
            "hint": view.hint,
            "buttons": list(view.buttons),
        }
    }
