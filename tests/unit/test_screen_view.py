"""The screen's view model: its data for APL, the figure of each version, the token that tells
an old screen from the current one, and the count the screen follows as it is spoken."""

from __future__ import annotations

from upper_back.core.routine import load_routine
from upper_back.core.state import AtMove, NotStarted
from upper_back.render import phrases
from upper_back.render.coaching import coach
from upper_back.render.screen import (
    MOVE_BUTTONS,
    TAP_COMMANDS,
    Beat,
    Day,
    ScreenToken,
    ScreenView,
    datasources,
    figure_id,
    follow,
    place_text,
    poses,
    read_token,
    token,
)
from upper_back.render.ssml import Ssml

ROUTINE = load_routine()


def test_the_easier_version_has_its_own_figure_and_the_harder_shares_the_usual_one() -> None:
    assert figure_id("wall_splat") == "wall_splat"
    assert figure_id("wall_splat", "easier") == "wall_splat_easier"
    assert figure_id("wall_splat", "harder") == "wall_splat"


def test_a_token_carries_its_turn_and_place_and_a_stranger_token_has_none() -> None:
    assert read_token(token(7, AtMove(2, 1))) == ScreenToken(7, "2-1")
    assert read_token(token(0, NotStarted())) == ScreenToken(0, "none")
    assert token(7, AtMove(2)) != token(8, AtMove(2)) != token(8, AtMove(3))
    for stranger in (None, 7, "", "upper-back-routine", "upper-back-routine.7", "other.7.none",
                     "upper-back-routine.x.none", "upper-back-routine.-1.none",
                     "upper-back-routine.1234567890.none", "upper-back-routine.1.2"):  # fmt: skip
        assert read_token(stranger) is None


def test_every_button_under_a_move_is_a_word_a_tap_can_send() -> None:
    assert set(MOVE_BUTTONS) <= set(TAP_COMMANDS)
    data = datasources(ScreenView(buttons=MOVE_BUTTONS))["screen"]
    assert [b["command"] for b in data["buttons"]] == list(MOVE_BUTTONS)
    assert [b["label"] for b in data["buttons"]] == ["Back", "Repeat", "Pause", "Easier", "Next"]


def test_the_data_keeps_the_card_fields_and_adds_the_coaching_ones() -> None:
    view = ScreenView(kind="progress", key="4 of the last 7 days", done=1.7,
                      days=(Day("Mon", True), Day("Tue", False)))  # fmt: skip
    data = datasources(view)["screen"]
    assert data["title"] == phrases.CARD_TITLE
    assert data["lines"] == []
    assert data["hint"] == phrases.SCREEN_HINT
    assert data["percent"] == 100  # clamped
    assert data["days"] == [{"label": "Mon", "done": True}, {"label": "Tue", "done": False}]
    assert view.card() is None


def test_the_count_follows_the_speech_round_by_round_with_the_figure_in_step() -> None:
    move = ROUTINE.moves[0]  # the push-up: Squeeze (a hold), then Push
    speech = coach(move, 0)
    beats = follow(speech, poses(move, [None]))
    rounds = move.guided.rounds
    labels = [b for b in beats if b.say.endswith(".") and b.pose is None and b.round]
    assert len(labels) == rounds
    assert [b.round for b in labels] == [str(n) for n in range(1, rounds + 1)]
    squeezes = [b for b in beats if b.say == "Squeeze."]
    pushes = [b for b in beats if b.say == "Push."]
    assert len(squeezes) == len(pushes) == rounds
    assert {b.pose for b in squeezes} == {1.0}
    assert {b.pose for b in pushes} == {0.0}
    times = [b.at for b in beats]
    assert times == sorted(times)
    # The count starts after the instructions and the silence to get into position.
    assert beats[0].at > move.settle


def test_the_place_line_names_the_side_only_when_there_is_one() -> None:
    assert place_text(ScreenView(progress="Move 2 of 5", side="left")) == "Move 2 of 5 · left side"
    assert place_text(ScreenView(progress="Move 1 of 5")) == "Move 1 of 5"
    assert place_text(ScreenView()) == ""


def test_the_timeline_plays_each_beat_after_the_previous_ones_animation() -> None:
    beats = (
        Beat(2.0, "One.", "1"),
        Beat(2.4, "Sink.", "1", 1.0, 3.0),
        Beat(5.5, "Out.", "1", 0.0, 2.0),
    )
    timeline = datasources(ScreenView(beats=beats))["screen"]["beats"]
    assert [b["wait"] for b in timeline] == [2000, 400, 100]
    assert [b["ms"] for b in timeline] == [0, 3000, 2000]
    assert [b["pose"] for b in timeline] == [-1, 1.0, 0.0]


def test_sentences_outside_the_count_have_no_round_and_rest_the_figure() -> None:
    move = ROUTINE.moves[3]  # the 11:15: both sides in one reply
    speech = Ssml(coach(move, 0) + "<s>Well done.</s>")
    beats = follow(speech, poses(move, move.sides))
    switch = [b for b in beats if b.say == phrases.SWITCH_SIDES.format(side=move.sides[1])]
    assert switch
    assert switch[0].round == ""
    assert switch[0].pose == 0.0
    assert beats[-1].say == "Well done."
    assert beats[-1].round == ""
    # Each side counts from one again.
    assert [b.round for b in beats if b.say == "One."] == ["1", "1"]
    assert follow(Ssml("<s>No count here.</s>"), {}) == ()
