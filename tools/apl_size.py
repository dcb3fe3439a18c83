"""The size of the skill's responses to a device with a screen: the APL document and its data.

A first run (welcome, every move, completion) plus help and "how many are left", spoken by a
device with APL through the handler Lambda runs (``tools.timing.Skill``: ``build_handler``, an
in-memory store, the voice model's words), and each response measured as Lambda sends it (JSON
with the standard separators): the whole response, its speech-only parts (Alexa's 24 KB design
limit, APL aside), the RenderDocument's document and its datasources. For ``make bench``
(``report()``), or on its own: ``PYTHONPATH=lambda python -m tools.apl_size``.
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.conversation import Conversation, Turn
from sim.envelopes import Caller
from tools.timing import Skill

SCREEN = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}}
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
SPEECH_LIMIT = 24_000
"""Alexa's limit for a response, designed to with APL aside (shared/alexa-facts.md)."""
PLATFORM_LIMIT = 120_000
"""What Alexa accepts for a whole response with APL."""


@dataclass(frozen=True)
class Sized:
    """One response's bytes: ``total``, ``speech_only`` (without directives), the RenderDocument's
    ``document`` and ``data`` (0 without one)."""

    said: str
    total: int
    speech_only: int
    document: int
    data: int


def _bytes(value: Any) -> int:
    return len(json.dumps(value).encode("utf-8"))


def sized(said: str, turn: Turn) -> Sized:
    """The sizes of ``turn``'s response."""
    response = turn.response
    directives = response.get("directives") or []
    documents = [d for d in directives if d.get("type") == RENDER_DOCUMENT]
    speech_only = {**turn.raw, "response": {**response, "directives": []}}
    return Sized(
        said,
        _bytes(turn.raw),
        _bytes(speech_only),
        sum(_bytes(d.get("document", {})) for d in documents),
        sum(_bytes(d.get("datasources", {})) for d in documents),
    )


def measure() -> list[Sized]:
    """Every response of a first run on a screen device, then help and progress."""
    skill = Skill()
    caller = Caller(user_id="amzn1.ask.account.size", interfaces=SCREEN)
    conversation = Conversation(skill.handler, caller)
    rows = []
    for words in ("open upper back routine", "yes"):
        rows.append(sized(words, _say(skill, conversation, words)))
    for _ in range(sum(move.parts for move in skill.routine.moves)):
        if not conversation.in_session:
            break
        rows.append(sized("next", _say(skill, conversation, "next")))
    for words in ("open upper back routine", "help", "how many are left"):
        rows.append(sized(words, _say(skill, conversation, words)))
    return rows


def _say(skill: Skill, conversation: Conversation, words: str) -> Turn:
    heard = skill.nlu.hear(words)
    if heard.kind == "launch":
        return conversation.launch()
    if heard.intent is None:
        raise ValueError(f"not something to say in a session: {words!r}")
    return conversation.say(heard.intent.name, **heard.intent.slots)


def report(rows: Sequence[Sized]) -> list[str]:
    """Lines for ``make bench``: the document, and the responses' sizes against the limits."""
    with_apl = [row for row in rows if row.document]
    if not with_apl:
        return ["APL responses: none sent (no RenderDocument in the run)"]
    largest = max(with_apl, key=lambda row: row.total)
    kb = 1000
    median = statistics.median(r.total for r in with_apl)
    return [
        f"APL document: {with_apl[0].document / kb:.1f} KB (the same every turn)",
        f"APL responses ({len(with_apl)}): median {median / kb:.1f} KB, "
        f"largest {largest.total / kb:.1f} KB ({largest.said!r}: data {largest.data / kb:.1f} KB) "
        f"of {PLATFORM_LIMIT // kb} KB allowed",
        f"speech-only parts: largest {max(r.speech_only for r in rows) / kb:.1f} KB "
        f"(design limit {SPEECH_LIMIT // kb} KB)",
    ]  # fmt: skip


def main() -> None:
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"  # a measurement, not traffic
    for line in report(measure()):
        print(line)


if __name__ == "__main__":
    main()
