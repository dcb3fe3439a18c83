"""Nothing the user says (or a request carries) reaches the SSML unescaped.

Each hostile value tries to close, open or smuggle markup; the reply must stay well-formed Alexa
SSML, hold none of it verbatim, and contain no element the skill did not write itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sim.envelopes import USER_ID, Caller, SlotValue, envelope, intent_request, launch_request
from tests.conversation.helpers import MOVES, Alexa
from tests.faults.alexa_rules import assert_valid_response, speech_of, ssml_elements
from upper_back.edge.app import Handler

HOSTILE = [
    "zq<zq",
    "zq&zq",
    'zq"zq',
    "zq]]>zq",
    "zq<![CDATA[zq]]>",
    '<audio src="https://zq.example/zq.mp3"/>',
    '<break time="60s"/>zq',
    "</speak><speak>zq",
    "zq&amp;zq&lt;",
]
OUR_TAGS = {"speak", "s", "break", "p", "prosody", "emphasis"}


def assert_not_echoed(raw: dict[str, Any], hostile: str) -> None:
    """The reply is valid, holds none of the hostile text unescaped, and no element that
    could only have come from it."""
    assert_valid_response(raw)
    card = str((raw["response"].get("card") or {}).get("content", ""))
    for part in ("outputSpeech", "reprompt"):
        ssml = speech_of(raw, part)
        if not ssml:
            continue
        assert hostile not in ssml
        tags = {element.tag for element in ssml_elements(ssml)}
        assert tags <= OUR_TAGS, tags
        breaks = [e for e in ssml_elements(ssml) if e.tag == "break"]
        assert all(e.get("time") != "60s" for e in breaks)
    assert hostile not in card


@pytest.mark.parametrize(
    "slots",
    [
        pytest.param(lambda h: {"move": SlotValue(h, custom_type="MoveName")}, id="no-match"),
        pytest.param(lambda h: {"move": SlotValue(h)}, id="unresolved-name"),
        pytest.param(lambda h: {"move": SlotValue(h, h, h, "MoveName")}, id="resolved-junk-id"),
        pytest.param(lambda h: {"number": SlotValue(h)}, id="number"),
        pytest.param(lambda h: {"ordinal": SlotValue(h)}, id="ordinal"),
    ],
)
def test_a_hostile_slot_value_is_never_echoed_into_ssml(
    alexa: Alexa, slots: Callable[[str], dict[str, SlotValue]]
) -> None:
    conversation = alexa()
    conversation.launch()
    for hostile in HOSTILE:
        assert_not_echoed(conversation.say("GoToMoveIntent", **slots(hostile)).raw, hostile)


def test_a_hostile_intent_name_is_never_echoed_into_ssml(alexa: Alexa) -> None:
    conversation = alexa()
    conversation.launch()
    for hostile in HOSTILE:
        assert_not_echoed(conversation.say(hostile).raw, hostile)


def test_a_hostile_locale_is_never_echoed_into_ssml(handler: Handler) -> None:
    for hostile in HOSTILE:
        event = envelope(launch_request() | {"locale": hostile}, Caller(), "amzn1.session.X")
        assert_not_echoed(handler(event, None), hostile)


def hostile_session(hostile: str) -> dict[str, Any]:
    """A session copy (schema 2, as this version keeps it) with ``hostile`` in every text field
    it has, the session-only ones included."""
    return {
        "schema": 2, "revision": 1, "writer": hostile, "updated_at": hostile,
        "place": {"move": hostile, "side": hostile},
        "progress": {"completed": 0, "days": [hostile]},
        "preferences": {"variants": {hostile: hostile}, "pace": hostile},
        hostile: hostile, "question": hostile, "owed": hostile, "loaded": True,
        "read_only": hostile, "saved_place": [hostile, hostile],
    }  # fmt: skip


def test_hostile_session_attributes_are_never_echoed_into_ssml(handler: Handler) -> None:
    for hostile in HOSTILE:
        attributes = {"upper_back": hostile_session(hostile)}
        event = envelope(intent_request("AMAZON.RepeatIntent"), Caller(), "amzn1.session.X",
                         attributes, new=False)  # fmt: skip
        assert_not_echoed(handler(event, None), hostile)


def test_hostile_session_attributes_on_a_real_place_are_never_echoed_into_ssml(
    handler: Handler,
) -> None:
    """The same, with a place this routine has, so the reply speaks of a move (and a stop
    speaks of the place it could not save, from ``saved_place``)."""
    for hostile in HOSTILE:
        copy = hostile_session(hostile) | {"place": {"move": MOVES[1].id, "side": hostile}}
        for intent in ("AMAZON.RepeatIntent", "ProgressIntent", "AMAZON.StopIntent"):
            event = envelope(intent_request(intent), Caller(), "amzn1.session.X",
                             {"upper_back": copy}, new=False)  # fmt: skip
            assert_not_echoed(handler(event, None), hostile)


@pytest.mark.parametrize("schema", [1, 2, 3])
def test_a_hostile_stored_record_is_never_echoed_into_ssml(
    alexa: Alexa, table: Any, schema: int
) -> None:
    """As the first shipped version wrote it, as this one does, and as a newer one might."""
    for hostile in HOSTILE:
        flat = {"schema": 1, "move": hostile, "side": hostile, "in_progress": True,
                "completed": 2, "revision": 4, "updated_at": hostile}  # fmt: skip
        record = flat if schema == 1 else hostile_session(hostile) | {"schema": schema}
        table.put_item(Item={"id": USER_ID, "attributes": record})
        conversation = alexa()
        assert_not_echoed(conversation.launch().raw, hostile)
        assert_not_echoed(conversation.say("AMAZON.StopIntent").raw, hostile)
