"""``make timing``: how long the routine takes to hear, measured on what the skill really says.

Conversations go through the handler Lambda runs (``build_handler``, an in-memory store, real
request envelopes threaded by ``sim.conversation.Conversation``), with the user's words turned
into intents by the interaction model (``sim.nlu``), as in ``make run``. Every reply's SSML is
timed by ``tools.speech_clock`` at Alexa's pace as issue 9 defines it (words x 0.4 s + breaks):

- a first run: a new user says "open upper back routine", "yes", then "next" after each move;
- a familiar run: the same person the next day, after one finished routine, the same words;
- the quick version, when the voice model understands "quick routine", for somebody who has
  finished the full routine (a first-time user's quick run says the setup in full: longer);
- single replies for the talk limits: help, progress, and the welcome back in mid-routine.

Printed: seconds per reply and per move (talk, silent, total), each move's guided part against
its dose, the routine's total and the talk limits, marked PASS or FAIL (printed, not asserted:
the exit status is 0 either way). Drawn: a timeline of the runs, ``build/timing.svg``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "lambda") not in sys.path:  # ``python -m tools.timing`` from the repository root
    sys.path.insert(0, str(ROOT / "lambda"))

from sim.conversation import Conversation, Handler, Turn  # noqa: E402 (needs lambda/ on the path)
from sim.envelopes import Caller  # noqa: E402
from sim.local_store import UnsupportedValueError, from_json, to_json  # noqa: E402
from sim.nlu import FALLBACK, Nlu  # noqa: E402
from tools import speech_clock  # noqa: E402
from tools.speech_clock import Estimate, Piece, Said  # noqa: E402
from upper_back.adapters.port import (  # noqa: E402
    Found,
    LoadResult,
    Saved,
    SaveResult,
    Stale,
    Unavailable,
    accepts,
)
from upper_back.core.routine import Routine, load_routine  # noqa: E402
from upper_back.edge.app import build_handler  # noqa: E402
from upper_back.edge.config import Settings  # noqa: E402
from upper_back.render import phrases  # noqa: E402

SVG = ROOT / "build" / "timing.svg"
LOCALE = "en-US"
TOLERANCE = 0.15
"""Each move's guided part: its dose ± 15 % (routine-notes.md, targets)."""
ROUTINE_MINUTES = (9.0, 11.0)
QUICK_MINUTES = (4.0, 6.0)
FEWER_WORDS = 0.25
"""A user who knows the routine hears at least 25 % fewer words (routine-notes.md, targets)."""


@dataclass(frozen=True)
class Dose:
    """A move's dose as counted work: ``reps`` per side of ``rep_seconds`` each (``quick_reps``
    in the quick version)."""

    reps: int
    rep_seconds: float
    sides: int
    quick_reps: int

    def seconds(self, quick: bool = False) -> float:
        return (self.quick_reps if quick else self.reps) * self.rep_seconds * self.sides


def doses(routine: Routine) -> dict[str, Dose]:
    """Each move's dose as routine.toml states it (``guided``: rounds, quick_rounds,
    rep_seconds; the "default" and "quick" columns of ../shared/routine-notes.md)."""
    return {
        move.id: Dose(
            reps=move.guided.rounds,
            rep_seconds=move.guided.rep_seconds or move.guided.round_seconds,
            sides=max(len(move.sides), 1),
            quick_reps=move.guided.rounds_for(quick=True),
        )
        for move in routine.moves
    }


DOSES: dict[str, Dose] = doses(load_routine())

