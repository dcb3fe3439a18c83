"""A whole routine, and every navigation command, through the handler on the in-memory store."""

from __future__ import annotations

from sim.conversation import Conversation
from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import (
    MOVES,
    SPLIT,
    Alexa,
    Stored,
    at,
    completed,
    move_slot,
    named,
    place,
    routine_over,
    text,
)
from upper_back.render import phrases

NUMBERS = ("one", "two", "three", "four", "five")


def started(alexa: Alexa) -> Conversation:
    conversation = alexa()
    conversation.launch()
    conversation.say("StartRoutineIntent")
    return conversation


def test_first_launch_explains_the_routine_and_offers_to_start(
    alexa: Alexa, stored: Stored
) -> None:
    turn = alexa().launch()
    heard = text(turn.ssml)
    assert "thoracic spine" in heard
    shown = str(turn.response.get("card", "")).lower()  # said in 20 s at most: listed, not said
    assert all(move.spoken_name().lower() in shown for move in MOVES)
    assert "minutes" in heard
    assert "numbness" in heard
    assert "tingling" in heard
    assert not turn.ends_session
    assert turn.reprompt
    assert stored(USER_ID) is None, "a launch alone changes nothing, so nothing is written"


def test_saying_yes_to_the_offer_starts_move_one(alexa: Alexa, stored: Stored) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("AMAZON.YesIntent")
    assert f"move one of five: the {named(0)}" in text(turn.ssml)
    assert '<break time="' in turn.ssml
    assert place(stored(USER_ID)) == at(0)


