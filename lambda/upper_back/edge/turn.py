"""One turn of the conversation: current state, navigation step, save if changed, reply.

This is the only place that decides when storage is touched: the stored record is read when a
session has no state yet (or the last read failed), and written only when the position changed
or an earlier save is still owed. Storage faults never reach the user as errors: the reply is
spoken normally from the session's state and the save is retried on a later turn.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope, Response
from ask_sdk_model.ui import SimpleCard

from upper_back.core.navigation import Command, Position, step
from upper_back.core.record import (
    Decoded,
    Issue,
    SessionState,
    decode,
    encode,
    from_session,
    to_session,
)
from upper_back.core.routine import Routine
from upper_back.edge import observability
from upper_back.edge.errors import StaleWriteError
from upper_back.render import phrases, screen
from upper_back.render.speech import Reply, Speaker

log = logging.getLogger(__name__)

ISSUE_NOTES: dict[Issue | None, str] = {
    None: "",
    Issue.UNKNOWN_MOVE: phrases.MOVE_REMOVED,
    Issue.UNKNOWN_VERSION: phrases.OLD_VERSION,
    Issue.CORRUPT: phrases.UNREADABLE_PLACE,
}


@dataclass
class _Store:
    """Storage as seen by one request: once a call fails, the rest of the request leaves the
    store alone, so a hanging DynamoDB costs one bounded call, not one per step."""

    adapter: AbstractPersistenceAdapter
    envelope: RequestEnvelope
    reachable: bool = True

    def load(self, routine: Routine) -> Decoded | None:
        if not self.reachable:
            return None
        try:
            raw = self.adapter.get_attributes(request_envelope=self.envelope)
        except PersistenceException as error:
            self.reachable = False
            log.error("could not read the stored position", extra={"error": str(error)[:300]})
            observability.count("StoreReadFailed")
            return None
        return decode(raw, routine)

    def save(self, record: dict[str, object]) -> bool | None:
        """True when saved, False when it failed, None when the record moved on meanwhile."""
        if not self.reachable:
            return False
        try:
            self.adapter.save_attributes(request_envelope=self.envelope, attributes=record)
        except StaleWriteError:
            log.warning("stored record moved on; applying the command to the newer place")
            observability.count("StaleWrite")
            return None
        except PersistenceException as error:
            self.reachable = False
            log.error("could not save the position", extra={"error": str(error)[:300]})
            observability.count("StoreWriteFailed")
            return False
        return True


@dataclass(frozen=True)
class Turn:
    """Runs commands against one routine and one store; built once per container."""

    routine: Routine
    adapter: AbstractPersistenceAdapter

    @cached_property
    def layout(self) -> tuple[int, ...]:
        """Parts per move: fixed for the container's life, so worked out once."""
        return tuple(move.parts for move in self.routine.moves)

    def run(
        self, handler_input: HandlerInput, command: Command, target: int | None = None
    ) -> Response:
        """Answer ``command`` (``target``: the 0-based move for GOTO)."""
        store = _Store(self.adapter, handler_input.request_envelope)
        state, note = self._state(handler_input, store, command)
        for _attempt in range(2):
            before = state.position
            position, outcome = step(self.layout, before, command, target)
            changed = not position.same_place(before)
            if not (changed or state.unsaved):
                state = replace(state, position=position)
                break
            saved = store.save(encode(position, self.routine, state.revision + 1, _now()))
            if saved is not None:
                revision = state.revision + 1 if saved else state.revision
                state = SessionState(position, revision, unsaved=not saved, verified=state.verified)
                break
            # Another device saved first: apply the same command to the place it left.
            fresh = store.load(self.routine)
            if fresh is None:
                # The newer record wins: read it again next turn rather than overwrite it.
                state = SessionState(position, state.revision, verified=False)
                break
            state = SessionState(replace(fresh.position, question=before.question), fresh.revision)
        else:
            # Still racing after a second try: the newer record wins, read again next turn.
            state = SessionState(position, state.revision, verified=False)
        observability.record_turn(command, outcome, position, changed)
        locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
        reply = Speaker(self.routine, locale).render(outcome, position, note)
        if handler_input.request_envelope.session is not None:
            handler_input.attributes_manager.session_attributes = to_session(state, self.routine)
        return respond(handler_input, reply)

    def _state(
        self, handler_input: HandlerInput, store: _Store, command: Command
    ) -> tuple[SessionState, str]:
        """The session's state, or the stored one at the start of a session (plus a note for
        the user when the stored record could not be used as it was)."""
        session = handler_input.request_envelope.session
        attributes = handler_input.attributes_manager.session_attributes if session else None
        current = from_session(attributes, self.routine)
        if current is not None and current.verified:
            return current, ""
        loaded = store.load(self.routine)
        if loaded is None:
            if current is not None:
                return current, ""
            # Only a launch goes on to offer the start; any other command is answered as asked.
            note = phrases.COULD_NOT_LOAD if command is Command.LAUNCH else phrases.COULD_NOT_REACH
            return SessionState(Position(), 0, verified=False), note
        if loaded.issue is not None:
            log.warning("stored record unusable", extra={"issue": loaded.issue.value})
        if current is not None and current.unsaved:
            # The session moved on while the store was unreachable: its place wins, at the
            # stored revision, so the owed save can land.
            return replace(current, revision=loaded.revision, verified=True), ""
        question = current.position.question if current else loaded.position.question
        position = replace(loaded.position, question=question)
        note = ISSUE_NOTES[loaded.issue]
        return SessionState(position, loaded.revision), note


def _now() -> datetime:
    return datetime.now(UTC)


def _has_screen(handler_input: HandlerInput) -> bool:
    """Whether the device renders APL; a request without context or device has no screen."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    """Map a reply onto the SDK's response builder; the end of the session is always explicit."""
    builder = handler_input.response_builder
    if reply.speech:
        builder.speak(reply.speech)
    if reply.card_text:
        builder.set_card(SimpleCard(title=reply.card_title, content=reply.card_text))
    if reply.speech and _has_screen(handler_input):
        # Every spoken reply repaints the screen, so it never shows a move the user has left;
        # a reply without a card shows the title and what to say. Imported here: the APL model
        # is hundreds of modules, and most devices have no screen.
        from ask_sdk_model.interfaces.alexa.presentation.apl import (  # noqa: PLC0415
            RenderDocumentDirective,
        )

        builder.add_directive(
            RenderDocumentDirective(
                token=screen.TOKEN,
                document=screen.document(),
                datasources=screen.datasources(reply.card_title, reply.card_text),
            )
        )
    if reply.reprompt is None:
        if handler_input.request_envelope.session is not None and reply.speech:
            builder.set_should_end_session(True)
    else:
        builder.ask(reply.reprompt)
    return builder.response
