"""The skill manifest against the handlers, in both directions.

What Alexa sends the skill beyond launches, intents and session ends is decided by the manifest
(interaction_model/skill.json): the events it subscribes to, the interfaces it declares. Each of
those request types must reach a request handler of ``build_skill`` that takes it (not the
exception handler that catches what nobody takes), and must come back through the whole Lambda
handler as a valid empty response. The other way round, every request type a handler takes must
be one Alexa will send: subscribed, declared, or sent to every custom skill. And a permission
in the manifest is a promise to users that a feature needs it.

The tables below are Alexa's side of the contract, from Amazon's SMAPI schema
(``ask_smapi_model.v1.skill.manifest.EventNameType``, ``InterfaceType``) and the request types
``ask_sdk_model`` reads; a test checks each named request type exists in the SDK.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.request import Request

from sim.envelopes import Caller, envelope
from tests.fakes.store import MemoryStore
from upper_back.edge import handlers
from upper_back.edge.app import build_handler, build_skill
from upper_back.edge.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SKILL_JSON = ROOT / "interaction_model" / "skill.json"
SCREEN_DOCUMENT = ROOT / "lambda" / "upper_back" / "render" / "screen.json"

# Each event a manifest may subscribe to (events.subscriptions[].eventName), and the request
# type Alexa then sends. Skill events arrive outside any session.
EVENT_REQUEST_TYPES = {
    "SKILL_ENABLED": "AlexaSkillEvent.SkillEnabled",
    "SKILL_DISABLED": "AlexaSkillEvent.SkillDisabled",
    "SKILL_PERMISSION_ACCEPTED": "AlexaSkillEvent.SkillPermissionAccepted",
    "SKILL_PERMISSION_CHANGED": "AlexaSkillEvent.SkillPermissionChanged",
    "SKILL_ACCOUNT_LINKED": "AlexaSkillEvent.SkillAccountLinked",
    "SKILL_PROACTIVE_SUBSCRIPTION_CHANGED": "AlexaSkillEvent.ProactiveSubscriptionChanged",
    "SKILL_NOTIFICATION_SUBSCRIPTION_CHANGED": "AlexaSkillEvent.NotificationSubscriptionChanged",
    # The schema spells these in the singular (REMINDER_, not REMINDERS_).
    "REMINDER_CREATED": "Reminders.ReminderCreated",
    "REMINDER_UPDATED": "Reminders.ReminderUpdated",
    "REMINDER_DELETED": "Reminders.ReminderDeleted",
    "REMINDER_STARTED": "Reminders.ReminderStarted",
    "REMINDER_STATUS_CHANGED": "Reminders.ReminderStatusChanged",
    "LIST_CREATED": "AlexaHouseholdListEvent.ListCreated",
    "LIST_UPDATED": "AlexaHouseholdListEvent.ListUpdated",
    "LIST_DELETED": "AlexaHouseholdListEvent.ListDeleted",
    "ITEMS_CREATED": "AlexaHouseholdListEvent.ItemsCreated",
    "ITEMS_UPDATED": "AlexaHouseholdListEvent.ItemsUpdated",
    "ITEMS_DELETED": "AlexaHouseholdListEvent.ItemsDeleted",
}
# Each interface a manifest may declare (apis.custom.interfaces[].type), and the request types it
# lets Alexa send inside a session. APL's list requests (LoadIndexListData, LoadTokenListData,
# RuntimeError) come only with dynamic list data sources: see the last test.
INTERFACE_REQUEST_TYPES = {
    "ALEXA_PRESENTATION_APL": {"Alexa.Presentation.APL.UserEvent"},
    "ALEXA_PRESENTATION_HTML": {"Alexa.Presentation.HTML.Message"},
    "AUDIO_PLAYER": {
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFailed",
        "PlaybackController.NextCommandIssued",
        "PlaybackController.PauseCommandIssued",
        "PlaybackController.PlayCommandIssued",
        "PlaybackController.PreviousCommandIssued",
    },
    "CAN_FULFILL_INTENT_REQUEST": {"CanFulfillIntentRequest"},
}
# Sent to every custom skill, whatever its manifest says.
ALWAYS_SENT = {
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "System.ExceptionEncountered",  # a response of ours was invalid
}
# Sent only in answer to a directive of the skill's own (Connections.SendRequest or
# StartConnection: a permission prompt, a purchase). Handling it before any feature sends such
# a directive costs nothing and keeps a stray answer from reaching the not-understood reply.
IN_ANSWER_TO_DIRECTIVES = {"Connections.Response"}
# Request types a handler takes although the manifest does not subscribe to them: none. Of the
# reminder events the skill subscribes to REMINDER_DELETED only (a reminder removed in the Alexa
# app); the others change nothing it keeps. A test keeps this list exact.
HANDLED_AHEAD_OF_SUBSCRIPTION: set[str] = set()
# Each permission scope the manifest asks for, and the module of the feature that uses it.
PERMISSION_FEATURES: dict[str, str] = {
    "alexa::alerts:reminders:skill:readwrite": "upper_back/edge/alexa_services.py",
}

SDK_REQUEST_TYPES = frozenset(Request.discriminator_value_class_map)
_SERIALIZER = DefaultSerializer()


@cache
def manifest() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(SKILL_JSON.read_text(encoding="utf-8"))["manifest"])


def subscribed_events() -> list[str]:
    return [s["eventName"] for s in manifest().get("events", {}).get("subscriptions", [])]


def declared_interfaces() -> list[str]:
    return [i["type"] for i in manifest()["apis"]["custom"].get("interfaces", [])]


def subscribed_request_types() -> set[str]:
    return {EVENT_REQUEST_TYPES[name] for name in subscribed_events()}


def declared_request_types() -> set[str]:
    return set().union(*(INTERFACE_REQUEST_TYPES[kind] for kind in declared_interfaces()))


def request_envelope(request_type: str) -> dict[str, Any]:
    """The envelope Alexa would send: skill events outside a session, the rest inside one."""
    request: dict[str, Any] = {"type": request_type}
    if request_type in EVENT_REQUEST_TYPES.values():
        request["body"] = {}
        return envelope(request, Caller())
    return envelope(request, Caller(), session_id="amzn1.echo-api.session.CONTRACT", new=False)


def handler_input(request_type: str) -> HandlerInput:
    event = request_envelope(request_type)
    parsed = _SERIALIZER.deserialize(json.dumps(event), RequestEnvelope)
    return HandlerInput(request_envelope=parsed)


@cache
def request_handlers() -> tuple[Any, ...]:
    """The request handlers of build_skill, in dispatch order (not its exception handlers)."""
    skill = build_skill(MemoryStore())
    return tuple(
        chain.request_handler
        for mapper in skill.request_dispatcher.request_mappers
        for chain in mapper.request_handler_chains
    )


def takers(request_type: str) -> list[str]:
    """The names of the request handlers that take the type."""
    given = handler_input(request_type)
    return [type(h).__name__ for h in request_handlers() if h.can_handle(given)]


@cache
def handled_request_types() -> frozenset[str]:
    """Every request type the SDK can read that some request handler takes."""
    return frozenset(t for t in SDK_REQUEST_TYPES if takers(t))


# --- Alexa's side of the tables -------------------------------------------------------------


def test_every_request_type_in_the_tables_is_one_the_sdk_can_read() -> None:
    named = set(EVENT_REQUEST_TYPES.values()) | ALWAYS_SENT | IN_ANSWER_TO_DIRECTIVES
    named |= set().union(*INTERFACE_REQUEST_TYPES.values())
    assert named - SDK_REQUEST_TYPES == set()


def test_the_manifest_names_only_events_and_interfaces_alexa_has() -> None:
    assert set(subscribed_events()) <= set(EVENT_REQUEST_TYPES), "an event name Alexa lacks"
    assert set(declared_interfaces()) <= set(INTERFACE_REQUEST_TYPES), "add its request types"
    assert len(subscribed_events()) == len(set(subscribed_events()))


# --- manifest -> handlers -------------------------------------------------------------------


def test_the_manifest_subscribes_to_the_skill_events_the_handlers_are_for() -> None:
    assert {"SKILL_ENABLED", "SKILL_DISABLED"} <= set(subscribed_events())
    assert "ALEXA_PRESENTATION_APL" in declared_interfaces()


@pytest.mark.parametrize(
    "request_type",
    sorted(
        {EVENT_REQUEST_TYPES[n] for n in subscribed_events() if n in EVENT_REQUEST_TYPES}
        | set().union(*(INTERFACE_REQUEST_TYPES.get(kind, set()) for kind in declared_interfaces()))
    ),
)
def test_each_subscribed_or_declared_request_type_reaches_exactly_one_handler(
    request_type: str,
) -> None:
    assert len(takers(request_type)) == 1, takers(request_type)


@pytest.mark.parametrize(
    "request_type", sorted(ALWAYS_SENT | IN_ANSWER_TO_DIRECTIVES | HANDLED_AHEAD_OF_SUBSCRIPTION)
)
def test_each_request_type_alexa_sends_regardless_reaches_exactly_one_handler(
    request_type: str,
) -> None:
    assert len(takers(request_type)) == 1, takers(request_type)


def test_the_handlers_take_no_request_type_the_sdk_cannot_read() -> None:
    """A type outside ask_sdk_model never reaches a handler: the envelope fails to parse. So the
    handlers' own constants must all be types the SDK reads."""
    constants = {handlers.LAUNCH, handlers.INTENT, handlers.SESSION_ENDED}
    constants |= {handlers.SKILL_ENABLED, handlers.SKILL_DISABLED} | set(handlers.NOT_ACTED_ON)
    assert constants - SDK_REQUEST_TYPES == set()
    assert constants <= handled_request_types()


