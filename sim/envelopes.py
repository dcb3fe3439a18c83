"""Alexa request envelopes as JSON-ready dicts, shaped like the ones Alexa sends.

Used by the simulator and by the tests, so both speak to ``lambda_handler`` the same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Envelope = dict[str, Any]
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
USER_ID = "amzn1.ask.account.TESTUSER"
DEVICE_ID = "amzn1.ask.device.TESTDEVICE"


@dataclass(frozen=True)
class Caller:
    """Who is speaking, on which device, in which locale, to which skill."""

    user_id: str = USER_ID
    person_id: str | None = None
    device_id: str = DEVICE_ID
    skill_id: str = SKILL_ID
    locale: str = "en-US"
    interfaces: dict[str, Any] = field(default_factory=dict)
    api_endpoint: str | None = None
    """Where the skill reaches the Alexa APIs (a local fake); None sends no endpoint or token, so
    the skill calls no Alexa API at all."""
    granted: tuple[str, ...] = ()
    """Permission scopes the person has granted the skill (reminders, for the habit)."""


@dataclass(frozen=True)
class SlotValue:
    """A slot as heard (``value``) and, for custom types, how entity resolution matched it."""

    value: str | None
    resolved_id: str | None = None
    resolved_name: str | None = None
    custom_type: str | None = None  # set for custom slot types: adds the resolutions block


def _now(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _system(caller: Caller) -> dict[str, Any]:
    user: dict[str, Any] = {"userId": caller.user_id}
    if caller.granted:
        user["permissions"] = {
            "consentToken": "TEST.CONSENT.TOKEN",
            "scopes": {scope: {"status": "GRANTED"} for scope in caller.granted},
        }
    system: dict[str, Any] = {
        "application": {"applicationId": caller.skill_id},
        "user": user,
        "device": {"deviceId": caller.device_id, "supportedInterfaces": caller.interfaces},
    }
    if caller.api_endpoint is not None:
        system["apiEndpoint"] = caller.api_endpoint
        system["apiAccessToken"] = "TEST.ACCESS.TOKEN"
    if caller.person_id:
        system["person"] = {"personId": caller.person_id}
    return system


def envelope(
    request: dict[str, Any],
    caller: Caller,
    session_id: str | None = None,
    attributes: dict[str, Any] | None = None,
    *,
    new: bool = True,
    now: datetime | None = None,
) -> Envelope:
    """Wrap ``request`` with a session (unless ``session_id`` is None) and a context, stamped
    ``now`` (the present when not given)."""
    body: Envelope = {
        "version": "1.0",
        "context": {"System": _system(caller)},
        "request": {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": _now(now),
            "locale": caller.locale,
            **request,
        },
    }
    if session_id is not None:
        body["session"] = {
            "new": new,
            "sessionId": session_id,
            "application": {"applicationId": caller.skill_id},
            "attributes": attributes or {},
            "user": {"userId": caller.user_id},
        }
    return body


def launch_request() -> dict[str, Any]:
    return {"type": "LaunchRequest"}


def _slot(name: str, slot: SlotValue) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if slot.value is not None:
        body["value"] = slot.value
    if slot.custom_type is not None:
        matched = slot.resolved_id is not None
        resolution: dict[str, Any] = {
            "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot.custom_type}",
            "status": {"code": "ER_SUCCESS_MATCH" if matched else "ER_SUCCESS_NO_MATCH"},
        }
        if matched:
            resolution["values"] = [
                {"value": {"name": slot.resolved_name or slot.value, "id": slot.resolved_id}}
            ]
        body["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return body


def intent_request(name: str, slots: dict[str, SlotValue] | None = None) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {key: _slot(key, value) for key, value in (slots or {}).items()},
        },
    }


SCREEN_INTERFACES: dict[str, Any] = {
    "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}
}
"""What an Echo Show reports it supports: APL (the newest version Amazon documents)."""


def user_event_request(word: str, token: str) -> dict[str, Any]:
    """A tap on a button of the screen document named ``token``: its ``SendEvent`` words."""
    return {
        "type": "Alexa.Presentation.APL.UserEvent",
        "token": token,
        "arguments": [word],
        "source": {"type": "TouchWrapper", "handler": "Press", "id": f"tap-{word}"},
        "components": {},
    }


def session_ended_request(reason: str = "USER_INITIATED") -> dict[str, Any]:
    request: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
    if reason == "ERROR":
        request["error"] = {"type": "INTERNAL_SERVICE_ERROR", "message": "simulated"}
    return request


def skill_event(kind: str) -> dict[str, Any]:
    """AlexaSkillEvent.SkillEnabled / SkillDisabled: sent without a session."""
    return {
        "type": f"AlexaSkillEvent.{kind}",
        "eventCreationTime": _now(),
        "eventPublishingTime": _now(),
        "body": {"userInformation": {"consentLevel": "ACCOUNT"}},
    }


def permission_answer(status: str, token: str, code: str = "200") -> dict[str, Any]:
    """Alexa's answer to the skill's voice permission request (``Connections.SendRequest``):
    ``status`` ACCEPTED, DENIED or NOT_ANSWERED; ``code`` other than 200 when Alexa could not
    ask (no voice consent on this device)."""
    return {
        "type": "Connections.Response",
        "name": "AskFor",
        "status": {"code": code, "message": "OK" if code == "200" else "Failed"},
        "payload": {"permissionScope": "alexa::alerts:reminders:skill:readwrite", "status": status},
        "token": token,
    }


def reminders_deleted(*tokens: str) -> dict[str, Any]:
    """Reminders.ReminderDeleted: reminders removed outside the skill; sent without a session."""
    return {"type": "Reminders.ReminderDeleted", "body": {"alertTokens": list(tokens)}}
