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
from decimal import Decimal
from functools import cached_property
from typing import Any, assert_never

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_dynamodb.partition_keygen import person_id_partition_keygen
from ask_sdk_model import Response

from upper_back.adapters.port import Found, ProgressStore, RawRecord, Saved, Stale, Unavailable
from upper_back.core.commands import AskProgress, Command, Launch, name
from upper_back.core.navigation import Context, Transition, step
from upper_back.core.outcomes import (
    CreateReminder,
    DeleteReminder,
    ReminderFailed,
    ReminderProblem,
    SaveState,
)
from upper_back.core.record import Issue, Stored, decode, encode
from upper_back.core.reminders import Created, Deleted, Refused, ReminderResult, settle
from upper_back.core.routine import Routine
from upper_back.core.session import (
    Owed,
    ReadOnly,
    SessionCopy,
    Synced,
    Unread,
    from_session,
    to_session,
)
from upper_back.core.state import Preferences, Progress, Question, UserState
from upper_back.edge import observability
from upper_back.edge.alexa_services import AlexaServices, local_date
from upper_back.edge.respond import has_screen, to_response
from upper_back.render import screen as screens
from upper_back.render.speech import Kept, Note, Saving, Speaker

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Settled = tuple[tuple[CreateReminder | DeleteReminder, ReminderResult], ...]
"""The reminder calls a turn made and what Alexa answered, to settle a re-applied step by."""
SAVE_ATTEMPTS = 3
"""A save, a save on top of this session's own landed write, and one after re-applying the
command to another device's newer record: then the newer record wins until the next turn."""


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
    new_session: bool
    attributes: Mapping[str, Any] | None
    locale: str
    now: datetime
    screen: bool

    @property
    def seed(self) -> str:
        """A stable seed for the choice among phrasings: the same person on the same day hears
        the same words for the same place, another day or person may hear others. A hash, so
        no id reaches the renderer (never Python's ``hash()``, which varies by process)."""
        day = self.now.date().isoformat()
        return hashlib.sha256(f"{self.key or ''}|{day}".encode()).hexdigest()[:12]

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
            new_session=bool(session is not None and session.new),
            attributes=handler_input.attributes_manager.session_attributes if session else None,
            locale=str(getattr(envelope.request, "locale", None) or "en-US"),
            now=now if now.tzinfo else now.replace(tzinfo=UTC),
            screen=has_screen(envelope),
        )


SCREEN_TURN = "screen_turn"
"""Session attribute: how many replies this session has sent, which a screen's token carries."""


def _screen_turn(attributes: Mapping[str, Any] | None) -> int:
    turn = (attributes or {}).get(SCREEN_TURN)
    return int(turn) if isinstance(turn, int | Decimal) and not isinstance(turn, bool) else 0


