"""The only place markup is made: plain text goes in escaped, pauses never exceed Alexa's limit.

``Ssml`` is a distinct type so that plain text cannot be passed where markup is expected.
"""

from __future__ import annotations

import html
import math
from typing import NewType

Ssml = NewType("Ssml", str)

MAX_BREAK_SECONDS = 10.0
"""Alexa rejects a ``<break>`` longer than ten seconds."""


def say(text: str) -> Ssml:
    """Plain text made safe for SSML (``&``, ``<`` and ``>`` escaped; the SDK escapes nothing)."""
    return Ssml(html.escape(text, quote=False))


def sentence(text: str) -> Ssml:
    """A sentence, so Alexa pauses naturally after it."""
    return Ssml(f"<s>{say(text)}</s>")


def pause(seconds: float) -> Ssml:
    """A silent pause, clamped to (0, 10] seconds; whole seconds in s, anything else in ms."""
    seconds = min(max(seconds, 0.1), MAX_BREAK_SECONDS) if math.isfinite(seconds) else 0.1
    millis = round(seconds * 1000)
    if millis % 1000 == 0:
        return Ssml(f'<break time="{millis // 1000}s"/>')
    return Ssml(f'<break time="{millis}ms"/>')


def split_pause(seconds: float) -> list[float]:
    """Even chunks of at most ten seconds that add up to ``seconds``, for holds longer than one
    break: the caller speaks a cue between chunks rather than relying on bare breaks adding up."""
    chunks = max(1, math.ceil(seconds / MAX_BREAK_SECONDS))
    return [seconds / chunks] * chunks


def join(*parts: Ssml) -> Ssml:
    """Concatenate SSML fragments with single spaces, dropping empty ones."""
    return Ssml(" ".join(part for part in parts if part))