ANSWERED_LIKE_WORDS = {"Alexa.Presentation.APL.UserEvent"}
"""A tap on the screen is answered as the words it stands for (tests/conversation/test_screen.py
sends one of each, through the lambda handler)."""


@pytest.mark.parametrize(
    "request_type",
    sorted(
        (
            {EVENT_REQUEST_TYPES[n] for n in subscribed_events() if n in EVENT_REQUEST_TYPES}
            | set().union(
                *(INTERFACE_REQUEST_TYPES.get(kind, set()) for kind in declared_interfaces())
            )
            | {"System.ExceptionEncountered", *IN_ANSWER_TO_DIRECTIVES}
        )
        - ANSWERED_LIKE_WORDS
    ),
)
def test_each_event_comes_back_through_the_lambda_handler_as_a_valid_empty_response(
    request_type: str,
) -> None:
    store = MemoryStore()
    event = request_envelope(request_type)
    result = build_handler(Settings(), store=store)(event, None)
    assert result["version"] == "1.0"
    assert result["response"] == {}  # nothing said, nothing shown, the session left as it is
    assert set(result) <= {"version", "sessionAttributes", "userAgent", "response"}
    if "session" not in event:
        assert "sessionAttributes" not in result
    # SkillDisabled forgets the record; ReminderDeleted reads it (a token of the skill's own
    # would be forgotten, with a save); nothing else touches the store
    assert store.calls == {
        "AlexaSkillEvent.SkillDisabled": ["delete"],
        "Reminders.ReminderDeleted": ["load"],
    }.get(request_type, [])