# The coached set opens with "One." (or "Last one." when a side has a single round), as
# render/coaching.py labels rounds; a move reply closes with render/speech.py's endings.
SET_STARTS = (f"{phrases.number_word(1)}.".capitalize(), phrases.LAST_ROUND)
CLOSINGS = (
    *phrases.WELL_DONE_OPTIONS,
    phrases.FINISHED,
    phrases.QUICK_FINISHED,
    phrases.LAST_MOVE_ONLY,
)
QUICK_PHRASES = ("quick routine", "the quick version", "the short version")
"""Issue 9's words for the quick version: the first one the voice model understands starts it."""
Kind = Literal["talk", "pause", "counted", "silent"]
KINDS: dict[Kind, tuple[str, str]] = {
    "talk": ("talk", "#9aa5b1"),
    "pause": ("pause outside a set", "#d9dee3"),
    "counted": ("counted work (cues in a set)", "#e8833a"),
    "silent": ("silent work (breaks in a set)", "#2f9e6e"),
}


class MemoryStore:
    """The progress store port in a dict, each record kept as the JSON text the simulator's
    SQLite store writes (so numbers come back as ``Decimal``, as from DynamoDB)."""

    def __init__(self) -> None:
        self.records: dict[str, str] = {}

    def load(self, key: str) -> LoadResult:
        stored = self.records.get(key)
        return Found({} if stored is None else from_json(stored))

    def save(self, key: str, record: Mapping[str, Any], expected: int) -> SaveResult:
        stored = self.records.get(key)
        current = None if stored is None else from_json(stored)
        if not accepts(current, expected):
            return Stale(current)
        try:
            self.records[key] = to_json(record)
        except UnsupportedValueError as error:
            return Unavailable(type(error).__name__)
        return Saved()

    def delete(self, key: str) -> bool:
        self.records.pop(key, None)
        return True


@dataclass
class Clock:
    """The skill's clock: set to a morning, moved on by each reply's length."""

    now: datetime = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class ReplyTiming:
    """One reply: what was said to get it, what it is, its pieces and, for a move, its set."""

    said: str
    label: str
    ssml: str
    heard: tuple[Piece, ...]
    move: int | None = None  # index in the routine
    guided: tuple[int, int] | None = None  # the set's slice of ``heard``

    @property
    def estimate(self) -> Estimate:
        return speech_clock.estimate(self.heard)

    @property
    def set_estimate(self) -> Estimate | None:
        if self.guided is None:
            return None
        return speech_clock.estimate(self.heard[slice(*self.guided)])

    @property
    def closing(self) -> Estimate:
        """What follows the set ("Nice work…", "Well done, you have finished…"); none if no set."""
        return (
            Estimate()
            if self.guided is None
            else speech_clock.estimate(self.heard[self.guided[1] :])
        )

    def kinds(self) -> Iterator[tuple[Kind, float]]:
        """Each piece's length, by what the listener does in it."""
        start, end = self.guided or (0, 0)
        for index, piece in enumerate(self.heard):
            in_set = start <= index < end
            if isinstance(piece, Said):
                yield ("counted" if in_set else "talk"), piece.words * speech_clock.WORD_SECONDS
            else:
                yield ("silent" if in_set else "pause"), piece.seconds


@dataclass(frozen=True)
class MoveTiming:
    """A move's replies together (both sides of a split move)."""

    index: int
    name: str
    replies: int
    estimate: Estimate
    guided: Estimate
    dose: float | None

    @property
    def ratio(self) -> float | None:
        return None if not self.dose else self.guided.total / self.dose

    @property
    def within_dose(self) -> bool | None:
        ratio = self.ratio
        return None if ratio is None else abs(ratio - 1) <= TOLERANCE


@dataclass(frozen=True)
class RunTiming:
    """A whole routine as one person hears it, from the welcome to the completion."""

    name: str
    who: str
    replies: tuple[ReplyTiming, ...]
    moves: tuple[MoveTiming, ...]

    @property
    def total(self) -> Estimate:
        return sum((reply.estimate for reply in self.replies), Estimate())

    @property
    def exercise(self) -> Estimate:
        return sum((move.guided for move in self.moves), Estimate())


