"""The shipped routine matches the source and the dose notes; parse_routine refuses bad data."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from upper_back.core.routine import Move, Routine, RoutineError, load_routine, parse_routine

ROUTINE = load_routine()
BY_ID = {move.id: move for move in ROUTINE.moves}
SOURCE_ORDER = [
    "rhomboid_push_up",
    "wall_splat",
    "can_openers",
    "eleven_fifteen",
    "bridge_reach_over",
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
        *(phase.short for phase in phases),
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


def test_the_coached_sets_fill_most_of_the_routine_time() -> None:
    work = sum(
        m.guided.rounds * m.guided.round_seconds * max(len(m.sides), 1) for m in ROUTINE.moves
    )
    assert 0.5 * ROUTINE.minutes * 60 <= work <= ROUTINE.minutes * 60


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
    return {"why": "w", "safety": "s", "closing": "c", "moves": [move]}


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


def test_the_parser_does_not_change_its_input() -> None:
    data = minimal()
    parse_routine(data)
    assert data == minimal()


def twice() -> dict[str, Any]:
    data = minimal()
    data["moves"].append(copy.deepcopy(data["moves"][0]))
    return data


REJECTED = {
    "no moves": {**minimal(), "moves": []},
    "moves missing": {k: v for k, v in minimal().items() if k != "moves"},
    "duplicate ids": twice(),
    "synonym with digits": with_move(synonyms=["reach", "reach 2"]),
    "synonym with uppercase": with_move(synonyms=["Reach"]),
    "locale synonym with digits": with_move(synonyms_by_locale={"en-GB": ["11 15"]}),
    "phase over 60 s": with_phase(seconds=61),
    "phase of 0 s": with_phase(seconds=0),
    "phase of negative seconds": with_phase(seconds=-2),
    "phase seconds as text": with_phase(seconds="5"),
    "split sides without sides": with_move(sides=[]),
    "three sides": with_move(sides=["left", "right", "middle"]),
    "one side": with_move(sides=["left"], split_sides=False),
    "split alternating sides": with_move(side_style="alternate"),
    "unknown side style": with_move(side_style="both"),
    "zero rounds": with_move(guided={"rounds": 0, "phases": [{"cue": "Go.", "seconds": 3}]}),
    "rounds as text": with_move(guided={"rounds": "2", "phases": [{"cue": "Go.", "seconds": 3}]}),
    "empty name": with_move(name="  "),
    "setup not a list": with_move(setup="Stand tall."),
    "phases missing": with_move(guided={"rounds": 2}),
}


@pytest.mark.parametrize("data", REJECTED.values(), ids=REJECTED.keys())
def test_the_parser_refuses_data_the_skill_cannot_use(data: dict[str, Any]) -> None:
    with pytest.raises(RoutineError):
        parse_routine(data)


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
    with pytest.raises(RoutineError):
        parse_routine(data)
