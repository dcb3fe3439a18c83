"""The shipped routine matches the source and the dose notes; parse_routine refuses bad data
and says which key of which move is wrong; the announced minutes follow the doses."""

from __future__ import annotations

import copy
import dataclasses
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from upper_back.core.routine import (
    DATA_FILE,
    LOCALES,
    ROUTINE_SCHEMA,
    Move,
    Routine,
    RoutineError,
    Version,
    load_routine,
    parse_routine,
)
from upper_back.render.timing import routine_minutes, routine_seconds

ROUTINE = load_routine()
BY_ID = {move.id: move for move in ROUTINE.moves}
SOURCE_ORDER = [
    "rhomboid_push_up",
    "wall_splat",
    "can_openers",
    "eleven_fifteen",
    "bridge_reach_over",
]


def version_texts(version: Version) -> list[str]:
    return [
        *(version.setup or ()),
        *(version.cues or ()),
        *([version.key] if version.key else []),
        *(version.phase_cues or ()),
    ]


def texts_of(move: Move) -> list[str]:
    """Every piece of text of a move that may be spoken or shown."""
    phases = move.guided.phases
    return [
        move.name,
        *move.names.values(),
        move.purpose,
        *move.setup,
        *move.cues,
        *(phase.cue for phase in phases),
        move.key,
        move.switch,
        *(line for version in (move.variants or {}).values() for line in version_texts(version)),
        *(cue for phase in phases for cue in phase.hold_cues),
    ]


def test_the_routine_has_the_five_moves_in_the_source_order() -> None:
    assert [move.id for move in ROUTINE.moves] == SOURCE_ORDER


@pytest.mark.parametrize("move_id", ["wall_splat", "can_openers", "eleven_fifteen",
                                     "bridge_reach_over"])  # fmt: skip
def test_moves_done_on_each_side_have_two_distinct_sides(move_id: str) -> None:
    sides = BY_ID[move_id].sides
    assert len(sides) == 2
    assert len(set(sides)) == 2


def test_the_push_up_works_both_sides_at_once() -> None:
    assert BY_ID["rhomboid_push_up"].sides == ()
    assert BY_ID["rhomboid_push_up"].parts == 1


def test_a_move_takes_one_response_per_side_only_when_its_sides_are_split() -> None:
    for move in ROUTINE.moves:
        assert move.parts == (len(move.sides) if move.split_sides else 1)


def hold(move: Move) -> float:
    """The longest phase of a round: the hold, for moves that hold at the top."""
    return max(phase.seconds for phase in move.guided.phases)


DOSES: list[tuple[str, int, int, Callable[[Move], bool]]] = [
    ("rhomboid_push_up", 8, 15, lambda m: 2 <= m.guided.round_seconds <= 6),
    ("wall_splat", 5, 10, lambda m: 6 <= m.guided.round_seconds <= 10),
    ("can_openers", 5, 10, lambda m: 3 <= hold(m) <= 5),
    ("eleven_fifteen", 1, 3, lambda m: 15 <= hold(m) <= 30),
    ("bridge_reach_over", 5, 10, lambda m: any(p.seconds >= 3 for p in m.guided.phases)),
]


@pytest.mark.parametrize(("move_id", "low", "high", "timing"), DOSES, ids=[d[0] for d in DOSES])
def test_each_dose_sits_inside_the_physiotherapy_range(
    move_id: str, low: int, high: int, timing: Callable[[Move], bool]
) -> None:
    move = BY_ID[move_id]
    assert low <= move.guided.rounds <= high
    assert timing(move), [phase.seconds for phase in move.guided.phases]


def test_a_side_placeholder_only_appears_in_moves_that_have_sides() -> None:
    for move in ROUTINE.moves:
        for text in texts_of(move):
            if "{side}" in text:
                assert move.sides, (move.id, text)
            assert "{" not in text.replace("{side}", ""), (move.id, text)
            assert "}" not in text.replace("{side}", ""), (move.id, text)


