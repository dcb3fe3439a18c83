"""The SDK edge: one handler per request type the skill supports, each turning its request into
a command for ``Turns``; request types the skill knows but does not act on are answered with an
empty response and a log line; anything else reaches an exception handler, never a catch-all
"Sorry, I did not get that".
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_dynamodb.partition_keygen import person_id_partition_keygen
from ask_sdk_model import IntentRequest, Response
from ask_sdk_runtime.exceptions import DispatchException

from upper_back.adapters.port import ProgressStore
from upper_back.core.commands import (
    Consent,
    Launch,
    NotUnderstood,
    PermissionAnswered,
    RemindersGone,
    SessionEnd,
)
from upper_back.edge import observability
from upper_back.edge.alexa_services import time_from_token
from upper_back.edge.intents import command_for, command_for_tap
from upper_back.edge.respond import has_screen, to_response
from upper_back.edge.turn import Tap, Turns
from upper_back.render import screen as screens
from upper_back.render.speech import apology

log = logging.getLogger(__name__)

LAUNCH = "LaunchRequest"
INTENT = "IntentRequest"
SESSION_ENDED = "SessionEndedRequest"
LAPSED = "EXCEEDED_MAX_REPROMPTS"
SKILL_ENABLED = "AlexaSkillEvent.SkillEnabled"
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
CONNECTIONS_RESPONSE = "Connections.Response"
REMINDER_DELETED = "Reminders.ReminderDeleted"
ASK_FOR = "AskFor"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
NOT_ACTED_ON = frozenset(
    {
        # Alexa reporting that a response of ours was invalid: logged, never answered.
        "System.ExceptionEncountered",
    }
)
"""Request types Alexa may send that the skill acknowledges without acting on them."""


def _request_type(handler_input: HandlerInput) -> str:
    return str(get_request_type(handler_input))


class RequestLogger(AbstractRequestInterceptor):
    """One log line per request: what kind, which intent, which locale. Never the envelope,
    the user or person id, or the access token."""

    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        request: Any = envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        log.info(
            "request",
            extra={
                "request_type": str(getattr(request, "object_type", None)),
                "intent": str(intent)[:100] if intent else None,
                "locale": str(getattr(request, "locale", None))[:10],
                "new_session": bool(envelope.session and envelope.session.new),
            },
        )


class _Handles(AbstractRequestHandler):
    """A handler for one request type that answers through the shared ``Turns``."""

    request_type = ""

    def __init__(self, turns: Turns) -> None:
        self.turns = turns

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _request_type(handler_input) == self.request_type


class LaunchHandler(_Handles):
    """ "Alexa, open upper back routine": welcome, welcome back, or offer to resume."""

    request_type = LAUNCH

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.turns.run(handler_input, Launch())


class IntentHandler(_Handles):
    """Every intent of the model through the one table; an intent the model does not have is
    logged and answered as not understood."""

    request_type = INTENT

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        command = (
            command_for(request, self.turns.routine) if isinstance(request, IntentRequest) else None
        )
        if command is None:
            name = getattr(getattr(request, "intent", None), "name", None)
            log.warning("intent not in the model", extra={"intent": str(name)[:100]})
            command = NotUnderstood()
        return self.turns.run(handler_input, command)


class SessionEndedHandler(_Handles):
    """The user walked away or said stop mid-prompt: settle any owed save, say nothing."""

    request_type = SESSION_ENDED

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        raw = getattr(request, "reason", None)
        reason = str(getattr(raw, "value", raw) or "")
        log.info("session ended", extra={"reason": reason[:40]})
        # Alexa gave up after the reprompt: the person heard the whole reply (a set) and walked
        # away, as opposed to saying stop (USER_INITIATED), which may have cut the set short.
        return self.turns.run(handler_input, SessionEnd(lapsed=reason == LAPSED))


class TapHandler(_Handles):
    """A button tapped on the screen (``SendEvent``): its word goes through the same table as
    the words said (``intents.command_for_tap``), so a tap and "next move" do the same thing;
    a tap on a screen that no longer shows the person's place does nothing, and says so."""

    request_type = USER_EVENT

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        arguments = getattr(request, "arguments", None) or []
        word = arguments[0] if arguments else None
        command = command_for_tap(word)
        if command is None:
            log.warning("tap not understood", extra={"word": str(word)[:40]})
            command = NotUnderstood()
        shown = screens.read_token(getattr(request, "token", None))
        return self.turns.run(handler_input, command, tap=Tap(shown))


