"""The daily habit through the handler, with the Alexa APIs on a fake server (issue 10).

Days done are the person's local dates: the device's time zone comes from the Alexa settings API
once per session, the stored zone (else UTC) when that lookup fails or hangs, and a hanging API
never costs a turn much more than its 1.5 s budget. The daily reminder is offered after a
finished routine at most once a week, restated for a yes, asked for by voice when the permission
is missing, created with the Reminders API as a local daily rule, changed by delete then create,
cancelled by delete, and forgotten when Alexa says it is gone. Every failure says what happened,
stores only what Alexa really holds, and is never retried within the turn (a retried create can
make a second daily reminder).

The requests reach the skill's real SDK service clients and bounded HTTP client; only the far end
(``sim.alexa_api.FakeAlexaApi``) is fake. Each request is stamped by the test's clock, so the
local date is chosen: 11:30 UTC on 4 December 2026 is 00:30 on 5 December in Auckland (NZDT,
UTC+13) and still 4 December in London (GMT, UTC+0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sim.alexa_api import REMINDER, REMINDERS, TIME_ZONE, FakeAlexaApi, Received
from sim.conversation import Conversation, Turn
from sim.envelopes import USER_ID, SlotValue, permission_answer, reminders_deleted
from tests.conversation.helpers import Alexa, Stored, routine_over, text, v2_record
from tests.fakes.store import MemoryStore
from tests.faults.alexa_rules import assert_valid_response
from upper_back.render import phrases

SCOPE = "alexa::alerts:reminders:skill:readwrite"
AUCKLAND, LONDON = "Pacific/Auckland", "Europe/London"
MIDNIGHT_IN_AUCKLAND = datetime(2026, 12, 4, 11, 30, tzinfo=UTC)
"""00:30 on 5 December in Auckland; 11:30 on 4 December in London and in UTC."""
EIGHT, HALF_SEVEN_PM = SlotValue("08:00"), SlotValue("19:30")
TURN_BUDGET = 2.5
"""Seconds a turn may take when an Alexa API hangs: its one call's 1.5 s budget, with room."""


@dataclass
class Clock:
    """The time every request is stamped with, moved by the test."""

    now: datetime = MIDNIGHT_IN_AUCKLAND

    def __call__(self) -> datetime:
        return self.now

    def days_on(self, days: int) -> None:
        self.now += timedelta(days=days)


def talk(
    alexa: Alexa, api: FakeAlexaApi, clock: Clock | None = None, *, granted: bool = False
) -> Conversation:
    """A conversation on a device that reaches ``api``; ``granted``: the person has allowed
    the skill's reminders."""
    conversation = alexa(api_endpoint=api.endpoint, granted=(SCOPE,) if granted else ())
    conversation.clock = clock or Clock()
    return conversation


def checked(turn: Turn, *, spoken: bool = True) -> Turn:
    """A valid response that is not the apology for a turn that broke."""
    assert_valid_response(turn.raw, spoken=spoken)
    assert text(phrases.APOLOGY) not in text(turn.ssml), "the turn broke"
    return turn


def heard(turn: Turn) -> str:
    return text(checked(turn).ssml)


def phrase(template: str, **fields: Any) -> str:
    """A phrase as a listener hears it, its fields filled."""
    return text(template.format(**fields))


def finish_routine(conversation: Conversation) -> Turn:
    """Open the skill, do the whole routine, and answer the reply that finishes it."""
    checked(conversation.launch())
    turn = checked(conversation.say("StartRoutineIntent"))
    while not routine_over(turn):
        turn = checked(conversation.say("NextMoveIntent"))
    return turn


def offered(turn: Turn) -> bool:
    return text(phrases.OFFER_REMINDER) in text(turn.ssml)


def habit(record: dict[str, Any] | None) -> dict[str, Any]:
    assert record is not None, "nothing is stored"
    return dict(record.get("habit") or {})


def reminder(record: dict[str, Any] | None) -> Any:
    """The daily reminder a stored record holds ({"at", "token"}), or None (None stored too)."""
    return None if record is None else (record.get("habit") or {}).get("reminder")


def days(record: dict[str, Any] | None) -> list[str]:
    assert record is not None, "nothing is stored"
    return [str(day) for day in record["progress"]["days"]]


def calls(api: FakeAlexaApi, method: str) -> list[Received]:
    return [request for request in api.received if request.method == method]


def asks_for_permission(turn: Turn) -> str:
    """The token of the voice permission request ``turn`` hands Alexa, once its response is
    checked: that directive alone, no speech and no session flag (Alexa runs the exchange)."""
    checked(turn, spoken=False)
    response = turn.response
    assert "outputSpeech" not in response, response
    assert "reprompt" not in response, response
    assert "shouldEndSession" not in response, response
    [directive] = response.get("directives") or [None]
    assert directive is not None, response
    assert (directive["type"], directive["name"]) == ("Connections.SendRequest", "AskFor")
    payload = directive["payload"]
    assert payload["@type"] == "AskForPermissionsConsentRequest"
    scopes = payload.get("permissionScopes") or [
        {"permissionScope": payload.get("permissionScope")}
    ]
    assert [scope["permissionScope"] for scope in scopes] == [SCOPE]
    return str(directive["token"])


