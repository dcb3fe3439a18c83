"""The SDK edge: each handler maps a request to a navigation command and hands it to ``Turn``.

One handler serves every intent of the model through the table in ``intents``; there is no
near-identical handler class per intent.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type, is_request_type
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.slu.entityresolution import StatusCode

from upper_back.core.navigation import Command
from upper_back.core.routine import Routine
from upper_back.edge import observability
from upper_back.edge.intents import INTENT_COMMANDS, MOVE_SLOT, NUMBER_SLOT, ORDINAL_SLOT
from upper_back.edge.turn import Turn, respond
from upper_back.render import phrases
from upper_back.render.speech import Reply
from upper_back.render.ssml import Ssml, sentence

log = logging.getLogger(__name__)
_DIGITS = re.compile(r"^\d{1,4}$")


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


class _TurnHandler(AbstractRequestHandler):
    """A handler that answers through the shared ``Turn``."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn


class LaunchHandler(_TurnHandler):
    """ "Alexa, open upper back routine": welcome, welcome back, or offer to resume."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.turn.run(handler_input, Command.LAUNCH)


class IntentHandler(_TurnHandler):
    """Every intent: known ones through the table, anything else as not understood."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = str(get_intent_name(handler_input))
        command = INTENT_COMMANDS.get(name)
        if command is None:
            log.warning("intent not in the model", extra={"intent": name[:100]})
            return self.turn.run(handler_input, Command.FALLBACK)
        target = None
        request = handler_input.request_envelope.request
        if command is Command.GOTO and isinstance(request, IntentRequest):
            target = requested_move(request, self.turn.routine)
        return self.turn.run(handler_input, command, target)


class SessionEndedHandler(_TurnHandler):
    """The user walked away or said stop mid-prompt: settle any owed save, say nothing."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        log.info("session ended", extra={"reason": str(getattr(request, "reason", ""))})
        return self.turn.run(handler_input, Command.SESSION_END)


class SkillEventHandler(AbstractRequestHandler):
    """Skill enabled or disabled: sent without a session. Disabling forgets the user's place
    (the user id changes if they enable the skill again, so the record would never be read)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return str(get_request_type(handler_input)).startswith("AlexaSkillEvent.")

    def handle(self, handler_input: HandlerInput) -> Response:
        kind = str(get_request_type(handler_input))
        log.info("skill event", extra={"event": kind})
        if kind == "AlexaSkillEvent.SkillDisabled":
            handler_input.attributes_manager.delete_persistent_attributes()
        return handler_input.response_builder.response


class OtherRequestHandler(_TurnHandler):
    """Any other request type: answer within the session if there is one, else nothing."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.warning("unexpected request type", extra={"type": get_request_type(handler_input)})
        if handler_input.request_envelope.session is None:
            return handler_input.response_builder.response
        return self.turn.run(handler_input, Command.FALLBACK)


class ApologyHandler(AbstractExceptionHandler):
    """Last resort: log what broke (not the envelope), apologise, keep the session and place."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        observability.log_error(
            "unhandled error",
            exception,
            type=getattr(request, "object_type", None),
            intent=str(intent)[:100],
        )
        if handler_input.request_envelope.session is None:
            return handler_input.response_builder.response
        apology = Ssml(sentence(phrases.APOLOGY))
        return respond(handler_input, Reply(apology, Ssml(sentence(phrases.REPROMPT_GENERAL))))


def requested_move(request: IntentRequest, routine: Routine) -> int | None:
    """The 0-based move a GoToMove request names: by resolved name, by heard name, or by number
    or ordinal (out-of-range numbers are passed on for navigation to refuse). None when the
    request names no move we can tell."""
    slots = (request.intent.slots or {}) if request.intent else {}
    move = slots.get(MOVE_SLOT)
    if move is not None and move.value:
        return _by_name(move, routine)
    for name in (NUMBER_SLOT, ORDINAL_SLOT):
        slot = slots.get(name)
        if slot is not None and slot.value:
            value = slot.value.strip()
            return int(value) - 1 if _DIGITS.match(value) else None
    return None


def _by_name(slot: Any, routine: Routine) -> int | None:
    resolutions = getattr(slot.resolutions, "resolutions_per_authority", None) or []
    for authority in resolutions:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
            for value in authority.values or []:
                index = routine.index_of(value.value.id)
                if index is not None:
                    return index
    heard = " ".join(str(slot.value).lower().split())
    for index, move in enumerate(routine.moves):
        if heard in {
            word
            for locale in ("en-US", *move.synonyms_by_locale)
            for word in move.words_for(locale)
        }:
            return index
    return None
