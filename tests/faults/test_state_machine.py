"""Random conversations of three people through the real lambda_handler, checked against a model.

The model is deliberately small: each person's place is what ``navigation.step`` makes of the
place they had (navigation has its own tests), a new session forgets only the pending question,
and a save happens exactly when the place changes. After every turn the stored records, the
session and the reply must agree with it, and every reply must be SSML Alexa accepts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from moto import mock_aws

import lambda_function
from sim.conversation import Conversation, Turn
from sim.envelopes import Caller, SlotValue
from tests.conversation.helpers import MOVES, named, text
from tests.faults.alexa_rules import assert_valid_response
from upper_back.core.navigation import Command, Kind, Outcome, Position, Question, step
from upper_back.core.record import SESSION_KEY
from upper_back.edge.intents import INTENT_COMMANDS, MOVE_SLOT_TYPE

TABLE = os.environ["TABLE_NAME"]  # set by tests/conftest.py
LAYOUT = tuple(move.parts for move in MOVES)
ALICE, BOB = "amzn1.ask.account.ALICE", "amzn1.ask.account.BOB"
CAROL = "amzn1.ask.person.CAROL"  # a recognised voice on Alice's account: her own place
CALLERS = (Caller(user_id=ALICE), Caller(user_id=BOB), Caller(user_id=ALICE, person_id=CAROL))
KEYS = (ALICE, BOB, CAROL)
INTENTS = [*sorted(set(INTENT_COMMANDS) - {"GoToMoveIntent"}), "OrderPizzaIntent"]
WORDS = {" ".join(w.split()) for m in MOVES for loc in ("en-US", *m.synonyms_by_locale)
         for w in m.words_for(loc)}  # fmt: skip
SHOWS_PLACE = {Kind.PLAY, Kind.WELCOME_BACK_IN_PROGRESS, Kind.PAUSED}

Slots = dict[str, SlotValue]
JUNK = ["?", "", "-2", "three", "9" * 5000, "<audio src='x'/>", "pizza & chips", "]]>"]
GO_TO_CASES: list[tuple[Slots, int | None]] = [
    ({}, None),
    *(({"number": SlotValue(junk)}, None) for junk in JUNK),
    *(({"ordinal": SlotValue(junk)}, None) for junk in JUNK),
    *(({"move": SlotValue(junk, custom_type=MOVE_SLOT_TYPE)}, None) for junk in JUNK if junk),
    ({"move": SlotValue("?", custom_type=MOVE_SLOT_TYPE), "number": SlotValue("2")}, None),
    *(
        ({"move": SlotValue(m.synonyms[0], m.id, m.name, MOVE_SLOT_TYPE)}, i)
        for i, m in enumerate(MOVES)
    ),
    *(({"move": SlotValue(f" {m.synonyms[-1].upper()} ")}, i) for i, m in enumerate(MOVES)),
]


def by_number(number: int) -> tuple[Slots, int | None]:
    """Numbers of up to four digits are taken (navigation refuses those out of range)."""
    return {"number": SlotValue(str(number))}, number - 1 if number < 10_000 else None


def by_ordinal(number: int) -> tuple[Slots, int | None]:
    return {"ordinal": SlotValue(str(number))}, number - 1


def by_unknown_name(heard: str) -> tuple[Slots, int | None]:
    return {"move": SlotValue(heard, custom_type=MOVE_SLOT_TYPE)}, None


def unknown(heard: str) -> bool:
    return " ".join(heard.lower().split()) not in WORDS


go_to_requests = st.one_of(
    st.sampled_from(GO_TO_CASES),
    st.integers(0, 99_999).map(by_number),
    st.integers(1, 12).map(by_ordinal),
    st.text(st.characters(codec="utf-8"), max_size=20).filter(unknown).map(by_unknown_name),
)
people = st.integers(0, len(CALLERS) - 1)


@dataclass
class Person:
    """What the model expects for one person: their place (with the question pending in the
    session), the place last saved, and how many saves there have been."""

    place: Position = field(default_factory=Position)
    saved: Position | None = None
    saves: int = 0


def record_of(place: Position) -> dict[str, Any]:
    move = MOVES[place.move]
    side = move.sides[place.part] if move.split_sides else ""
    return {"move": move.id, "side": side, "in_progress": place.in_progress,
            "completed": place.completed}  # fmt: skip


class ThreePeople(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.aws = mock_aws()
        self.aws.start()
        boto3.resource("dynamodb", region_name="us-east-1").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.table: Any = boto3.resource("dynamodb", region_name="us-east-1").Table(TABLE)
        lambda_function.reset()
        self.people = [Person() for _ in CALLERS]
        self.talks = [Conversation(lambda_function.lambda_handler, caller) for caller in CALLERS]

    def teardown(self) -> None:
        lambda_function.reset()
        self.aws.stop()

    def expect(self, who: int, command: Command, target: int | None = None) -> Outcome:
        """Apply ``command`` to the model; a new session starts from the saved place."""
        person = self.people[who]
        if not self.talks[who].in_session:
            person.place = replace(person.place, question=Question.NONE)
        place, outcome = step(LAYOUT, person.place, command, target)
        if not place.same_place(person.place):
            person.saved = replace(place, question=Question.NONE)
            person.saves += 1
        person.place = place
        return outcome

    def check(self, who: int, turn: Turn, outcome: Outcome) -> None:
        person, talk = self.people[who], self.talks[who]
        assert_valid_response(turn.raw, spoken=outcome.kind is not Kind.SILENT)
        assert talk.in_session is not outcome.ends_session
        if talk.in_session:
            assert turn.reprompt, "a session left open always has a reprompt"
            session = turn.attributes[SESSION_KEY]
            expected = record_of(person.place) | {"question": person.place.question.value}
            assert {key: session[key] for key in expected} == expected
            assert (session["revision"], session["unsaved"]) == (person.saves, False)
        if outcome.kind in SHOWS_PLACE:
            assert named(person.place.move) in text(turn.ssml)

    @rule(who=people)
    def launch(self, who: int) -> None:
        self.talks[who].session_id = None  # "Alexa, open ...": always a new session
        outcome = self.expect(who, Command.LAUNCH)
        self.check(who, self.talks[who].launch(), outcome)

    @rule(who=people, intent=st.sampled_from(INTENTS))
    def say(self, who: int, intent: str) -> None:
        outcome = self.expect(who, INTENT_COMMANDS.get(intent, Command.FALLBACK))
        self.check(who, self.talks[who].say(intent), outcome)

    @rule(who=people, request=go_to_requests)
    def go_to(self, who: int, request: tuple[Slots, int | None]) -> None:
        slots, target = request
        outcome = self.expect(who, Command.GOTO, target)
        self.check(who, self.talks[who].say("GoToMoveIntent", **slots), outcome)

    @rule(who=people, reason=st.sampled_from(["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"]))
    def walk_away(self, who: int, reason: str) -> None:
        if not self.talks[who].in_session:
            return
        outcome = self.expect(who, Command.SESSION_END)
        turn = self.talks[who].end_session(reason)
        assert turn is not None
        self.check(who, turn, outcome)

    @invariant()
    def everyone_has_exactly_their_own_place_stored(self) -> None:
        for person, key in zip(self.people, KEYS, strict=True):
            item = self.table.get_item(Key={"id": key}, ConsistentRead=True).get("Item")
            if person.saved is None:
                assert item is None, key
                continue
            assert item is not None, key
            stored = item["attributes"]
            assert {k: stored[k] for k in ("move", "side", "in_progress", "completed")} == (
                record_of(person.saved)
            ), key
            assert stored["revision"] == person.saves, key
        assert self.table.scan()["Count"] == sum(p.saved is not None for p in self.people)


ThreePeople.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_three_people_in_random_conversations_always_hear_and_keep_their_own_place = (
    ThreePeople.TestCase
)