def test_no_phrase_names_two_different_moves() -> None:
    locales = {locale for move in ROUTINE.moves for locale in move.synonyms_by_locale}
    for locale in {"en-US", *locales}:
        owners: dict[str, str] = {}
        for move in ROUTINE.moves:
            for word in move.words_for(locale):
                assert owners.setdefault(word, move.id) == move.id, (locale, word)


def test_a_locale_name_override_is_spoken_in_that_locale_only() -> None:
    push_up = BY_ID["rhomboid_push_up"]
    assert push_up.spoken_name("en-GB") == push_up.names["en-GB"] != push_up.name
    assert push_up.spoken_name("en-US") == push_up.name


def test_the_routine_is_loaded_once() -> None:
    assert load_routine() is ROUTINE


def test_the_shipped_file_declares_the_schema_this_code_reads() -> None:
    with DATA_FILE.open("rb") as handle:
        assert tomllib.load(handle)["schema"] == ROUTINE_SCHEMA


# --- How long the routine takes --------------------------------------------------------------


def dose_seconds(routine: Routine) -> float:
    """The exercise itself: rounds x one round's phases x sides worked, for every move."""
    return sum(
        m.guided.rounds * m.guided.round_seconds * max(len(m.sides), 1) for m in routine.moves
    )


INSTRUCTIONS_SECONDS = 25.0
"""Per response: three or four lines of setup and form, 'get ready' and a breath to settle."""
COUNT_SECONDS = 1.0
"""Per round: its count ("Three.")."""
MAX_TALK_SECONDS = 60.0
"""Per response: more talk than a minute around a set would be a lecture, not coaching."""


def talk_seconds(routine: Routine) -> float:
    """What is said around the doses, from the shape of the routine alone (not its SSML)."""
    responses = sum(m.parts for m in routine.moves)
    rounds = sum(m.guided.rounds * max(len(m.sides), 1) for m in routine.moves)
    return responses * INSTRUCTIONS_SECONDS + rounds * COUNT_SECONDS


def test_the_announced_minutes_match_the_doses_plus_the_talk_around_them() -> None:
    estimate = (dose_seconds(ROUTINE) + talk_seconds(ROUTINE)) / 60
    assert 0.8 * estimate <= routine_minutes(ROUTINE) <= 1.2 * estimate, estimate


def test_coaching_never_shortens_a_dose_nor_lectures_around_it() -> None:
    responses = sum(m.parts for m in ROUTINE.moves)
    dose = dose_seconds(ROUTINE)
    assert dose <= routine_seconds(ROUTINE) <= dose + responses * MAX_TALK_SECONDS


def test_the_coached_sets_fill_most_of_the_routine_time() -> None:
    minutes = routine_minutes(ROUTINE)
    assert 0.5 * minutes * 60 <= dose_seconds(ROUTINE) <= minutes * 60


def test_a_longer_dose_makes_a_longer_routine() -> None:
    """The minutes follow the data: nobody has to remember to retype them."""
    longer = dataclasses.replace(
        ROUTINE,
        moves=tuple(
            dataclasses.replace(m, guided=dataclasses.replace(m.guided, rounds=m.guided.rounds * 2))
            for m in ROUTINE.moves
        ),
    )
    added = dose_seconds(longer) - dose_seconds(ROUTINE)
    assert routine_seconds(longer) >= routine_seconds(ROUTINE) + added
    assert routine_minutes(longer) > routine_minutes(ROUTINE)


def test_even_a_tiny_routine_takes_at_least_a_minute() -> None:
    assert routine_minutes(parse_routine(minimal())) == 1


def test_the_length_is_worked_out_once_per_routine() -> None:
    assert routine_seconds(ROUTINE) == routine_seconds(ROUTINE)
    assert routine_minutes(ROUTINE) == routine_minutes(load_routine())


# --- What the parser accepts ---------------------------------------------------------------