def proposed(conversation: Conversation, at: SlotValue = EIGHT) -> str:
    """ "Remind me every day at ``at``": what the skill restates for a yes."""
    return heard(conversation.say("SetReminderIntent", time=at))


def yes_to(conversation: Conversation, at: SlotValue = EIGHT) -> Turn:
    """ "Remind me every day at ``at``", then yes to the time restated."""
    proposed(conversation, at)
    return conversation.say("AMAZON.YesIntent")


def with_reminder(store: MemoryStore, api: FakeAlexaApi, *, held: bool = True) -> None:
    """A person with a daily reminder at eight that Alexa knows as "old-token" (unless
    ``held`` is false: it was deleted in the Alexa app), their zone (Auckland) known."""
    daily = {"at": "08:00", "token": "old-token"}
    store.put(USER_ID, v2_record(None, done=2, habit={"zone": AUCKLAND, "reminder": daily}))
    if held:
        api.reminders["old-token"] = {"seeded": True}


def timed(send: Any, *args: Any, **kwargs: Any) -> tuple[Turn, float]:
    started = time.monotonic()
    turn = send(*args, **kwargs)
    return turn, time.monotonic() - started


# Days done, in the device's own time zone -------------------------------------------------------


@pytest.mark.parametrize(("zone", "day"), [(AUCKLAND, "2026-12-05"), (LONDON, "2026-12-04")])
def test_a_routine_just_after_local_midnight_counts_for_the_local_date_not_the_utc_one(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored, zone: str, day: str
) -> None:
    alexa_api.set_time_zone(zone)
    finish_routine(talk(alexa, alexa_api))
    record = stored(USER_ID)
    assert days(record) == [day]
    assert habit(record)["zone"] == zone


