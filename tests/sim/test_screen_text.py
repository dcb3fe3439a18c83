"""What a screen device shows for a turn, as the simulator prints it."""

from __future__ import annotations

from pathlib import Path

from sim.conversation import Turn
from sim.render import RENDER_DOCUMENT, screen_text
from upper_back.core.routine import load_routine
from upper_back.render.screen import MOVE_BUTTONS, Beat, ScreenView, datasources, figure_id

ROUTINE = load_routine()


def test_the_screen_of_a_move_reads_as_text_with_its_figures_file(tmp_path: Path) -> None:
    move = ROUTINE.moves[1]
    view = ScreenView(
        kind="move", name="Wall splat", progress="Move 2 of 5", move=2, side="left", done=0.2,
        key=move.key, figure=figure_id(move.id), mirrored=True, buttons=MOVE_BUTTONS,
        beats=(Beat(3.0, "One.", "1"), Beat(3.4, "Sink.", "1", 1.0, 3.0)), lines=("Stand close.",),
    )  # fmt: skip
    directive = {"type": RENDER_DOCUMENT, "datasources": datasources(view)}
    turn = Turn({"response": {"directives": [directive]}})
    text = screen_text(turn, 200, figures=tmp_path)
    assert text.startswith("┌ screen: move — Move 2 of 5 · left side")
    assert "Wall splat" in text
    assert "[####----------------] 20%" in text
    assert f"figure: {tmp_path / 'wall_splat.png'}, mirrored" in text
    assert "(make screens draws it)" in text
    assert move.key in text
    assert '2 beats, up to round 1, from 3s ("One." ... "Sink.")' in text
    assert "· Stand close." in text
    assert "(/tap back|repeat|pause|easier|next)" in text
    assert all(len(line) <= 60 for line in screen_text(turn, 60, tmp_path).splitlines())
    (tmp_path / "wall_splat.png").write_bytes(b"")
    assert "(make screens draws it)" not in screen_text(turn, 200, figures=tmp_path)


def test_a_response_without_a_document_shows_no_screen() -> None:
    assert screen_text(Turn({"response": {"outputSpeech": {"ssml": "<speak>Hi</speak>"}}})) == ""