def minimal() -> dict[str, Any]:
    """The smallest routine parse_routine accepts: one two-sided move, split by side."""
    move = {
        "id": "reach",
        "name": "reach",
        "synonyms": ["reach", "the reach"],
        "purpose": "It reaches.",
        "setup": ["Stand tall."],
        "cues": ["Reach with the {side} arm."],
        "sides": ["left", "right"],
        "split_sides": True,
        "guided": {"rounds": 2, "phases": [{"cue": "Reach {side}.", "seconds": 3}]},
    }
    return {"schema": ROUTINE_SCHEMA, "why": "w", "safety": "s", "closing": "c", "moves": [move]}


def with_move(**fields: Any) -> dict[str, Any]:
    data = minimal()
    data["moves"][0].update(fields)
    return data


def with_phase(**fields: Any) -> dict[str, Any]:
    data = minimal()
    data["moves"][0]["guided"]["phases"][0].update(fields)
    return data


def test_the_minimal_routine_parses() -> None:
    routine = parse_routine(minimal())
    assert isinstance(routine, Routine)
    assert [move.parts for move in routine.moves] == [2]


def test_every_optional_key_is_read() -> None:
    data = with_move(
        names=dict.fromkeys(LOCALES, "long reach"),
        synonyms_by_locale={locale: ["long reach"] for locale in LOCALES},
        side_style="alternate",
        split_sides=False,
        key="Reach {side}, long.",
        settle=4,
        switch="Now {side}.",
        guided={"rounds": 2, "quick_rounds": 1, "rep_seconds": 13, "pace": [0.5, 1.5],
                "phases": [{"cue": "Reach {side}.", "seconds": 12, "hold": True,
                            "hold_cues": ["Long."]}]},
        variants={"easier": {"setup": ["Sit."], "cues": ["Less."], "key": "Small {side}.",
                             "settle": 2, "hold_seconds": 6, "phase_cues": ["Small reach."]},
                  "harder": {"hold_seconds": 20}},
    )  # fmt: skip
    (move,) = parse_routine(data).moves
    assert move.spoken_name("en-IN") == "long reach"
    assert move.words_for("en-CA") == ("reach", "the reach", "long reach")
    assert move.side_style == "alternate"
    assert move.guided.phases[0].hold_cues == ("Long.",)
    assert move.guided.phases[0].hold
    assert (move.key, move.settle, move.side_cue) == ("Reach {side}, long.", 4, "Now {side}.")
    assert move.guided.rounds_for(quick=True) == 1
    assert move.guided.clamp(9) == 1.5
    assert move.guided.clamp(0.1) == 0.5
    assert move.dose_seconds() == 2 * 13 * 2
    easier = move.version("easier")
    assert (easier.setup, easier.cues, easier.key, easier.settle) == (
        ("Sit.",), ("Less.",), "Small {side}.", 2)  # fmt: skip
    assert easier.guided.phases[0].cue == "Small reach."
    assert easier.guided.phases[0].seconds == 6
    assert easier.dose_seconds() == 2 * (13 - 6) * 2
    assert move.version("harder").guided.phases[0].seconds == 20
    assert move.version("normal") is move


def test_the_parser_does_not_change_its_input() -> None:
    data = minimal()
    parse_routine(data)
    assert data == minimal()


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(RoutineError) as caught:
        parse_routine(data)
    return str(caught.value)


# --- Unknown keys: each names the key, where it is, and the key it was probably meant to be ----

MOVE_TYPOS = [
    ("setup", "setpu"),
    ("synonyms", "synonym"),
    ("purpose", "purpose_"),
    ("names", "nmaes"),
    ("side_style", "side_styles"),
    ("split_sides", "split_side"),
    ("synonyms_by_locale", "synonyms_by_locales"),
    ("guided", "guide"),
]


@pytest.mark.parametrize(("key", "typo"), MOVE_TYPOS, ids=[t for _, t in MOVE_TYPOS])
def test_a_misspelled_key_in_a_move_is_named_with_the_move(key: str, typo: str) -> None:
    data = minimal()
    move = data["moves"][0]
    move[typo] = move.pop(key, "x")
    message = refused(data)
    assert f"move 'reach': unknown key '{typo}' (did you mean '{key}'?)" in message