@dataclass(frozen=True)
class Limit:
    """A talk limit: a reply (or its closing) against its ceiling in seconds."""

    what: str
    seconds: float
    ceiling: float

    @property
    def passed(self) -> bool:
        return self.seconds <= self.ceiling


@dataclass(frozen=True)
class Report:
    first: RunTiming
    familiar: RunTiming
    quick: RunTiming | None
    limits: tuple[Limit, ...]

    @property
    def runs(self) -> tuple[RunTiming, ...]:
        return tuple(run for run in (self.first, self.familiar, self.quick) if run is not None)


@dataclass
class Skill:
    """The handler Lambda runs, on an in-memory store, spoken to in the model's words."""

    routine: Routine = field(default_factory=load_routine)
    clock: Clock = field(default_factory=Clock)
    store: MemoryStore = field(default_factory=MemoryStore)
    nlu: Nlu = field(default_factory=lambda: Nlu.for_locale(LOCALE, ROOT))

    handler: Handler = field(init=False)

    def __post_init__(self) -> None:
        self.handler = build_handler(Settings(), store=self.store, clock=self.clock)

    def conversation(self, user: str) -> Conversation:
        caller = Caller(user_id=f"amzn1.ask.account.{user}")
        return Conversation(self.handler, caller, clock=self.clock)  # requests stamped by it

    def understands(self, words: str) -> bool:
        return self.nlu.parse(words).name != FALLBACK

    def send(self, conversation: Conversation, words: str) -> ReplyTiming:
        """Say ``words`` ("open upper back routine", "next", "/end" to walk away) and time the
        reply; the clock moves on by the reply's length and a breath for the user's answer."""
        if words == "/end":
            turn = conversation.end_session()
        else:
            heard = self.nlu.hear(words)
            if heard.kind == "launch":
                turn = conversation.launch()
            elif heard.intent is None:
                raise ValueError(f"not something to say in a session: {words!r}")
            else:
                turn = conversation.say(heard.intent.name, **heard.intent.slots)
        reply = self._timed(words, turn)
        self.clock.now += timedelta(seconds=reply.estimate.total + 2)
        return reply

    def _timed(self, said: str, turn: Turn | None) -> ReplyTiming:
        if turn is None:
            return ReplyTiming(said, "(no session)", "", ())
        heard = tuple(speech_clock.pieces(turn.ssml)) if turn.ssml else ()
        bounds = speech_clock.guided_bounds(heard, SET_STARTS, CLOSINGS)
        move = self._move_of(turn) if bounds is not None else None
        label = self._label(turn, move)
        return ReplyTiming(said, label, turn.ssml, heard, move, bounds)

    def _move_of(self, turn: Turn) -> int | None:
        """The move a reply coached: the session's place, else (after the last move, when the
        place is cleared) the move named in the card's title."""
        index = self.routine.index_of(str(_place(turn).get("move")))
        if index is not None:
            return index
        title = str((turn.response.get("card") or {}).get("title", "")).lower()
        names = sorted(
            ((move.spoken_name(LOCALE).lower(), i) for i, move in enumerate(self.routine.moves)),
            key=lambda named: -len(named[0]),
        )
        return next((index for name, index in names if name in title), None)

    def _label(self, turn: Turn, move: int | None) -> str:
        if move is None:
            words = " ".join(piece.text for piece in speech_clock.pieces(turn.ssml or "<s/>")
                             if isinstance(piece, Said))  # fmt: skip
            return _shorten(words, 38) or "(silence)"
        side = _place(turn).get("side")
        name = self.routine.moves[move].spoken_name(LOCALE)
        return f"move {move + 1}: {name}" + (f", {side}" if side else "")

    def run(self, name: str, who: str, opening: Sequence[str], day: int) -> RunTiming:
        """A whole routine: ``opening`` words, then "next" after every set and "yes" after any
        other reply (a question such as "shall we start?"), until the session ends (a daily
        reminder offered at the end is declined, untimed)."""
        self.clock.now = Clock().now + timedelta(days=day)
        conversation = self.conversation(who)
        replies = [self.send(conversation, words) for words in opening]
        limit = 4 * sum(move.parts for move in self.routine.moves) + 10
        while conversation.in_session:
            last = replies[-1]
            repeated = len(replies) > 1 and last.guided is None and last.ssml == replies[-2].ssml
            if len(replies) > limit or repeated:  # e.g. an apology, answered "yes" again
                raise RuntimeError(f"{name}: stuck after {len(replies)} replies at {last.label!r}")
            if phrases.OFFER_REMINDER in last.ssml:
                # The daily reminder offered at the end is declined, and not timed: a run
                # measures the routine.
                self.send(conversation, "no")
                continue
            replies.append(self.send(conversation, "next" if last.guided else "yes"))
        return RunTiming(name, who, tuple(replies), self._moves(replies, quick=name == "quick"))

    def _moves(self, replies: Iterable[ReplyTiming], quick: bool) -> tuple[MoveTiming, ...]:
        grouped: dict[int, list[ReplyTiming]] = {}
        for reply in replies:
            if reply.move is not None:
                grouped.setdefault(reply.move, []).append(reply)
        moves = []
        for index, parts in sorted(grouped.items()):
            move = self.routine.moves[index]
            dose = doses(self.routine).get(move.id)
            moves.append(
                MoveTiming(
                    index=index,
                    name=move.spoken_name(LOCALE),
                    replies=len(parts),
                    estimate=sum((part.estimate for part in parts), Estimate()),
                    guided=sum((part.set_estimate or Estimate() for part in parts), Estimate()),
                    dose=None if dose is None else dose.seconds(quick),
                )
            )
        return tuple(moves)


