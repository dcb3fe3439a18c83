"""Turns a navigation outcome and the new position into what Alexa says: ``render() -> Reply``.

Words come from the routine data and the phrases module; decisions were already made by
navigation. A reply that keeps the session open always carries a reprompt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from upper_back.core.navigation import Kind, Outcome, Position, Question
from upper_back.core.routine import Move, Routine
from upper_back.render import phrases
from upper_back.render.coaching import coach, fill, part_sides
from upper_back.render.ssml import Ssml, join, sentence

FAMILIAR_AFTER = 3
"""After this many finished routines the skill stops explaining why each move helps."""


@dataclass(frozen=True)
class Reply:
    """Speech and reprompt as SSML bodies; no reprompt means the session ends."""

    speech: Ssml
    reprompt: Ssml | None
    card_title: str = phrases.CARD_TITLE
    card_text: str = ""

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None


@dataclass(frozen=True)
class Speaker:
    """Renders replies for one routine in one locale."""

    routine: Routine
    locale: str = "en-US"

    def name(self, index: int) -> str:
        return self.routine.moves[index].spoken_name(self.locale)

    def move_list(self, start: int = 0) -> str:
        names = [
            f"{phrases.number_word(i + 1)}, the {self.name(i)}"
            for i in range(start, len(self.routine.moves))
        ]
        return "; ".join(names)

    def place(self, position: Position) -> dict[str, str]:
        """Template fields that describe ``position``."""
        move = self.routine.moves[position.move]
        side = f", {move.sides[position.part]} side" if move.split_sides else ""
        return {
            "n": phrases.number_word(position.move + 1),
            "name": self.name(position.move),
            "side": side,
            "total": phrases.number_word(len(self.routine.moves)),
        }

    def render(self, outcome: Outcome, position: Position, note: str = "") -> Reply:
        """The reply for ``outcome`` at the position navigation returned. ``note`` is an
        optional sentence said first (e.g. that the saved place could not be read)."""
        reply = _RENDERERS[outcome.kind](self, outcome, position)
        if note:
            reply = Reply(join(sentence(note), reply.speech), reply.reprompt, reply.card_title,
                          reply.card_text)  # fmt: skip
        return reply


def _say(*lines: str) -> Ssml:
    return join(*(sentence(line) for line in lines if line))


def _welcome_new(s: Speaker, _o: Outcome, _p: Position) -> Reply:
    overview = phrases.OVERVIEW.format(
        total=phrases.number_word(len(s.routine.moves)),
        moves=s.move_list(),
        minutes=phrases.number_word(s.routine.minutes),
    )
    speech = _say(phrases.WELCOME_NEW, s.routine.why, overview, s.routine.safety,
                  phrases.OFFER_START)  # fmt: skip
    return Reply(speech, _say(phrases.REPROMPT_START), card_text=f"{s.routine.why}\n{overview}")


def _welcome_back(s: Speaker, _o: Outcome, p: Position) -> Reply:
    place = s.place(p)
    speech = _say(phrases.WELCOME_BACK_IN_PROGRESS.format(**place), phrases.OFFER_RESUME)
    return Reply(speech, _say(phrases.REPROMPT_RESUME.format(**place)))


def _welcome_done(_s: Speaker, _o: Outcome, p: Position) -> Reply:
    times = (
        phrases.ONCE
        if p.completed == 1
        else phrases.TIMES.format(count=phrases.number_word(p.completed))
    )
    speech = _say(phrases.WELCOME_BACK_DONE, phrases.DONE_COUNT.format(count=times),
                  phrases.SAFETY_SHORT, phrases.OFFER_AGAIN)  # fmt: skip
    return Reply(speech, _say(phrases.REPROMPT_START))


def _what_next(s: Speaker, p: Position, move: Move) -> str:
    """The other side, or the next move: a plain PLAY is never the routine's last part."""
    if p.part + 1 < move.parts:
        return phrases.NEXT_SIDE.format(side=move.sides[p.part + 1])
    following = min(p.move + 1, len(s.routine.moves) - 1)
    return phrases.NEXT_MOVE.format(n=phrases.number_word(following + 1), name=s.name(following))


def _play(s: Speaker, o: Outcome, p: Position) -> Reply:
    return _coached(s, o, p, _say(phrases.WELL_DONE, _what_next(s, p, s.routine.moves[p.move])))


def _play_last(s: Speaker, o: Outcome, p: Position) -> Reply:
    """The final part and, in the same breath, the end: the place was already stored as done."""
    last = len(s.routine.moves) - 1
    at = Position(last, s.routine.moves[last].parts - 1, True, p.completed)
    ending = _finished(s, o, p).speech if o.finished else _say(phrases.LAST_MOVE_ONLY)
    return replace(_coached(s, o, at, ending), reprompt=None)


def _coached(s: Speaker, o: Outcome, p: Position, ending: Ssml) -> Reply:
    """A move's part: who it is for, where it is, why, how, the counted set, then ``ending``."""
    move = s.routine.moves[p.move]
    place = s.place(p)
    if p.part and o.continued:
        header = phrases.SECOND_SIDE.format(name=place["name"], side=move.sides[p.part])
    elif move.split_sides:
        header = phrases.MOVE_HEADER_SIDE.format(**{**place, "side": move.sides[p.part]})
    else:
        header = phrases.MOVE_HEADER.format(**place)
    intro = phrases.RESUMED if o.resumed else phrases.NOTHING_TO_RESUME if o.fresh_start else ""
    safety = s.routine.safety if o.first_time else ""
    purpose = move.purpose if not o.continued and p.completed < FAMILIAR_AFTER else ""
    speech = join(_say(intro, safety, header, purpose), coach(move, p.part, o.continued), ending)
    side = part_sides(move, p.part)[0]
    card = "\n".join(fill(line, side) for line in (move.purpose, *move.setup, *move.cues))
    return Reply(speech, _say(phrases.REPROMPT_MOVE), card_title=header, card_text=card)