GUIDED_TYPOS = [("rounds", "round"), ("phases", "phase")]


@pytest.mark.parametrize(("key", "typo"), GUIDED_TYPOS, ids=[t for _, t in GUIDED_TYPOS])
def test_a_misspelled_key_in_the_guided_set_is_named_with_the_move(key: str, typo: str) -> None:
    data = minimal()
    guided = data["moves"][0]["guided"]
    guided[typo] = guided.pop(key)
    assert f"move 'reach', guided: unknown key '{typo}' (did you mean '{key}'?)" in refused(data)


PHASE_TYPOS = [("hold_cues", "hold_cue"), ("hold", "hodl"), ("seconds", "secs"),
               ("cue", "cues")]  # fmt: skip


@pytest.mark.parametrize(("key", "typo"), PHASE_TYPOS, ids=[t for _, t in PHASE_TYPOS])
def test_a_misspelled_key_in_a_phase_is_named_with_the_move_and_phase(key: str, typo: str) -> None:
    data = minimal()
    phase = data["moves"][0]["guided"]["phases"][0]
    phase[typo] = phase.pop(key, "Hold.")
    message = refused(data)
    assert (
        f"move 'reach', guided.phases[0]: unknown key '{typo}' (did you mean '{key}'?)" in message
    )


TOP_TYPOS = [("closing", "closng"), ("safety", "safty"), ("moves", "move"), ("schema", "shcema")]


@pytest.mark.parametrize(("key", "typo"), TOP_TYPOS, ids=[t for _, t in TOP_TYPOS])
def test_a_misspelled_top_level_key_is_named(key: str, typo: str) -> None:
    data = minimal()
    data[typo] = data.pop(key)
    assert f"routine: unknown key '{typo}' (did you mean '{key}'?)" in refused(data)


def test_a_key_nothing_resembles_gets_no_suggestion() -> None:
    message = refused(with_move(colour="blue"))
    assert message == "move 'reach': unknown key 'colour'"


def test_minutes_are_no_longer_typed_by_hand() -> None:
    message = refused({**minimal(), "minutes": 13})
    assert message.startswith("routine: unknown key 'minutes'")
    assert "worked out" in message


UNKNOWN_LOCALES = [
    ("names", "en-UK", "long reach", "en-US"),
    ("names", "en_GB", "long reach", "en-GB"),
    ("synonyms_by_locale", "en-NZ", ["long reach"], "en-IN"),
    ("synonyms_by_locale", "fr-FR", ["long reach"], None),
]


@pytest.mark.parametrize(("field", "locale", "value", "suggested"), UNKNOWN_LOCALES,
                         ids=[f"{f}-{loc}" for f, loc, _, _ in UNKNOWN_LOCALES])  # fmt: skip
def test_an_unknown_locale_is_named_with_the_move(
    field: str, locale: str, value: Any, suggested: str | None
) -> None:
    message = refused(with_move(**{field: {"en-GB": value, locale: value}}))
    assert f"move 'reach', {field}: unknown locale '{locale}'" in message
    assert (f"did you mean '{suggested}'?" in message) == (suggested is not None)
    assert all(known in message for known in LOCALES)


# --- Missing keys ---------------------------------------------------------------------------


def without(path: tuple[str | int, ...]) -> dict[str, Any]:
    """minimal() with the key at ``path`` (e.g. ("moves", 0, "purpose")) removed."""
    data = minimal()
    table: Any = data
    for step in path[:-1]:
        table = table[step]
    del table[path[-1]]
    return data


MOVE = ("moves", 0)
PHASE = (*MOVE, "guided", "phases", 0)
MISSING = [
    *((*MOVE, key) for key in ("name", "synonyms", "purpose", "setup", "cues", "guided")),
    (*MOVE, "guided", "rounds"),
    (*MOVE, "guided", "phases"),
    (*PHASE, "cue"),
    (*PHASE, "seconds"),
]
WHERE = {2: "move 'reach'", 3: "move 'reach', guided", 5: "move 'reach', guided.phases[0]"}