@dataclass(frozen=True)
class Tap:
    """A button tapped on the screen: the token of the screen it was on (None: not ours)."""

    shown: screens.ScreenToken | None

    def stale(self, request: Request, copy: SessionCopy) -> bool:
        """Whether the screen tapped no longer shows where the person is: within a session, an
        older reply's screen; in a new session (the screen outlived its own), one that showed
        another place than the person's now."""
        if self.shown is None:
            return True
        if request.in_session and not request.new_session:
            return self.shown.turn != _screen_turn(request.attributes)
        return self.shown.place != screens.place_key(copy.state.place)


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

    @cached_property
    def ids(self) -> tuple[str, ...]:
        """The moves' ids, in routine order (preferences name moves by id)."""
        return tuple(move.id for move in self.routine.moves)

    def run(
        self, handler_input: HandlerInput, command: Command, *, tap: Tap | None = None
    ) -> Response:
        request = Request.of(handler_input, self.clock)
        storage = _Storage(self.store, request.key)
        services = AlexaServices(handler_input, request.locale)
        copy, note = self._load(request, storage, command)
        if tap is not None and tap.stale(request, copy):
            # A button on a screen that no longer shows where the person is: nothing is done,
            # and they hear why and where they are (the screen is painted afresh).
            log.info("tap on an old screen", extra={"command": name(command)})
            command, note = AskProgress(), note or Note.STALE_SCREEN
        copy, context = self._localised(request, copy, services)
        transition = step(copy.state, copy.question, command, context)
        # A reminder call needs a record its token can be saved in (and read from): not one that
        # could not be read, nor one newer than this code (never written).
        writable = not isinstance(copy.sync, Unread | ReadOnly)
        transition, settled = _run_reminders(
            services, transition, copy.state.habit.zone, request.now, writable
        )
        copy, transition, kept = self._commit(
            request,
            storage,
            before=copy,
            transition=transition,
            command=command,
            context=context,
            settled=settled,
        )
        copy, transition = _undo_orphaned_reminder(
            services, copy, transition, settled, saved=kept.saving is Saving.SAVED
        )
        observability.record_turn(command, transition.outcome, bool(transition.effects))
        speaker = Speaker(
            self.routine,
            request.locale,
            seed=request.seed,
            preferences=transition.state.preferences,
        )
        reply = speaker.render(transition.outcome, kept, note)
        turn = _screen_turn(request.attributes) + 1
        if request.in_session:
            attributes = to_session(copy, self.routine, request.writer, request.now)
            handler_input.attributes_manager.session_attributes = {
                **attributes,
                SCREEN_TURN: turn,
            }
        shown = screens.token(turn, copy.state.place)
        return to_response(reply, screen=request.screen, in_session=request.in_session, token=shown)

    def _localised(
        self, request: Request, copy: SessionCopy, services: AlexaServices
    ) -> tuple[SessionCopy, Context]:
        """The copy with the device's zone (looked up once per session; when the lookup fails,
        the zone stored last time stands, else UTC), and the step's context: "today" is the
        person's own date."""
        if request.new_session:
            zone = services.time_zone()
            if zone is not None:
                copy = replace(copy, state=_zoned(copy.state, zone))
        today = local_date(request.now, copy.state.habit.zone)
        known = not isinstance(copy.sync, Unread)
        return copy, Context(self.layout, request.now, self.ids, today, known=known)

    def _load(
        self, request: Request, storage: _Storage, command: Command
    ) -> tuple[SessionCopy, Note | None]:
        """The session's copy, or the stored one at the start of a session (or while the
        session does not know it), and a note for the user when it could not be used as it was."""
        current = from_session(request.attributes, self.routine) if request.in_session else None
        if current is not None and not isinstance(current.sync, Unread):
            return current, None
        raw = storage.load()
        if raw is None:
            if current is not None:
                return current, None
            # Only a launch goes on to offer the start; any other command is answered as asked.
            note = Note.COULD_NOT_LOAD if isinstance(command, Launch) else Note.COULD_NOT_REACH
            return SessionCopy(sync=Unread()), note
        stored = decode(raw, self.routine)
        if stored.issue is not None:
            log.warning("stored record unusable", extra={"issue": stored.issue.value})
        if stored.read_only:
            log.info("stored record is newer than this code: reading it, never writing it")
            # Nothing is said about it: the person carries on from what this code can read.
            question = current.question if current is not None else Question.NONE
            return SessionCopy(
                stored.state, stored.extra, question, ReadOnly(stored.revision)
            ), None
        if current is not None and isinstance(current.sync, Unread) and current.sync.changed:
            # The session moved on while the store could not be read: what it did goes on top
            # of the record, which keeps everything the session never knew.
            state = _laid_on(stored.state, current.state, current.sync.counted_from)
            owed = Owed(stored.revision, stored.state.place)
            return SessionCopy(state, stored.extra, current.question, owed), None
        question = current.question if current is not None else Question.NONE
        copy = SessionCopy(stored.state, stored.extra, question, Synced(stored.revision))
        return copy, _note(stored)

    def _commit(  # noqa: PLR0912 (a case per sync and per save result, as mypy checks)
        self,
        request: Request,
        storage: _Storage,
        *,
        before: SessionCopy,
        transition: Transition,
        command: Command,
        context: Context,
        settled: Settled = (),
    ) -> tuple[SessionCopy, Transition, Kept]:
        """Run the transition's effects; answer the session's new copy, the transition that
        stands (re-applied if another device had moved on) and what became of the place."""
        sync, extra = before.sync, before.extra
        # The place the store holds, as far as this session knows (for an honest goodbye).
        stored_place = sync.stored_place if isinstance(sync, Owed) else before.state.place
        for _attempt in range(SAVE_ATTEMPTS):
            changed = any(isinstance(effect, SaveState) for effect in transition.effects)
            after = SessionCopy(transition.state, extra, transition.question, sync)
            match sync:
                case ReadOnly():
                    # A newer version's record: never written, and never said to be.
                    return after, transition, Kept(Saving.NOT_WRITTEN)
                case Unread(changed=earlier):
                    # Nothing is known to save on top of: owed until the record can be read.
                    after = replace(after, sync=replace(sync, changed=earlier or changed))
                    return after, transition, Kept(Saving.FAILED, None)
                case Synced() if not changed:
                    return after, transition, Kept(Saving.SAVED, transition.state.place)
                case Synced(revision=revision) | Owed(revision=revision):
                    pass
                case _:
                    assert_never(sync)
            result = storage.save(
                encode(
                    transition.state,
                    self.routine,
                    revision=revision + 1,
                    writer=request.writer,
                    now=request.now,
                    extra=extra,
                ),
                revision,
            )
            match result:
                case Saved():
                    after = replace(after, sync=Synced(revision + 1))
                    return after, transition, Kept(Saving.SAVED, transition.state.place)
                case Unavailable(uncertain=uncertain):
                    # Owed: retried next turn. If the write may have landed all the same, the
                    # store's place is not known, so the goodbye names none.
                    known = None if uncertain else stored_place
                    after = replace(after, sync=Owed(revision, known))
                    return after, transition, Kept(Saving.FAILED, known)
                case Stale(current=current):
                    raw = current if current is not None else storage.load()
                    if raw is None:
                        break
                    newer = decode(raw, self.routine)
                    stored_place = newer.state.place
                    if newer.read_only:
                        sync = ReadOnly(newer.revision)
                    elif newer.writer == request.writer:
                        # This session's own save landed though its answer was lost: write the
                        # newer place on top of it.
                        log.info("an earlier save of this session had landed; saving on top")
                        sync = Owed(newer.revision, newer.state.place)
                    else:
                        log.warning("stored record moved on; applying the command to it")
                        state = _zoned(newer.state, before.state.habit.zone)
                        transition = step(state, before.question, command, context)
                        # The reminder calls were made once; their answers settle it again.
                        transition = _resettle(transition, settled)
                        sync, extra = Synced(newer.revision), newer.extra
                case _:
                    assert_never(result)
        # Still racing (or the newer record could not be read): the newer record wins, and is
        # read again next turn rather than overwritten.
        counted = transition.state.progress.completed
        after = SessionCopy(
            transition.state, extra, transition.question, Unread(counted_from=counted)
        )
        return after, transition, Kept(Saving.FAILED, None)


