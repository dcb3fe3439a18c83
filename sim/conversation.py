"""A conversation with the skill that threads the session from turn to turn, as Alexa does."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sim.envelopes import (
    Caller,
    Envelope,
    SlotValue,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
)

Handler = Callable[[Envelope, Any], dict[str, Any]]


@dataclass(frozen=True)
class Turn:
    """One response, with the parts a listener (or a test) cares about."""

    raw: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return dict(self.raw.get("response") or {})

    @property
    def ssml(self) -> str:
        return str((self.response.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def reprompt(self) -> str:
        speech = (self.response.get("reprompt") or {}).get("outputSpeech") or {}
        return str(speech.get("ssml", ""))

    @property
    def ends_session(self) -> bool:
        return bool(self.response.get("shouldEndSession"))

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.raw.get("sessionAttributes") or {})


@dataclass
class Conversation:
    """Sends requests for one caller and keeps the session open between turns until it ends."""

    handler: Handler
    caller: Caller = field(default_factory=Caller)
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    history: list[Turn] = field(default_factory=list)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """The time each request is stamped with (a test or the simulator's /date moves it)."""

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def send(self, request: dict[str, Any]) -> Turn:
        """Send ``request`` in the current session, opening a new one if none is open."""
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        event = envelope(
            request, self.caller, self.session_id, self.attributes, new=new, now=self.clock()
        )
        turn = Turn(self.handler(event, None))
        self.history.append(turn)
        if request["type"] == "SessionEndedRequest" or turn.ends_session:
            self.session_id = None
            self.attributes = {}
        else:
            self.attributes = turn.attributes
        return turn

    def launch(self) -> Turn:
        """ "Alexa, open upper back routine": always a new session."""
        self.session_id = None
        return self.send(launch_request())

    def say(self, intent: str, **slots: SlotValue) -> Turn:
        return self.send(intent_request(intent, slots))

    def send_outside(self, request: dict[str, Any]) -> Turn:
        """Send ``request`` without a session (a skill event), leaving any session as it is."""
        turn = Turn(self.handler(envelope(request, self.caller, now=self.clock()), None))
        self.history.append(turn)
        return turn

    def end_session(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Turn | None:
        """The user walked away: Alexa closes the session (if one is open)."""
        if self.session_id is None:
            return None
        return self.send(session_ended_request(reason))