@pytest.mark.parametrize("path", MISSING, ids=[".".join(map(str, p[2:])) for p in MISSING])
def test_a_missing_required_key_is_named_with_the_move(path: tuple[str | int, ...]) -> None:
    key = path[-1]
    assert refused(without(path)) == f"{WHERE[len(path) - 1]}: missing key '{key}'"


def test_a_move_without_an_id_is_named_by_its_place_in_the_file() -> None:
    assert refused(without((*MOVE, "id"))) == "moves[0]: missing key 'id'"


@pytest.mark.parametrize("key", ["why", "safety", "closing", "moves"])
def test_a_missing_top_level_key_is_named(key: str) -> None:
    assert refused(without((key,))) == f"routine: missing key '{key}'"


# --- The file's schema ----------------------------------------------------------------------

SCHEMAS: dict[str, Any] = {
    "newer": ROUTINE_SCHEMA + 1,
    "older": ROUTINE_SCHEMA - 1,
    "as text": str(ROUTINE_SCHEMA),
    "as float": float(ROUTINE_SCHEMA),
    "as boolean": True,
}


def test_a_file_without_a_schema_is_refused() -> None:
    message = refused(without(("schema",)))
    assert message.startswith("routine: missing key 'schema'")
    assert f"schema {ROUTINE_SCHEMA}" in message


@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
def test_a_file_for_another_schema_is_refused(schema: Any) -> None:
    message = refused({**minimal(), "schema": schema})
    assert message == (
        f"routine: schema {schema!r} is not the one this code reads ({ROUTINE_SCHEMA})"
    )


def test_the_schema_is_checked_before_keys_a_newer_file_may_have_added() -> None:
    message = refused({**minimal(), "schema": ROUTINE_SCHEMA + 1, "tempo": 1})
    assert "schema" in message
    assert "tempo" not in message


# --- Wrong types and values -----------------------------------------------------------------


def twice() -> dict[str, Any]:
    data = minimal()
    data["moves"].append(copy.deepcopy(data["moves"][0]))
    return data


GO = [{"cue": "Go.", "seconds": 3}]
REJECTED: dict[str, tuple[dict[str, Any], str]] = {
    "no moves": ({**minimal(), "moves": []}, "routine: moves"),
    "moves not tables": ({**minimal(), "moves": ["reach"]}, "moves[0]: expected a table"),
    "duplicate ids": (twice(), "move 'reach': the id is used by another move"),
    "synonym with digits": (with_move(synonyms=["reach", "reach 2"]), "move 'reach', synonyms"),
    "synonym with uppercase": (with_move(synonyms=["Reach"]), "move 'reach', synonyms"),
    "locale synonym with digits": (
        with_move(synonyms_by_locale={"en-GB": ["11 15"]}),
        "move 'reach', synonyms_by_locale.en-GB",
    ),
    "locale names not a table": (with_move(names="long reach"), "move 'reach', names"),
    "phase over 60 s": (with_phase(seconds=61), "move 'reach', guided.phases[0].seconds"),
    "phase of 0 s": (with_phase(seconds=0), "guided.phases[0].seconds"),
    "phase of negative seconds": (with_phase(seconds=-2), "guided.phases[0].seconds"),
    "phase seconds as text": (with_phase(seconds="5"), "guided.phases[0].seconds"),
    "hold cues not a list": (with_phase(hold_cues="Hold."), "guided.phases[0].hold_cues"),
    "split sides without sides": (with_move(sides=[]), "move 'reach': only a move"),
    "three sides": (with_move(sides=["left", "right", "middle"]), "move 'reach', sides"),
    "one side": (with_move(sides=["left"], split_sides=False), "move 'reach', sides"),
    "the same side twice": (with_move(sides=["left", "left"]), "move 'reach', sides"),
    "split alternating sides": (with_move(side_style="alternate"), "move 'reach': only a move"),
    "unknown side style": (with_move(side_style="both"), "move 'reach', side_style"),
    "split sides as text": (with_move(split_sides="yes"), "move 'reach', split_sides"),
    "zero rounds": (with_move(guided={"rounds": 0, "phases": GO}), "move 'reach', guided.rounds"),
    "rounds as text": (with_move(guided={"rounds": "2", "phases": GO}), "guided.rounds"),
    "rounds as boolean": (with_move(guided={"rounds": True, "phases": GO}), "guided.rounds"),
    "no phases": (with_move(guided={"rounds": 2, "phases": []}), "guided.phases"),
    "empty name": (with_move(name="  "), "move 'reach', name"),
    "setup not a list": (with_move(setup="Stand tall."), "move 'reach', setup"),
    "no setup": (with_move(setup=[]), "move 'reach', setup"),
    "side in a move without sides": (
        with_move(sides=[], split_sides=False),
        "move 'reach', cues[0]",
    ),
    "misspelled placeholder": (with_phase(cue="Reach {sdie}."), "guided.phases[0].cue"),
    "placeholder in the purpose": (with_move(purpose="Reach {side}."), "move 'reach', purpose"),
    "placeholder in the closing": ({**minimal(), "closing": "{name}"}, "routine, closing"),
}


