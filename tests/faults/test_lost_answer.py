"""A save that lands while its answer is lost, end to end: the real handler and DynamoDB adapter,
talking HTTP to moto's server through a proxy that holds the answer past the client's read
timeout (tests/integration/faulty_proxy.py). Neither a Stubber nor the in-memory store can fake
this: the write really is in the table when the skill gives up on it.

The story: in the middle of a split move, "next" takes the user to its second side; that save
lands but times out. The session still plays the second side, and the next save goes on top of
its own landed write (recognised by the writer token) instead of being refused as another
device's, so the stored record ends at the second side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

import boto3
import pytest

from sim.conversation import Conversation
from sim.envelopes import USER_ID, SlotValue
from tests.conversation.helpers import MOVES, place, revision, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import TABLE, at, header, owed, said, second_side, session_record
from tests.integration.faulty_proxy import HOLD_SECONDS, FaultyProxy
from upper_back.adapters.dynamodb import READ_TIMEOUT_SECONDS
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings
from upper_back.render import phrases

SPLIT = next(index for index, move in enumerate(MOVES) if move.split_sides)
DEADLINE_SECONDS = 3.0


def reader(proxy: FaultyProxy) -> Callable[[str], dict[str, Any] | None]:
    """The stored record for a key, read from moto's server directly (not through the proxy)."""
    host, port = proxy.upstream
    table = boto3.resource("dynamodb", endpoint_url=f"http://{host}:{port}").Table(TABLE)

    def read(key: str) -> dict[str, Any] | None:
        item = table.get_item(Key={"id": key}, ConsistentRead=True).get("Item")
        return None if item is None else dict(cast(dict[str, Any], item["attributes"]))

    return read


@pytest.mark.parametrize(
    "then",
    [["AMAZON.RepeatIntent", "AMAZON.StopIntent"], ["AMAZON.StopIntent"]],
    ids=["repeat-then-stop", "stop"],
)
def test_a_save_that_lands_unanswered_is_saved_on_top_of_and_the_second_side_is_kept(
    proxy: FaultyProxy, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
    then: list[str],
) -> None:  # fmt: skip
    assert READ_TIMEOUT_SECONDS < HOLD_SECONDS, "the proxy must outwait the client"
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.url)  # the deployed store, pointed here
    stored = reader(proxy)
    conversation = Conversation(build_handler(Settings(table_name=TABLE)))
    conversation.launch()
    conversation.say("GoToMoveIntent", number=SlotValue(str(SPLIT + 1)))
    first = stored(USER_ID)
    assert (place(first), revision(first)) == (at(SPLIT, 0), 1)

    proxy.hold_next("PutItem")
    started = time.monotonic()
    moved = conversation.say("NextMoveIntent")
    seconds = time.monotonic() - started
    request.node.user_properties.append(("seconds", round(seconds, 3)))
    assert seconds < DEADLINE_SECONDS
    assert proxy.pending() == [], "the held save was made"
    assert_valid_response(moved.raw)
    assert second_side(SPLIT) in text(moved.ssml)
    landed = stored(USER_ID)
    assert (place(landed), revision(landed)) == (at(SPLIT, 1), 2), "it landed all the same"
    assert owed(conversation), "the session cannot know that: the save is owed"
    writer = session_record(conversation)["writer"]
    assert landed is not None
    assert landed["writer"] == writer

    replies = [conversation.say(intent) for intent in then]
    for reply in replies:
        assert_valid_response(reply.raw)
        assert text(phrases.NOT_SAVED) not in text(reply.ssml)
    if then[0] == "AMAZON.RepeatIntent":
        assert header(SPLIT, 1) in text(replies[0].ssml), "repeat plays the second side"
    goodbye = text(replies[-1].ssml)
    assert goodbye == said(phrases.GOODBYE_SAVED, SPLIT, 1)
    assert replies[-1].ends_session

    final = stored(USER_ID)
    assert final is not None
    assert (place(final), revision(final)) == (at(SPLIT, 1), 3), "one save, on top of its own"
    assert final["writer"] == writer
    # Launch, the go-to, the held save; then the owed save: refused (stale) against its own
    # landed write, and made again on top of it. Nothing is read back: the refusal carries it.
    assert proxy.seen == ["GetItem", "PutItem", "PutItem", "PutItem", "PutItem"]
