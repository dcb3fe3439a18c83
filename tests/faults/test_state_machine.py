"""Random conversations of three people through the real handler, with saves failing on demand.

The handler is the production one (``build_handler``) on the in-memory store (tests/fakes), so
hundreds of conversations take seconds. Nothing here predicts what the skill will do: after
every turn, what it did is checked against invariants read off its own outputs (the reply, the
session it hands back, the writes that reached the store):

- the stored place is the session's place whenever the session owes no save; while one is owed,
  the place the session believes stored (for an honest goodbye) is the stored one, unless this
  very session's write landed with its answer lost;
- each write lands on the record it replaces at that revision plus one, so the stored revision
  grows by exactly one per landed write and never otherwise; a write that changes nothing
  stored is only ever an owed save; a turn that changes nothing and owes nothing writes nothing;
- every reply is one Alexa accepts;
- nobody's record is written in another person's turn or by another person's session, and no
  reply names a place (in any of the sentences that name one) that this person was not at;
- no intent of the model is answered "Sorry, I did not get that", except the fallback intent
  itself and a yes or no with no question pending;
- after a failed save, the next turn of that session lands it: the session owes nothing after
  any turn that met no fault, and a write whose answer was lost is recognised as the session's
  own and saved on top of;
- a session whose first read failed writes nothing until a read answers, and then keeps what the
  store held: a person's stored routines-done count never decreases (and a turn finishes at most
  one routine), and fields this code does not know, seeded in a person's record (at the top
  level, and inside the progress and the preferences), survive every save.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from sim.conversation import Conversation, Turn
from sim.envelopes import Caller, SlotValue
from tests.conversation.helpers import MOVES, text, v2_record
from tests.fakes.store import MemoryStore
from tests.faults.alexa_rules import assert_valid_response
from tests.faults.support import at, header, said, second_side
from upper_back.adapters.port import RawRecord, SaveResult
from upper_back.core.session import SESSION_KEY
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings
from upper_back.edge.intents import GO_TO_MOVE, INTENT_COMMANDS, MOVE_SLOT_TYPE
from upper_back.render import phrases

ALICE, BOB = "amzn1.ask.account.ALICE", "amzn1.ask.account.BOB"
CAROL = "amzn1.ask.person.CAROL"  # a recognised voice on Alice's account: her own place
CALLERS = (Caller(user_id=ALICE), Caller(user_id=BOB), Caller(user_id=ALICE, person_id=CAROL))
KEYS = (ALICE, BOB, CAROL)
HOMES = (1, 2, 3)  # each person's own move (0-based), none the first or the last
MODEL_INTENTS = sorted(set(INTENT_COMMANDS) - {GO_TO_MOVE})
UNKNOWN_INTENT = "OrderPizzaIntent"
LAUNCH, SESSION_ENDED = "LaunchRequest", "SessionEndedRequest"
FALLBACK_INTENT = "AMAZON.FallbackIntent"
YES_NO = {"AMAZON.YesIntent", "AMAZON.NoIntent"}
MOVING = ["NextMoveIntent", "PreviousMoveIntent", "StartRoutineIntent", "NextSideIntent"]
LEAVING = ["AMAZON.StopIntent", "AMAZON.PauseIntent"]
LAST = at(len(MOVES) - 1, MOVES[-1].parts - 1)
FALLBACK = text(phrases.FALLBACK)
SAVED_CLAIM = text(phrases.PLACE_SAVED).rstrip(".")  # also the start of GOODBYE_SAVED's claim
NOT_SAVED = text(phrases.NOT_SAVED)

SEED_WRITER = "5eed5eed5eed5eed"
HABIT = {"goal": 4, "nudge": "08:00"}  # "reminder" is a field this release reads
STREAK = {"current": 2, "best": 5}
VOICE = "calm"
"""Fields a later release wrote, which this code does not know: kept through every save."""

Place = tuple[str, str] | None
"""A place as records name it: (move id, side or ""), None when no routine is under way."""
Slots = dict[str, SlotValue]


def place_of(record: Mapping[str, Any] | None) -> Place:
    """The place a schema 2 record (stored, or the session's copy) names."""
    at_move = None if record is None else record.get("place")
    return None if at_move is None else (str(at_move["move"]), str(at_move["side"]))


def state_of(record: Mapping[str, Any] | None) -> Any:
    """What a record says about the person (place, progress, preferences), nothing else."""
    if record is None:
        return None
    # The whole place: a run's kind and a set finished before a lapse are part of it.
    return (record.get("place"), record.get("progress"), record.get("preferences"))


def revision_of(record: Mapping[str, Any] | None) -> int:
    return 0 if record is None else int(record["revision"])


def count_of(record: Mapping[str, Any] | None) -> int:
    """The routines done a stored record counts (0 with none stored)."""
    return 0 if record is None else int(record["progress"]["completed"])


def seeded_record(who: int) -> dict[str, Any]:
    """A record an earlier session wrote: at this person's own move, some routines done, and
    fields this code does not know, at the top level and inside two parts."""
    move = MOVES[HOMES[who]]
    return v2_record(
        move.id, move.sides[0] if move.split_sides else "", rev=4, writer=SEED_WRITER,
        habit=HABIT, progress={"completed": 3 + who, "days": ["2026-11-01"], "streak": STREAK},
        preferences={"variants": {}, "voice": VOICE},
    )  # fmt: skip


def saved_place(session: Mapping[str, Any]) -> Place | Literal["unknown"]:
    """The place the session believes is stored: ``saved_place`` is [move, part], [] for none,
    null when unknown."""
    raw = session.get("saved_place")
    if raw is None:
        return "unknown"
    return None if raw == [] else at(raw[0], raw[1])


def place_sentences() -> dict[tuple[str, str], list[str]]:
    """Every sentence that names a place, as heard, for every place of the routine."""
    templates = [
        phrases.WELCOME_BACK_IN_PROGRESS, phrases.WHERE, phrases.PAUSED, phrases.GOODBYE_SAVED,
        phrases.STOPPING_AT, phrases.PICK_UP_FROM,
    ]  # fmt: skip
    sentences: dict[tuple[str, str], list[str]] = {}
    for index, move in enumerate(MOVES):
        for part in range(move.parts):
            lines = [said(template, index, part) for template in templates]
            lines.append(header(index, part))
            if part:
                lines.append(second_side(index))
            sentences[at(index, part)] = lines
    return sentences


PLACE_SENTENCES = place_sentences()


def places_named(heard: str) -> set[tuple[str, str]]:
    return {place for place, lines in PLACE_SENTENCES.items() if any(x in heard for x in lines)}


@dataclass(frozen=True)
class Landed:
    """A write that reached the store: the key, and the record before and after it."""

    key: str
    replaced: RawRecord | None
    written: RawRecord


@dataclass
class LedgerStore(MemoryStore):
    """The in-memory store, also noting every write that landed (faulted or not)."""

    landed: list[Landed] = field(default_factory=list)

    def save(self, key: str, record: Mapping[str, Any], expected: int) -> SaveResult:
        replaced = self.records.get(key)
        result = super().save(key, record, expected)
        if self.records.get(key) is not replaced:
            self.landed.append(Landed(key, replaced, self.records[key]))
        return result


def saying(intent: str) -> Callable[[Conversation], Turn]:
    """Send ``intent`` (with no slots) in the conversation it is given."""
    return lambda talk: talk.say(intent)


def number_slot(number: int) -> Slots:
    return {"number": SlotValue(str(number))}


def name_slot(index: int) -> Slots:
    """A move named as Alexa resolves it against the model's slot type."""
    move = MOVES[index]
    return {"move": SlotValue(move.synonyms[0], move.id, move.synonyms[0], MOVE_SLOT_TYPE)}


def junk_slot(heard: str) -> Slots:
    return {"move": SlotValue(heard, custom_type=MOVE_SLOT_TYPE)}


people = st.integers(0, len(CALLERS) - 1)
go_to_slots = st.one_of(
    st.integers(0, len(MOVES) + 2).map(number_slot),
    st.integers(0, len(MOVES) - 1).map(name_slot),
    st.sampled_from(["?", "hula hoop", "<break/>"]).map(junk_slot),
)


class ThreePeople(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = LedgerStore()
        handler = build_handler(Settings(), store=self.store)
        self.talks = [Conversation(handler, caller) for caller in CALLERS]
        self.writers: list[set[str]] = [set() for _ in CALLERS]
        # Per person: the session whose last write landed with its answer lost, until a turn
        # of that session meets no fault.
        self.lost_in: list[str | None] = [None for _ in CALLERS]
        self.seeded = [False for _ in CALLERS]

    @initialize(seeded=st.lists(st.booleans(), min_size=len(CALLERS), max_size=len(CALLERS)))
    def seed(self, seeded: list[bool]) -> None:
        """Some people have used the skill before (a record with fields this code does not
        know); the others are new."""
        for who, seed in enumerate(seeded):
            if seed:
                self.store.put(KEYS[who], seeded_record(who))
                self.writers[who].add(SEED_WRITER)
        self.seeded = seeded

    def turn(
        self, who: int, send: Callable[[Conversation], Turn | None], intent: str | None = None
    ) -> Turn | None:
        """Send one turn for ``who`` and check every invariant on what came back."""
        talk, key = self.talks[who], KEYS[who]
        before = dict(talk.attributes.get(SESSION_KEY) or {}) if talk.in_session else None
        continuing = talk.session_id if intent != LAUNCH else None
        stored_before = self.store.records.get(key)
        counts_before = [count_of(self.store.records.get(other)) for other in KEYS]
        when = self.store.faults[0].when if self.store.faults else None
        self.store.landed.clear()
        turn = send(talk)
        if turn is None:
            return None
        if self.store.faults:  # planned, but this turn made no save: nothing failed
            self.store.faults.clear()
            when = None
        assert_valid_response(turn.raw, spoken=intent != SESSION_ENDED)
        session = turn.attributes[SESSION_KEY]
        self.writers[who].add(session["writer"])
        stored = self.store.records.get(key)
        self.check_writes(who, before, stored_before, stored)
        self.check_kept(counts_before)
        self.check_place(session, stored, faulted=when is not None)
        self.check_speech(who, turn, intent, before, session, stored_before, stored)
        self.check_lost_answer(who, continuing, session, when)
        return turn

    def check_writes(
        self, who: int, before: Mapping[str, Any] | None, stored_before: Any, stored: Any
    ) -> None:
        key, landed = KEYS[who], self.store.landed
        assert all(write.key == key for write in landed), "another person's record was written"
        assert len(landed) <= 1, f"{len(landed)} writes landed in one turn"
        assert revision_of(stored) - revision_of(stored_before) == len(landed)
        owed_before = before is not None and before["owed"] is True
        for write in landed:
            assert revision_of(write.written) == revision_of(write.replaced) + 1
            assert write.written["writer"] in self.writers[who]
            assert state_of(write.written) != state_of(write.replaced) or owed_before, (
                "a write that changed nothing stored, with no save owed"
            )
        for index, other in enumerate(KEYS):
            record = self.store.records.get(other)
            if record is not None:
                assert record["writer"] in self.writers[index], f"{other} holds a stranger's write"

    def check_kept(self, counts_before: list[int]) -> None:
        """What the store held and this code cannot see is never lost: the count of routines
        done (a turn finishes at most one), and the fields seeded at the start."""
        for index, other in enumerate(KEYS):
            record = self.store.records.get(other)
            count = count_of(record)
            assert counts_before[index] <= count, f"{other}'s routines done went down"
            assert count <= counts_before[index] + 1, f"{other} finished two routines in a turn"
            if self.seeded[index]:
                assert record is not None
                kept = {k: v for k, v in record["habit"].items() if k in HABIT}
                assert kept == HABIT, "fields of a part it does not know were lost"
                assert record["progress"]["streak"] == STREAK, "a progress field was lost"
                assert record["preferences"]["voice"] == VOICE, "a preferences field was lost"

    def check_place(self, session: Mapping[str, Any], stored: Any, *, faulted: bool) -> None:
        if session["loaded"] is False:
            # A read failed: the session does not know the store, and writes nothing to it.
            assert faulted, "the store could not be read, with no fault"
            assert self.store.landed == [], "written over a record it could not read"
            assert "saved_place" not in session, "it claims to know the stored place"
            return
        if not faulted:
            assert session["owed"] is False, "a turn that met no fault still owes a save"
        if session["owed"] is False:
            assert place_of(session) == place_of(stored), "the session and the store disagree"
            assert state_of(session) == state_of(stored) or stored is None
            assert session["revision"] == revision_of(stored)
        elif stored is None or stored["writer"] != session["writer"]:
            believed = saved_place(session)
            assert believed in ("unknown", place_of(stored)), "it believes another place stored"

    def check_speech(
        self, who: int, turn: Turn, intent: str | None, before: Mapping[str, Any] | None,
        session: Mapping[str, Any], stored_before: Any, stored: Any,
    ) -> None:  # fmt: skip
        heard = text(turn.ssml)
        own = {place_of(before), place_of(session), place_of(stored_before), place_of(stored)}
        strangers = places_named(heard) - own - {LAST}
        assert not strangers, f"{KEYS[who]} heard of places they were not at: {strangers}"
        asked = "none" if before is None else before["question"]
        if intent in (UNKNOWN_INTENT, FALLBACK_INTENT):
            assert heard.startswith(FALLBACK)
        elif intent is not None and not (intent in YES_NO and asked == "none"):
            assert FALLBACK not in heard, f"{intent} answered as not understood"
        if session["owed"] is True:
            assert SAVED_CLAIM not in heard, "claimed a save that did not happen"
            if turn.ends_session and place_of(session) is not None and heard:
                assert NOT_SAVED in heard, "left without saying the place was not saved"

    def check_lost_answer(
        self, who: int, continuing: str | None, session: Mapping[str, Any], when: str | None
    ) -> None:
        """A session whose write landed unanswered saves on top of it on its next clean turn."""
        lost = self.lost_in[who] is not None and self.lost_in[who] == continuing
        if lost and when is None:
            (write,) = self.store.landed  # the owed save, on top of its own landed write
            assert write.replaced is not None
            assert write.replaced["writer"] == session["writer"], "its own write not recognised"
        talk, owed = self.talks[who], session["owed"] is True
        if talk.in_session and when == "after" and owed and self.store.landed:
            self.lost_in[who] = talk.session_id  # landed, unanswered: a save on top is owed
        elif not (talk.in_session and when == "before" and owed):
            self.lost_in[who] = None  # settled (a throttled save leaves it as it was)

    @rule(who=people)
    def launch(self, who: int) -> None:
        self.turn(who, lambda talk: talk.launch(), LAUNCH)

    @rule(who=people, intent=st.sampled_from([*MODEL_INTENTS, UNKNOWN_INTENT]))
    def say(self, who: int, intent: str) -> None:
        self.turn(who, lambda talk: talk.say(intent), intent)

    @rule(who=people, slots=go_to_slots)
    def go_to(self, who: int, slots: Slots) -> None:
        self.turn(who, lambda talk: talk.say(GO_TO_MOVE, **slots), GO_TO_MOVE)

    @rule(who=people)
    def go_home(self, who: int) -> None:
        """To this person's own move, so that people mostly stand at different places."""
        slots = number_slot(HOMES[who] + 1)
        self.turn(who, lambda talk: talk.say(GO_TO_MOVE, **slots), GO_TO_MOVE)

    @rule(who=people, reason=st.sampled_from(["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"]))
    def walk_away(self, who: int, reason: str) -> None:
        self.turn(who, lambda talk: talk.end_session(reason), SESSION_ENDED)

    @rule(
        who=people,
        when=st.sampled_from(["before", "after"]),
        intent=st.sampled_from([*MOVING, *LEAVING, GO_TO_MOVE]),
        then=st.none() | st.sampled_from(MODEL_INTENTS),
    )
    def save_fails(
        self, who: int, when: Literal["before", "after"], intent: str, then: str | None
    ) -> None:
        """The next save fails: throttled (``before``: nothing written), or landed with its
        answer lost (``after``). The turn that meets it moves on, stops, or goes home; ``then``
        the person may say something else straight away (the turn that settles it)."""
        self.store.fail("save", when=when)
        slots = number_slot(HOMES[who] + 1) if intent == GO_TO_MOVE else {}
        self.turn(who, lambda talk: talk.say(intent, **slots), intent)
        if then is not None and self.talks[who].in_session:
            self.turn(who, lambda talk: talk.say(then), then)

    @rule(
        who=people,
        first=st.sampled_from([LAUNCH, *MOVING, GO_TO_MOVE, "ProgressIntent"]),
        again=st.booleans(),
        then=st.lists(st.sampled_from([*MOVING, *LEAVING, "AMAZON.RepeatIntent"]), max_size=2),
    )
    def read_fails(self, who: int, first: str, again: bool, then: list[str]) -> None:
        """A session starts (a launch, or a one-shot request) and its read of the store fails;
        ``again``, the next turn's read fails too. Then the person carries on (``then``): the
        first turn that can read the store lays the session's place on top of the record."""
        talk = self.talks[who]
        talk.session_id = None  # a new session: the last one, if any, was left open and lapsed
        self.store.fail("load")
        if first == LAUNCH:
            self.turn(who, lambda talk: talk.launch(), LAUNCH)
        else:
            slots = number_slot(HOMES[who] + 1) if first == GO_TO_MOVE else {}
            self.turn(who, lambda talk: talk.say(first, **slots), first)
        for index, intent in enumerate(then):
            if not talk.in_session:
                break
            if again and index == 0:
                self.store.fail("load")
            self.turn(who, saying(intent), intent)


ThreePeople.TestCase.settings = settings(stateful_step_count=25)  # examples: the profile's
test_three_people_in_random_conversations_keep_their_own_place_through_failed_saves = (
    ThreePeople.TestCase
)


def test_the_place_sentences_find_exactly_the_place_a_reply_names(store: MemoryStore) -> None:
    """The speech invariant above is only as good as ``places_named``: here it must find the
    one place each reply names, and none in a reply that names none."""
    talk = Conversation(build_handler(Settings(), store=store))
    assert places_named(text(talk.launch().ssml)) == set()
    assert places_named(text(talk.say(GO_TO_MOVE, **number_slot(3)).ssml)) == {at(2, 0)}
    assert places_named(text(talk.say("NextMoveIntent").ssml)) == {at(2, 1)}
    assert places_named(text(talk.say("ProgressIntent").ssml)) == {at(2, 1)}
    assert places_named(text(talk.say("AMAZON.StopIntent").ssml)) == {at(2, 1)}
    assert places_named(text(talk.launch().ssml)) == {at(2, 1)}
