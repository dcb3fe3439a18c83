"""What a review of the adaptive coach found, each through the real handler: the daily move
leaves a routine under way where it was; "my back hurts" at the welcome keeps the offer; help at
"start over instead?" asks that question again; a place keeps its unknown fields while the
person is still there."""

from __future__ import annotations

from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import Alexa, Stored, at, completed, place, text, v2_record
from tests.fakes.store import MemoryStore
from upper_back.render import phrases


def test_the_daily_move_on_its_own_leaves_a_routine_under_way_where_it_was(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("AMAZON.YesIntent")
    conversation.say("NextMoveIntent")  # the wall splat, left side
    conversation.say("AMAZON.PauseIntent")
    daily = alexa()
    daily.launch()
    daily.say("DailyMoveIntent")
    assert place(stored(USER_ID)) == at(1), "the paused routine is still there"
    assert completed(stored(USER_ID)) == 0, "the daily move alone is not a routine"
    welcome = text(alexa().launch().ssml)
    assert "wall splat" in welcome
    assert text(phrases.WELCOME_NEW) not in welcome


def test_my_back_hurts_at_the_welcome_says_the_rule_and_keeps_the_offer(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    said = text(conversation.say("ThatHurtsIntent").ssml)
    assert text(phrases.PAIN_RULE) in said
    assert text(phrases.PAIN_STOP) not in said, "no move is running to stop"
    started = text(conversation.say("AMAZON.YesIntent").ssml)
    assert text(phrases.FALLBACK) not in started
    assert "one. " in started, "yes still answers: shall we start?"


def test_help_at_the_start_over_question_asks_that_question_again(
    alexa: Alexa, store: MemoryStore, stored: Stored
) -> None:
    store.put(USER_ID, v2_record("can_openers", "left", done=1))
    conversation = alexa()
    conversation.launch()
    conversation.say("AMAZON.NoIntent")  # ... then start over from the first move instead?
    helped = conversation.say("AMAZON.HelpIntent")
    assert text(phrases.REPROMPT_RESTART) in text(helped.ssml)
    assert text(phrases.REPROMPT_RESTART) in text(helped.reprompt)


def test_a_place_keeps_its_unknown_fields_while_the_person_is_still_there(
    alexa: Alexa, store: MemoryStore
) -> None:
    record = v2_record("wall_splat", "left")
    record["place"] = {**record["place"], "note": "keep-me"}
    store.put(USER_ID, record)
    conversation = alexa()
    conversation.launch()
    conversation.say("HarderIntent")
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    kept = store.records[USER_ID]["place"]
    assert (kept["move"], kept["side"], kept["note"]) == ("wall_splat", "left", "keep-me")


def test_go_on_at_the_welcome_back_after_a_finished_set_goes_on(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("1"))
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    back = alexa()
    back.launch()
    on = text(back.say("NextMoveIntent").ssml)  # "go on" is a NextMoveIntent sample
    assert "wall splat" in on
