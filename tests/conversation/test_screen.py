"""Devices with a screen see the move (title, setup, cues, figure, the count) and can tap its
buttons, which do what the words do; devices without (or with an older APL) get no APL at all."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sim.conversation import Conversation, Turn
from sim.envelopes import Caller, SlotValue, user_event_request
from tests.conversation.helpers import MOVES, Alexa, Stored, at, place, revision, said, text
from tests.fakes.store import MemoryStore
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings
from upper_back.edge.intents import TAP_INTENTS
from upper_back.render import phrases
from upper_back.render.coaching import fill
from upper_back.render.screen import MOVE_BUTTONS, TAP_COMMANDS, read_token

APL = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
RESPONSE_LIMIT = 24_000
APL_RESPONSE_BUDGET = 36_000
"""Well under the 120 KB Alexa allows a response with APL: the document (the same every turn,
figures included) is about 25 KB as sent, a move's data (its count) 2 to 4.5 KB."""


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


# --- touch: every button does what its words do -----------------------------------------------


def document_token(turn: Turn) -> str:
    [directive] = render_directives(turn)
    return str(directive["token"])


def tap(conversation: Conversation, word: str, token: str | None = None) -> Turn:
    """Tap the button that sends ``word`` on the screen last shown (or the one named ``token``)."""
    shown = token or document_token(conversation.history[-1])
    return conversation.send(user_event_request(word, shown))


def at_the_wall_splat(alexa: Alexa, user: str) -> Conversation:
    conversation = alexa(interfaces=APL, user_id=f"amzn1.ask.account.{user}")
    conversation.launch()
    conversation.say("StartRoutineIntent")
    conversation.say("NextMoveIntent")  # move two, its first side
    return conversation


@pytest.mark.parametrize("word", sorted(TAP_COMMANDS))
def test_a_tap_does_exactly_what_the_words_do(word: str) -> None:
    """The same person in the same place, on two skills with stores of their own: one taps,
    the other says the words. Same speech, reprompt, screen, stored place and revision."""
    results = []
    for by_tap in (True, False):
        store = MemoryStore()
        handler = build_handler(Settings(), store=store)
        conversation = Conversation(handler=handler, caller=Caller(interfaces=APL))
        conversation.launch()
        conversation.say("StartRoutineIntent")
        conversation.say("NextMoveIntent")  # move two, its first side
        turn = tap(conversation, word) if by_tap else conversation.say(TAP_INTENTS[word])
        [record] = store.records.values()
        results.append((turn, place(record), revision(record)))
    (tapped, tapped_place, tapped_rev), (spoken, spoken_place, spoken_rev) = results
    assert tapped.ssml == spoken.ssml
    assert tapped.reprompt == spoken.reprompt
    assert tapped.ends_session == spoken.ends_session
    assert (
        render_directives(tapped)[0]["datasources"] == render_directives(spoken)[0]["datasources"]
    )
    assert (tapped_place, tapped_rev) == (spoken_place, spoken_rev)
    assert text(phrases.STALE_SCREEN) not in text(tapped.ssml)


def test_tapping_next_moves_on_and_saves_like_saying_it(alexa: Alexa, stored: Stored) -> None:
    conversation = at_the_wall_splat(alexa, "mover")
    before = revision(stored("amzn1.ask.account.mover"))
    turn = tap(conversation, "next")
    assert f"{MOVES[1].sides[1]} side" in text(turn.ssml)
    assert place(stored("amzn1.ask.account.mover")) == at(1, 1)
    assert revision(stored("amzn1.ask.account.mover")) == before + 1
    screen = render_directives(turn)[0]["datasources"]["screen"]
    assert screen["place"] == f"Move 2 of 5 · {MOVES[1].sides[1]} side"
    assert screen["mirror"] is True  # the second side's figure is the first's mirror


