"""The simulator understands what the interaction model teaches, the way Alexa fills slots."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from sim.envelopes import SlotValue, intent_request
from sim.nlu import MODEL_DIR, NUMBER_WORDS, ORDINAL_WORDS, Nlu

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted((ROOT / MODEL_DIR).glob("*.json"))


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu.for_locale("en-US", ROOT)


def _language(path: Path) -> dict[str, Any]:
    language: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["interactionModel"][
        "languageModel"
    ]
    return language


@functools.cache
def _loaded(path: Path) -> Nlu:
    """Each locale's model, read once for the thousands of sample cases (parsing is pure)."""
    return Nlu.load(path)


def _filled_samples() -> list[Any]:
    """Every sample of every locale, each custom slot filled with every value and synonym."""
    cases = []
    for path in MODELS:
        language = _language(path)
        values = {
            t["name"]: [
                (phrase, v["id"])
                for v in t["values"]
                for phrase in [v["name"]["value"], *v["name"].get("synonyms", [])]
            ]
            for t in language.get("types", [])
        }
        for intent in language["intents"]:
            types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                cases.append(
                    pytest.param(
                        path, intent["name"], sample, types, values, id=f"{path.stem}:{sample}"
                    )
                )
    return cases


@pytest.mark.parametrize(("path", "intent", "sample", "types", "values"), _filled_samples())
def test_every_sample_of_the_model_is_understood_as_its_own_intent(
    path: Path,
    intent: str,
    sample: str,
    types: dict[str, str],
    values: dict[str, list[tuple[str, str]]],
) -> None:
    nlu = _loaded(path)
    slots = re.findall(r"\{(\w+)\}", sample)
    fills: list[dict[str, tuple[str, str]]] = [{}]
    for slot in slots:
        if types[slot] == "AMAZON.NUMBER":
            choices = [("three", "3")]
        elif types[slot] == "AMAZON.Ordinal":
            choices = [("second", "2")]
        elif types[slot] == "AMAZON.TIME":
            choices = [("eight thirty p.m.", "20:30")]
        else:
            choices = values[types[slot]]
        fills = [{**fill, slot: choice} for fill in fills for choice in choices]
    for fill in fills:
        text = sample
        for slot, (said, _) in fill.items():
            text = text.replace(f"{{{slot}}}", said)
        heard = nlu.parse(text)
        assert heard.name == intent, text
        for slot, (_, expected) in fill.items():
            got = heard.slots[slot]
            assert (got.resolved_id if got.custom_type else got.value) == expected, text