def _zoned(state: UserState, zone: str | None) -> UserState:
    """``state`` with the device's zone as last looked up (stored with the next save)."""
    if zone is None or state.habit.zone == zone:
        return state
    return replace(state, habit=replace(state.habit, zone=zone))


def _run_reminders(
    services: AlexaServices, transition: Transition, zone: str | None, now: datetime, writable: bool
) -> tuple[Transition, Settled]:
    """Make the reminder calls the step asked for, each once, and settle the transition by
    Alexa's answers (before the save, so what is stored is what Alexa has). Not unless the
    record is ``writable``: read (else its reminder token could be missed, and a second daily
    reminder made) and not newer than this code (else a new token could not be kept)."""
    settled: list[tuple[CreateReminder | DeleteReminder, ReminderResult]] = []
    for effect in transition.effects:
        if isinstance(effect, CreateReminder | DeleteReminder):
            result = (
                services.run(effect, zone, now)
                if writable
                else Refused(ReminderProblem.UNAVAILABLE)
            )
            settled.append((effect, result))
            transition = settle(transition, effect, result)
    return transition, tuple(settled)


def _undo_orphaned_reminder(
    services: AlexaServices,
    copy: SessionCopy,
    transition: Transition,
    settled: Settled,
    *,
    saved: bool,
) -> tuple[SessionCopy, Transition]:
    """A reminder Alexa created in this turn whose token is not stored is deleted again: its
    save failed (or a newer record won), or another device's newer record needed another call
    than the one made. Without the token no later change or cancel could reach it, and the
    person could end up with two daily reminders. Said as not set right now."""
    created = [(effect, result) for effect, result in settled if isinstance(result, Created)]
    if not created:
        return copy, transition
    effect, made = created[-1]
    reminder = copy.state.habit.reminder
    holds_it = reminder is not None and reminder.token == made.token
    if saved and holds_it:
        return copy, transition
    result = services.delete(made.token)
    if not isinstance(result, Deleted):
        log.error("a reminder whose token could not be stored could not be deleted either")
        return copy, transition  # the session still owes the save: kept while it lasts
    log.warning("deleted a reminder whose token could not be stored")
    state = copy.state
    if holds_it:
        state = replace(state, habit=replace(state.habit, reminder=None))
    # A change had deleted the old reminder first: the person has none now, and hears so.
    replaced = isinstance(effect, CreateReminder) and effect.replacing is not None and holds_it
    failed = ReminderFailed(ReminderProblem.UNAVAILABLE, False, state.place, old_gone=replaced)
    return replace(copy, state=state), replace(transition, state=state, outcome=failed)