def _finished(s: Speaker, _o: Outcome, p: Position) -> Reply:
    count = (
        phrases.FIRST_FINISH
        if p.completed == 1
        else phrases.FINISHED_COUNT.format(count=phrases.number_word(p.completed))
    )
    return Reply(_say(phrases.FINISHED, s.routine.closing, count), None)


def _at_first(s: Speaker, _o: Outcome, p: Position) -> Reply:
    if not p.in_progress:
        return Reply(_say(phrases.NOT_STARTED.format(name=s.name(0))), _say(phrases.REPROMPT_START))
    return Reply(_say(phrases.AT_FIRST.format(name=s.name(0))), _say(phrases.REPROMPT_MOVE))


def _no_such_move(s: Speaker, o: Outcome, _p: Position) -> Reply:
    what = (
        phrases.NO_SUCH_NUMBER.format(n=phrases.number_word(o.requested))
        if o.requested is not None
        else phrases.NO_SUCH_NAME
    )
    speech = _say(what, phrases.MOVE_LIST.format(moves=s.move_list()), phrases.HOW_TO_GO_TO)
    return Reply(speech, _say(phrases.HOW_TO_GO_TO))


def _offer_restart(_s: Speaker, _o: Outcome, _p: Position) -> Reply:
    return Reply(_say(phrases.OFFER_RESTART), _say(phrases.REPROMPT_RESTART))


def _not_now(_s: Speaker, _o: Outcome, _p: Position) -> Reply:
    return Reply(_say(phrases.NOT_NOW), _say(phrases.REPROMPT_MOVE))


def _paused(s: Speaker, _o: Outcome, p: Position) -> Reply:
    return Reply(_say(phrases.PAUSED.format(**s.place(p)), phrases.HOW_TO_COME_BACK), None)


def _goodbye(s: Speaker, _o: Outcome, p: Position) -> Reply:
    line = phrases.GOODBYE_SAVED.format(**s.place(p)) if p.in_progress else phrases.GOODBYE
    return Reply(_say(line), None)


def where(s: Speaker, p: Position) -> str:
    """Where the user is and what is left, as one or two plain sentences."""
    if not p.in_progress:
        return " ".join(
            (phrases.NOT_STARTED_PROGRESS, phrases.MOVE_LIST.format(moves=s.move_list()))
        )
    left = len(s.routine.moves) - p.move - 1
    after = (
        phrases.LEFT_SOME.format(count=phrases.number_word(left), moves=s.move_list(p.move + 1))
        if left
        else phrases.LEFT_NONE
    )
    return " ".join((phrases.WHERE.format(**s.place(p)), after))


def _reprompt(s: Speaker, p: Position) -> str:
    """What to say next, matching the question still open."""
    if p.question in (Question.RESUME, Question.RESTART):
        return phrases.REPROMPT_RESUME.format(**s.place(p))
    return phrases.REPROMPT_MOVE if p.in_progress else phrases.REPROMPT_START


def _progress(s: Speaker, _o: Outcome, p: Position) -> Reply:
    return Reply(_say(where(s, p), _reprompt(s, p)), _say(_reprompt(s, p)))


def _no_other_side(s: Speaker, _o: Outcome, p: Position) -> Reply:
    return Reply(_say(phrases.NO_OTHER_SIDE, where(s, p), _reprompt(s, p)), _say(_reprompt(s, p)))


def _help(s: Speaker, _o: Outcome, p: Position) -> Reply:
    intro = phrases.HELP.format(total=phrases.number_word(len(s.routine.moves)))
    speech = _say(intro, where(s, p), phrases.HELP_COMMANDS, phrases.WHAT_NEXT)
    return Reply(speech, _say(phrases.REPROMPT_GENERAL), card_text=phrases.HELP_COMMANDS)


def _fallback(s: Speaker, _o: Outcome, p: Position) -> Reply:
    speech = _say(phrases.FALLBACK, where(s, p), phrases.FALLBACK_COMMANDS)
    return Reply(speech, _say(phrases.REPROMPT_GENERAL))


def _silent(_s: Speaker, _o: Outcome, _p: Position) -> Reply:
    return Reply(Ssml(""), None)


_RENDERERS = {
    Kind.WELCOME_NEW: _welcome_new,
    Kind.WELCOME_BACK_IN_PROGRESS: _welcome_back,
    Kind.WELCOME_BACK_DONE: _welcome_done,
    Kind.PLAY: _play,
    Kind.PLAY_LAST: _play_last,
    Kind.FINISHED: _finished,
    Kind.AT_FIRST: _at_first,
    Kind.NO_SUCH_MOVE: _no_such_move,
    Kind.NO_OTHER_SIDE: _no_other_side,
    Kind.OFFER_RESTART: _offer_restart,
    Kind.NOT_NOW: _not_now,
    Kind.PAUSED: _paused,
    Kind.GOODBYE: _goodbye,
    Kind.PROGRESS: _progress,
    Kind.HELP: _help,
    Kind.FALLBACK: _fallback,
    Kind.SILENT: _silent,
}
