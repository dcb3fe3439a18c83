"""What a screen shows for a reply: a structured view model, and the APL data derived from it.

The view is built by the speech renderer beside the speech, from the same outcome; the card in
the Alexa app and the APL datasource are both derived from it here, so nothing is joined into
text and split again. The document (``screen.json``) is layout and figures only, and the same
for every turn: what changes is the datasource (``datasources``).

Also here, in one place: the words a tap on the screen sends (``TAP_COMMANDS``: the arguments
of the document's ``SendEvent``; the edge maps each to the intent voice uses), the figure of
each move and version (``figure_id``: the name of its graphic in the document), the document's
token (``token``: it carries the turn and the place shown, so a tap on an old screen can be told
from a current one), and the timeline that lets the screen follow the count as it is spoken
(``follow``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from upper_back.core.routine import Move
from upper_back.core.state import AtMove, Place
from upper_back.render import phrases
from upper_back.render.coaching import WORD_SECONDS, fill
from upper_back.render.ssml import Ssml

DOCUMENT = Path(__file__).with_name("screen.json")
TOKEN = "upper-back-routine"

ScreenKind = Literal["move", "welcome", "help", "progress", "completion", "message"]
SCREEN_KINDS: tuple[ScreenKind, ...] = (
    "move", "welcome", "help", "progress", "completion", "message"
)  # fmt: skip

TAP_COMMANDS: dict[str, str] = {
    "back": "Back",
    "repeat": "Repeat",
    "pause": "Pause",
    "easier": "Easier",
    "next": "Next",
    "start": "Start",
    "resume": "Resume",
}
"""Every word a button may send (``SendEvent`` arguments ``[word]``), with its label. The edge
maps each word to the intent that says the same thing by voice, so a tap and the words do
exactly the same."""
MOVE_BUTTONS = ("back", "repeat", "pause", "easier", "next")
"""The buttons under a move, in screen order."""


@dataclass(frozen=True)
class Beat:
    """One sentence of the coached set, timed from the start of the reply at Alexa's pace (as
    ``render/timing`` measures): ``at`` seconds, the words ``say``, the ``round`` it counts
    ("3"; "" outside a count), and where the figure goes: ``pose`` (0: start of the movement,
    1: its end; None: it stays) over ``seconds``."""

    at: float
    say: str
    round: str = ""
    pose: float | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Day:
    """One day of the progress screen's week: a short label ("Mon") and whether it was done."""

    label: str
    done: bool


@dataclass(frozen=True)
class ScreenView:
    """One reply's screen.

    For the card (and every screen): ``title`` (the move and side, or the skill's name),
    ``lines`` (why, setup and cues, or help: the card's text), ``hint`` (what to say or tap
    next). For the coaching screen: ``kind``, ``name`` (the move's name), ``progress``
    ("Move 2 of 5"), ``move`` and ``total`` (2 and 5; 0 outside a move), ``side``, ``done``
    (the share of the routine behind the person, 0 to 1), ``key`` (the one cue in large type),
    ``figure`` (``figure_id``) and ``mirrored`` (the figure drawn for the move's other side),
    ``beats`` (``follow``: the count as it is spoken), ``buttons`` (``TAP_COMMANDS`` words), and
    ``days`` for the progress screen ("4 of the last 7 days")."""

    title: str = phrases.CARD_TITLE
    progress: str = ""
    side: str = ""
    lines: tuple[str, ...] = ()
    hint: str = phrases.SCREEN_HINT
    buttons: tuple[str, ...] = ()
    kind: ScreenKind = "message"
    name: str = ""
    move: int = 0
    total: int = 0
    done: float = 0.0
    key: str = ""
    figure: str = ""
    mirrored: bool = False
    beats: tuple[Beat, ...] = ()
    days: tuple[Day, ...] = ()

    def card(self) -> tuple[str, str] | None:
        """The Alexa app's card (title, content), or None when there is nothing to show."""
        if not self.lines:
            return None
        return self.title, "\n".join(self.lines)


def figure_id(move_id: str, variant: str | None = None) -> str:
    """The name of the document's graphic for ``move_id`` in ``variant``: the easier version
    has its own figure (another position, or a smaller range); the usual and the harder
    versions share one."""
    return f"{move_id}_easier" if variant == "easier" else move_id


@dataclass(frozen=True)
class ScreenToken:
    """What a screen's token says about it: the ``turn`` of the session that sent it (a count
    kept in the session) and the ``place`` it showed (``place_key``). A tap carries it back: in
    the same session an older turn means an older screen; in a new session (the screen outlived
    its session) the screen is current if the person is still at the place it showed."""

    turn: int
    place: str


def place_key(place: Place) -> str:
    """A place as a token names it: "2-0" (move, part), or "none" outside a routine."""
    return f"{place.move}-{place.part}" if isinstance(place, AtMove) else "none"


def token(turn: int, place: Place) -> str:
    """The document's token for the reply of ``turn`` at ``place``."""
    return f"{TOKEN}.{turn}.{place_key(place)}"


