"""One turn of the conversation, one way through: load, step, commit, present.

- load: the session's copy of the person's state, or the stored record at the start of a session
  (or when the last read failed);
- step: the pure core answers the command;
- commit: run the effects: save against the expected revision when the state changed (or an
  earlier save is still owed), telling this session's own lost-answer write from another
  device's newer record;
- present: render the outcome, with what became of the save, and map it to Alexa's response.

Storage faults never reach the user as errors: the reply is spoken from the session's state, a
failed save is owed and retried on a later turn, and nothing claims a save that did not happen.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, assert_never

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_dynamodb.partition_keygen import person_id_partition_keygen
from ask_sdk_model import Response

from upper_back.adapters.port import Found, ProgressStore, RawRecord, Saved, Stale, Unavailable
from upper_back.core.commands import Command, Launch
from upper_back.core.navigation import Context, Transition, step
from upper_back.core.outcomes import SaveState
from upper_back.core.record import Issue, Stored, decode, encode
from upper_back.core.routine import Routine
from upper_back.core.session import SessionCopy, Sync, from_session, to_session
from upper_back.core.state import Question
from upper_back.edge import observability
from upper_back.edge.respond import has_screen, to_response
from upper_back.render.speech import Kept, Note, Saving, Speaker

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
SAVE_ATTEMPTS = 3
"""A save, a save on top of this session's own landed write, and one after re-applying the
command to another device's newer record: then the newer record wins until the next turn."""
ISSUE_NOTES = {Issue.UNKNOWN_MOVE: Note.MOVE_REMOVED, Issue.CORRUPT: Note.UNREADABLE}


@dataclass
class _Storage:
    """The store as one request sees it: once a call fails, the rest of the request leaves it
    alone, so a hanging DynamoDB costs one bounded call, not one per attempt."""

    store: ProgressStore
    key: str | None
    reachable: bool = True

    def load(self) -> RawRecord | None:
        if not self.reachable or self.key is None:
            return None
        result = self.store.load(self.key)
        match result:
            case Found(record=record):
                return record
            case Unavailable(reason=reason):
                self.reachable = False
                log.error("could not read the stored place", extra={"reason": reason[:200]})
                observability.count("StoreReadFailed")
                return None
            case _:
                assert_never(result)

    def save(self, record: RawRecord, expected: int) -> Saved | Stale | Unavailable:
        if not self.reachable or self.key is None:
            return Unavailable("skipped after an earlier failure in this request")
        result = self.store.save(self.key, record, expected)
        if isinstance(result, Unavailable):
            self.reachable = False
            log.error("could not save the place", extra={"reason": result.reason[:200]})
            observability.count("StoreWriteFailed")
        elif isinstance(result, Stale):
            observability.count("StaleWrite")
        return result


@dataclass(frozen=True)
class Request:
    """What a turn needs from the envelope."""

    key: str | None
    writer: str
    in_session: bool
    attributes: Mapping[str, Any] | None
    locale: str
    now: datetime
    screen: bool

    @classmethod
    def of(cls, handler_input: HandlerInput, clock: Clock) -> Request:
        envelope = handler_input.request_envelope
        try:
            key: str | None = person_id_partition_keygen(envelope)
        except PersistenceException:
            key = None
        session = envelope.session
        session_id = str(getattr(session, "session_id", None) or "")
        timestamp = getattr(envelope.request, "timestamp", None)
        now = timestamp if isinstance(timestamp, datetime) else clock()
        return cls(
            key=key,
            # Names this session's writes without storing its id: a save whose answer was lost
            # is recognised as this session's own on the next read.
            writer=hashlib.sha256(session_id.encode()).hexdigest()[:16],
            in_session=session is not None,
            attributes=handler_input.attributes_manager.session_attributes if session else None,
            locale=str(getattr(envelope.request, "locale", None) or "en-US"),
            now=now if now.tzinfo else now.replace(tzinfo=UTC),
            screen=has_screen(envelope),
        )


