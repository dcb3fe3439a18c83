"""What a device with a screen shows: the reply's title and lines in one static APL document.

The document lives in ``screen.json`` (layout only); the words come from the reply, so the screen
says what the card says. Sent only to devices that declare APL support.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from upper_back.render import phrases

DOCUMENT = Path(__file__).with_name("screen.json")
TOKEN = "upper-back-routine"


@cache
def document() -> dict[str, Any]:
    """The APL document, read once per container."""
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def datasources(title: str, text: str) -> dict[str, Any]:
    """The data the document binds to: a title, one line per paragraph, and what to say."""
    lines = [line for line in text.splitlines() if line.strip()]
    return {"screen": {"title": title, "lines": lines, "hint": phrases.SCREEN_HINT}}