@pytest.mark.parametrize(("data", "where"), REJECTED.values(), ids=REJECTED.keys())
def test_the_parser_refuses_data_the_skill_cannot_use(data: dict[str, Any], where: str) -> None:
    assert where in refused(data)


MARKUP_FIELDS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "why": lambda d, text: d.update(why=text),
    "name": lambda d, text: d["moves"][0].update(name=text),
    "locale name": lambda d, text: d["moves"][0].update(names={"en-GB": text}),
    "purpose": lambda d, text: d["moves"][0].update(purpose=text),
    "setup": lambda d, text: d["moves"][0]["setup"].append(text),
    "cue": lambda d, text: d["moves"][0]["cues"].append(text),
    "phase cue": lambda d, text: d["moves"][0]["guided"]["phases"][0].update(cue=text),
    "hold cue": lambda d, text: d["moves"][0]["guided"]["phases"][0].update(hold_cues=[text]),
}


@pytest.mark.parametrize("char", ["<", ">", "&"])
@pytest.mark.parametrize("field", MARKUP_FIELDS)
def test_content_with_markup_characters_is_refused(field: str, char: str) -> None:
    data = minimal()
    MARKUP_FIELDS[field](data, f"Neck {char} shoulders")
    assert "plain words" in refused(data)


def test_a_typo_in_the_file_stops_the_load(tmp_path: Path) -> None:
    """End to end, as a reviewer would meet it: the real file with one key misspelled."""
    broken = tmp_path / "routine.toml"
    broken.write_text(
        DATA_FILE.read_text(encoding="utf-8").replace("\nsetup = [", "\nsetpu = [", 2),
        encoding="utf-8",
    )
    with pytest.raises(RoutineError, match="move 'rhomboid_push_up': unknown key 'setpu'"):
        load_routine(broken)


def test_a_hold_range_and_a_versions_own_switch_are_read_and_checked() -> None:
    guided = {"rounds": 2, "hold_range": [2, 4],
              "phases": [{"cue": "Hold {side}.", "seconds": 3, "hold": True}]}  # fmt: skip
    data = with_move(guided=guided, variants={"easier": {"switch": "Roll to {side}."}})
    (move,) = parse_routine(data).moves
    assert move.guided.hold_range == (2, 4)
    assert (move.guided.hold(1), move.guided.hold(3), move.guided.hold(9)) == (2, 3, 4)
    assert move.version("easier").side_cue == "Roll to {side}."
    assert move.version("harder").side_cue == move.side_cue == "Stand tall."
    assert parse_routine(minimal()).moves[0].guided.hold(99) == 99  # no range: as paced
    assert "shorter than" in refused(with_move(guided={**guided, "hold_range": [4, 2]}))
    assert "a pair" in refused(with_move(guided={**guided, "hold_range": [4]}))
    assert "switch" in refused(with_move(variants={"easier": {"switch": "Roll {up}."}}))