def _place(turn: Turn) -> dict[str, Any]:
    """The place the session holds after ``turn`` (empty when none)."""
    state = turn.attributes.get("upper_back")
    place = state.get("place") if isinstance(state, dict) else None
    return place if isinstance(place, dict) else {}


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def first_run(skill: Skill) -> RunTiming:
    """A new user's whole routine: "open upper back routine", "yes", "next"…"""
    return skill.run("first run", "TIMING", ["open upper back routine"], day=0)


def familiar_run(skill: Skill) -> RunTiming:
    """The same person the next day, after ``first_run``: the same words."""
    return skill.run("familiar run", "TIMING", ["open upper back routine"], day=1)


def quick_run(skill: Skill) -> RunTiming | None:
    """The quick version, if the voice model knows one (else None), for somebody who knows the
    routine (``first_run``'s person, two full runs later): the 4 to 6 minutes of issue 9. A
    first-time user's quick run is longer on purpose: a first-time user hears the setup in full
    (render/speech.py ``_known``), and the quick doses stay as they are."""
    words = next((words for words in QUICK_PHRASES if skill.understands(words)), None)
    if words is None:
        return None
    return skill.run("quick", "TIMING", ["open upper back routine", words], day=2)


def measure() -> Report:
    """Every run and single reply the report prints, through the real handler."""
    skill = Skill()
    first = first_run(skill)
    familiar = familiar_run(skill)
    quick = quick_run(skill)
    # Single replies, from someone else: help at the welcome and during move one, progress
    # during move one, and the welcome back after walking away mid-routine.
    probe = skill.conversation("TIMING-PROBE")
    skill.clock.now = Clock().now
    said = {
        words: skill.send(probe, words)
        for words in ("open upper back routine", "help", "start")
    }  # fmt: skip
    help_in_move = skill.send(probe, "help")
    progress = skill.send(probe, "how many are left")
    skill.send(probe, "/end")
    back_mid = skill.send(probe, "open upper back routine")
    limits = [
        Limit("first-run welcome", first.replies[0].estimate.total, 20),
        Limit("welcome back, after a finished routine", familiar.replies[0].estimate.total, 8),
        Limit("welcome back, mid-routine", back_mid.estimate.total, 8),
        Limit("help, at the welcome", said["help"].estimate.total, 15),
        Limit("help, during move one", help_in_move.estimate.total, 15),
        Limit("completion, first run", first.replies[-1].closing.total, 8),
        Limit("completion, familiar run", familiar.replies[-1].closing.total, 8),
        Limit("progress, during move one", progress.estimate.total, 10),
    ]
    return Report(first, familiar, quick, tuple(limits))