def test_three_local_days_that_are_two_utc_days_are_heard_as_three(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    alexa_api.set_time_zone(AUCKLAND)
    clock = Clock()
    conversation = talk(alexa, alexa_api, clock)
    # 23:30 on 4 December, 00:30 on 5 December and 00:30 on 6 December, Auckland time: the
    # first two are both 4 December in UTC.
    for instant in (
        datetime(2026, 12, 4, 10, 30, tzinfo=UTC),
        datetime(2026, 12, 4, 11, 30, tzinfo=UTC),
        datetime(2026, 12, 5, 11, 30, tzinfo=UTC),
    ):
        clock.now = instant
        finish_routine(conversation)
        conversation.end_session()  # the reminder's offer, if made, not answered
    assert days(stored(USER_ID)) == ["2026-12-04", "2026-12-05", "2026-12-06"]

    clock.now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # 01:00 on 6 December in Auckland
    welcome = heard(conversation.launch())
    assert phrase(phrases.WELCOME_DAYS, week="three") in welcome
    report = heard(conversation.say("DaysDoneIntent"))
    assert phrase(phrases.DAYS_REPORT, week="three", month="three") in report
    assert phrase(phrases.DAYS_IN_A_ROW, count="Three") in report
    assert phrase(phrases.ROUTINES_IN_ALL, count="Three") in report

    # Two local days later with nothing done: the week still counts, no run is spoken of.
    conversation.end_session()
    clock.now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 01:00 on 8 December in Auckland
    later = heard(conversation.say("DaysDoneIntent"))
    assert phrase(phrases.DAYS_REPORT, week="three", month="three") in later
    assert "in a row" not in later
    assert days(stored(USER_ID)) == ["2026-12-04", "2026-12-05", "2026-12-06"]


def test_how_am_i_doing_with_nothing_done_is_an_invitation_not_a_tally(
    alexa: Alexa, alexa_api: FakeAlexaApi
) -> None:
    report = heard(talk(alexa, alexa_api).say("DaysDoneIntent"))
    assert text(phrases.DAYS_NONE) in report
    assert "zero" not in report


# The time zone lookup: once per session, bounded, with a fallback --------------------------------


def test_the_zone_is_looked_up_once_per_session_and_stored(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    alexa_api.set_time_zone(AUCKLAND)
    conversation = talk(alexa, alexa_api)
    checked(conversation.launch())
    for intent in ("StartRoutineIntent", "NextMoveIntent", "DaysDoneIntent", "ProgressIntent"):
        checked(conversation.say(intent))
    assert len(calls(alexa_api, "GET")) == 1
    assert habit(stored(USER_ID))["zone"] == AUCKLAND
    [lookup] = calls(alexa_api, "GET")
    assert lookup.path.split("?")[0].endswith("/settings/System.timeZone")
    assert lookup.headers["authorization"] == "Bearer TEST.ACCESS.TOKEN"

    checked(conversation.launch())  # a new session looks it up again
    assert len(calls(alexa_api, "GET")) == 2


def failing_lookup(api: FakeAlexaApi, how: str) -> None:
    match how:
        case "drop":
            api.drop("GET", TIME_ZONE)
        case "not-a-zone":
            api.answer("GET", TIME_ZONE, 200, "../../etc/passwd")
        case "unknown-zone":
            api.answer("GET", TIME_ZONE, 200, "Mars/Olympus_Mons")
        case "a-folder":  # a name the tz database has as a folder, not a zone
            api.answer("GET", TIME_ZONE, 200, "Europe")
        case "429-no-body" | "403-text-body":  # bodies the SDK cannot read as its Error model
            status, body = (429, None) if how == "429-no-body" else (403, "Forbidden")
            api.answer("GET", TIME_ZONE, status, body)
        case _:
            api.answer("GET", TIME_ZONE, int(how), {"code": "ERROR", "message": "simulated"})


LOOKUP_FAILURES = [
    "500", "503", "403", "204", "drop", "not-a-zone", "unknown-zone", "a-folder", "429-no-body",
    "403-text-body",
]  # fmt: skip


@pytest.mark.parametrize("how", LOOKUP_FAILURES)
def test_when_the_lookup_fails_the_stored_zone_makes_the_day(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored, how: str
) -> None:
    store.put(USER_ID, v2_record(None, done=1, habit={"zone": AUCKLAND}))
    failing_lookup(alexa_api, how)
    finish_routine(talk(alexa, alexa_api))
    record = stored(USER_ID)
    assert days(record) == ["2026-12-05"]
    assert habit(record)["zone"] == AUCKLAND
    assert len(calls(alexa_api, "GET")) == 1, "one attempt, no retry"


@pytest.mark.parametrize("how", ["500", "drop", "unknown-zone"])
def test_with_no_zone_stored_a_failed_lookup_counts_the_utc_date(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored, how: str
) -> None:
    failing_lookup(alexa_api, how)
    finish_routine(talk(alexa, alexa_api))
    record = stored(USER_ID)
    assert days(record) == ["2026-12-04"]
    assert "zone" not in habit(record)


def test_a_hanging_lookup_costs_the_turn_one_budget_and_the_stored_zone_answers_right(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    # Done on 4 and 5 December, Auckland time. At 00:30 on the 5th there, that is two days this
    # week; by the UTC date (still the 4th) the 5th would not have come yet, and it is one.
    done = {"completed": 2, "days": ["2026-12-04", "2026-12-05"]}
    store.put(USER_ID, v2_record(None, done=2, progress=done, habit={"zone": AUCKLAND}))
    alexa_api.hang("GET", TIME_ZONE)
    conversation = talk(alexa, alexa_api)

    welcome, seconds = timed(conversation.launch)

    assert seconds < TURN_BUDGET, f"{seconds:.2f} s"
    assert phrase(phrases.WELCOME_DAYS, week="two") in heard(welcome)
    assert not welcome.ends_session
    # The rest of the session does not ask again, and is not slowed down.
    report, quick = timed(conversation.say, "DaysDoneIntent")
    assert phrase(phrases.DAYS_REPORT, week="two", month="two") in heard(report)
    assert phrase(phrases.DAYS_IN_A_ROW, count="Two") in heard(report)
    assert quick < 0.5, f"{quick:.2f} s"
    assert len(calls(alexa_api, "GET")) == 1
    assert habit(stored(USER_ID))["zone"] == AUCKLAND


# The offer after a finished routine ---------------------------------------------------------------


def test_a_finished_routine_offers_a_daily_reminder_once(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api)
    last = finish_routine(conversation)
    assert offered(last)
    assert not last.ends_session
    assert text(phrases.REPROMPT_REMINDER) in text(last.reprompt)
    assert habit(stored(USER_ID))["offered"] == "2026-12-04"
    assert not calls(alexa_api, "POST"), "an offer creates nothing"

    conversation.end_session()  # not answered
    again = finish_routine(conversation)
    assert not offered(again)
    assert again.ends_session


def test_after_a_no_the_offer_waits_at_least_seven_days(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    clock = Clock()
    conversation = talk(alexa, alexa_api, clock)
    assert offered(finish_routine(conversation))
    no = checked(conversation.say("AMAZON.NoIntent"))
    assert text(phrases.REMINDER_DECLINED) in text(no.ssml)
    assert no.ends_session

    clock.days_on(3)
    assert not offered(finish_routine(conversation))
    clock.days_on(3)  # six days after the "no"
    assert not offered(finish_routine(conversation))
    assert habit(stored(USER_ID))["offered"] == "2026-12-04"

    clock.days_on(2)  # eight days after the "no"
    assert offered(finish_routine(conversation))
    assert habit(stored(USER_ID))["offered"] == "2026-12-12"
    assert not calls(alexa_api, "POST")


def test_yes_to_the_offer_asks_the_time_and_restates_it_before_anything_is_created(
    alexa: Alexa, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(alexa, alexa_api, granted=True)
    finish_routine(conversation)
    when = checked(conversation.say("AMAZON.YesIntent"))
    assert text(phrases.ASK_REMINDER_TIME) in text(when.ssml)
    assert not when.ends_session
    confirm = proposed(conversation)
    assert phrase(phrases.CONFIRM_REMINDER, time="8 AM") in confirm
    assert not calls(alexa_api, "POST"), "nothing is created before the yes"

    done = heard(conversation.say("AMAZON.YesIntent"))
    assert phrase(phrases.REMINDER_SET, time="8 AM") in done
    assert len(calls(alexa_api, "POST")) == 1


@pytest.mark.parametrize("heard_as", ["EV", "MO", "?", "25:99"])
def test_a_part_of_the_day_or_an_unusable_time_asks_for_the_exact_time(
    alexa: Alexa, alexa_api: FakeAlexaApi, heard_as: str
) -> None:
    """AMAZON.TIME gives "EV" for "in the evening"; a slot may also arrive unusable."""
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    asked = heard(conversation.say("SetReminderIntent", time=SlotValue(heard_as)))
    assert text(phrases.ASK_REMINDER_TIME) in asked
    assert phrase(phrases.CONFIRM_REMINDER, time="7:30 PM") in proposed(conversation, HALF_SEVEN_PM)
    assert not calls(alexa_api, "POST")


def test_no_to_the_restated_reminder_creates_nothing(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    proposed(conversation)
    assert text(phrases.REMINDER_DECLINED) in heard(conversation.say("AMAZON.NoIntent"))
    assert not calls(alexa_api, "POST")
    assert reminder(stored(USER_ID)) is None


# Consent: the permission asked for by voice, and its answers ---------------------------------


def test_without_the_permission_alexa_asks_for_it_and_an_acceptance_creates_the_reminder(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    alexa_api.set_time_zone(AUCKLAND)
    conversation = talk(alexa, alexa_api)
    checked(conversation.launch())
    assert phrase(phrases.CONFIRM_REMINDER, time="8 AM") in proposed(conversation)

    token = asks_for_permission(conversation.say("AMAZON.YesIntent"))
    assert token == "reminder@08:00"
    assert not calls(alexa_api, "POST"), "nothing is sent without the permission"
    assert conversation.in_session

    # The person says yes to Alexa's question: the answer comes with the permission granted.
    conversation.caller = replace(conversation.caller, granted=(SCOPE,))
    done = checked(conversation.send(permission_answer("ACCEPTED", token)))

    assert phrase(phrases.REMINDER_SET, time="8 AM") in text(done.ssml)
    [create] = calls(alexa_api, "POST")
    assert create.path == REMINDERS
    trigger = create.body["trigger"]
    # 00:30 on 5 December in Auckland: the first one is at eight that morning, local time
    # without an offset, with the zone beside it; then every day by the rule.
    assert trigger["type"] == "SCHEDULED_ABSOLUTE"
    assert trigger["scheduledTime"] == "2026-12-05T08:00:00"
    assert trigger["timeZoneId"] == AUCKLAND
    assert trigger["recurrence"]["recurrenceRules"] == ["FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0"]
    assert not any(mark in trigger["recurrence"]["startDateTime"] for mark in ("Z", "+"))
    [spoken] = create.body["alertInfo"]["spokenInfo"]["content"]
    assert spoken["locale"] == "en-US"
    assert spoken["text"]
    assert "upper back" not in spoken["text"].lower()
    assert len(spoken["text"]) <= 60
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "fake-alert-token-1"}
    assert list(alexa_api.reminders) == ["fake-alert-token-1"]


def test_an_acceptance_whose_request_does_not_show_the_grant_yet_creates_it_without_asking_again(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api)  # the answer's scopes still say nothing of the grant
    checked(conversation.launch())
    token = asks_for_permission(yes_to(conversation))

    done = checked(conversation.send(permission_answer("ACCEPTED", token)))

    assert not done.response.get("directives"), "asking again would go round in circles"
    assert phrase(phrases.REMINDER_SET, time="8 AM") in text(done.ssml)
    assert len(calls(alexa_api, "POST")) == 1
    [created] = alexa_api.reminders
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": created}


def test_an_acceptance_that_comes_in_a_new_session_still_sets_the_time_agreed(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api)
    checked(conversation.launch())
    proposed(conversation, HALF_SEVEN_PM)
    token = asks_for_permission(conversation.say("AMAZON.YesIntent"))

    conversation.session_id = None  # Alexa opens a new session for the answer
    conversation.caller = replace(conversation.caller, granted=(SCOPE,))
    done = checked(conversation.send(permission_answer("ACCEPTED", token)))

    assert phrase(phrases.REMINDER_SET, time="7:30 PM") in text(done.ssml)
    assert reminder(stored(USER_ID))["at"] == "19:30"
    assert len(calls(alexa_api, "POST")) == 1


def test_a_refused_permission_gets_a_clear_sentence_and_the_offer_is_never_made_again(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    clock = Clock()
    conversation = talk(alexa, alexa_api, clock)
    finish_routine(conversation)
    checked(conversation.say("AMAZON.YesIntent"))
    proposed(conversation)
    token = asks_for_permission(conversation.say("AMAZON.YesIntent"))

    refused = checked(conversation.send(permission_answer("DENIED", token)))

    assert text(phrases.PERMISSION_REFUSED) in text(refused.ssml)
    assert refused.ends_session
    assert refused.response.get("card") is None, "no card pushed after a refusal"
    assert habit(stored(USER_ID))["quiet"] is True
    assert reminder(stored(USER_ID)) is None
    assert not calls(alexa_api, "POST")
    for days_later in (8, 30):
        clock.days_on(days_later)
        later = finish_routine(conversation)
        assert not offered(later)
        assert later.ends_session
    # Asking for one is still heard.
    checked(conversation.launch())
    assert asks_for_permission(yes_to(conversation)) == "reminder@08:00"


def test_a_permission_question_left_unanswered_sets_nothing_and_does_not_nag(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api)
    finish_routine(conversation)
    checked(conversation.say("AMAZON.YesIntent"))
    token = asks_for_permission(yes_to(conversation))

    unanswered = checked(conversation.send(permission_answer("NOT_ANSWERED", token)))

    assert text(phrases.REMINDER_DECLINED) in text(unanswered.ssml)
    assert not unanswered.response.get("directives"), "not asked again"
    assert unanswered.response.get("card") is None
    assert reminder(stored(USER_ID)) is None
    assert not calls(alexa_api, "POST")
    assert not offered(finish_routine(conversation)), "nor offered again the same week"


def test_where_alexa_cannot_ask_by_voice_the_permission_card_asks_instead(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api)
    checked(conversation.launch())
    token = asks_for_permission(yes_to(conversation))

    failed = checked(conversation.send(permission_answer("NOT_ANSWERED", token, code="500")))

    assert text(phrases.REMINDER_NEEDS_PERMISSION) in text(failed.ssml)
    assert failed.response["card"] == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert not calls(alexa_api, "POST")
    assert reminder(stored(USER_ID)) is None


# Alexa refusing, failing or not answering a create --------------------------------------------


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (401, phrases.REMINDER_NEEDS_PERMISSION),
        (403, phrases.REMINDER_UNSUPPORTED),
        (429, phrases.REMINDER_NOT_NOW),
        (500, phrases.REMINDER_NOT_NOW),
        (503, phrases.REMINDER_NOT_NOW),
    ],
)
def test_a_refused_create_is_said_plainly_stored_nowhere_and_not_retried(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored, status: int, said: str
) -> None:
    alexa_api.answer("POST", REMINDERS, status, {"code": "ERROR", "message": "simulated"})
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())

    refused = heard(yes_to(conversation))

    assert text(said) in refused
    assert text(phrases.REMINDER_SET.format(time="8 AM")) not in refused
    assert len(calls(alexa_api, "POST")) == 1, "one attempt: a retry could make two"
    card = conversation.history[-1].response.get("card")
    if status == 401:
        assert card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    else:
        assert card is None or card.get("type") != "AskForPermissionsConsent"
    assert reminder(stored(USER_ID)) is None


@pytest.mark.parametrize("how", ["hang", "drop", "no-token"])
def test_a_create_with_no_usable_answer_costs_at_most_one_budget_and_is_not_retried(
    alexa: Alexa, alexa_api: FakeAlexaApi, stored: Stored, how: str
) -> None:
    match how:
        case "hang":
            alexa_api.hang("POST", REMINDERS)
        case "drop":
            alexa_api.drop("POST", REMINDERS)
        case _:
            alexa_api.answer("POST", REMINDERS, 200, {"status": "ON"})
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    proposed(conversation)

    turn, seconds = timed(conversation.say, "AMAZON.YesIntent")

    assert seconds < TURN_BUDGET, f"{seconds:.2f} s"
    assert text(phrases.REMINDER_NOT_NOW) in heard(turn)
    assert len(calls(alexa_api, "POST")) == 1
    assert reminder(stored(USER_ID)) is None


# Change and cancel -------------------------------------------------------------------------------


def test_a_change_deletes_the_old_reminder_then_creates_the_new_one(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    alexa_api.set_time_zone(AUCKLAND)
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())

    confirm = proposed(conversation, HALF_SEVEN_PM)
    assert phrase(phrases.CONFIRM_REMINDER_CHANGE, old="8 AM", time="7:30 PM") in confirm
    done = heard(conversation.say("AMAZON.YesIntent"))

    assert phrase(phrases.REMINDER_SET, time="7:30 PM") in done
    changes = [(r.method, r.path) for r in alexa_api.received if r.method != "GET"]
    assert changes == [("DELETE", f"{REMINDERS}/old-token"), ("POST", REMINDERS)]
    [(token, body)] = alexa_api.reminders.items()  # never two daily reminders
    rule = "FREQ=DAILY;BYHOUR=19;BYMINUTE=30;BYSECOND=0"
    assert body["trigger"]["recurrence"]["recurrenceRules"] == [rule]
    assert reminder(stored(USER_ID)) == {"at": "19:30", "token": token}


def test_asking_for_the_time_a_reminder_already_has_still_makes_just_one(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    heard(yes_to(conversation))
    assert len(alexa_api.reminders) == 1
    assert reminder(stored(USER_ID))["token"] in alexa_api.reminders


@pytest.mark.parametrize(
    ("status", "said"),
    [(500, phrases.REMINDER_NOT_NOW), (401, phrases.REMINDER_NEEDS_PERMISSION)],
)
def test_a_change_whose_delete_fails_keeps_the_old_reminder_and_creates_nothing(
    alexa: Alexa,
    alexa_api: FakeAlexaApi,
    store: MemoryStore,
    stored: Stored,
    status: int,
    said: str,
) -> None:
    with_reminder(store, alexa_api)
    alexa_api.answer("DELETE", REMINDER, status, {"code": "ERROR", "message": "simulated"})
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())

    assert text(said) in heard(yes_to(conversation, HALF_SEVEN_PM))

    assert not calls(alexa_api, "POST"), "no create while the old one may stand"
    assert len(calls(alexa_api, "DELETE")) == 1
    assert list(alexa_api.reminders) == ["old-token"]
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "old-token"}


def test_a_change_whose_old_reminder_is_already_gone_goes_ahead(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api, held=False)  # deleted in the Alexa app, no event came
    alexa_api.answer("DELETE", REMINDER, 404, {"code": "NOT_FOUND", "message": "gone"})
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())

    assert phrase(phrases.REMINDER_SET, time="7:30 PM") in heard(
        yes_to(conversation, HALF_SEVEN_PM)
    )
    [token] = alexa_api.reminders
    assert reminder(stored(USER_ID)) == {"at": "19:30", "token": token}


def test_a_change_whose_create_fails_after_the_delete_stores_no_reminder(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    alexa_api.answer("POST", REMINDERS, 500, {"code": "ERROR", "message": "simulated"})
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())

    said = heard(yes_to(conversation, HALF_SEVEN_PM))

    assert text(phrases.REMINDER_NOT_NOW) in said
    assert text(phrases.OLD_REMINDER_GONE) in said, "told the old one is off too"
    assert not alexa_api.reminders, "the old one was deleted, the new one never made"
    assert reminder(stored(USER_ID)) is None, "no token kept for a reminder gone"
    assert len(calls(alexa_api, "POST")) == 1


def test_cancel_deletes_the_reminder_by_its_token_and_forgets_it(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    conversation = talk(alexa, alexa_api)  # deleting needs no permission check of ours

    off = checked(conversation.say("CancelReminderIntent"))

    assert text(phrases.REMINDER_CANCELLED) in text(off.ssml)
    assert off.ends_session
    [delete] = calls(alexa_api, "DELETE")
    assert delete.path == f"{REMINDERS}/old-token"
    assert not alexa_api.reminders
    assert reminder(stored(USER_ID)) is None
    assert habit(stored(USER_ID))["zone"] == LONDON, "the device's zone, as looked up now"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_errors_whose_bodies_the_sdk_cannot_read_are_failures_said_plainly_not_crashes(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored, status: int
) -> None:
    alexa_api.answer("POST", REMINDERS, status, None)  # no body: the SDK raises, not a status
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    assert text(phrases.REMINDER_NOT_NOW) in heard(yes_to(conversation))
    assert reminder(stored(USER_ID)) is None

    with_reminder(store, alexa_api)
    alexa_api.answer("DELETE", REMINDER, status, None)
    cancel = heard(talk(alexa, alexa_api).say("CancelReminderIntent"))
    assert text(phrases.REMINDER_NOT_CANCELLED) in cancel
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "old-token"}


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("500", phrases.REMINDER_NOT_CANCELLED),
        # not a reason to ask for a permission on "stop reminding me": the Alexa app can remove it
        ("401", phrases.REMINDER_NOT_CANCELLED),
        ("403", phrases.REMINDER_NOT_CANCELLED),
        ("drop", phrases.REMINDER_NOT_CANCELLED),
    ],
)
def test_a_cancel_that_fails_keeps_the_token_of_the_reminder_that_stands(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored, how: str, said: str
) -> None:
    with_reminder(store, alexa_api)
    if how == "drop":
        alexa_api.drop("DELETE", REMINDER)
    else:
        alexa_api.answer("DELETE", REMINDER, int(how), {"code": "ERROR", "message": "simulated"})
    conversation = talk(alexa, alexa_api)

    failed = conversation.say("CancelReminderIntent")
    assert text(said) in heard(failed)
    assert "card" not in failed.response, "no permission card for a cancel"

    assert len(calls(alexa_api, "DELETE")) == 1
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "old-token"}
    # Still known, so asking again tries again.
    alexa_api.answer("DELETE", REMINDER, 200)
    again = talk(alexa, alexa_api)
    assert text(phrases.REMINDER_CANCELLED) in heard(again.say("CancelReminderIntent"))
    assert reminder(stored(USER_ID)) is None


