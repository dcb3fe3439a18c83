"""``make listen`` speaks a move into a WAV file with espeak-ng, breaks as real silence."""

from __future__ import annotations

import wave
from pathlib import Path

from tools.listen import render
from tools.timing import Skill, first_run


def test_one_move_becomes_a_wav_about_as_long_as_its_estimate(tmp_path: Path) -> None:
    replies = [reply for reply in first_run(Skill()).replies if reply.move == 0]
    assert len(replies) == 1
    rendered = render(replies, tmp_path / "move-1.wav")
    with wave.open(str(rendered.path), "rb") as written:
        assert (written.getnchannels(), written.getsampwidth()) == (1, 2)
        assert rendered.seconds == written.getnframes() / written.getframerate()
    estimate = rendered.estimate.total
    assert estimate > 30
    assert 0.6 * estimate <= rendered.seconds <= 1.4 * estimate  # espeak-ng's pace is its own
