"""Stopping and coming back: the place survives the session, days, and other household members."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from sim.conversation import Conversation
from sim.envelopes import USER_ID, Caller, SlotValue, intent_request
from tests.conversation.helpers import (
    ROUTINE,
    Alexa,
    Stored,
    at,
    completed,
    named,
    place,
    routine_over,
    text,
)
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings


def at_move_three(alexa: Alexa, **caller: Any) -> Conversation:
    conversation = alexa(**caller)
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    return conversation


def test_pause_saves_says_how_to_come_back_and_ends(alexa: Alexa, stored: Stored) -> None:
    conversation = at_move_three(alexa)
    turn = conversation.say("AMAZON.PauseIntent")
    heard = text(turn.ssml)
    assert named(2) in heard
    assert "resume" in heard
    assert turn.ends_session
    assert place(stored(USER_ID)) == at(2)


def test_relaunch_after_stop_offers_to_resume_at_the_move_they_were_on(alexa: Alexa) -> None:
    conversation = at_move_three(alexa)
    conversation.say("AMAZON.StopIntent")
    welcome = conversation.launch()
    heard = text(welcome.ssml)
    assert "welcome back" in heard
    assert "move three" in heard
    assert named(2) in heard
    resumed = conversation.say("AMAZON.ResumeIntent")
    assert f"move three of five: the {named(2)}" in text(resumed.ssml)
    assert "where you left off" in text(resumed.ssml)


def test_yes_to_welcome_back_resumes_and_no_offers_to_start_over(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_move_three(alexa)
    conversation.say("AMAZON.PauseIntent")
    conversation.launch()
    assert named(2) in text(conversation.say("AMAZON.YesIntent").ssml)
    conversation.say("AMAZON.StopIntent")
    conversation.launch()
    offer = conversation.say("AMAZON.NoIntent")
    assert "start over" in text(offer.ssml)
    assert not offer.ends_session
    restarted = conversation.say("AMAZON.YesIntent")
    assert f"move one of five: the {named(0)}" in text(restarted.ssml)
    assert place(stored(USER_ID)) == at(0)


def test_a_session_that_simply_ends_keeps_the_place(alexa: Alexa) -> None:
    conversation = at_move_three(alexa)
    conversation.say("NextMoveIntent")
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    welcome = conversation.launch()
    assert "welcome back" in text(welcome.ssml)
    assert named(2) in text(welcome.ssml), (
        "move three is split: its second side is still move three"
    )


def test_a_one_shot_resume_plays_the_stored_move_in_a_new_session(alexa: Alexa) -> None:
    at_move_three(alexa).say("AMAZON.StopIntent")
    later = alexa()
    turn = later.say("ResumeRoutineIntent")
    assert f"move three of five: the {named(2)}" in text(turn.ssml)
    assert not turn.ends_session


def test_a_one_shot_go_to_move_works_without_a_launch(alexa: Alexa, stored: Stored) -> None:
    turn = alexa().say("GoToMoveIntent", ordinal=SlotValue("4"))
    assert f"move four of five: the {named(3)}" in text(turn.ssml)
    assert place(stored(USER_ID)) == at(3)


def test_resume_with_nothing_in_progress_starts_from_the_top(alexa: Alexa) -> None:
    conversation = alexa()
    turn = conversation.say("ResumeRoutineIntent")
    heard = text(turn.ssml)
    assert "nothing to pick up" in heard
    assert f"move one of five: the {named(0)}" in heard


def test_returning_after_finishing_welcomes_back_and_offers_to_go_again(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    finished = conversation.say("GoToMoveIntent", number=SlotValue("5"))
    assert routine_over(finished)
    assert "finished" in text(finished.ssml)
    welcome = conversation.launch()
    heard = text(welcome.ssml)
    assert "welcome back" in heard
    assert "once" in heard
    assert "thoracic spine" not in heard, "the returning welcome is short"
    assert f"move one of five: the {named(0)}" in text(conversation.say("AMAZON.YesIntent").ssml)
    assert completed(stored(USER_ID)) == 1


def test_two_accounts_keep_their_own_places(alexa: Alexa, stored: Stored) -> None:
    at_move_three(alexa, user_id="amzn1.ask.account.ALICE").say("AMAZON.StopIntent")
    bob = alexa(user_id="amzn1.ask.account.BOB")
    bob.launch()
    bob.say("GoToMoveIntent", number=SlotValue("4"))
    assert place(stored("amzn1.ask.account.ALICE")) == at(2)
    assert place(stored("amzn1.ask.account.BOB")) == at(3)
    assert named(2) in text(alexa(user_id="amzn1.ask.account.ALICE").launch().ssml)


def test_recognised_voices_in_one_household_keep_their_own_places(
    alexa: Alexa, stored: Stored
) -> None:
    at_move_three(alexa, person_id="amzn1.ask.person.ANNA").say("AMAZON.StopIntent")
    tom = alexa(person_id="amzn1.ask.person.TOM")
    welcome = tom.launch()
    assert "welcome to upper back routine" in text(welcome.ssml)
    assert place(stored("amzn1.ask.person.ANNA")) == at(2)
    assert stored(USER_ID) is None, "a recognised voice is keyed by its person id"


def test_session_attributes_carry_the_place_between_turns(alexa: Alexa) -> None:
    conversation = at_move_three(alexa)
    assert conversation.attributes, "the position travels in the session"
    request = intent_request("AMAZON.RepeatIntent")
    turn = conversation.send(request)
    assert named(2) in text(turn.ssml)


def test_every_save_stamps_when_an_untouched_place_will_expire(table: Any) -> None:
    # The expiry is DynamoDB's: this conversation runs on the handler the Lambda builds, with
    # its own DynamoDB store (on moto's table), not on the in-memory one.
    handler = build_handler(Settings(table_name=os.environ["TABLE_NAME"]))
    before = time.time()
    at_move_three(lambda **caller: Conversation(handler=handler, caller=Caller(**caller)))
    item = table.get_item(Key={"id": USER_ID})["Item"]
    year = 365 * 24 * 60 * 60
    assert before + year - 5 <= int(item["expires_at"]) <= time.time() + year + 5


@pytest.mark.parametrize(
    ("intent", "slots"),
    [
        ("StartRoutineIntent", {}),
        ("GoToMoveIntent", {"number": SlotValue("4")}),
        ("ResumeRoutineIntent", {}),
    ],
)
def test_someone_new_starting_with_a_one_shot_hears_the_safety_line_first(
    alexa: Alexa, intent: str, slots: dict[str, SlotValue]
) -> None:
    heard = text(alexa().say(intent, **slots).ssml)
    assert text(ROUTINE.safety) in heard
    assert heard.index(text(ROUTINE.safety)) < heard.index("of five")


def test_the_safety_line_is_not_repeated_after_the_welcome_said_it(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    assert text(ROUTINE.safety) not in text(conversation.say("StartRoutineIntent").ssml)
