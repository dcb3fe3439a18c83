"""A coach that adapts, through the real handler: "that hurts", easier and harder versions, pace,
detail, the quick run and the daily move, coming back after a lapse, and help that keeps the
question it interrupted. What is stored is checked on the record itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.conversation import Conversation
from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import (
    MOVES,
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
from tests.conversation.helpers import said as said_at
from upper_back.render import phrases
from upper_back.render.coaching import fill


def heard(phrase: str) -> str:
    """A phrases constant as a listener hears it."""
    return text(phrase)


def at_wall_splat(alexa: Alexa) -> Conversation:
    """Somebody who has just been coached through the wall splat's left side."""
    conversation = alexa()
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue("2"))
    return conversation


def preferences(record: dict[str, object] | None) -> dict[str, object]:
    assert record is not None
    value = record["preferences"]
    assert isinstance(value, dict)
    return value


# -- "That hurts" --------------------------------------------------------------------------------


def test_that_hurts_stops_the_move_says_the_rule_and_offers_easier_or_skip(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    before = stored(USER_ID)
    turn = conversation.say("ThatHurtsIntent")
    said = text(turn.ssml)
    assert heard(phrases.PAIN_STOP) in said
    assert heard(phrases.PAIN_RULE) in said
    for sign in ("sharp", "spread", "numb", "tingl", "mild stretch"):
        assert sign in said
    assert heard(phrases.OFFER_EASIER) in said
    assert "one." not in said, "no counting after that hurts"
    assert not turn.ends_session
    assert stored(USER_ID) == before, "nothing about the pain is stored"


def test_yes_after_that_hurts_presents_the_easier_version_and_stores_only_that_choice(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    conversation.say("ThatHurtsIntent")
    turn = conversation.say("AMAZON.YesIntent")
    said = text(turn.ssml)
    assert heard(phrases.VERSION_EASIER) in said
    assert named(1) in said
    record = stored(USER_ID)
    assert preferences(record) == {"variants": {MOVES[1].id: "easier"}}
    assert place(record) == at(1, 0)
    assert "pain" not in str(record).lower()
    assert "hurt" not in str(record).lower()


def test_skip_after_that_hurts_goes_on_to_the_next_move_not_the_other_side(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    conversation.say("ThatHurtsIntent")
    turn = conversation.say("AMAZON.NextIntent")
    assert named(2) in text(turn.ssml)
    assert place(stored(USER_ID)) == at(2, 0)
    assert preferences(stored(USER_ID)) == {"variants": {}}


def test_that_hurts_again_in_the_easier_version_offers_to_skip_the_move(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    conversation.say("ThatHurtsIntent")
    conversation.say("AMAZON.YesIntent")  # the easier version
    again = conversation.say("ThatHurtsIntent")
    assert heard(phrases.OFFER_SKIP) in text(again.ssml)
    assert heard(phrases.PAIN_RULE) in text(again.ssml)
    skipped = conversation.say("AMAZON.YesIntent")
    assert named(2) in text(skipped.ssml)
    assert place(stored(USER_ID)) == at(2, 0)
    assert preferences(stored(USER_ID)) == {"variants": {MOVES[1].id: "easier"}}


def test_that_hurts_before_any_move_gives_the_rule_and_keeps_the_session(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("ThatHurtsIntent")
    assert heard(phrases.PAIN_RULE) in text(turn.ssml)
    assert heard(phrases.OFFER_EASIER) not in text(turn.ssml)
    assert not turn.ends_session


def test_the_manifest_still_declares_no_health_information() -> None:
    skill = json.loads(Path("interaction_model/skill.json").read_text(encoding="utf-8"))
    assert skill["manifest"]["privacyAndCompliance"]["usesHealthInfo"] is False


# -- Versions, pace and detail -------------------------------------------------------------------


def test_easier_and_harder_present_the_move_again_and_are_remembered_per_move(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    easier = conversation.say("EasierIntent")
    assert heard(phrases.VERSION_EASIER) in text(easier.ssml)
    assert named(1) in text(easier.ssml)
    conversation.say("NextMoveIntent")
    conversation.say("NextMoveIntent")  # can openers
    harder = conversation.say("HarderIntent")
    assert heard(phrases.VERSION_HARDER) in text(harder.ssml)
    assert preferences(stored(USER_ID))["variants"] == {
        MOVES[1].id: "easier",
        MOVES[2].id: "harder",
    }
    normal = conversation.say("NormalVersionIntent")
    assert heard(phrases.VERSION_NORMAL) in text(normal.ssml)
    assert preferences(stored(USER_ID))["variants"] == {MOVES[1].id: "easier"}


def test_easier_with_no_move_under_way_says_when_it_works(alexa: Alexa, stored: Stored) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("EasierIntent")
    assert heard(phrases.NO_MOVE_TO_ADJUST) in text(turn.ssml)
    assert not turn.ends_session


def test_slower_faster_and_normal_pace_are_said_and_remembered(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    slower = conversation.say("SlowerIntent")
    assert heard(phrases.PACE_SLOWER) in text(slower.ssml)
    assert not slower.ends_session
    assert preferences(stored(USER_ID))["pace"] == "slower"
    twice = conversation.say("SlowerIntent")
    assert heard(phrases.PACE_ALREADY) in text(twice.ssml)
    conversation.say("AMAZON.StopIntent")
    again = alexa()
    again.launch()
    faster = again.say("FasterIntent")
    assert heard(phrases.PACE_FASTER) in text(faster.ssml)
    assert preferences(stored(USER_ID))["pace"] == "faster"
    normal = again.say("NormalPaceIntent")
    assert heard(phrases.PACE_NORMAL) in text(normal.ssml)
    assert "pace" not in preferences(stored(USER_ID))


def test_more_and_less_detail_are_remembered(alexa: Alexa, stored: Stored) -> None:
    conversation = alexa()
    conversation.launch()
    less = conversation.say("LessDetailIntent")
    assert heard(phrases.DETAIL_SHORT) in text(less.ssml)
    assert preferences(stored(USER_ID))["detail"] == "short"
    more = conversation.say("MoreDetailIntent")
    assert heard(phrases.DETAIL_FULL) in text(more.ssml)
    assert preferences(stored(USER_ID))["detail"] == "full"


# -- The quick run and the daily move ------------------------------------------------------------


def test_the_quick_version_as_a_one_shot_starts_a_quick_run_that_counts_when_finished(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    first = conversation.say("QuickRoutineIntent")  # "ask upper back routine for the quick one"
    said = text(first.ssml)
    assert heard(phrases.QUICK_START) in said
    assert named(0) in said
    # The short "Alexa, pause" line, and the safety line for somebody new: kept when quick.
    assert heard(phrases.PAUSE_ANYTIME_SHORT) in said
    assert heard(ROUTINE.safety) in said
    record = stored(USER_ID)
    assert record is not None
    assert record["place"] == {"move": MOVES[0].id, "side": "", "kind": "quick"}
    second = conversation.say("NextMoveIntent")
    assert named(1) in text(second.ssml)
    record = stored(USER_ID)
    assert record is not None
    assert record["place"] == {"move": MOVES[1].id, "side": "left", "kind": "quick"}
    # Less talk when quick: the name only, no "Move two of five", no preamble on a second side.
    assert "of five" not in text(second.ssml)
    other_side = conversation.say("NextMoveIntent")
    assert text(other_side.ssml).startswith(heard(fill(MOVES[1].side_cue, MOVES[1].sides[1])))
    turn = other_side
    while not routine_over(turn):
        turn = conversation.say("NextMoveIntent")
    assert heard(phrases.QUICK_FINISHED) in text(turn.ssml)
    assert completed(stored(USER_ID)) == 1
    assert place(stored(USER_ID)) is None


def test_just_the_daily_move_plays_the_bridge_alone_without_counting_a_routine(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    turn = conversation.say("DailyMoveIntent")
    said = text(turn.ssml)
    assert heard(phrases.DAILY_START) in said
    assert named(len(MOVES) - 1) in said
    assert heard(phrases.LAST_MOVE_ONLY) in said
    assert completed(stored(USER_ID)) == 0


# -- Coming back ---------------------------------------------------------------------------------


def test_after_a_lapse_following_a_set_the_welcome_names_it_and_yes_goes_on(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    welcome = conversation.launch()
    said = text(welcome.ssml)
    assert said_at(phrases.FINISHED_LAST_TIME, 1, 0) in said
    assert heard(phrases.NEXT_IS_SIDE.format(side="right")) in said
    assert not welcome.ends_session
    on = conversation.say("AMAZON.YesIntent")
    assert "right side" in text(on.ssml)
    assert place(stored(USER_ID)) == at(1, 1)


def test_after_a_lapse_next_goes_on_and_repeat_does_the_set_again(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = at_wall_splat(alexa)
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    conversation.launch()
    again = conversation.say("AMAZON.RepeatIntent")
    assert "left side" in text(again.ssml)
    assert place(stored(USER_ID)) == at(1, 0)
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    conversation.launch()
    on = conversation.say("NextMoveIntent")
    assert "right side" in text(on.ssml)
    assert place(stored(USER_ID)) == at(1, 1)


def test_a_plain_lapse_right_after_a_set_still_names_what_was_finished(
    alexa: Alexa, stored: Stored
) -> None:
    conversation = alexa()
    conversation.launch()
    conversation.say("AMAZON.YesIntent")  # move one is coached
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    said = text(conversation.launch().ssml)
    assert said_at(phrases.FINISHED_LAST_TIME, 0) in said
    assert heard(phrases.NEXT_IS_MOVE.format(name=MOVES[1].spoken_name())) in said
    on = conversation.say("AMAZON.YesIntent")
    assert named(1) in text(on.ssml)
    assert place(stored(USER_ID)) == at(1)


@pytest.mark.parametrize(
    "interruption", ["ProgressIntent", "AMAZON.HelpIntent", "SlowerIntent", "LessDetailIntent"]
)
def test_a_lapse_after_interrupting_a_set_offers_to_pick_it_up_not_to_go_on(
    alexa: Alexa, stored: Stored, interruption: str
) -> None:
    """ "Alexa, how many are left" during a set cuts it short: a lapse after it finished nothing."""
    conversation = alexa()
    conversation.launch()
    conversation.say("AMAZON.YesIntent")  # move one is coached
    conversation.say(interruption)
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    said = text(conversation.launch().ssml)
    assert said_at(phrases.FINISHED_LAST_TIME, 0) not in said
    assert said_at(phrases.WELCOME_BACK_IN_PROGRESS, 0) in said
    assert heard(phrases.OFFER_RESUME) in said
    resumed = conversation.say("AMAZON.YesIntent")
    assert named(0) in text(resumed.ssml)
    assert place(stored(USER_ID)) == at(0)


def test_after_an_explicit_stop_resume_still_starts_that_set_again(alexa: Alexa) -> None:
    conversation = at_wall_splat(alexa)
    conversation.end_session("USER_INITIATED")
    welcome = conversation.launch()
    assert said_at(phrases.FINISHED_LAST_TIME, 1, 0) not in text(welcome.ssml)
    resumed = conversation.say("AMAZON.YesIntent")
    assert "left side" in text(resumed.ssml)


def test_the_pause_line_is_said_once_early_in_each_routine(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    first = conversation.say("AMAZON.YesIntent")
    assert heard(phrases.PAUSE_ANYTIME) in text(first.ssml)
    second = conversation.say("NextMoveIntent")
    assert heard(phrases.PAUSE_ANYTIME) not in text(second.ssml)


def test_yes_after_help_at_the_welcome_still_starts(alexa: Alexa, stored: Stored) -> None:
    conversation = alexa()
    conversation.launch()
    helped = conversation.say("AMAZON.HelpIntent")
    assert heard(phrases.OFFER_START) in text(helped.ssml)
    started = conversation.say("AMAZON.YesIntent")
    assert named(0) in text(started.ssml)
    assert place(stored(USER_ID)) == at(0)


def test_no_after_help_at_the_resume_offer_still_answers_it(alexa: Alexa) -> None:
    conversation = at_wall_splat(alexa)
    conversation.say("AMAZON.StopIntent")
    conversation.launch()
    conversation.say("AMAZON.HelpIntent")
    offer = conversation.say("AMAZON.NoIntent")
    assert heard(phrases.OFFER_RESTART) in text(offer.ssml)


def test_the_returning_users_safety_line_keeps_all_four_warning_signs(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    turn = conversation.say("AMAZON.YesIntent")
    while not routine_over(turn):
        turn = conversation.say("NextMoveIntent")
    welcome = text(alexa().launch().ssml)
    assert heard(phrases.SAFETY_SHORT) in welcome
    for sign in ("sharp", "spread", "numb", "tingl"):
        assert sign in welcome
