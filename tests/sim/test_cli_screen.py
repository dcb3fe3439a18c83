"""``make run ARGS=--screen``: a device with a screen, what it shows each turn, and taps."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from sim.cli import main
from sim.local_store import SqliteStore
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings
from upper_back.render import phrases


def run(script: str, tmp_path: Path, *args: str) -> tuple[int, str, list[dict[str, Any]]]:
    """The real skill on a store of its own; the requests it was sent."""
    skill = build_handler(Settings(), store=SqliteStore(tmp_path / "store.sqlite3"))
    sent: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
        sent.append(event)
        return skill(event, context)

    out = io.StringIO()
    code = main(list(args), handler=handler, stdin=io.StringIO(script), stdout=out, environ={})
    return code, out.getvalue(), sent


def test_with_a_screen_each_turn_shows_the_screen_and_a_tap_sends_its_word(tmp_path: Path) -> None:
    code, out, sent = run("open upper back routine\n/tap start\n/tap next\n", tmp_path, "--screen")
    assert code == 0
    assert "┌ screen: welcome" in out
    assert "tap: [Start]  (/tap start)" in out
    assert "┌ screen: move — Move 1 of 5" in out
    assert "figure: build/screens/rhomboid_push_up.png" in out
    assert "┌ screen: move — Move 2 of 5 · left side" in out
    taps = [
        e["request"] for e in sent if e["request"]["type"] == "Alexa.Presentation.APL.UserEvent"
    ]
    assert [t["arguments"] for t in taps] == [["start"], ["next"]]
    # Each tap names the screen it was on: the document shown just before it.
    assert taps[0]["token"] == "upper-back-routine.1.none"  # the welcome: no place yet
    assert taps[1]["token"] == "upper-back-routine.2.0-0"  # move one's screen


def test_without_a_screen_nothing_is_shown_and_there_is_nothing_to_tap(tmp_path: Path) -> None:
    code, out, sent = run("open upper back routine\n/tap start\n", tmp_path)
    assert code == 0
    assert "┌ screen" not in out
    assert "(no screen to tap: run with --screen" in out
    assert len(sent) == 1
    assert "Alexa.Presentation" not in json.dumps(sent[0]["context"])


def test_a_tap_after_the_session_ended_opens_a_new_one(tmp_path: Path) -> None:
    script = "open upper back routine\n/tap start\n/end\n/tap repeat\n"
    code, out, sent = run(script, tmp_path, "--screen")
    assert code == 0
    assert "(Alexa.Presentation.APL.UserEvent ['repeat'], new session)" in out
    assert phrases.STALE_SCREEN not in out
    assert sent[-1]["session"]["new"] is True
