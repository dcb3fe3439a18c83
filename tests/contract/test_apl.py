"""The screen document against Amazon's validator and the project's own rules.

apl-suggester (npm, installed by ``make test`` from package-lock.json) validates every APL
document the skill sends; any finding fails. It checks the document's own components, graphics
and commands but misses some mistakes (a misspelled component type), so the project checks the
rest itself: the APL version, every datasource key the document binds, every word a button
sends, a figure for every move and easier version, and, for each standard viewport profile and
every kind of screen, that nothing the screen needs is missing (tests/contract/apl_view.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.contract.apl_view import PROFILES, Shown, Viewport, inflate, resources
from tests.unit.test_speech import EXAMPLES
from tools.apl_expr import bindings
from upper_back.core.routine import load_routine
from upper_back.edge.intents import INTENT_COMMANDS, TAP_INTENTS, command_for_tap
from upper_back.render import phrases
from upper_back.render.coaching import coach
from upper_back.render.screen import (
    MOVE_BUTTONS,
    SCREEN_KINDS,
    TAP_COMMANDS,
    Day,
    ScreenView,
    datasources,
    document,
    figure_id,
    follow,
    place_text,
    poses,
)
from upper_back.render.speech import Speaker

ROOT = Path(__file__).resolve().parents[2]
RENDER = ROOT / "lambda" / "upper_back" / "render"
VALIDATOR = ROOT / "tools" / "apl_validate.js"
ROUTINE = load_routine()
APL_VERSIONS = (
    "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9",
    "2022.1", "2022.2", "2023.1", "2023.2", "2023.3", "2024.1", "2024.2", "2024.3",
)  # fmt: skip
"""Every APL version Amazon has published, oldest first (2024.3 the newest in its docs)."""


def apl_documents() -> list[Path]:
    """Every APL document the skill ships."""
    found = [p for p in sorted(RENDER.glob("*.json")) if json.loads(p.read_text())["type"] == "APL"]
    assert found, "no APL document found"
    return found


def sample_views() -> dict[str, ScreenView]:
    """A view of each kind, as full as the renderer fills it."""
    move = ROUTINE.moves[1]
    side = move.sides[0]
    speech = coach(move, 0)
    views = {
        "move": ScreenView(
            kind="move", title="Move two of five: the wall splat, left side.",
            name=move.spoken_name().capitalize(), progress="Move 2 of 5", move=2, total=5,
            side=side, done=0.2, key=move.key, lines=(move.purpose, *move.cues, *move.setup),
            figure=figure_id(move.id), beats=follow(speech, poses(move, [side])),
            buttons=MOVE_BUTTONS, hint=phrases.REPROMPT_MOVE,
        ),
        "welcome": ScreenView(
            kind="welcome", lines=(ROUTINE.why, "Five moves, about eleven minutes."),
            buttons=("start",),
        ),
        "help": ScreenView(kind="help", lines=(phrases.HELP_COMMANDS,), buttons=("next",)),
        "progress": ScreenView(
            kind="progress", key="4 of the last 7 days",
            days=tuple(Day(label, done) for label, done in zip(
                ("Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"),
                (True, False, True, True, False, False, True), strict=True)),
        ),
        "completion": ScreenView(kind="completion", key="Routine complete.", done=1.0),
        "message": ScreenView(),
    }  # fmt: skip
    assert set(views) == set(SCREEN_KINDS)
    return views


def expressions(value: Any) -> list[str]:
    """Every ``${...}`` expression in a JSON value."""
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return bindings(value) if isinstance(value, str) else []


def texts(shown: list[Shown], component_id: str) -> list[str]:
    return [str(s.properties.get("text", "")) for s in shown if s.id == component_id]


# --- Amazon's validator ----------------------------------------------------------------------


def test_every_document_passes_apl_suggester_without_a_finding(tmp_path: Path) -> None:
    """One run of the validator (node starts once): every document the skill ships, and a
    broken copy, whose finding shows the check can fail (a property no Text has)."""
    node = shutil.which("node")
    assert node, "node is needed for apl-suggester (make test installs it with npm ci)"
    assert (ROOT / "node_modules" / "apl-suggester").is_dir(), "run make test (npm ci)"
    broken = json.loads((RENDER / "screen.json").read_text())
    broken["mainTemplate"]["item"]["items"][0]["items"][0]["colour"] = "red"
    broken_path = tmp_path / "broken.json"
    broken_path.write_text(json.dumps(broken))
    documents = [str(p) for p in apl_documents()]
    result = subprocess.run(
        [node, str(VALIDATOR), *documents, str(broken_path)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert [f for f in findings if f["document"] != str(broken_path)] == []
    assert [f["message"] for f in findings] == ["should NOT have additional properties : colour"]
    assert result.returncode == 1, "a finding fails the run"
    assert f"{len(documents) + 1} document(s), 1 finding(s)" in result.stderr


# --- the project's own checks ----------------------------------------------------------------


def test_the_document_is_an_apl_version_amazon_published_and_declares_its_screen() -> None:
    doc = document()
    assert doc["version"] in APL_VERSIONS
    manifest = json.loads((ROOT / "interaction_model" / "skill.json").read_text())
    interfaces = manifest["manifest"]["apis"]["custom"]["interfaces"]
    assert "ALEXA_PRESENTATION_APL" in {i["type"] for i in interfaces}
    # Self-contained: no package to download on the device, and all of it checked here.
    assert "import" not in doc


def test_every_datasource_key_the_document_binds_is_sent_for_every_kind_of_screen() -> None:
    text = " ".join(expressions(document()))
    bound = set(re.findall(r"(?<![\w.])(?:payload\.)?screen\.(\w+)", text))
    assert {"kind", "figure", "beats", "buttons", "percent", "key"} <= bound
    for kind, view in sample_views().items():
        sent = datasources(view)["screen"]
        assert bound <= set(sent), (kind, bound - set(sent))
        assert set(sent) <= bound, f"{kind}: data no screen shows: {set(sent) - bound}"


def test_every_beat_field_the_document_plays_is_in_the_timeline() -> None:
    commands = json.dumps(document()["onMount"])
    used = set(re.findall(r"\bdata\.(\w+)", commands))
    beats = datasources(sample_views()["move"])["screen"]["beats"]
    assert beats, "a move's set has beats"
    assert used == set(beats[0])


def test_every_word_a_button_sends_is_a_tap_command_and_every_button_sends_one() -> None:
    doc = document()
    text = json.dumps(doc)
    assert text.count('"SendEvent"') == 1, "one button template, its words from the data"
    for view in sample_views().values():
        for viewport in PROFILES:
            shown = inflate(doc, datasources(view), viewport)
            sent = [
                command["arguments"]
                for s in shown
                for command in s.properties["onPress"]
                if command["type"] == "SendEvent"
            ]
            assert sent == [[word] for word in view.buttons]
            assert all(word in TAP_COMMANDS for [word] in sent)


def test_every_move_and_its_easier_version_has_a_figure_in_the_document() -> None:
    graphics = document()["graphics"]
    for move in ROUTINE.moves:
        for variant in (None, "easier", "harder"):
            name = figure_id(move.id, variant)
            assert name in graphics, (move.id, variant)
            graphic = graphics[name]
            assert graphic["type"] == "AVG"
            # Animated by the screen through its parameter t (0: start, 1: end of the move).
            assert [p["name"] for p in graphic["parameters"]] == ["t"]
    expected = {figure_id(m.id, v) for m in ROUTINE.moves for v in (None, "easier")}
    assert set(graphics) == expected, "a figure no move shows"


@pytest.mark.parametrize("viewport", PROFILES, ids=lambda v: v.name)
def test_each_viewport_shows_everything_each_kind_of_screen_needs(viewport: Viewport) -> None:
    doc = document()
    views = sample_views()
    dims = resources(doc, viewport)
    for kind, view in views.items():
        shown = inflate(doc, datasources(view), viewport)
        types = {s.type for s in shown}
        assert texts(shown, "title") == [view.name or view.title], kind
        assert texts(shown, "hint") == [view.hint], kind
        if view.buttons:
            labels = [s for s in shown if s.type == "TouchWrapper"]
            assert len(labels) == len(view.buttons), kind
        for line in view.lines if kind != "move" else ():
            assert line in [s.properties.get("text") for s in shown], (kind, line)
        if kind in ("move", "completion"):
            assert any(s.id == "bar" for s in shown), kind
        if kind in ("progress", "completion", "welcome", "help"):
            assert not view.key or texts(shown, "key") == [view.key], kind
        if kind == "progress":
            dots = [s for s in shown if s.type == "Frame" and "borderColor" in s.properties]
            assert len(dots) == len(view.days) == 7
        if kind == "move":
            where = texts(shown, "where") + texts(shown, "whereRound")
            assert len(where) == 1, "the place, once"
            assert where == [place_text(view)]
            assert view.progress in where[0]
            assert f"{view.side} side" in where[0]
            [figure] = [s for s in shown if s.type == "VectorGraphic"]
            assert figure.properties["source"] in doc["graphics"]
            assert figure.properties["width"] <= viewport.width - 2 * dims["pad"]
            # The key cue in large type: its own line, or the caption before the count starts.
            shown_key = texts(shown, "key") + texts(shown, "caption")
            assert view.key in shown_key
            assert texts(shown, "round") == [""]
            assert {"Sequence", "TouchWrapper"} <= types
        else:
            assert "VectorGraphic" not in types or view.figure


def test_a_round_screen_keeps_its_text_clear_of_the_corners() -> None:
    """On the round Echo Spot, text is centred and inset from the edge."""
    [spot] = [v for v in PROFILES if v.shape == "round"]
    dims = resources(document(), spot)
    assert dims["pad"] >= 48
    shown = inflate(document(), datasources(sample_views()["move"]), spot)
    centred = [s for s in shown if s.type == "Text" and s.id in ("key", "whereRound", "hint")]
    assert centred
    assert all(s.properties.get("textAlign") == "center" for s in centred)


def _sizes(viewport: Viewport) -> dict[str, Any]:
    return resources(document(), viewport)


def test_type_grows_with_the_screen_and_shrinks_on_the_smallest() -> None:
    spot, show5, show8, show10, show15, _tv = (_sizes(v) for v in PROFILES)
    assert spot["key"] < show5["key"] < show8["key"] < show10["key"] < show15["key"]
    assert spot["figureWidth"] < show8["figureWidth"] < show15["figureWidth"]


# --- the screens the skill really renders ------------------------------------------------------


def test_every_word_a_button_sends_is_said_by_an_intent_of_the_voice_model() -> None:
    assert set(TAP_INTENTS) == set(TAP_COMMANDS)
    model = json.loads(
        (ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json").read_text()
    )
    intents = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
    for word, intent in TAP_INTENTS.items():
        assert intent in intents, word
        assert command_for_tap(word) == INTENT_COMMANDS[intent], word
    assert command_for_tap("jump") is None
    assert command_for_tap(None) is None


def test_every_outcome_renders_a_screen_every_viewport_can_show() -> None:
    """Each kind of answer the speech renderer gives (a few of each), on every profile: the
    title and hint shown, buttons only while the session stays open and only words a tap can
    send, and a move's figure and count."""
    speaker = Speaker(ROUTINE)
    doc = document()
    kinds = set()
    for examples in EXAMPLES.values():
        for outcome in examples[:3]:
            reply = speaker.render(outcome)
            view = reply.screen
            kinds.add(view.kind)
            assert set(view.buttons) <= set(TAP_COMMANDS)
            if reply.reprompt is None:
                assert view.buttons == ()
            if view.kind == "move":
                assert view.figure in doc["graphics"]
                assert view.beats
                assert view.move >= 1
            for viewport in PROFILES:
                shown = inflate(doc, datasources(view), viewport)
                assert texts(shown, "title") == [view.name or view.title]
                assert texts(shown, "hint") == [view.hint]
    assert kinds == set(SCREEN_KINDS)