def test_the_whole_routine_plays_every_move_and_side_in_order_then_finishes(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = started(alexa)
    heard = [text(conversation.history[-1].ssml)]
    while not routine_over(conversation.history[-1]):
        heard.append(text(conversation.say("NextMoveIntent").ssml))
    parts = [(i, side) for i, move in enumerate(MOVES)
             for side in (move.sides if move.split_sides else [None])]  # fmt: skip
    assert len(heard) == len(parts), "one response per part; the last one also ends the routine"
    for said, (index, side) in zip(heard, parts, strict=True):
        assert named(index) in said
        if side:
            assert f"{side} side" in said
    assert "finished the routine" in heard[-1]
    record = stored(USER_ID)
    assert place(record) is None, "no routine under way: next time starts from the top"
    assert completed(record) == 1


def test_stopping_right_after_the_last_move_keeps_the_completion(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = started(alexa)
    last = conversation.say("GoToMoveIntent", number=SlotValue("5"))
    assert routine_over(last), "the routine ends with its last move"
    conversation.end_session()  # no answer to the reminder offer: Alexa closes the session
    record = stored(USER_ID)
    assert (place(record), completed(record)) == (None, 1)
    assert "welcome back" in text(conversation.launch().ssml)


def test_doing_only_the_last_move_is_not_counted_as_a_whole_routine(
    alexa: Alexa, stored: Stored
) -> None:
    turn = alexa().say("GoToMoveIntent", number=SlotValue("5"))
    assert named(4) in text(turn.ssml)
    assert "every day" in text(turn.ssml)
    assert turn.ends_session
    record = stored(USER_ID)
    assert record is None or completed(record) == 0


def test_switch_sides_goes_on_only_from_a_first_side(alexa: Alexa, stored: Stored) -> None:
    split = MOVES.index(SPLIT[0])
    conversation = started(alexa)
    conversation.say("GoToMoveIntent", number=SlotValue(str(split + 1)))
    switched = conversation.say("NextSideIntent")
    assert f"{SPLIT[0].sides[1]} side" in text(switched.ssml)
    before = stored(USER_ID)
    again = conversation.say("NextSideIntent")
    assert "no other side" in text(again.ssml)
    assert not again.ends_session
    assert stored(USER_ID) == before


def test_a_second_side_reached_by_going_back_gets_its_full_introduction(alexa: Alexa) -> None:
    split = MOVES.index(SPLIT[-1])
    conversation = started(alexa)
    conversation.say("GoToMoveIntent", number=SlotValue(str(split + 2)))
    back = text(conversation.say("PreviousMoveIntent").ssml)
    move = MOVES[split]
    assert f"move {NUMBERS[split]} of five: the {named(split)}, {move.sides[1]} side" in back
    assert move.cues[0].lower().replace("{side}", move.sides[1]) in back


def test_a_split_move_asks_for_next_to_reach_its_second_side(alexa: Alexa, stored: Stored) -> None:
    move = SPLIT[0]
    index = MOVES.index(move)
    conversation = started(alexa)
    first = conversation.say("GoToMoveIntent", **move_slot(index))  # type: ignore[arg-type]
    assert f"{move.sides[0]} side" in text(first.ssml)
    second = conversation.say("AMAZON.NextIntent")
    assert f"{move.sides[1]} side" in text(second.ssml)
    assert place(stored(USER_ID)) == at(index, 1)


def test_going_back_returns_to_the_previous_part(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    conversation.say("NextMoveIntent")
    turn = conversation.say("PreviousMoveIntent")
    assert f"move one of five: the {named(0)}" in text(turn.ssml)
    assert place(stored(USER_ID)) == at(0)


def test_going_back_from_the_first_move_says_so_and_stays(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    before = stored(USER_ID)
    turn = conversation.say("AMAZON.PreviousIntent")
    assert "already at the first move" in text(turn.ssml)
    assert not turn.ends_session
    assert stored(USER_ID) == before


def test_repeat_says_the_current_move_again_and_writes_nothing(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = started(alexa)
    first = conversation.say("NextMoveIntent")
    before = stored(USER_ID)
    again = conversation.say("AMAZON.RepeatIntent")
    assert text(again.ssml) == text(first.ssml)
    assert stored(USER_ID) == before


def test_skipping_to_a_move_by_name_number_or_ordinal(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    by_name = conversation.say("GoToMoveIntent", **move_slot(2))  # type: ignore[arg-type]
    assert f"move three of five: the {named(2)}" in text(by_name.ssml)
    by_number = conversation.say("GoToMoveIntent", number=SlotValue("4"))
    assert f"move four of five: the {named(3)}" in text(by_number.ssml)
    by_ordinal = conversation.say("GoToMoveIntent", ordinal=SlotValue("2"))
    assert f"move two of five: the {named(1)}" in text(by_ordinal.ssml)
    assert place(stored(USER_ID)) == at(1)


def test_a_move_heard_but_not_resolved_is_matched_against_the_routine_words(alexa: Alexa) -> None:
    conversation = started(alexa)
    turn = conversation.say("GoToMoveIntent", move=SlotValue(MOVES[4].synonyms[-1]))
    assert f"move five of five: the {named(4)}" in text(turn.ssml)


def test_a_move_that_does_not_exist_lists_the_moves_and_stays(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    before = stored(USER_ID)
    nine = conversation.say("GoToMoveIntent", number=SlotValue("9"))
    assert "no move nine" in text(nine.ssml)
    assert all(move.spoken_name().lower() in text(nine.ssml) for move in MOVES)
    unknown = conversation.say(
        "GoToMoveIntent", move=SlotValue("jumping jacks", custom_type="MoveName")
    )
    assert "did not catch which move" in text(unknown.ssml)
    assert not unknown.ends_session
    assert unknown.reprompt
    assert stored(USER_ID) == before


def test_start_over_goes_back_to_move_one(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    conversation.say("GoToMoveIntent", number=SlotValue("4"))
    turn = conversation.say("AMAZON.StartOverIntent")
    assert f"move one of five: the {named(0)}" in text(turn.ssml)
    assert place(stored(USER_ID)) == at(0)


def test_how_many_are_left_names_the_place_and_what_remains(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    conversation.say("GoToMoveIntent", number=SlotValue("4"))
    before = stored(USER_ID)
    turn = conversation.say("ProgressIntent")
    heard = text(turn.ssml)
    assert "move four of five" in heard
    assert named(3) in heard
    assert "minutes to go" in heard  # issue 9: progress says roughly how much time is left
    assert not turn.ends_session
    assert stored(USER_ID) == before


def test_help_says_what_to_say_and_keeps_listening(alexa: Alexa, stored: Stored) -> None:
    """Help stays under 15 s (issue 9): where you are is "how many are left"'s answer."""
    conversation = started(alexa)
    before = stored(USER_ID)
    turn = conversation.say("AMAZON.HelpIntent")
    heard = text(turn.ssml)
    assert "how many are left" in heard
    assert "next move" in heard
    assert "repeat" in heard
    assert not turn.ends_session
    assert turn.reprompt
    assert stored(USER_ID) == before


def test_fallback_restates_the_place_and_keeps_listening(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    before = stored(USER_ID)
    turn = conversation.say("AMAZON.FallbackIntent")
    assert named(0) in text(turn.ssml)
    assert not turn.ends_session
    assert turn.reprompt
    assert stored(USER_ID) == before


def test_stop_cancel_and_home_say_goodbye_and_end_the_session(alexa: Alexa, stored: Stored) -> None:
    for intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"):
        conversation = started(alexa)
        conversation.say("NextMoveIntent")
        turn = conversation.say(intent)
        assert turn.ends_session
        assert not turn.reprompt
        assert "your place is saved" in text(turn.ssml)
        assert place(stored(USER_ID)) == at(1)


def test_next_before_starting_begins_at_move_one(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("AMAZON.NextIntent")
    assert f"move one of five: the {named(0)}" in text(turn.ssml)


def test_no_to_the_first_offer_says_goodbye(alexa: Alexa, stored: Stored) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("AMAZON.NoIntent")
    assert turn.ends_session
    assert stored(USER_ID) is None


def test_no_after_a_move_gives_time_and_keeps_the_place(alexa: Alexa, stored: Stored) -> None:
    conversation = started(alexa)
    turn = conversation.say("AMAZON.NoIntent")
    assert not turn.ends_session
    assert turn.reprompt
    assert place(stored(USER_ID)) == at(0)
    assert f"the {named(1)}" in text(conversation.say("AMAZON.YesIntent").ssml)


def test_every_move_is_announced_with_its_number_of_five(alexa: Alexa) -> None:
    conversation = started(alexa)
    for index in range(len(MOVES)):
        turn = conversation.say("GoToMoveIntent", number=SlotValue(str(index + 1)))
        assert f"move {NUMBERS[index]} of five" in text(turn.ssml)


def test_after_help_a_yes_still_answers_the_earlier_offer(alexa: Alexa, stored: Stored) -> None:
    conversation = alexa()
    conversation.launch()  # "Shall we start with the first move?"
    helped = conversation.say("AMAZON.HelpIntent")
    assert text(phrases.OFFER_START) in text(helped.ssml), "help asks the question again"
    turn = conversation.say("AMAZON.YesIntent")
    assert "did not get that" not in text(turn.ssml)
    assert not turn.ends_session
    assert place(stored(USER_ID)) == at(0), "the routine was started, as offered"


def test_where_am_i_at_the_welcome_back_offers_what_that_question_allows(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.say("GoToMoveIntent", number=SlotValue("3"))
    conversation.say("AMAZON.StopIntent")
    conversation.launch()  # "Would you like to pick up there?"
    turn = conversation.say("ProgressIntent")
    assert "say resume" in text(turn.reprompt)
    assert "repeat to do this one again" not in text(turn.ssml)