@pytest.mark.parametrize(
    ("said", "intent", "slots"),
    [
        ("start", "StartRoutineIntent", {}),
        ("Next move!", "NextMoveIntent", {}),
        ("next", "AMAZON.NextIntent", {}),
        ("skip", "AMAZON.NextIntent", {}),
        ("go back", "PreviousMoveIntent", {}),
        ("skip to can openers", "GoToMoveIntent", {"move": "can_openers"}),
        ("remind me every day at eight", "SetReminderIntent", {"time": "08:00"}),
        ("Remind me at 6:45 p.m.", "SetReminderIntent", {"time": "18:45"}),
        ("twelve a.m.", "SetReminderIntent", {"time": "00:00"}),
        ("at noon", "SetReminderIntent", {"time": "12:00"}),
        ("in the evening", "SetReminderIntent", {"time": "EV"}),
        ("remind me in the evening", "SetReminderIntent", {"time": "EV"}),
        ("remind me every morning", "SetReminderIntent", {"time": "MO"}),
        ("change my reminder to nine fifteen", "SetReminderIntent", {"time": "09:15"}),
        ("Skip to the can opener.", "GoToMoveIntent", {"move": "can_openers"}),
        ("eleven-fifteen stretch", "GoToMoveIntent", {"move": "eleven_fifteen"}),
        ("do the bridge", "GoToMoveIntent", {"move": "bridge_reach_over"}),
        ("wall splat", "GoToMoveIntent", {"move": "wall_splat"}),
        ("go to move four", "GoToMoveIntent", {"number": "4"}),
        ("go to move 4", "GoToMoveIntent", {"number": "4"}),
        ("the third move", "GoToMoveIntent", {"ordinal": "3"}),
        ("the 3rd move", "GoToMoveIntent", {"ordinal": "3"}),
        ("pause", "AMAZON.PauseIntent", {}),
        ("resume", "ResumeRoutineIntent", {}),  # a model sample, so one-shots work too
        ("next side", "NextSideIntent", {}),
        ("switch sides", "NextSideIntent", {}),
        ("one more time", "AMAZON.RepeatIntent", {}),
        ("lets go", "NextMoveIntent", {}),  # typed without the apostrophe
        ("whats next", "ProgressIntent", {}),
        ("take a break", "AMAZON.PauseIntent", {}),
        ("what's left", "ProgressIntent", {}),
        ("resume my routine", "ResumeRoutineIntent", {}),
        ("continue", "ResumeRoutineIntent", {}),
        ("how many are left", "ProgressIntent", {}),
        ("What's next?", "ProgressIntent", {}),
        ("repeat", "AMAZON.RepeatIntent", {}),
        ("say that again", "AMAZON.RepeatIntent", {}),
        ("start over", "AMAZON.StartOverIntent", {}),
        ("yes", "AMAZON.YesIntent", {}),
        ("no", "AMAZON.NoIntent", {}),
        ("help", "AMAZON.HelpIntent", {}),
        ("stop", "AMAZON.StopIntent", {}),
        ("cancel", "AMAZON.CancelIntent", {}),
        ("go home", "AMAZON.NavigateHomeIntent", {}),
        ("order me a pizza", "AMAZON.FallbackIntent", {}),
        ("that hurts", "ThatHurtsIntent", {}),
        ("Ouch!", "ThatHurtsIntent", {}),
        ("my back hurts", "ThatHurtsIntent", {}),
        ("this is painful", "ThatHurtsIntent", {}),
        ("easier", "EasierIntent", {}),
        ("that's too hard", "EasierIntent", {}),
        ("harder", "HarderIntent", {}),
        ("too easy", "HarderIntent", {}),
        ("normal version", "NormalVersionIntent", {}),
        ("slower", "SlowerIntent", {}),
        ("faster", "FasterIntent", {}),
        ("normal pace", "NormalPaceIntent", {}),
        ("more detail", "MoreDetailIntent", {}),
        ("less detail", "LessDetailIntent", {}),
        ("quick routine", "QuickRoutineIntent", {}),
        ("the short version", "QuickRoutineIntent", {}),
        ("I only have five minutes", "QuickRoutineIntent", {}),
        ("just the daily move", "DailyMoveIntent", {}),
    ],
)
def test_typed_words_reach_the_intent_alexa_would_send(
    nlu: Nlu, said: str, intent: str, slots: dict[str, str]
) -> None:
    heard = nlu.parse(said)
    assert heard.name == intent
    filled = {
        name: slot.resolved_id if slot.custom_type else slot.value
        for name, slot in heard.slots.items()
        if slot.value is not None
    }
    assert filled == slots


def test_every_slot_the_intent_declares_is_sent_even_when_empty(nlu: Nlu) -> None:
    heard = nlu.parse("go to move two")
    assert heard.slots == {
        "move": SlotValue(None),
        "number": SlotValue("2"),
        "ordinal": SlotValue(None),
    }


def test_a_known_move_resolves_with_its_id_and_canonical_name(nlu: Nlu) -> None:
    slot = nlu.parse("jump to openers").slots["move"]
    assert slot == SlotValue("openers", "can_openers", "can openers", custom_type="MoveName")


