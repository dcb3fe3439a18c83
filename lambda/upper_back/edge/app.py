"""The composition root: ``build_handler(settings, store=…, clock=…, api_client=…)`` returns an
Alexa handler (one request envelope in, one response envelope out).

Nothing here is a module global: ``lambda_function.lambda_handler`` is one handler built once per
container; the simulator and the tests build their own with their own store, clock and Alexa API
client, and go through exactly the same code.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import Context, Request, RequestEnvelope, Response, ResponseEnvelope
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.services import ApiClient

from upper_back.adapters.port import ProgressStore
from upper_back.core.routine import Routine, load_routine
from upper_back.edge import observability
from upper_back.edge.api_client import BoundedApiClient
from upper_back.edge.config import Settings
from upper_back.edge.handlers import (
    ApologyHandler,
    IntentHandler,
    LaunchHandler,
    NotActedOnHandler,
    PermissionAnswerHandler,
    RemindersDeletedHandler,
    RequestLogger,
    SessionEndedHandler,
    SkillDisabledHandler,
    SkillEnabledHandler,
    TapHandler,
    UnknownRequestHandler,
)
from upper_back.edge.respond import to_response
from upper_back.edge.turn import Clock, Turns
from upper_back.render.speech import apology, unreadable_request

log = logging.getLogger("upper_back")
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_SERIALIZER = DefaultSerializer()


class ForeignSkillError(PermissionError):
    """A request addressed to another skill: refused before any handler or storage runs."""


def _now() -> datetime:
    return datetime.now(UTC)


def _default_store(settings: Settings) -> ProgressStore:
    if not settings.table_name:
        raise RuntimeError("TABLE_NAME is not set: the function cannot find its DynamoDB table")
    from upper_back.adapters.dynamodb import DynamoDbProgressStore  # noqa: PLC0415 (boto3)

    return DynamoDbProgressStore(settings.table_name)


def build_skill(
    store: ProgressStore,
    *,
    clock: Clock = _now,
    api_client: ApiClient | None = None,
    routine: Routine | None = None,
) -> CustomSkill:
    """The SDK skill with one handler per request type, in dispatch order."""
    turns = Turns(routine or load_routine(), store, clock)
    builder = CustomSkillBuilder(api_client=api_client or BoundedApiClient())
    for handler in (
        LaunchHandler(turns),
        IntentHandler(turns),
        SessionEndedHandler(turns),
        PermissionAnswerHandler(turns),
        RemindersDeletedHandler(turns),
        TapHandler(turns),
        SkillEnabledHandler(),
        SkillDisabledHandler(store),
        NotActedOnHandler(),
    ):
        builder.add_request_handler(handler)
    builder.add_global_request_interceptor(RequestLogger())
    builder.add_exception_handler(UnknownRequestHandler())
    builder.add_exception_handler(ApologyHandler())
    return builder.create()


def _application_id(event: Any) -> object:
    try:
        return event["context"]["System"]["application"]["applicationId"]
    except (KeyError, TypeError):
        return None


def _read(skill: CustomSkill, event: dict[str, Any]) -> RequestEnvelope:
    """The envelope as the SDK's model reads it. A session end whose ``reason`` or ``error`` this
    model does not know (Alexa may add values) is read without them: the session still ended,
    and a save it owes must still be made."""
    try:
        return cast(
            RequestEnvelope, skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        )
    except Exception:
        request = event.get("request")
        if not (isinstance(request, dict) and request.get("type") == "SessionEndedRequest"):
            raise
        log.warning("session ended for a reason this model does not know")
        plain = {key: value for key, value in request.items() if key not in ("reason", "error")}
        return cast(
            RequestEnvelope,
            skill.serializer.deserialize(json.dumps({**event, "request": plain}), RequestEnvelope),
        )


def _request_type(event: Any) -> object:
    request = event.get("request") if isinstance(event, dict) else None
    return request.get("type") if isinstance(request, dict) else None


def _new_kind_of_request(event: Any) -> bool:
    """A well-formed request type that the SDK's model does not know (yet): not an error."""
    kind = _request_type(event)
    return (
        isinstance(kind, str) and bool(kind) and kind not in Request.discriminator_value_class_map
    )


def _last_resort(event: Any) -> dict[str, Any]:
    """A valid response for a request the skill could not even read. A well-formed request type
    the SDK's model does not know (a new kind of event) gets an empty response; anything else
    is apologised for, and inside a session the session (and the place it carries) is kept."""
    session = event.get("session") if isinstance(event, dict) else None
    attributes = session.get("attributes") if isinstance(session, dict) else None
    in_session = isinstance(attributes, dict)
    if not _new_kind_of_request(event):
        reply = apology() if in_session else unreadable_request()
        response = to_response(reply, screen=False, in_session=True)
    else:
        log.warning(
            "request type not handled", extra={"request_type": str(_request_type(event))[:100]}
        )
        response = Response()
    envelope = ResponseEnvelope(
        version="1.0", session_attributes=attributes if in_session else None, response=response
    )
    return cast(dict[str, Any], _SERIALIZER.serialize(envelope))


def build_handler(
    settings: Settings,
    *,
    store: ProgressStore | None = None,
    clock: Clock = _now,
    api_client: ApiClient | None = None,
    routine: Routine | None = None,
) -> Handler:
    """An Alexa handler for ``settings``. Without ``store`` it uses the DynamoDB table named in
    the settings (its AWS client is built on first use, not here). With ``settings.skill_id``
    a request for any other skill is refused before anything is read."""
    skill = build_skill(
        store if store is not None else _default_store(settings),
        clock=clock,
        api_client=api_client,
        routine=routine,
    )
    skill_id = settings.skill_id

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if skill_id and _application_id(event) != skill_id:
            log.warning("refused a request for another skill")
            raise ForeignSkillError("request is not for this skill")
        try:
            envelope = _read(skill, event)
            if envelope.context is None or envelope.context.system is None:
                # Alexa always sends one; the SDK reads the API token from it before any handler
                # runs, so a request without one is answered as one with no user and no device.
                envelope.context = Context(system=SystemState())
            response = skill.invoke(envelope, context)
            answer = cast(dict[str, Any], skill.serializer.serialize(response))
        except Exception as error:
            if not _new_kind_of_request(event):
                observability.log_error("request could not be handled", error)
            return _last_resort(event)
        finally:
            observability.flush()
        return answer

    return handle
