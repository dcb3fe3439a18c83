"""Two devices of one account racing: a stale session never drags the stored place backwards.

Saves are conditional on the record's revision. When another device saved first, the command
is applied again to the place that device left: "next" means next from where the user really
is, and an explicit "go to move one" is still honoured.
"""

from __future__ import annotations

from sim.conversation import Conversation
from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import MOVES, Alexa, Stored, at, named, place, revision, text


def two_devices(alexa: Alexa) -> tuple[Conversation, Conversation]:
    kitchen = alexa(device_id="amzn1.ask.device.KITCHEN")
    bedroom = alexa(device_id="amzn1.ask.device.BEDROOM")
    kitchen.launch()
    kitchen.say("StartRoutineIntent")
    bedroom.launch()  # reads move one, then its session is left open
    kitchen.say("GoToMoveIntent", number=SlotValue("2"))  # the wall splat, its first side
    return kitchen, bedroom


def test_a_stale_next_does_not_move_the_user_backwards(alexa: Alexa, stored: Stored) -> None:
    kitchen, bedroom = two_devices(alexa)
    bedroom.say("AMAZON.YesIntent")  # yes to "pick up there?" while the kitchen moved on
    before = revision(stored(USER_ID))
    turn = bedroom.say("NextMoveIntent")
    record = stored(USER_ID)
    assert place(record) == at(1, 1), "next from the kitchen's side, not the bedroom's move one"
    assert revision(record) > before
    assert f"{MOVES[1].sides[1]} side" in text(turn.ssml)
    assert kitchen.in_session


def test_an_explicit_go_to_on_a_stale_device_is_still_honoured(
    alexa: Alexa, stored: Stored
) -> None:
    _kitchen, bedroom = two_devices(alexa)
    turn = bedroom.say("GoToMoveIntent", number=SlotValue("4"))
    assert f"move four of five: the {named(3)}" in text(turn.ssml)
    assert place(stored(USER_ID)) == at(3)
