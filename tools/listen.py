"""``make listen``: hear the routine as the skill says it, offline, as a WAV file.

The replies are the ones ``make timing`` measures: real request envelopes through the handler
Lambda runs (``tools.timing``). Each sentence is spoken by espeak-ng (the ``espeakng-loader``
wheel ships the library and its voices, so nothing is installed by hand) at Alexa's pace as issue 9
estimates it (150 words a minute); each ``<break>`` becomes exactly that much silence, so a
physiotherapist can do the routine along with the file and judge its pacing without an Echo.
espeak-ng is not Alexa's voice: its words take their own time, so the file's length is near
``make timing``'s estimate, not equal to it. Replies follow each other after ``REPLY_GAP``
seconds, where the user would say "next".

    python -m tools.listen             the first run, welcome to completion
    python -m tools.listen --move 3    one move of the first run (both sides)
    python -m tools.listen --quick     the quick version (once the skill has one)
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tools import timing
from tools.speech_clock import WORD_SECONDS, Estimate, Said
from tools.timing import ReplyTiming, Skill

BUILD = timing.ROOT / "build"
VOICE = "en-us"
WORDS_PER_MINUTE = round(60 / WORD_SECONDS)
REPLY_GAP = 1.0
"""Seconds of silence between two replies: the user's turn."""
SAMPLE_BYTES = 2  # espeak-ng speaks 16-bit mono PCM

# espeak-ng's C API (speak_lib.h): the values this module uses.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class EngineError(RuntimeError):
    """espeak-ng could not be loaded or could not speak."""


class Espeak:
    """espeak-ng through ctypes, synthesising into memory (no audio device)."""

    def __init__(self, voice: str = VOICE, words_per_minute: int = WORDS_PER_MINUTE) -> None:
        try:
            import espeakng_loader  # noqa: PLC0415 (a development dependency)

            library = ctypes.CDLL(espeakng_loader.get_library_path())
            data = str(espeakng_loader.get_data_path())
        except (ImportError, OSError, RuntimeError) as error:
            raise EngineError(
                f"espeak-ng could not be loaded ({error}). It comes with the development "
                "dependencies: .venv/bin/pip install -e '.[dev]'"
            ) from error
        library.espeak_Initialize.argtypes = [
            ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
        ]  # fmt: skip
        library.espeak_Initialize.restype = ctypes.c_int
        library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        library.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        library.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        library.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.sample_rate = library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), 0)
        if self.sample_rate <= 0:
            raise EngineError(f"espeak-ng did not start with its data at {data}")
        if library.espeak_SetVoiceByName(voice.encode()) != 0:
            raise EngineError(f"espeak-ng has no voice {voice!r}")
        library.espeak_SetParameter(_RATE, words_per_minute, 0)
        self._library = library
        self._pcm = bytearray()
        self._callback = _CALLBACK(self._collect)  # kept: the library holds only a pointer
        library.espeak_SetSynthCallback(self._callback)

    def _collect(self, samples: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and samples:
            self._pcm += ctypes.string_at(samples, count * SAMPLE_BYTES)
        return 0  # go on

    def speak(self, text: str) -> bytes:
        """``text`` as 16-bit mono PCM at ``sample_rate``."""
        self._pcm.clear()
        encoded = text.encode()
        status = self._library.espeak_Synth(
            encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != 0:
            raise EngineError(f"espeak-ng failed to speak (error {status})")
        return bytes(self._pcm)


@cache
def engine() -> Espeak:
    """One engine per process: espeak-ng keeps global state."""
    return Espeak()


@dataclass(frozen=True)
class Rendered:
    path: Path
    seconds: float  # read back from the file
    estimate: Estimate  # make timing's estimate of the same replies
    gaps: float  # silence added between replies


def render(replies: Sequence[ReplyTiming], path: Path, speaker: Espeak | None = None) -> Rendered:
    """Speak ``replies`` into a WAV file at ``path``: each sentence by espeak-ng, each break as
    that much silence, ``REPLY_GAP`` between replies."""
    speaker = speaker or engine()
    rate = speaker.sample_rate
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_BYTES)
        out.setframerate(rate)
        for number, reply in enumerate(replies):
            if number:
                out.writeframes(bytes(round(REPLY_GAP * rate) * SAMPLE_BYTES))
            for piece in reply.heard:
                if isinstance(piece, Said):
                    out.writeframes(speaker.speak(piece.text))
                else:
                    out.writeframes(bytes(round(piece.seconds * rate) * SAMPLE_BYTES))
    with wave.open(str(path), "rb") as written:
        seconds = written.getnframes() / written.getframerate()
    estimate = sum((reply.estimate for reply in replies), Estimate())
    return Rendered(path, seconds, estimate, REPLY_GAP * max(len(replies) - 1, 0))


def _choose(args: argparse.Namespace) -> tuple[list[ReplyTiming], str] | str:
    """The replies to render and what to call them, or why there are none."""
    skill = Skill()
    if args.quick:
        quick = timing.quick_run(skill)
        if quick is None:
            return "quick version: not available yet"
        return list(quick.replies), "quick"
    first = timing.first_run(skill)
    if args.move is None:
        return list(first.replies), "first-run"
    replies = [reply for reply in first.replies if reply.move == args.move - 1]
    if not replies:
        return f"no move {args.move} in the first run (moves 1 to {len(skill.routine.moves)})"
    return replies, f"move-{args.move}"


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min ({seconds:.0f} s)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.listen",
        description="Render the routine as the skill says it to a WAV file (espeak-ng).",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--move", type=int, metavar="N", help="only move N of the first run")
    which.add_argument("--quick", action="store_true", help="the quick version")
    parser.add_argument("--out", type=Path, help="the WAV file (default: build/listen-….wav)")
    args = parser.parse_args(argv)
    timing.quiet_metrics()
    try:
        speaker = engine()
    except EngineError as error:
        print(f"listen: {error}", file=sys.stderr)
        return 2
    chosen = _choose(args)
    if isinstance(chosen, str):
        print(f"listen: {chosen}", file=sys.stderr)
        return 1
    replies, name = chosen
    rendered = render(replies, args.out or BUILD / f"listen-{name}.wav", speaker)
    gaps = f", + {rendered.gaps:g} s between replies" if rendered.gaps else ""
    print(f"wrote {rendered.path}")
    print(
        f"duration {_duration(rendered.seconds)} (espeak-ng at {WORDS_PER_MINUTE} words a minute; "
        f"make timing's estimate: {_duration(rendered.estimate.total)}{gaps})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