def _mark(passed: bool | None) -> str:
    return "" if passed is None else "PASS" if passed else "FAIL"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _run_lines(run: RunTiming, target: tuple[float, float] | None) -> Iterator[str]:
    row = "  {:<16} {:<40} {:>6} {:>6} {:>6} {:>6}"
    yield f"{run.name} ({run.who}: {', '.join(reply.said for reply in run.replies[:3])}, …)"
    yield row.format("said", "reply", "talk", "silent", "total", "set")
    for reply in run.replies:
        whole, guided = reply.estimate, reply.set_estimate
        yield row.format(
            _shorten(reply.said, 16), reply.label, _seconds(whole.talk), _seconds(whole.silent),
            _seconds(whole.total), _seconds(None if guided is None else guided.total),
        )  # fmt: skip
    yield ""
    row = "  {:<34} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7}  {}"
    yield row.format("move", "replies", "talk", "silent", "total", "set", "dose", "set/dose", "")
    for move in run.moves:
        ratio = "—" if move.ratio is None else f"{move.ratio:.0%}"
        yield row.format(
            f"{move.index + 1}. {move.name}", move.replies, _seconds(move.estimate.talk),
            _seconds(move.estimate.silent), _seconds(move.estimate.total),
            _seconds(move.guided.total), _seconds(move.dose), ratio, _mark(move.within_dose),
        )  # fmt: skip
    total = run.total
    verdict = ""
    if target is not None:
        low, high = target
        passed = low * 60 <= total.total <= high * 60
        verdict = f"   target {low:g} to {high:g} min: {_mark(passed)}"
    yield (
        f"  total, welcome to completion: {total.words} words, talk {_minutes(total.talk)}, "
        f"silent {_minutes(total.silent)}, total {_minutes(total.total)}{verdict}"
    )
    yield f"  exercise (every set): {_minutes(run.exercise.total)}"
    yield ""


def format_report(report: Report) -> str:
    """The printed table."""
    lines = [
        f"At Alexa's pace: {speech_clock.WORD_SECONDS} s a word + every <break> "
        f"(talk = words, silent = breaks, set = from {SET_STARTS[0]!r} to the end of the last "
        f"round; doses from routine-notes.md, ±{TOLERANCE:.0%})",
        "",
        *_run_lines(report.first, ROUTINE_MINUTES),
        *_run_lines(report.familiar, None),
    ]
    first, familiar = report.first.total, report.familiar.total
    fewer = 1 - familiar.words / first.words if first.words else 0.0
    lines += [
        f"familiar run vs first run: {fewer:.0%} fewer words (target ≥ {FEWER_WORDS:.0%}): "
        f"{_mark(fewer >= FEWER_WORDS)}; exercise {_minutes(report.familiar.exercise.total)} "
        f"vs {_minutes(report.first.exercise.total)}",
        "",
    ]
    if report.quick is None:
        lines += ["quick version: not available yet", ""]
    else:
        lines += list(_run_lines(report.quick, QUICK_MINUTES))
    lines.append("talk limits (the whole reply; completion: from the closing to the end)")
    for limit in report.limits:
        measured, ceiling = f"{limit.seconds:>5.1f} s", f"≤ {limit.ceiling:>2g} s"
        lines.append(f"  {limit.what:<42} {measured}  {ceiling}  {_mark(limit.passed)}")
    return "\n".join(lines)