# --- handlers -> manifest -------------------------------------------------------------------


def test_every_request_type_a_handler_takes_is_one_alexa_will_send() -> None:
    sent = subscribed_request_types() | declared_request_types()
    sent |= ALWAYS_SENT | IN_ANSWER_TO_DIRECTIVES
    assert handled_request_types() - sent == HANDLED_AHEAD_OF_SUBSCRIPTION


def test_the_handled_ahead_list_holds_only_what_the_manifest_does_not_subscribe_to() -> None:
    assert handled_request_types() >= HANDLED_AHEAD_OF_SUBSCRIPTION
    assert not HANDLED_AHEAD_OF_SUBSCRIPTION & subscribed_request_types()


# --- permissions ----------------------------------------------------------------------------


def test_every_permission_the_manifest_asks_for_has_a_feature_that_uses_it() -> None:
    """Asking users for a permission no feature uses fails certification and their trust."""
    scopes = {p["name"] for p in manifest().get("permissions", [])}
    assert scopes == set(PERMISSION_FEATURES)
    for scope, module in PERMISSION_FEATURES.items():
        source = ROOT / "lambda" / module
        assert source.is_file(), module
        assert scope in source.read_text(encoding="utf-8"), f"{module} does not use {scope}"


# --- the screen document --------------------------------------------------------------------


def test_the_screen_loads_no_list_data() -> None:
    """APL sends LoadIndexListData, LoadTokenListData and RuntimeError only for dynamic list data
    sources. The document and the datasources the code builds use none, so those requests
    (unhandled) are never sent. (Its buttons' SendEvent words: tests/contract/test_apl.py.)"""
    sources = [SCREEN_DOCUMENT, *(ROOT / "lambda" / "upper_back" / "render").glob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    assert "ALEXA_PRESENTATION_APL" in declared_interfaces()
    for marker in ("dynamicIndexList", "dynamicTokenList"):
        assert marker not in text, marker
