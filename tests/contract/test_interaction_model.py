"""The voice model and skill package against Alexa's rules, the handlers and the routine data.

No offline validator for interaction models exists, so these tests are the validator: they read
the committed JSON (what `ask deploy` uploads) and check it against the rules in
shared/alexa-facts.md, against INTENT_COMMANDS in both directions, and against routine.toml.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest

from tools.build_model import expected_files
from upper_back.core.commands import (
    Command,
    Help,
    Next,
    No,
    Pause,
    Previous,
    Repeat,
    Resume,
    Start,
    Stop,
    Yes,
)
from upper_back.core.routine import load_routine
from upper_back.edge.intents import (
    GO_TO_MOVE,
    INTENT_COMMANDS,
    MOVE_SLOT,
    MOVE_SLOT_TYPE,
    NUMBER_SLOT,
    ORDINAL_SLOT,
    SET_REMINDER,
    TIME_SLOT,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "interaction_model"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
REQUIRED_BUILTINS = {f"AMAZON.{name}Intent" for name in ("Cancel", "Help", "Stop", "NavigateHome")}
REQUIRED_BUILTINS.add("AMAZON.FallbackIntent")
# Launch phrases, connecting words and wake words an invocation name may not contain.
FORBIDDEN_IN_INVOCATION = {
    "alexa", "amazon", "echo", "computer", "skill", "app",
    "run", "start", "play", "resume", "use", "launch", "ask", "open", "tell", "load", "begin",
    "enable", "to", "from", "in", "using", "with", "about", "for", "that", "by", "if", "and",
    "whether",
}  # fmt: skip
# What people say to Alexa's built-in intents, and the command each one means here.
BUILTIN_PHRASES: dict[str, Command] = {
    "stop": Stop(), "cancel": Stop(), "never mind": Stop(), "exit": Stop(), "quit": Stop(),
    "go home": Stop(), "help": Help(), "help me": Help(), "what can i say": Help(), "yes": Yes(),
    "no": No(), "pause": Pause(), "repeat": Repeat(), "say that again": Repeat(),
    "start over": Start(), "next": Next(), "previous": Previous(), "resume": Resume(),
}  # fmt: skip
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
SLOT_REF = re.compile(r"\{([A-Za-z_]+)\}")
NOT_A_CLAIM = re.compile(r"\b(cures?|cured|treats?|treatment|heals?|healing|relieves?|relief)\b")
DISCLAIMER = "not a substitute for professional medical advice"


@pytest.fixture(params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    """Runs a test once per English locale."""
    return cast(str, request.param)


@cache
def read_json(path: Path) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(path.read_text(encoding="utf-8")))


def model(locale: str) -> dict[str, Any]:
    document = read_json(PACKAGE / "interactionModels" / "custom" / f"{locale}.json")
    return cast(dict[str, Any], document["interactionModel"]["languageModel"])


def intents(locale: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in model(locale)["intents"]}


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def manifest() -> dict[str, Any]:
    return cast(dict[str, Any], read_json(PACKAGE / "skill.json")["manifest"])


def move_values(locale: str) -> list[dict[str, Any]]:
    types = {slot_type["name"]: slot_type for slot_type in model(locale)["types"]}
    return cast(list[dict[str, Any]], types[MOVE_SLOT_TYPE]["values"])


def words_of(value: dict[str, Any]) -> list[str]:
    """Every phrase that resolves to a slot value: its name and its synonyms."""
    return [value["name"]["value"], *value["name"].get("synonyms", [])]


def ids_heard_as(locale: str, words: str) -> set[str]:
    """Which move ids an exact-match entity resolution would give for ``words``."""
    return {value["id"] for value in move_values(locale) if words in words_of(value)}


def understood_as(locale: str, phrase: str) -> str | None:
    """The intent whose samples (slots filled with real values) match ``phrase``, if any."""
    phrase = normalised(phrase.rstrip(".!?"))
    if phrase in BUILTIN_PHRASES:
        return "built-in"
    fillers = {
        MOVE_SLOT: [words for value in move_values(locale) for words in words_of(value)],
        NUMBER_SLOT: list(NUMBERS),
        ORDINAL_SLOT: list(ORDINALS),
        TIME_SLOT: ["eight", "nine", "seven p.m", "eight in the morning", "nine thirty"],
    }
    alternatives = {slot: "(?:" + "|".join(map(re.escape, f)) + ")" for slot, f in fillers.items()}
    for name, intent in intents(locale).items():
        for sample in intent["samples"]:
            parts = SLOT_REF.split(normalised(sample))  # literal, slot, literal, slot, ...
            pattern = "".join(
                alternatives[part] if i % 2 else re.escape(part) for i, part in enumerate(parts)
            )
            if re.fullmatch(pattern, phrase):
                return str(name)
    return None


def test_the_committed_models_are_exactly_what_the_generator_writes_today() -> None:
    files = expected_files()
    on_disk = {path.name for path in (PACKAGE / "interactionModels" / "custom").glob("*.json")}
    assert on_disk == {path.name for path in files}
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run make model"


def test_there_is_one_model_for_each_of_the_five_english_locales() -> None:
    assert {path.stem for path in expected_files()} == set(LOCALES)


def test_the_invocation_name_is_lowercase_words_without_launch_or_wake_words(locale: str) -> None:
    words = model(locale)["invocationName"].split(" ")
    assert len(words) >= 2
    assert all(re.fullmatch(r"[a-z]+", word) for word in words)
    assert not FORBIDDEN_IN_INVOCATION & set(words)


def test_the_built_in_intents_every_skill_needs_are_declared(locale: str) -> None:
    assert set(intents(locale)) >= REQUIRED_BUILTINS


def test_every_intent_is_handled_and_every_handled_intent_is_declared(locale: str) -> None:
    assert set(intents(locale)) == set(INTENT_COMMANDS)


def test_samples_hold_only_letters_spaces_periods_apostrophes_and_slots(locale: str) -> None:
    for name, intent in intents(locale).items():
        for sample in intent["samples"]:
            assert re.fullmatch(r"[A-Za-z.' ]*", SLOT_REF.sub("", sample)), (name, sample)
            assert sample == " ".join(sample.split()), (name, sample)


def test_every_slot_a_sample_uses_is_declared_with_a_type_that_exists(locale: str) -> None:
    custom_types = {slot_type["name"] for slot_type in model(locale)["types"]}
    for name, intent in intents(locale).items():
        declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            assert set(SLOT_REF.findall(sample)) <= set(declared), (name, sample)
        for slot_type in declared.values():
            assert slot_type in custom_types or slot_type.startswith("AMAZON."), (name, slot_type)


def test_go_to_move_declares_the_slots_the_handlers_read(locale: str) -> None:
    slots = {slot["name"]: slot["type"] for slot in intents(locale)["GoToMoveIntent"]["slots"]}
    assert slots == {
        MOVE_SLOT: MOVE_SLOT_TYPE,
        NUMBER_SLOT: "AMAZON.NUMBER",
        ORDINAL_SLOT: "AMAZON.Ordinal",
    }


def test_no_sample_is_repeated_within_or_across_intents(locale: str) -> None:
    owner: dict[str, str] = {}
    for name, intent in intents(locale).items():
        for sample in map(normalised, intent["samples"]):
            assert sample not in owner, f"{sample!r} is in {owner.get(sample)} and {name}"
            owner[sample] = name


def test_custom_samples_never_say_a_built_in_phrase_for_another_command(locale: str) -> None:
    for name, intent in intents(locale).items():
        for sample in map(normalised, intent["samples"]):
            if sample in BUILTIN_PHRASES:
                assert BUILTIN_PHRASES[sample] == INTENT_COMMANDS[name], (name, sample)


def test_an_intent_declares_slots_exactly_when_its_command_is_built_from_them(
    locale: str,
) -> None:
    """A command class (rather than a ready command) is filled from the request's slots: an
    intent with slots mapped to a ready command would drop what the user said, and a class for
    an intent without slots would have nothing to be built from."""
    with_slots = {name for name, intent in intents(locale).items() if intent.get("slots")}
    built_from_slots = {
        name for name, command in INTENT_COMMANDS.items() if isinstance(command, type)
    }
    assert with_slots == built_from_slots == {GO_TO_MOVE, SET_REMINDER}


def test_set_reminder_declares_the_time_slot_the_handler_reads(locale: str) -> None:
    slots = {slot["name"]: slot["type"] for slot in intents(locale)[SET_REMINDER]["slots"]}
    assert slots == {TIME_SLOT: "AMAZON.TIME"}


def test_each_custom_intent_has_many_ways_to_say_it(locale: str) -> None:
    for name, intent in intents(locale).items():
        if not name.startswith("AMAZON."):
            assert len(intent["samples"]) >= 10, name


@pytest.mark.parametrize(
    ("phrase", "intent"),
    [
        ("start", "StartRoutineIntent"),
        ("next move", "NextMoveIntent"),
        ("I'm done", "NextMoveIntent"),
        ("go back", "PreviousMoveIntent"),
        ("skip to wall splat", "GoToMoveIntent"),
        ("go to move three", "GoToMoveIntent"),
        ("the second move", "GoToMoveIntent"),
        ("resume my routine", "ResumeRoutineIntent"),
        ("pick up where I left off", "ResumeRoutineIntent"),
        ("where am I", "ProgressIntent"),
        ("how many moves are left", "ProgressIntent"),
        ("that hurts", "ThatHurtsIntent"),
        ("it hurts", "ThatHurtsIntent"),
        ("ouch", "ThatHurtsIntent"),
        ("my back hurts", "ThatHurtsIntent"),
        ("this is painful", "ThatHurtsIntent"),
        ("easier", "EasierIntent"),
        ("that's too hard", "EasierIntent"),
        ("harder", "HarderIntent"),
        ("too easy", "HarderIntent"),
        ("normal version", "NormalVersionIntent"),
        ("slower", "SlowerIntent"),
        ("faster", "FasterIntent"),
        ("normal pace", "NormalPaceIntent"),
        ("more detail", "MoreDetailIntent"),
        ("less detail", "LessDetailIntent"),
        ("quick routine", "QuickRoutineIntent"),
        ("the short version", "QuickRoutineIntent"),
        ("I only have five minutes", "QuickRoutineIntent"),
        ("just the daily move", "DailyMoveIntent"),
    ],
)
def test_the_phrases_the_design_promises_reach_their_intent(
    locale: str, phrase: str, intent: str
) -> None:
    assert understood_as(locale, phrase) == intent


def test_move_slot_values_have_an_id_and_a_lowercase_spoken_name(locale: str) -> None:
    for value in move_values(locale):
        assert value["id"]
        assert re.fullmatch(r"[a-z]+( [a-z]+)*", value["name"]["value"]), value
        for synonym in value["name"].get("synonyms", []):
            assert re.fullmatch(r"[a-z']+( [a-z']+)*", synonym), (value["id"], synonym)


def test_each_move_is_named_as_said_in_the_locale_without_hyphens(locale: str) -> None:
    names = {value["id"]: value["name"]["value"] for value in move_values(locale)}
    routine = load_routine()
    assert names == {m.id: m.spoken_name(locale).replace("-", " ") for m in routine.moves}


def test_every_word_for_a_move_resolves_to_that_move_and_no_other(locale: str) -> None:
    for move in load_routine().moves:
        for words in move.words_for(locale):
            assert ids_heard_as(locale, words) == {move.id}, (locale, words)


def test_no_two_moves_share_a_word(locale: str) -> None:
    seen: dict[str, str] = {}
    for move in load_routine().moves:
        for words in set(move.words_for(locale)):
            assert words not in seen, f"{words!r} names {seen.get(words)} and {move.id}"
            seen[words] = move.id


def test_a_british_user_saying_press_ups_lands_on_the_rhomboid_push_up() -> None:
    assert ids_heard_as("en-GB", "press ups") == {"rhomboid_push_up"}


def test_example_phrases_launch_first_then_are_real_sample_utterances(locale: str) -> None:
    invocation = model(locale)["invocationName"]
    first, *others = manifest()["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert len(others) <= 2
    assert re.fullmatch(rf"Alexa, (open|start|launch) {invocation}", first)
    prefix = f"Alexa, ask {invocation} to "
    for phrase in others:
        assert phrase.startswith(prefix), phrase
        assert understood_as(locale, phrase.removeprefix(prefix)) not in (None, "built-in"), phrase


def test_every_phrase_the_store_page_quotes_is_understood(locale: str) -> None:
    publishing = manifest()["publishingInformation"]
    text = publishing["locales"][locale]["description"] + publishing["testingInstructions"]
    # A one-shot: "ask <name>", a connecting word Alexa drops (to, for, about) or none, the words
    name = model(locale)["invocationName"]
    prefixes = re.compile(rf"^Alexa, (ask {name} (?:to |for |about )?|open )")
    for quoted in re.findall(r'"([^"]+)"', text):
        said = prefixes.sub("", quoted)
        assert said == "upper back routine" or understood_as(locale, said), quoted


def test_the_store_listing_covers_the_five_locales_and_their_countries() -> None:
    publishing = manifest()["publishingInformation"]
    assert set(publishing["locales"]) == set(LOCALES)
    assert publishing["isAvailableWorldwide"] is False
    assert set(publishing["distributionCountries"]) == {"US", "GB", "CA", "AU", "IN"}
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert manifest()["manifestVersion"] == "1.0"


def test_the_listing_disclaims_medical_advice_and_claims_no_cure(locale: str) -> None:
    listing = manifest()["publishingInformation"]["locales"][locale]
    assert listing["name"] == "Upper Back Routine"
    assert len(listing["summary"]) <= 160
    assert len(listing["description"]) <= 4000
    assert DISCLAIMER in listing["description"]
    for text in [listing["summary"], listing["description"], *listing["keywords"]]:
        assert not NOT_A_CLAIM.search(text.lower()), text
    assert all(listing[icon].startswith("https://") for icon in ("smallIconUri", "largeIconUri"))


def test_the_description_names_every_move_as_said_in_that_locale(locale: str) -> None:
    description = manifest()["publishingInformation"]["locales"][locale]["description"]
    for move in load_routine().moves:
        assert move.spoken_name(locale) in description, move.spoken_name(locale)


def test_the_skill_declares_no_health_or_personal_data_purchases_or_ads() -> None:
    privacy = manifest()["privacyAndCompliance"]
    assert privacy["usesHealthInfo"] is False
    assert privacy["usesPersonalInfo"] is False
    assert privacy["allowsPurchases"] is False
    assert privacy["containsAds"] is False
    assert privacy["isChildDirected"] is False
    assert privacy["isExportCompliant"] is True


def test_screens_get_apl_and_disabling_the_skill_reaches_the_same_function() -> None:
    custom = manifest()["apis"]["custom"]
    apl = [i for i in custom["interfaces"] if i["type"] == "ALEXA_PRESENTATION_APL"]
    assert len(apl) == 1
    assert apl[0]["supportedViewports"]
    for viewport in apl[0]["supportedViewports"]:
        assert viewport["minWidth"] <= viewport["maxWidth"]
        assert viewport["minHeight"] <= viewport["maxHeight"]
    events = manifest()["events"]
    assert {"eventName": "SKILL_DISABLED"} in events["subscriptions"]
    assert events["endpoint"]["uri"] == custom["endpoint"]["uri"]
    region = custom["endpoint"]["uri"].split(":")[3]
    assert region in {"us-east-1", "eu-west-1", "us-west-2"}


def test_the_ask_cli_deploys_the_interaction_model_folder() -> None:
    resources = read_json(ROOT / "ask-resources.json")
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./interaction_model"
    assert (ROOT / "interaction_model" / "skill.json").is_file()
