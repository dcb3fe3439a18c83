"""SSML made readable in a terminal: tags gone, breaks shown as ``[pause 3s]``, text wrapped.

The coach's timing lives in its breaks, so they stay visible (and can be played in real time)
rather than disappearing with the rest of the markup.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sim.conversation import Turn
from sim.nlu import Intent

Player = Callable[[str, TextIO], None]

# Alexa documents no durations for break strengths; these approximate what one hears.
_STRENGTH_SECONDS = {
    "none": 0.0,
    "x-weak": 0.0,
    "weak": 0.35,
    "medium": 0.75,
    "strong": 1.0,
    "x-strong": 1.25,
}
_BREAK = re.compile(r"<break\b([^>]*)/?>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(\w[\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$", re.IGNORECASE)
_PARAGRAPH = re.compile(r"</?p\b[^>]*>", re.IGNORECASE)
_SENTENCE = re.compile(r"</?(?:s|speak)\b[^>]*>", re.IGNORECASE)
_AUDIO = re.compile(r"<audio\b([^>]*)/?>(?:\s*</audio>)?", re.IGNORECASE)
_SUB = re.compile(r"<sub\b([^>]*)>(.*?)</sub>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_PAUSE_TOKEN = "\x00{}\x00"  # placeholder for a break until consecutive ones are merged
_PAUSES = re.compile(r"(?:\s*\x00([\d.]+)\x00)+\s*")
_PAUSE_NUMBER = re.compile(r"\x00([\d.]+)\x00")
_MARKER = re.compile(r"\[pause (\d+(?:\.\d+)?)s\]")
_NBSP = "\u00a0"  # keeps "[pause 3s]" in one piece when wrapping
_INDENT = " " * len("Alexa: ")
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTRIBUTE.finditer(text)}


def break_seconds(attributes: str) -> float:
    """Length of one ``<break>`` from its ``time`` (``3s``, ``500ms``) or ``strength``."""
    found = _attributes(attributes)
    time = _TIME.match(found.get("time", ""))
    if time:
        amount = float(time.group(1))
        return amount / 1000 if time.group(2).lower() == "ms" else amount
    return _STRENGTH_SECONDS.get(found.get("strength", "medium"), 0.75)


def format_seconds(seconds: float) -> str:
    """``3`` -> ``3s``, ``0.5`` -> ``0.5s``: no trailing zeros."""
    return f"{round(seconds, 2):g}s"


def _merge_pauses(match: re.Match[str]) -> str:
    total = sum(float(n) for n in _PAUSE_NUMBER.findall(match.group(0)))
    if total <= 0:
        return " "
    return f" [pause {format_seconds(total)}] "


def readable(ssml: str, width: int = 0) -> str:
    """Plain text of ``ssml``: pauses as ``[pause Ns]`` (back-to-back ones added up).

    Paragraphs (``<p>``) become separate lines; ``width`` > 0 wraps each one to that width.
    """
    text = _BREAK.sub(lambda m: _PAUSE_TOKEN.format(break_seconds(m.group(1))), ssml)
    text = _AUDIO.sub(lambda m: f" [audio {_attributes(m.group(1)).get('src', '')}] ", text)
    text = _SUB.sub(lambda m: _attributes(m.group(1)).get("alias", m.group(2)), text)
    text = _PARAGRAPH.sub("\n", text)
    text = _SENTENCE.sub(" ", text)
    text = html.unescape(_TAG.sub("", text))
    paragraphs = []
    for line in text.split("\n"):
        merged = _PAUSES.sub(_merge_pauses, line)
        merged = " ".join(merged.split())
        if merged:
            paragraphs.append(merged)
    if width > 0:
        paragraphs = [
            textwrap.fill(
                p.replace("[pause ", f"[pause{_NBSP}"),
                width=width,
                break_long_words=False,
                break_on_hyphens=False,
            )
            for p in paragraphs
        ]
    return "\n".join(paragraphs).replace(_NBSP, " ")


def play(
    text: str,
    out: TextIO,
    sleep: Callable[[float], None],
    speed: float = 1.0,
) -> None:
    """Print readable text progressively, sleeping through each pause as Alexa would be silent."""
    position = 0
    for marker in _MARKER.finditer(text):
        out.write(text[position : marker.end()])
        out.flush()
        sleep(float(marker.group(1)) / speed)
        position = marker.end()
    out.write(text[position:] + "\n")
    out.flush()


def describe(intent: Intent) -> str:
    """``GoToMoveIntent move="can openers" (can_openers)``: what Alexa understood."""
    parts = [intent.name]
    for name, slot in intent.slots.items():
        if slot.value is None:
            continue
        resolved = ""
        if slot.custom_type is not None:
            resolved = f" ({slot.resolved_id})" if slot.resolved_id else " (no match)"
        parts.append(f'{name}="{slot.value}"{resolved}')
    return " ".join(parts)


def show(turn: Turn, out: TextIO, width: int, in_session: bool, player: Player | None) -> None:
    """Print one reply: speech, then the reprompt, extras, and whether the session is over."""
    speech = readable(turn.ssml, width - len(_INDENT))
    if speech:
        text = "Alexa: " + textwrap.indent(speech, _INDENT)[len(_INDENT) :]
        if player is not None:
            player(text, out)
        else:
            out.write(text + "\n")
    notes = []
    reprompt = readable(turn.reprompt)
    if reprompt:
        notes.append(textwrap.fill(f"(if you say nothing: {reprompt})", width - 2))
    response = turn.response
    if response.get("card"):
        notes.append(f"[card: {response['card'].get('title', '')}]")
    notes.extend(f"[directive: {d.get('type', '?')}]" for d in response.get("directives") or [])
    if not in_session:
        notes.append("— session ended —")
    elif "shouldEndSession" not in response:
        notes.append("(note: shouldEndSession is not set; devices differ on what happens)")
    for note in notes:
        out.write(textwrap.indent(note, "  ") + "\n")


SCREENS = Path("build/screens")
"""Where ``make screens`` draws the figures."""
_BAR = 20


def document_token(turn: Turn) -> str | None:
    """The token of the APL document ``turn`` put on the screen (None: it put none)."""
    directives = turn.response.get("directives") or []
    documents = [d for d in directives if d.get("type") == RENDER_DOCUMENT]
    return str(documents[-1].get("token", "")) if documents else None


def screen_text(turn: Turn, width: int = 80, figures: Path = SCREENS) -> str:
    """What a screen device shows for ``turn``, as text: the kind of screen, the place, the
    routine's progress bar, the figure's file (from ``make screens``), the key cue, the count
    the screen follows, the lines, the hint and the buttons (``/tap WORD``). "" when the
    response has no APL document (a device without a screen, or a reply without one)."""
    directives = turn.response.get("directives") or []
    documents = [d for d in directives if d.get("type") == RENDER_DOCUMENT]
    if not documents:
        return ""
    screen = documents[-1].get("datasources", {}).get("screen", {})
    inner = max(width - 4, 20)

    def wrap(label: str, value: str) -> list[str]:
        text = f"{label}: {value}" if label else value
        return textwrap.wrap(text, inner, subsequent_indent="  ") or [""]

    place = screen.get("place", "")
    head = f"screen: {screen.get('kind', '?')}" + (f" — {place}" if place else "")
    lines = wrap("", screen.get("name") or screen.get("title", ""))
    if screen.get("kind") in ("move", "completion"):
        filled = round(_BAR * int(screen.get("percent", 0)) / 100)
        lines.append(
            f"[{'#' * filled}{'-' * (_BAR - filled)}] {screen.get('percent', 0)}% of the routine"
        )
    if screen.get("figure"):
        figure = figures / f"{screen['figure']}.png"
        mirrored = ", mirrored for this side" if screen.get("mirror") else ""
        missing = "" if figure.exists() else " (make screens draws it)"
        lines += wrap("figure", f"{figure}{mirrored}{missing}")
    if screen.get("key"):
        lines += wrap("key", screen["key"])
    days = screen.get("days") or []
    if days:
        marks = " ".join(f"{d['label']}{'✓' if d['done'] else '·'}" for d in days)
        lines += wrap("days", marks)
    beats = screen.get("beats") or []
    if beats:
        rounds = max((int(b["round"]) for b in beats if b["round"]), default=0)
        start = beats[0]["wait"] / 1000
        lines += wrap("count", f"{len(beats)} beats, up to round {rounds}, from {start:g}s "
                               f"(\"{beats[0]['say']}\" ... \"{beats[-1]['say']}\")")  # fmt: skip
    for line in screen.get("lines") or []:
        lines += wrap("", f"· {line}")
    if screen.get("hint"):
        lines += wrap("hint", screen["hint"])
    buttons = screen.get("buttons") or []
    if buttons:
        lines += wrap("tap", " ".join(f"[{b['label']}]" for b in buttons)
                      + "  (/tap " + "|".join(b["command"] for b in buttons) + ")")  # fmt: skip
    rule = "─" * max(inner - len(head) - 1, 2)
    body = "\n".join(f"│ {line}" for line in lines)
    return f"┌ {head} {rule}\n{body}\n└{'─' * (inner + 1)}"
