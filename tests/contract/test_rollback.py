"""Rolling back a release is safe for stored progress: docs/DEPLOY.md's promise, on DynamoDB.

After a rollback, this code meets items that the newer release wrote. The record's rules (see
``upper_back.core.record``) make that safe: a record with a newer schema is read for what this
code understands and never written; fields this code does not know are written back untouched.
tests/unit/test_record.py and tests/conversation/test_records.py hold those rules on the codec and
on the in-memory store; here the handler is built exactly as ``lambda_function`` builds it
(settings from the environment, the DynamoDB store), and the items live in a (moto) DynamoDB
table, in the layout the newer release would write, DynamoDB's own types included.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sim.conversation import Conversation
from sim.envelopes import USER_ID, Caller
from tests.conversation.helpers import MOVES, said, text
from upper_back.adapters.dynamodb import ATTRIBUTE_NAME, EXPIRES_ATTRIBUTE, PARTITION_KEY
from upper_back.core.record import SCHEMA_VERSION
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings
from upper_back.render import phrases

# A move that splits its sides (its right side is where the newer release left the person).
SPLIT = next(index for index, move in enumerate(MOVES) if move.split_sides)
EXPIRES = Decimal(1_900_000_000)


def item(attributes: dict[str, Any]) -> dict[str, Any]:
    return {PARTITION_KEY: USER_ID, ATTRIBUTE_NAME: attributes, EXPIRES_ATTRIBUTE: EXPIRES}


def newer_release_record(schema: int) -> dict[str, Any]:
    """What a later release could have written: a place, 40 routines, and fields (top level and
    inside parts) that this code has never heard of, in DynamoDB's types."""
    move = MOVES[SPLIT]
    return {
        "schema": schema,
        "revision": Decimal(12),
        "writer": "feedfacecafebeef",
        "updated_at": "2026-12-24T07:00:00+00:00",
        "place": {"move": move.id, "side": move.sides[1], "variant": "kneeling"},
        "progress": {"completed": Decimal(40), "days": [], "streak": Decimal(9)},
        "preferences": {"variants": {}, "voice": "calm"},
        "badges": ["first-week", "ten-routines"],
        "stats": {"minutes": Decimal(415), "best": {"run": Decimal(7), "public": False}},
    }


def lambda_handler() -> Conversation:
    """A conversation with the handler Lambda builds: settings from the environment (TABLE_NAME
    from tests/conftest.py), so the store is DynamoDB, on the table fixture's moto."""
    return Conversation(handler=build_handler(Settings.from_env()), caller=Caller())


def stored_item(table: Any) -> dict[str, Any]:
    found: dict[str, Any] = table.get_item(Key={PARTITION_KEY: USER_ID}, ConsistentRead=True)
    return dict(found["Item"])


def test_after_a_rollback_a_record_from_the_newer_schema_survives_a_whole_session_untouched(
    table: Any,
) -> None:
    """The person is welcomed back at the newer release's place and can exercise; nothing is
    written (not even the expiry stamp), so rolling forward again finds every byte as it was."""
    before = item(newer_release_record(schema=SCHEMA_VERSION + 1))
    table.put_item(Item=before)
    alexa = lambda_handler()

    welcome = text(alexa.launch().ssml)
    alexa.say("AMAZON.YesIntent")
    alexa.say("NextMoveIntent")
    alexa.say("AMAZON.PauseIntent")
    alexa.launch()
    alexa.say("AMAZON.StopIntent")

    assert welcome.startswith(said(phrases.WELCOME_BACK_IN_PROGRESS, SPLIT, 1)), welcome
    assert text(phrases.COULD_NOT_LOAD) not in welcome
    assert stored_item(table) == before


@pytest.mark.parametrize("leaving", ["AMAZON.PauseIntent", "AMAZON.StopIntent"])
def test_after_a_rollback_fields_a_newer_release_added_to_this_schema_survive_a_save(
    table: Any, leaving: str
) -> None:
    """A release that adds fields without a new schema (as the record's rules allow) can be
    rolled back: this code saves the person's progress and writes those fields back as they were
    stored, numbers, lists, nested maps and booleans alike."""
    before = newer_release_record(schema=SCHEMA_VERSION)
    table.put_item(Item=item(before))
    alexa = lambda_handler()
    alexa.launch()
    alexa.say("AMAZON.YesIntent")
    alexa.say("NextMoveIntent")
    alexa.say(leaving)

    after = stored_item(table)[ATTRIBUTE_NAME]
    assert after["revision"] > before["revision"]  # this code did save
    assert after["place"]["move"] == MOVES[SPLIT + 1].id
    assert after["progress"]["completed"] == Decimal(40)
    for unknown in ("badges", "stats"):
        assert after[unknown] == before[unknown]
    assert after["progress"]["streak"] == Decimal(9)
    assert after["preferences"]["voice"] == "calm"
