"""Composition root: reads the environment, builds the skill once per container, and exposes
``lambda_handler``. The skill (and its AWS resource) is built on the first request, not at import,
so a cold start pays only for what it uses and tests can start moto first."""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from upper_back.adapters.dynamodb import dynamodb_adapter
from upper_back.edge import observability
from upper_back.edge.config import Settings
from upper_back.edge.skill import build_skill
from upper_back.render import phrases
from upper_back.render.ssml import sentence

log = logging.getLogger("upper_back")
# boto3 and botocore log request parameters at DEBUG, and our partition key is a user or person
# id: keep them quiet even when the function's log level is lowered to investigate.
for _noisy in ("boto3", "botocore", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)
_skill: CustomSkill | None = None
_settings: Settings | None = None


class ForeignSkillError(PermissionError):
    """A request addressed to another skill: refused before any handler or storage runs."""


def _adapter(settings: Settings) -> AbstractPersistenceAdapter:
    if settings.local_store_path:
        from sim.local_store import SqliteAdapter  # noqa: PLC0415 (laptop only)

        return SqliteAdapter(settings.local_store_path)
    if not settings.table_name:
        raise RuntimeError("TABLE_NAME is not set: the function cannot find its DynamoDB table")
    return dynamodb_adapter(settings.table_name)


def reset() -> None:
    """Forget the built skill, so the next request reads the environment again (tests, and the
    simulator switching stores)."""
    global _skill, _settings  # noqa: PLW0603
    _skill = _settings = None


def _application_id(event: Any) -> object:
    try:
        return event["context"]["System"]["application"]["applicationId"]
    except (KeyError, TypeError):
        return None


def _failure(event: Any) -> dict[str, Any]:
    """A valid response for a request the SDK could not even read. Inside a session, the
    session (and the place it carries) is kept and the user is asked to say it again."""
    session = event.get("session") if isinstance(event, dict) else None
    attributes = session.get("attributes") if isinstance(session, dict) else None
    if not isinstance(attributes, dict):
        return {
            "version": "1.0",
            "response": {
                "outputSpeech": {
                    "type": "SSML",
                    "ssml": f"<speak>{sentence(phrases.UNREADABLE)}</speak>",
                },
                "shouldEndSession": True,
            },
        }
    reprompt = f"<speak>{sentence(phrases.REPROMPT_GENERAL)}</speak>"
    return {
        "version": "1.0",
        "sessionAttributes": attributes,
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{sentence(phrases.APOLOGY)}</speak>"},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": reprompt}},
            "shouldEndSession": False,
        },
    }


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Alexa's entry point: one request envelope in, one response envelope out."""
    global _skill, _settings  # noqa: PLW0603
    if _settings is None:
        _settings = Settings.from_env()
    if _settings.skill_id and _application_id(event) != _settings.skill_id:
        log.warning("refused a request for another skill")
        raise ForeignSkillError("request is not for this skill")
    if _skill is None:
        _skill = build_skill(_adapter(_settings), skill_id=_settings.skill_id)
    try:
        envelope = _skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        response = _skill.invoke(envelope, context)
    except Exception as error:
        observability.log_error("request could not be handled", error)
        return _failure(event)
    finally:
        observability.flush()
    return cast(dict[str, Any], _skill.serializer.serialize(response))