def test_a_tap_on_an_older_screen_does_nothing_and_says_where_you_are(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_the_wall_splat(alexa, "stale")
    old = document_token(conversation.history[-2])  # the screen of move one
    records = stored("amzn1.ask.account.stale")
    turn = tap(conversation, "next", old)
    heard = text(turn.ssml)
    assert heard.startswith(text(phrases.STALE_SCREEN))
    assert said(phrases.WHERE, 1) in heard
    assert stored("amzn1.ask.account.stale") == records, "nothing done, nothing saved"
    assert not turn.ends_session
    # The fresh screen's buttons work.
    assert place_of_reply(tap(conversation, "next")) == (1, 1)


def test_a_tap_from_a_screen_that_outlived_its_session_acts_if_it_still_shows_the_place(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_the_wall_splat(alexa, "later")
    shown = document_token(conversation.history[-1])
    conversation.end_session()  # the person walked away; the screen stayed
    turn = tap(conversation, "repeat", shown)  # a new session
    assert text(phrases.STALE_SCREEN) not in text(turn.ssml)
    assert MOVES[1].spoken_name() in text(turn.ssml)
    # Meanwhile another device moved on: the old screen is out of date.
    other = alexa(interfaces=APL, user_id="amzn1.ask.account.later")
    other.launch()
    other.say("GoToMoveIntent", number=SlotValue("4"))
    other.end_session()
    conversation.end_session()
    stale = tap(conversation, "next", shown)
    assert text(stale.ssml).startswith(text(phrases.STALE_SCREEN))


@pytest.mark.parametrize("token", ["upper-back-screen", "", "somebody-else.3.1-0"])
def test_a_tap_with_a_token_that_is_not_ours_is_answered_not_acted_on(
    alexa: Alexa, stored: Stored, token: str
) -> None:
    conversation = at_the_wall_splat(alexa, "stranger")
    records = stored("amzn1.ask.account.stranger")
    turn = tap(conversation, "next", token or "x")
    assert text(turn.ssml).startswith(text(phrases.STALE_SCREEN))
    assert stored("amzn1.ask.account.stranger") == records


def test_a_tap_with_a_word_no_button_sends_is_not_understood_not_an_error(alexa: Alexa) -> None:
    conversation = at_the_wall_splat(alexa, "odd")
    turn = tap(conversation, "jump")
    assert text(phrases.FALLBACK) in text(turn.ssml)
    assert text(phrases.APOLOGY) not in text(turn.ssml)
    assert not turn.ends_session


def test_each_reply_names_its_screen_by_a_new_turn_and_its_place(alexa: Alexa) -> None:
    conversation = at_the_wall_splat(alexa, "turns")
    tokens = [read_token(document_token(turn)) for turn in conversation.history]
    assert [t.turn for t in tokens if t] == [1, 2, 3]
    assert [t.place for t in tokens if t] == ["none", "0-0", "1-0"]


# --- what each kind of screen shows ------------------------------------------------------------


def place_of_reply(turn: Turn) -> tuple[int, int] | None:
    shown = read_token(document_token(turn))
    if shown is None or shown.place == "none":
        return None
    move, part = shown.place.split("-")
    return int(move), int(part)


def test_a_move_screen_shows_the_place_progress_key_cue_figure_and_the_count(alexa: Alexa) -> None:
    conversation = at_the_wall_splat(alexa, "screen")
    screen = render_directives(conversation.history[-1])[0]["datasources"]["screen"]
    move = MOVES[1]
    assert screen["kind"] == "move"
    assert screen["name"].lower() == move.spoken_name()
    assert screen["place"] == f"Move 2 of 5 · {move.sides[0]} side"
    assert screen["move"] == 2
    assert 0 < screen["percent"] < 100
    assert screen["key"] == move.key
    assert screen["figure"] == "wall_splat"
    assert screen["mirror"] is False
    assert [b["command"] for b in screen["buttons"]] == list(MOVE_BUTTONS)
    assert "tap" in screen["hint"].lower()
    rounds = [b for b in screen["beats"] if b["say"] in ("One.", "Two.")]
    assert [b["round"] for b in rounds] == ["1", "2"]
    assert any(b["pose"] == 1.0 and b["ms"] > 0 for b in screen["beats"])


def test_the_welcome_help_progress_and_completion_screens(alexa: Alexa) -> None:
    conversation = alexa(interfaces=APL)
    welcome = conversation.launch()
    screen = render_directives(welcome)[0]["datasources"]["screen"]
    assert screen["kind"] == "welcome"
    assert [b["command"] for b in screen["buttons"]] == ["start"]
    help_screen = render_directives(conversation.say("AMAZON.HelpIntent"))[0]["datasources"][
        "screen"
    ]
    assert help_screen["kind"] == "help"
    conversation.say("StartRoutineIntent")
    progress = render_directives(conversation.say("ProgressIntent"))[0]["datasources"]["screen"]
    assert progress["kind"] == "progress"
    assert progress["key"]
    days = render_directives(conversation.say("DaysDoneIntent"))[0]["datasources"]["screen"]
    assert days["kind"] == "progress"
    assert len(days["days"]) == 7
    assert days["key"] == phrases.SCREEN_DAYS.format(week=sum(d["done"] for d in days["days"]))
    conversation.say("GoToMoveIntent", number=SlotValue(str(len(MOVES))))
    last = conversation.history[-1]
    ending = render_directives(last)[0]["datasources"]["screen"]
    assert ending["buttons"] == [] or last.reprompt
    assert ending["beats"][-1]["round"] == ""


def test_a_device_with_an_older_apl_gets_the_card_not_the_document(alexa: Alexa) -> None:
    old = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "1.6"}}}
    conversation = alexa(interfaces=old)
    conversation.launch()
    turn = conversation.say("GoToMoveIntent", number=SlotValue("3"))
    assert render_directives(turn) == []
    assert turn.response.get("card")


def test_a_device_without_a_screen_never_gets_apl_through_a_whole_run(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    while conversation.in_session:
        conversation.say("NextMoveIntent")
    conversation.launch()
    conversation.say("AMAZON.HelpIntent")
    conversation.say("ProgressIntent")
    for turn in conversation.history:
        types = [d["type"] for d in turn.response.get("directives") or []]
        assert not [t for t in types if t.startswith("Alexa.Presentation")]