def test_an_unknown_move_still_reaches_go_to_move_with_no_match(nlu: Nlu) -> None:
    heard = nlu.parse("skip to jumping jacks")
    assert heard.name == "GoToMoveIntent"
    request = intent_request(heard.name, heard.slots)
    move = request["intent"]["slots"]["move"]
    assert move["value"] == "jumping jacks"
    [resolution] = move["resolutions"]["resolutionsPerAuthority"]
    assert resolution["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert "values" not in resolution


def test_a_known_move_is_sent_with_a_successful_resolution(nlu: Nlu) -> None:
    heard = nlu.parse("skip to can openers")
    move = intent_request(heard.name, heard.slots)["intent"]["slots"]["move"]
    [resolution] = move["resolutions"]["resolutionsPerAuthority"]
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"] == {"name": "can openers", "id": "can_openers"}


def test_a_bare_unknown_phrase_is_fallback_not_a_move(nlu: Nlu) -> None:
    # The model's "{move}" sample must not swallow every unknown sentence.
    assert nlu.parse("jumping jacks").name == "AMAZON.FallbackIntent"


@pytest.mark.parametrize(
    ("words", "digits"),
    [("one", "1"), ("four", "4"), ("twelve", "12"), ("twenty", "20"), ("twenty one", "21")],
)
def test_number_words_arrive_as_digits(nlu: Nlu, words: str, digits: str) -> None:
    assert nlu.parse(f"go to move {words}").slots["number"].value == digits


@pytest.mark.parametrize(
    ("words", "digits"),
    [("first", "1"), ("third", "3"), ("fifth", "5"), ("tenth", "10"), ("1st", "1"), ("2nd", "2")],
)
def test_ordinals_arrive_as_digits(nlu: Nlu, words: str, digits: str) -> None:
    assert nlu.parse(f"the {words} move").slots["ordinal"].value == digits


def test_number_and_ordinal_tables_cover_one_to_twenty() -> None:
    assert {NUMBER_WORDS[w] for w in NUMBER_WORDS if NUMBER_WORDS[w] <= 20} == set(range(21))
    assert set(range(1, 21)) <= set(ORDINAL_WORDS.values())


@pytest.mark.parametrize(
    "said",
    [
        "open upper back routine",
        "Alexa, start upper back routine",
        "launch upper back routine",
        "resume upper back routine",
        "ask upper back routine",
    ],
)
def test_invocation_phrases_launch_the_skill(nlu: Nlu, said: str) -> None:
    assert nlu.hear(said).kind == "launch"


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("ask upper back routine to go to move two", "GoToMoveIntent"),
        ("Alexa, tell upper back routine to resume my routine", "ResumeRoutineIntent"),
        ("ask upper back routine how many are left", "ProgressIntent"),
        ("ask upper back routine for help", "AMAZON.HelpIntent"),
        ("ask upper back routine for the quick version", "QuickRoutineIntent"),
        ("tell upper back routine I only have five minutes", "QuickRoutineIntent"),
    ],
)
def test_ask_and_tell_are_one_shot_intents(nlu: Nlu, said: str, intent: str) -> None:
    heard = nlu.hear(said)
    assert heard.kind == "one_shot"
    assert heard.intent is not None
    assert heard.intent.name == intent


@pytest.mark.parametrize("said", ["exit", "Alexa, quit"])
def test_exit_closes_the_session_rather_than_reaching_an_intent(nlu: Nlu, said: str) -> None:
    assert nlu.hear(said).kind == "exit"


def test_other_words_are_intents_in_the_open_session(nlu: Nlu) -> None:
    heard = nlu.hear("Alexa, next move")
    assert heard.kind == "in_session"
    assert heard.intent is not None
    assert heard.intent.name == "NextMoveIntent"


def _model(*intents: dict[str, Any]) -> dict[str, Any]:
    return {
        "interactionModel": {
            "languageModel": {"invocationName": "test skill", "intents": list(intents)}
        }
    }


def test_model_samples_take_precedence_over_built_in_phrases() -> None:
    nlu = Nlu(
        _model(
            {"name": "JumpIntent", "samples": ["skip"]},
            {"name": "AMAZON.NextIntent", "samples": []},
        )
    )
    assert nlu.parse("skip").name == "JumpIntent"
    assert nlu.parse("next").name == "AMAZON.NextIntent"


def test_built_in_phrases_only_reach_built_ins_the_model_declares() -> None:
    nlu = Nlu(_model({"name": "AMAZON.HelpIntent", "samples": []}))
    assert nlu.parse("help").name == "AMAZON.HelpIntent"
    assert nlu.parse("pause").name == "AMAZON.FallbackIntent"
