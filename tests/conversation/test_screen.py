"""Devices with a screen see the move (title, setup, cues); devices without get no APL at all."""

from __future__ import annotations

import json
from typing import Any

from sim.conversation import Turn
from sim.envelopes import SlotValue
from tests.conversation.helpers import MOVES, Alexa
from upper_back.render.coaching import fill

APL = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
RESPONSE_LIMIT = 24_000
APL_RESPONSE_BUDGET = 36_000
"""Well under the 120 KB Alexa allows a response with APL: the document (the same every turn,
figures included) is about 22 KB, a move's data (its count) 2 to 4 KB."""


def render_directives(turn: Turn) -> list[dict[str, Any]]:
    directives = turn.response.get("directives") or []
    return [d for d in directives if d["type"] == "Alexa.Presentation.APL.RenderDocument"]


def test_a_screen_device_shows_the_moves_title_setup_and_cues(alexa: Alexa) -> None:
    conversation = alexa(interfaces=APL)
    conversation.launch()
    turn = conversation.say("GoToMoveIntent", number=SlotValue("3"))
    [directive] = render_directives(turn)
    screen = directive["datasources"]["screen"]
    move = MOVES[2]
    assert move.spoken_name() in screen["title"]
    assert fill(move.setup[0], move.sides[0]) in screen["lines"]
    assert fill(move.cues[-1], move.sides[0]) in screen["lines"]
    assert directive["document"]["type"] == "APL"
    # Alexa's limits: the speech-only parts within 24 KB, the whole response, document and
    # data included, well under the platform's limit (measured: ``make bench``).
    speech_only = {**turn.raw, "response": {**turn.response, "directives": []}}
    assert len(json.dumps(speech_only)) < RESPONSE_LIMIT
    assert len(json.dumps(turn.raw)) < APL_RESPONSE_BUDGET


def test_a_device_without_a_screen_gets_no_apl(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("GoToMoveIntent", number=SlotValue("3"))
    assert render_directives(turn) == []
    assert turn.response.get("card"), "the Alexa app still gets the card"


def test_help_on_a_screen_shows_what_to_say(alexa: Alexa) -> None:
    conversation = alexa(interfaces=APL)
    conversation.launch()
    [directive] = render_directives(conversation.say("AMAZON.HelpIntent"))
    assert any("next move" in line for line in directive["datasources"]["screen"]["lines"])


def test_the_card_of_a_sided_move_names_the_side_it_covers(alexa: Alexa) -> None:
    split = next(move for move in MOVES if move.split_sides and "{side}" in " ".join(move.setup))
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("GoToMoveIntent", number=SlotValue(str(MOVES.index(split) + 1)))
    card = turn.response["card"]["content"]
    assert "{side}" not in card
    assert "  " not in card
    assert split.sides[0] in card


def test_an_answer_without_a_card_clears_the_previous_move_from_the_screen(alexa: Alexa) -> None:
    conversation = alexa(interfaces=APL)
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    [directive] = render_directives(conversation.say("ProgressIntent"))
    screen = directive["datasources"]["screen"]
    assert MOVES[2].spoken_name() not in screen["title"]
    assert screen["lines"] == []
    assert screen["hint"]


def test_the_screen_shows_the_version_being_coached_not_the_usual_one(alexa: Alexa) -> None:
    conversation = alexa(interfaces=APL)
    conversation.launch()
    # A move whose easier version has its own setup in routine.toml (the push-up at the wall).
    index = next(i for i, move in enumerate(MOVES) if move.version("easier").setup != move.setup)
    conversation.say("GoToMoveIntent", number=SlotValue(str(index + 1)))
    [directive] = render_directives(conversation.say("EasierIntent"))  # "easier"
    lines = directive["datasources"]["screen"]["lines"]
    move, easier = MOVES[index], MOVES[index].version("easier")
    side = move.sides[0] if move.sides else None
    for line in (*easier.setup, *easier.cues):
        assert fill(line, side) in lines
    for line in move.setup:
        assert fill(line, side) not in lines


def test_the_screen_shows_only_the_key_cue_when_the_coaching_is_short(alexa: Alexa) -> None:
    conversation = alexa(interfaces=APL)
    conversation.launch()
    conversation.say("LessDetailIntent")  # "less detail"
    [directive] = render_directives(conversation.say("GoToMoveIntent", number=SlotValue("2")))
    move = MOVES[1]
    side = move.sides[0] if move.sides else None
    assert directive["datasources"]["screen"]["lines"] == [fill(move.key, side)]
