"""``build_skill``: the skill assembled from its handlers, once per container."""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from upper_back.core.routine import Routine, load_routine
from upper_back.edge.handlers import (
    ApologyHandler,
    IntentHandler,
    LaunchHandler,
    OtherRequestHandler,
    RequestLogger,
    SessionEndedHandler,
    SkillEventHandler,
)
from upper_back.edge.turn import Turn


def build_skill(
    adapter: AbstractPersistenceAdapter, skill_id: str | None = None, routine: Routine | None = None
) -> CustomSkill:
    """The skill with its handlers in dispatch order. With ``skill_id`` the SDK refuses any
    request for another skill before a handler (or the store) is reached."""
    turn = Turn(routine or load_routine(), adapter)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.skill_id = skill_id  # type: ignore[assignment]  # the SDK declares it as None
    for handler in (
        LaunchHandler(turn),
        IntentHandler(turn),
        SessionEndedHandler(turn),
        SkillEventHandler(),
        OtherRequestHandler(turn),
    ):
        builder.add_request_handler(handler)
    builder.add_global_request_interceptor(RequestLogger())
    builder.add_exception_handler(ApologyHandler())
    return builder.create()
