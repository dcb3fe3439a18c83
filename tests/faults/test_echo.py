"""Nothing the user says (or a request carries) reaches the SSML unescaped.

Each hostile value tries to close, open or smuggle markup; the reply must stay well-formed Alexa
SSML, hold none of it verbatim, and contain no element the skill did not write itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import lambda_function
from sim.envelopes import USER_ID, Caller, SlotValue, envelope, intent_request, launch_request
from tests.conversation.helpers import Alexa
from tests.faults.alexa_rules import assert_valid_response, speech_of, ssml_elements

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


def test_a_hostile_locale_is_never_echoed_into_ssml(table: Any) -> None:
    for hostile in HOSTILE:
        event = envelope(launch_request() | {"locale": hostile}, Caller(), "amzn1.session.X")
        assert_not_echoed(lambda_function.lambda_handler(event, None), hostile)


def test_hostile_session_attributes_are_never_echoed_into_ssml(table: Any) -> None:
    for hostile in HOSTILE:
        record = {"schema": 1, "move": hostile, "side": hostile, "in_progress": True,
                  "completed": 0, "revision": 1, "question": hostile}  # fmt: skip
        attributes = {"upper_back": record}
        event = envelope(intent_request("AMAZON.RepeatIntent"), Caller(), "amzn1.session.X",
                         attributes, new=False)  # fmt: skip
        assert_not_echoed(lambda_function.lambda_handler(event, None), hostile)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_stored_record_is_never_echoed_into_ssml(
    alexa: Alexa, table: Any, hostile: str
) -> None:
    record = {"schema": 1, "move": hostile, "side": hostile, "in_progress": True,
              "completed": 2, "revision": 4, "updated_at": hostile}  # fmt: skip
    table.put_item(Item={"id": USER_ID, "attributes": record})
    assert_not_echoed(alexa().launch().raw, hostile)