_TOKEN_PARTS = re.compile(rf"^{re.escape(TOKEN)}\.(\d{{1,9}})\.(none|\d{{1,3}}-\d{{1,3}})$")


def read_token(value: object) -> ScreenToken | None:
    """The turn and place a document's token was sent for; None for a token that is not ours."""
    found = _TOKEN_PARTS.match(value) if isinstance(value, str) else None
    return ScreenToken(int(found.group(1)), found.group(2)) if found else None


@cache
def document() -> dict[str, Any]:
    """The APL document, read once per container."""
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def datasources(view: ScreenView) -> dict[str, Any]:
    """The data the document binds to (``payload.screen.*``)."""
    return {
        "screen": {
            "kind": view.kind,
            "title": view.title,
            "name": view.name,
            "place": place_text(view),
            "move": view.move,
            "percent": round(min(max(view.done, 0.0), 1.0) * 100),
            "key": view.key,
            "lines": list(view.lines),
            "hint": view.hint,
            "figure": view.figure,
            "mirror": view.mirrored,
            "buttons": [{"command": b, "label": TAP_COMMANDS[b]} for b in view.buttons],
            "beats": _timeline(view.beats),
            "days": [{"label": day.label, "done": day.done} for day in view.days],
        }
    }


def place_text(view: ScreenView) -> str:
    """Where the screen's move is, in a line: "Move 2 of 5 · left side" (no side: "Move 2 of
    5"; outside a move: "")."""
    if not view.side:
        return view.progress
    return f"{view.progress} · {phrases.SCREEN_SIDE.format(side=view.side)}"


def _timeline(beats: Sequence[Beat]) -> list[dict[str, Any]]:
    """Beats as the document's commands play them, one after another: ``wait`` milliseconds
    (after the previous beat's animation), then show ``say`` and ``round``, then animate the
    figure to ``pose`` (-1: stay) over ``ms``."""
    timeline = []
    clock = 0
    for beat in beats:
        start = round(beat.at * 1000)
        animate = round(beat.seconds * 1000) if beat.pose is not None else 0
        timeline.append(
            {
                "wait": max(start - clock, 0),
                "say": beat.say,
                "round": beat.round,
                "pose": -1 if beat.pose is None else beat.pose,
                "ms": animate,
            }
        )
        clock = max(start, clock) + animate
    return timeline


_SPEECH = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"/>|<s>(.*?)</s>|([^<]+)|<[^>]*>')


def _sentences(speech: Ssml) -> list[tuple[float, str, float]]:
    """Each ``<s>`` sentence of ``speech``: when it starts, its words, and the time until the
    next sentence starts (words at Alexa's pace plus every break, as ``render/timing``)."""
    found: list[tuple[float, str, float]] = []
    clock = 0.0
    for match in _SPEECH.finditer(speech):
        value, unit, said, loose = match.groups()
        if value is not None:
            clock += float(value) / (1000 if unit == "ms" else 1)
            continue
        words = html.unescape(re.sub(r"<[^>]*>", " ", said if said is not None else loose or ""))
        if said is not None:
            found.append((clock, " ".join(words.split()), 0.0))
        clock += len(words.split()) * WORD_SECONDS
    ends = [start for start, _, _ in found[1:]] + [clock]
    return [(start, text, end - start) for (start, text, _), end in zip(found, ends, strict=True)]


def poses(move: Move, sides: Sequence[str | None]) -> dict[str, float | None]:
    """Where each sentence of ``move``'s rounds takes the figure, for every side the set names:
    the last phase's cue back to the start of the movement (0), the other cues to its end (1);
    the cues spoken inside a long hold leave it where it is (None)."""
    last = len(move.guided.phases) - 1
    found: dict[str, float | None] = {}
    for side in sides:
        for index, phase in enumerate(move.guided.phases):
            found.update({fill(cue, side): None for cue in phase.hold_cues})
            found[fill(phase.cue, side)] = 0.0 if index == last else 1.0
    return found


def follow(speech: Ssml, cues: Mapping[str, float | None]) -> tuple[Beat, ...]:
    """The count as ``speech`` says it, for the screen to follow: every sentence from the first
    round on, with the round it counts and where ``cues`` (``poses``) take the figure. Any other
    sentence (changing sides, the encouragement after the set) is outside the count: no round,
    and the figure back at the start. The words before the count (the move's name, the form)
    are the key cue's, already on the screen."""
    labels = {f"{phrases.number_word(n).capitalize()}." for n in range(1, 100)}
    labels.add(phrases.LAST_ROUND.capitalize())
    beats: list[Beat] = []
    counted = 0
    for start, said, seconds in _sentences(speech):
        if said in labels:
            counted += 1
        elif not beats and not counted:
            continue
        if said in labels or said in cues:
            pose = cues.get(said)
            beats.append(Beat(start, said, str(counted), pose, seconds if pose is not None else 0))
        else:
            counted = 0
            beats.append(Beat(start, said, "", 0.0, seconds))
    return tuple(beats)