class PermissionAnswerHandler(_Handles):
    """Alexa asked the person for the reminders permission (``Connections.SendRequest``) and
    sends the answer: accepted (create the reminder at the time the token carries), denied, or
    not answered; a request that failed (no voice consent here) falls back to the card. The
    answer to any other connection is acknowledged and not acted on."""

    request_type = CONNECTIONS_RESPONSE

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        if getattr(request, "name", None) != ASK_FOR:
            log.info(
                "request not acted on",
                extra={"request_type": CONNECTIONS_RESPONSE, "connection": str(request.name)[:40]},
            )
            return Response()
        code = str(getattr(getattr(request, "status", None), "code", "") or "")
        payload = request.payload if isinstance(request.payload, dict) else {}
        status = str(payload.get("status", "")).upper()
        consent = (
            Consent.UNAVAILABLE
            if code not in ("", "200")
            else {"ACCEPTED": Consent.ACCEPTED, "DENIED": Consent.DENIED}.get(
                status, Consent.NOT_ANSWERED
            )
        )
        log.info("permission answered", extra={"consent": consent.value, "code": code[:10]})
        return self.turns.run(
            handler_input, PermissionAnswered(consent, time_from_token(request.token))
        )


class RemindersDeletedHandler(_Handles):
    """Reminders deleted outside the skill (in the Alexa app): forget the token, so "set a
    daily reminder" makes a new one instead of trying to replace one that is gone. Sent
    without a session."""

    request_type = REMINDER_DELETED

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        tokens = getattr(getattr(request, "body", None), "alert_tokens", None) or []
        gone = tuple(str(token) for token in tokens if isinstance(token, str))
        log.info("reminders deleted", extra={"request_type": REMINDER_DELETED, "count": len(gone)})
        return self.turns.run(handler_input, RemindersGone(gone))


class SkillEnabledHandler(AbstractRequestHandler):
    """The skill was enabled: sent without a session; nothing to store yet."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _request_type(handler_input) == SKILL_ENABLED

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("skill event", extra={"event": SKILL_ENABLED})
        return Response()


class SkillDisabledHandler(AbstractRequestHandler):
    """The skill was disabled: forget the person's record (the user id changes if they enable
    the skill again, so it would never be read). Sent without a session."""

    def __init__(self, store: ProgressStore) -> None:
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _request_type(handler_input) == SKILL_DISABLED

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("skill event", extra={"event": SKILL_DISABLED})
        try:
            key = person_id_partition_keygen(handler_input.request_envelope)
        except PersistenceException:
            log.warning("skill disabled without a user to forget")
            return Response()
        if not self.store.delete(key):
            # The record is left behind (its TTL still expires it): an owner must hear of it.
            log.error("could not forget a disabled user's record")
            observability.count("StoreWriteFailed")
        return Response()


class NotActedOnHandler(AbstractRequestHandler):
    """Request types the skill knows Alexa may send but does not act on (yet): a valid empty
    response and a log line, never the not-understood answer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _request_type(handler_input) in NOT_ACTED_ON

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("request not acted on", extra={"request_type": _request_type(handler_input)})
        return Response()


class UnknownRequestHandler(AbstractExceptionHandler):
    """A request type no handler takes (the SDK raises DispatchException): a valid empty
    response and a log line."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return isinstance(exception, DispatchException)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.warning(
            "request type not handled", extra={"request_type": _request_type(handler_input)[:100]}
        )
        return Response()


class ApologyHandler(AbstractExceptionHandler):
    """Last resort: log what broke (not the envelope), apologise, keep the session and place."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        envelope = handler_input.request_envelope
        intent = getattr(getattr(envelope.request, "intent", None), "name", None)
        observability.log_error(
            "unhandled error",
            exception,
            type=getattr(envelope.request, "object_type", None),
            intent=str(intent)[:100],
        )
        if envelope.session is None:
            return Response()
        return to_response(apology(), screen=has_screen(envelope), in_session=True)