def _resettle(transition: Transition, settled: Settled) -> Transition:
    """A step applied again (to another device's newer record), settled by the answers its
    calls already had: never a second call, so never a second reminder. A call the newer
    record needs that was not the one made (another reminder to replace or cancel) is said
    as not done, and a reminder made for nothing is deleted again afterwards."""
    answers = dict(settled)
    for effect in transition.effects:
        if isinstance(effect, CreateReminder | DeleteReminder):
            result = answers.get(effect, Refused(ReminderProblem.UNAVAILABLE))
            transition = settle(transition, effect, result)
    return transition


def _laid_on(stored: UserState, session: UserState, counted_from: int) -> UserState:
    """What a session that could not read the record did, laid on top of it once read: its
    place (the one the person last heard), the routines it finished (counted from
    ``counted_from``), the dates it added, and the preferences it set; the rest as stored."""
    finished = max(session.progress.completed - counted_from, 0)
    progress = Progress(
        stored.progress.completed + finished,
        tuple(sorted(set(stored.progress.days) | set(session.progress.days))),
        max(stored.progress.quick, session.progress.quick),  # never more than the count
    )
    progress = replace(progress, quick=min(progress.quick, progress.completed))
    preferences = (
        stored.preferences if session.preferences == Preferences() else session.preferences
    )
    # Reminder calls wait for a readable record (``_run_reminders``), so the stored reminder
    # stands; the zone looked up, an offer made and a refusal heard are the session's news.
    offered = max(
        (day for day in (stored.habit.offered, session.habit.offered) if day is not None),
        default=None,
    )
    habit = replace(
        stored.habit,
        zone=session.habit.zone or stored.habit.zone,
        offered=offered,
        quiet=stored.habit.quiet or session.habit.quiet,
    )
    return UserState(session.place, progress, preferences, habit)


def _note(stored: Stored) -> Note | None:
    """What to tell the person about a record that could not be used as it was."""
    match stored.issue:
        case None:
            return None
        case Issue.UNKNOWN_MOVE:
            return Note.MOVE_REMOVED
        case Issue.UNREADABLE:
            return Note.UNREADABLE
        case Issue.UNREADABLE_PROGRESS:
            return Note.HISTORY_UNREADABLE
        case _:
            assert_never(stored.issue)