@dataclass(frozen=True)
class Turns:
    """Runs commands for one routine against one store; built once per container."""

    routine: Routine
    store: ProgressStore
    clock: Clock

    @cached_property
    def layout(self) -> tuple[int, ...]:
        """Parts per move: fixed for the container's life, so worked out once."""
        return tuple(move.parts for move in self.routine.moves)

    def run(self, handler_input: HandlerInput, command: Command) -> Response:
        request = Request.of(handler_input, self.clock)
        storage = _Storage(self.store, request.key)
        context = Context(self.layout, request.now)
        copy, note = self._load(request, storage, command)
        transition = step(copy.state, copy.question, command, context)
        copy, transition, kept = self._commit(
            request, storage, before=copy, transition=transition, command=command, context=context
        )
        observability.record_turn(command, transition.outcome, bool(transition.effects))
        reply = Speaker(self.routine, request.locale).render(transition.outcome, kept, note)
        if request.in_session:
            attributes = to_session(copy, self.routine, request.writer, request.now)
            handler_input.attributes_manager.session_attributes = attributes
        return to_response(reply, screen=request.screen, in_session=request.in_session)

    def _load(
        self, request: Request, storage: _Storage, command: Command
    ) -> tuple[SessionCopy, Note | None]:
        """The session's copy, or the stored one at the start of a session, and a note for the
        user when the stored record could not be used as it was."""
        current = from_session(request.attributes, self.routine) if request.in_session else None
        if current is not None and current.sync.loaded:
            return current, None
        raw = storage.load()
        if raw is None:
            if current is not None:
                return current, None
            # Only a launch goes on to offer the start; any other command is answered as asked.
            note = Note.COULD_NOT_LOAD if isinstance(command, Launch) else Note.COULD_NOT_REACH
            return SessionCopy(sync=Sync(loaded=False)), note
        stored = decode(raw, self.routine)
        if stored.issue is not None:
            log.warning("stored record unusable", extra={"issue": stored.issue.value})
        if stored.read_only:
            log.info("stored record is newer than this code: reading it, never writing it")
        sync = Sync(
            revision=stored.revision,
            read_only=stored.read_only,
            saved_place=stored.state.place,
        )
        if current is not None and current.sync.owed:
            # The session moved on while the store was unreachable: its place wins, at the
            # stored revision, so the owed save can land.
            return replace(current, sync=replace(sync, owed=True)), None
        question = current.question if current is not None else Question.NONE
        copy = SessionCopy(stored.state, stored.extra, question, sync)
        return copy, None if stored.issue is None else ISSUE_NOTES[stored.issue]

    def _commit(
        self,
        request: Request,
        storage: _Storage,
        *,
        before: SessionCopy,
        transition: Transition,
        command: Command,
        context: Context,
    ) -> tuple[SessionCopy, Transition, Kept]:
        """Run the transition's effects; answer the session's new copy, the transition that
        stands (re-applied if another device had moved on) and what became of the place."""
        sync, extra = before.sync, before.extra
        for _attempt in range(SAVE_ATTEMPTS):
            owed = any(isinstance(effect, SaveState) for effect in transition.effects) or sync.owed
            after = SessionCopy(transition.state, extra, transition.question, sync)
            if sync.read_only:
                # A newer version's record: this session never writes it, and never says it did.
                return after, transition, Kept(Saving.NOT_WRITTEN, sync.saved_place)
            if not owed:
                return after, transition, Kept(Saving.SAVED, sync.saved_place)
            record = encode(
                transition.state,
                self.routine,
                revision=sync.revision + 1,
                writer=request.writer,
                now=request.now,
                extra=extra,
            )
            result = storage.save(record, sync.revision)
            match result:
                case Saved():
                    sync = Sync(sync.revision + 1, saved_place=transition.state.place)
                    return replace(after, sync=sync), transition, Kept(Saving.SAVED)
                case Unavailable(uncertain=uncertain):
                    # Owed: retried next turn. If the write may have landed all the same, the
                    # store's place is not known, so the goodbye names none.
                    sync = replace(
                        sync, owed=True, saved_place=None if uncertain else sync.saved_place
                    )
                    return (
                        replace(after, sync=sync),
                        transition,
                        Kept(Saving.FAILED, sync.saved_place),
                    )
                case Stale(current=current):
                    raw = current if current is not None else storage.load()
                    if raw is None:
                        break
                    newer = decode(raw, self.routine)
                    if newer.read_only:
                        sync = replace(sync, revision=newer.revision, read_only=True)
                    elif newer.writer == request.writer:
                        # This session's own save landed though its answer was lost: write the
                        # newer place on top of it.
                        log.info("an earlier save of this session had landed; saving on top")
                        sync = replace(sync, revision=newer.revision)
                    else:
                        log.warning("stored record moved on; applying the command to it")
                        transition = self._reapply(newer, before, command, context)
                        sync = Sync(newer.revision, saved_place=newer.state.place)
                        extra = newer.extra
                case _:
                    assert_never(result)
        # Still racing (or the newer record could not be read): the newer record wins, and is
        # read again next turn rather than overwritten.
        after = SessionCopy(
            transition.state, extra, transition.question, replace(sync, loaded=False)
        )
        return after, transition, Kept(Saving.FAILED, None)

    @staticmethod
    def _reapply(
        newer: Stored, before: SessionCopy, command: Command, context: Context
    ) -> Transition:
        """Another device saved first: the same command, from the place it left."""
        return step(newer.state, before.question, command, context)