def test_after_a_hanging_lookup_a_one_shot_cancel_makes_no_second_call(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    alexa_api.hang("GET", TIME_ZONE)
    alexa_api.hang("DELETE", REMINDER)
    conversation = talk(alexa, alexa_api)

    turn, seconds = timed(conversation.say, "CancelReminderIntent")  # a new session

    assert seconds < TURN_BUDGET, f"{seconds:.2f} s"
    assert not calls(alexa_api, "DELETE"), "Alexa did not answer: no other call this turn"
    assert text(phrases.REMINDER_NOT_CANCELLED) in heard(turn)
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "old-token"}


def test_a_cancel_of_a_reminder_alexa_no_longer_has_forgets_it(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    alexa_api.answer("DELETE", REMINDER, 404, {"code": "NOT_FOUND", "message": "gone"})
    off = heard(talk(alexa, alexa_api).say("CancelReminderIntent"))
    assert text(phrases.REMINDER_CANCELLED) in off
    assert reminder(stored(USER_ID)) is None


def test_a_cancel_with_no_reminder_set_says_so_and_calls_nothing(
    alexa: Alexa, alexa_api: FakeAlexaApi
) -> None:
    off = heard(talk(alexa, alexa_api).say("CancelReminderIntent"))
    assert text(phrases.NO_REMINDER) in off
    assert [r.method for r in alexa_api.received] == ["GET"]  # the zone, nothing else


# Reminders deleted outside the skill ----------------------------------------------------------


def test_a_reminder_deleted_in_the_alexa_app_is_forgotten_and_the_next_one_is_a_plain_create(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    conversation = talk(alexa, alexa_api, granted=True)

    event = conversation.send_outside(reminders_deleted("old-token"))

    assert_valid_response(event.raw, spoken=False)
    assert "outputSpeech" not in event.response
    assert reminder(stored(USER_ID)) is None
    assert habit(stored(USER_ID))["zone"] == AUCKLAND
    assert not alexa_api.received, "an event outside a session calls nothing"
    checked(conversation.launch())
    assert phrase(phrases.CONFIRM_REMINDER, time="8 AM") in proposed(conversation)
    heard(conversation.say("AMAZON.YesIntent"))
    assert not calls(alexa_api, "DELETE")
    assert len(calls(alexa_api, "POST")) == 1


def test_a_deleted_event_for_another_reminder_changes_nothing(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    before = stored(USER_ID)
    event = talk(alexa, alexa_api).send_outside(reminders_deleted("someone-elses-token"))
    assert_valid_response(event.raw, spoken=False)
    assert stored(USER_ID) == before


# The record survives a store that fails ----------------------------------------------------------


def test_a_reminder_whose_token_could_not_be_saved_mid_routine_is_deleted_and_can_be_set_again(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    """Even mid-routine, where the session (and the owed save) goes on: the token is the only
    way to reach the reminder, so one that could not be stored is not left at Alexa."""
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    checked(conversation.say("StartRoutineIntent"))
    proposed(conversation)
    store.fail("save")

    not_set = checked(conversation.say("AMAZON.YesIntent"))

    assert text(phrases.REMINDER_NOT_NOW) in text(not_set.ssml)
    assert not not_set.ends_session, "mid-routine: the routine goes on"
    assert alexa_api.reminders == {}
    checked(conversation.say("NextMoveIntent"))  # the owed save lands, without a reminder
    assert reminder(stored(USER_ID)) is None
    set_now = heard(yes_to(conversation, EIGHT))
    assert phrase(phrases.REMINDER_SET, time="8 AM") in set_now
    [token] = alexa_api.reminders
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": token}


def test_a_reminder_whose_token_could_not_be_saved_is_never_doubled(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    proposed(conversation)
    store.fail("save")
    failed = text(checked(conversation.say("AMAZON.YesIntent")).ssml)
    # Created, then its token could not be stored: deleted again, and said as not set
    assert [r.method for r in alexa_api.received if "/alerts/" in r.path] == ["POST", "DELETE"]
    assert alexa_api.reminders == {}
    assert text(phrases.REMINDER_NOT_NOW) in failed
    conversation.end_session()  # if the session was kept open for the owed save, it ends now

    checked(conversation.launch())
    heard(yes_to(conversation, HALF_SEVEN_PM))

    assert len(alexa_api.reminders) == 1, f"daily reminders at Alexa: {list(alexa_api.reminders)}"
    [token] = alexa_api.reminders
    assert reminder(stored(USER_ID))["token"] == token


def test_a_finish_that_could_not_be_recorded_offers_no_reminder(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore
) -> None:
    conversation = talk(alexa, alexa_api)
    checked(conversation.launch())
    turn = checked(conversation.say("StartRoutineIntent"))
    while not routine_over(turn):
        store.fail("save")  # every save of the routine fails: the finish is not recorded
        turn = checked(conversation.say("NextMoveIntent"))
    assert turn.ends_session
    assert not offered(turn)
    assert text(phrases.FINISH_NOT_SAVED) in text(turn.ssml)


@pytest.mark.parametrize("intent", ["SetReminderIntent", "CancelReminderIntent", "DaysDoneIntent"])
def test_while_the_record_cannot_be_read_nothing_is_said_or_done_about_days_or_reminders(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored, intent: str
) -> None:
    """Without the record its reminder's token and its days are unknown: no "you have no
    reminder", no "nothing in thirty days", and no call that could make a second reminder."""
    with_reminder(store, alexa_api)
    before = stored(USER_ID)
    conversation = talk(alexa, alexa_api, granted=True)
    store.fail("load")
    slots = {"time": HALF_SEVEN_PM} if intent == "SetReminderIntent" else {}

    said = heard(conversation.say(intent, **slots))

    assert text(phrases.CANNOT_CHECK) in said
    assert text(phrases.NO_REMINDER) not in said
    assert text(phrases.DAYS_NONE) not in said
    assert [r.method for r in alexa_api.received if "/alerts/" in r.path] == []
    assert list(alexa_api.reminders) == ["old-token"]
    assert stored(USER_ID) == before


def test_a_change_whose_save_fails_says_the_old_reminder_is_off_too(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())
    proposed(conversation, HALF_SEVEN_PM)
    store.fail("save")

    said = heard(conversation.say("AMAZON.YesIntent"))

    # the old one deleted, the new one created, its token not stored: deleted again, and said
    assert [r.method for r in alexa_api.received if "/alerts/" in r.path] == [
        "DELETE", "POST", "DELETE"
    ]  # fmt: skip
    assert alexa_api.reminders == {}
    assert text(phrases.REMINDER_NOT_NOW) in said
    assert text(phrases.OLD_REMINDER_GONE) in said


def another_device_sets(store: MemoryStore, api: FakeAlexaApi, token: str, rev: int) -> None:
    """Another device of the same person changed the reminder meanwhile: a newer record."""
    daily = {"at": "08:00", "token": token}
    store.put(
        USER_ID, v2_record(None, done=2, rev=rev, habit={"zone": AUCKLAND, "reminder": daily})
    )
    api.reminders[token] = {"seeded": True}


def test_a_reminder_set_while_another_device_set_one_is_not_doubled(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    store.put(USER_ID, v2_record(None, done=2, rev=3, habit={"zone": AUCKLAND}))
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())  # this session read a record with no reminder
    proposed(conversation, HALF_SEVEN_PM)
    another_device_sets(store, alexa_api, "other-device-token", rev=4)

    said = heard(conversation.say("AMAZON.YesIntent"))

    # The create was made for a record with no reminder; the newer one has another to replace:
    # the one made is deleted again, the other device's stands, and it is said as not set.
    assert list(alexa_api.reminders) == ["other-device-token"]
    assert text(phrases.REMINDER_NOT_NOW) in said
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "other-device-token"}


def test_a_cancel_while_another_device_changed_the_reminder_does_not_claim_it_is_off(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)  # "old-token" at rev 3
    conversation = talk(alexa, alexa_api)
    checked(conversation.launch())
    alexa_api.reminders.pop("old-token")  # the other device's change deleted it...
    another_device_sets(store, alexa_api, "new-token", rev=4)  # ...and made this one

    said = heard(conversation.say("CancelReminderIntent"))

    assert text(phrases.REMINDER_NOT_CANCELLED) in said
    assert text(phrases.REMINDER_CANCELLED) not in said
    assert list(alexa_api.reminders) == ["new-token"]
    assert reminder(stored(USER_ID)) == {"at": "08:00", "token": "new-token"}


def test_a_record_newer_than_this_code_gets_no_reminder_it_could_not_keep(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    """A record written by a newer release (a rollback) is read, never written: a token Alexa
    gave now could not be kept, and a later change could not reach that reminder."""
    newer = v2_record(None, done=2, schema=3, habit={"zone": AUCKLAND})
    store.put(USER_ID, newer)
    conversation = talk(alexa, alexa_api, granted=True)
    checked(conversation.launch())

    said = heard(yes_to(conversation, HALF_SEVEN_PM))

    assert text(phrases.REMINDER_NOT_NOW) in said
    assert not calls(alexa_api, "POST")
    assert alexa_api.reminders == {}
    assert stored(USER_ID) == newer


def test_once_the_record_can_be_read_again_the_yes_replaces_the_reminder_it_holds(
    alexa: Alexa, alexa_api: FakeAlexaApi, store: MemoryStore, stored: Stored
) -> None:
    with_reminder(store, alexa_api)
    conversation = talk(alexa, alexa_api, granted=True)
    store.fail("load")
    assert text(phrases.CANNOT_CHECK) in heard(conversation.say("DaysDoneIntent"))
    proposed(conversation, HALF_SEVEN_PM)  # read now: the stored reminder is known

    assert phrase(phrases.REMINDER_SET, time="7:30 PM") in heard(
        conversation.say("AMAZON.YesIntent")
    )

    assert [r.method for r in alexa_api.received if r.method != "GET"] == ["DELETE", "POST"]
    [token] = alexa_api.reminders
    assert reminder(stored(USER_ID)) == {"at": "19:30", "token": token}