def draw(report: Report, path: Path = SVG) -> Path:
    """A timeline of every run (top) and each move's time by kind against its dose (bottom),
    written as SVG. matplotlib is a development dependency: imported here and nowhere else."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    plt.rcParams["svg.hashsalt"] = "timing"  # the same figures give the same file
    runs = report.runs
    figure, (timeline, per_move) = plt.subplots(
        2, 1, figsize=(13, 3.2 + 1.0 * len(runs) + 3.5), height_ratios=[1.0 * len(runs) + 1, 3.5]
    )
    for row, run in enumerate(reversed(runs)):
        spans: dict[Kind, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
        start = 0.0
        for reply in run.replies:
            reply_start = start
            for kind, seconds in reply.kinds():
                spans[kind].append((start / 60, seconds / 60))
                start += seconds
            timeline.axvline(start / 60, ymin=0, ymax=1, color="white", linewidth=0.6)
            if reply.move is not None and reply.said != "/end":
                middle = (reply_start + start) / 2 / 60
                timeline.text(middle, row + 0.42, str(reply.move + 1), ha="center", fontsize=8)
        for kind, (_, colour) in KINDS.items():
            timeline.broken_barh(spans[kind], (row - 0.3, 0.6), facecolors=colour)
        timeline.text(start / 60 + 0.1, row, _minutes(start), va="center", fontsize=8)
    timeline.set_yticks(range(len(runs)), [run.name for run in reversed(runs)])
    timeline.set_xlabel("minutes (numbers: the move each reply coaches)")
    timeline.set_title("What the user hears, at Alexa's pace (0.4 s a word + breaks)")
    low, high = ROUTINE_MINUTES
    timeline.axvspan(
        low, high, color="#4a78c2", alpha=0.08, label=f"first run target: {low:g} to {high:g} min"
    )
    timeline.legend(loc="lower right", fontsize=8)
    timeline.set_ylim(-0.6, len(runs) - 0.2)

    width = 0.8 / len(runs)
    moves = max((len(run.moves) for run in runs), default=0)
    for offset, run in enumerate(runs):
        for move in run.moves:
            x = move.index + (offset - (len(runs) - 1) / 2) * width
            parts: dict[Kind, float] = dict.fromkeys(KINDS, 0.0)
            for reply in run.replies:
                if reply.move == move.index:
                    for kind, seconds in reply.kinds():
                        parts[kind] += seconds
            bottom = 0.0
            for kind in ("silent", "counted", "pause", "talk"):
                per_move.bar(x, parts[kind], width * 0.9, bottom, color=KINDS[kind][1])
                bottom += parts[kind]
            if move.dose:
                per_move.hlines(move.dose, x - width / 2, x + width / 2, colors="black")
            per_move.text(x, bottom + 2, run.name.split()[0], ha="center", fontsize=7)
    names = [f"{m.index + 1}. {m.name}" for m in max(runs, key=lambda r: len(r.moves)).moves]
    per_move.set_xticks(range(moves), names)
    per_move.set_ylabel("seconds")
    per_move.set_title("Each move: the set (bottom two) against its dose (black line)")
    handles = [Patch(color=colour, label=label) for label, colour in KINDS.values()]
    per_move.legend(handles=handles, loc="upper right", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    image = path.suffix.lstrip(".").lower() or "svg"
    figure.savefig(path, format=image, metadata={"Date": None} if image == "svg" else None)
    plt.close(figure)
    return path


def quiet_metrics() -> None:
    """No embedded-metric lines among the printed figures (for the command line only: a test
    leaves the environment alone)."""
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.timing", description=__doc__)
    parser.add_argument("--svg", type=Path, default=SVG, help=f"the chart (default: {SVG})")
    args = parser.parse_args(argv)
    quiet_metrics()
    report = measure()
    out(format_report(report))
    out(f"\nchart: {draw(report, args.svg)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
