"""The deployed entry point itself: ``lambda_function.lambda_handler``, built once at import from
the environment (``TABLE_NAME``, set by tests/conftest.py before anything is imported), answers
against the table it names. Every other test here builds its own handler the same way."""

from __future__ import annotations

from typing import Any

import lambda_function
from sim.conversation import Conversation
from sim.envelopes import USER_ID
from tests.conversation.helpers import Stored, place, revision, text
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import at, header
from upper_back.render import phrases


def test_the_lambda_handler_welcomes_a_launch_and_saves_to_the_table_it_is_configured_with(
    table: Any, stored: Stored
) -> None:
    conversation = Conversation(lambda_function.lambda_handler)
    welcome = conversation.launch()
    assert_valid_response(welcome.raw)
    assert text(welcome.ssml).startswith(text(phrases.WELCOME_NEW))
    assert not welcome.ends_session
    assert stored(USER_ID) is None, "a welcome writes nothing"

    start = conversation.say("AMAZON.YesIntent")
    assert header(0) in text(start.ssml)
    record = stored(USER_ID)
    assert (place(record), revision(record)) == (at(0), 1)
