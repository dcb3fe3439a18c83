"""The coaching API (render/coaching.py) and the choice among phrasings (render/variety.py):
detail, pace, variant, quick rounds and seeds change what they should and nothing else."""

from __future__ import annotations

import hashlib

import pytest

from tools import speech_clock
from tools.speech_clock import Said
from upper_back.core.outcomes import Entry, Played, WelcomeBackDone, WelcomeNew
from upper_back.core.routine import Move, Variant, load_routine
from upper_back.core.state import AtMove, Kind
from upper_back.render import phrases
from upper_back.render.coaching import (
    PACE_STEPS,
    coach,
    effective_pace,
    fill,
    guided,
    part_sides,
)
from upper_back.render.speech import Speaker
from upper_back.render.variety import pick

ROUTINE = load_routine()
BY_ID = {move.id: move for move in ROUTINE.moves}


def words(ssml: str) -> list[str]:
    return [piece.text for piece in speech_clock.pieces(ssml) if isinstance(piece, Said)]


def seconds(ssml: str) -> float:
    return speech_clock.clock(ssml).total


@pytest.mark.parametrize("m", ROUTINE.moves, ids=lambda move: move.id)
def test_full_detail_says_the_form_once_then_the_position_last(m: Move) -> None:
    side = part_sides(m, 0)[0]
    said = words(coach(m, 0))
    one = said.index("One.")
    expected = [fill(line, side) for line in (*m.cues, *m.setup)]
    assert said[:one] == expected


@pytest.mark.parametrize("m", ROUTINE.moves, ids=lambda move: move.id)
def test_short_detail_says_only_the_key_cue_before_the_same_set(m: Move) -> None:
    side = part_sides(m, 0)[0]
    short, full = coach(m, 0, detail="short"), coach(m, 0)
    said = words(short)
    assert said[: said.index("One.")] == [fill(m.key, side)]
    assert short[short.index("<s>One.") :] == full[full.index("<s>One.") :]


def test_a_continued_side_says_only_its_position_cue() -> None:
    move = BY_ID["can_openers"]
    said = words(coach(move, 1, continued=True))
    assert said[: said.index("One.")] == [fill(move.side_cue, "right")]


def test_slower_and_faster_stay_inside_each_moves_range() -> None:
    for move in ROUTINE.moves:
        low, high = move.guided.pace
        for name, step in PACE_STEPS.items():
            applied = effective_pace(move, step)
            assert low <= applied <= high, (move.id, name)
        normal = seconds(guided(move, 0))
        slower = seconds(guided(move, 0, pace=PACE_STEPS["slower"]))
        assert slower > normal, move.id
        assert seconds(guided(move, 0, pace=99)) == seconds(guided(move, 0, pace=high))
        assert effective_pace(move, float("nan")) == 1.0


def test_a_pace_the_push_up_cannot_go_faster_than_its_dose() -> None:
    push_up = BY_ID["rhomboid_push_up"]
    assert seconds(guided(push_up, 0, pace=PACE_STEPS["faster"])) == seconds(guided(push_up, 0))


@pytest.mark.parametrize("variant", ["easier", "harder"])
def test_each_move_has_an_easier_and_a_harder_version(variant: Variant) -> None:
    for move in ROUTINE.moves:
        assert move.version(variant) != move, (move.id, variant)
        assert coach(move, 0, variant=variant) != coach(move, 0), (move.id, variant)


def test_a_harder_hold_is_longer_and_an_easier_eleven_fifteen_shorter() -> None:
    can = BY_ID["can_openers"]
    assert seconds(guided(can.version("harder"), 0)) > seconds(guided(can, 0))
    stretch = BY_ID["eleven_fifteen"]
    assert seconds(guided(stretch.version("easier"), 0)) < seconds(guided(stretch, 0))
    assert stretch.version("harder").dose_seconds() > stretch.dose_seconds()


def test_the_easier_bridge_keeps_the_hips_down() -> None:
    bridge = BY_ID["bridge_reach_over"]
    said = " ".join(words(coach(bridge, 0, variant="easier")))
    assert "Bridge" not in said.split("One.")[1]
    assert "hips on the floor" in said


def test_the_quick_version_counts_its_quick_rounds() -> None:
    for move in ROUTINE.moves:
        said = words(guided(move, 0, quick=True))
        counts = {f"{word.capitalize()}." for word in phrases.NUMBER_WORDS}
        labels = [w for w in said if w == phrases.LAST_ROUND or w in counts]
        sides = len(part_sides(move, 0))
        assert len(labels) == move.guided.quick_rounds * sides, move.id
        assert move.dose_seconds(quick=True) < move.dose_seconds()


def test_the_daily_move_is_the_bridge_and_reach_over() -> None:
    assert ROUTINE.daily == "bridge_reach_over"


# --- Variety ---------------------------------------------------------------------------------


def test_pick_is_a_stable_hash_of_its_keys() -> None:
    options = ("a", "b", "c", "d")
    digest = hashlib.sha256(b"seed\x1fplace\x1f3").digest()
    assert pick(options, "seed", "place", 3) == options[int.from_bytes(digest[:8], "big") % 4]
    assert pick(options, "seed", "place", 3) == pick(options, "seed", "place", 3)
    assert len({pick(options, "seed", "place", n) for n in range(40)}) > 1


def test_pick_needs_options() -> None:
    with pytest.raises(ValueError, match="option"):
        pick((), "x")


def test_encouragements_and_transitions_vary_by_place_but_not_by_call() -> None:
    speaker = Speaker(ROUTINE, seed="someone 2026-12-01")
    endings = set()
    for index in range(len(ROUTINE.moves) - 1):
        played = Played(AtMove(index, 0), Entry.ADVANCED, completed=0)
        speech = speaker.render(played).speech
        assert speech == speaker.render(played).speech
        endings.add(words(speech)[-2])
    assert len(endings) > 1
    assert endings <= set(phrases.WELL_DONE_OPTIONS)


def test_hold_cues_vary_with_the_seed_but_the_hold_does_not() -> None:
    stretch = BY_ID["eleven_fifteen"]
    sets = {guided(stretch, 0, seed=str(seed)) for seed in range(12)}
    assert len(sets) > 1
    assert len({round(seconds(one), 6) for one in sets}) == 1


def test_safety_wording_never_varies() -> None:
    for outcome in (WelcomeNew(), WelcomeBackDone(3)):
        said = {Speaker(ROUTINE, seed=str(seed)).render(outcome).speech for seed in range(8)}
        assert len(said) == 1
    assert ROUTINE.safety in words(Speaker(ROUTINE).render(WelcomeNew()).speech)
    safety = phrases.SAFETY_SHORT
    assert all(sign in safety for sign in ("sharp", "spread", "numbness", "tingling"))


def test_the_length_is_never_measured_on_replies_that_ask_for_it() -> None:
    from upper_back.render import timing  # noqa: PLC0415

    key = (id(ROUTINE), "xx-XX", Kind.FULL)
    timing._MEASURING.add(key)
    try:
        with pytest.raises(RecursionError):
            timing.first_run(ROUTINE, "xx-XX")
    finally:
        timing._MEASURING.discard(key)


def test_many_hold_cues_never_leave_a_hold_without_silence() -> None:
    stretch = BY_ID["eleven_fifteen"]
    for pace in (0.75, 1.0, 1.5):
        ssml = guided(stretch, 0, pace=pace)
        pauses = [p for p in speech_clock.pieces(ssml) if not isinstance(p, Said)]
        assert all(p.seconds > 0 for p in pauses)


# -- Review of the coach: each side's words match the side worked; pace inside the ranges ------

HOLD_RANGES = {
    "rhomboid_push_up": (1.2, 2.0),  # 1-2 s squeeze (at least 1.2 s: issue 9)
    "wall_splat": (1.0, 3.0),  # a short pause; 2-3 s at end range when harder
    "can_openers": (3.0, 5.0),  # hold 3-5 s at the top
    "eleven_fifteen": (15.0, 30.0),  # 15-30 s holds
    "bridge_reach_over": (3.0, 5.0),  # 3 s hold; 5 s when harder
}
"""The holds' ranges in ../shared/routine-notes.md."""


def holds(m: Move, ssml: str) -> list[float]:
    """Each hold as heard: from the end of its cue to the next phase's cue (hold cues inside it
    included, at Alexa's pace)."""
    phases = [phase for phase in m.guided.phases if phase.hold]
    cues = {fill(phase.cue, side) for phase in phases for side in (m.sides or (None,))}
    inside = {
        fill(cue, side) for p in phases for cue in p.hold_cues for side in (m.sides or (None,))
    }
    found: list[float] = []
    current: float | None = None
    for piece in speech_clock.pieces(ssml):
        if isinstance(piece, Said) and piece.text in cues:
            current = 0.0
        elif current is not None and isinstance(piece, Said) and piece.text not in inside:
            found.append(current)
            current = None
        elif current is not None:
            current += speech_clock.estimate([piece]).total
    return found


@pytest.mark.parametrize("m", ROUTINE.moves, ids=lambda move: move.id)
@pytest.mark.parametrize("variant", ["normal", "easier", "harder"])
@pytest.mark.parametrize("pace", ["slower", None, "faster"])
def test_every_hold_stays_inside_the_notes_range_whatever_the_version_and_pace(
    m: Move, variant: Variant, pace: str | None
) -> None:
    low, high = HOLD_RANGES[m.id]
    version = m.version(variant)
    for part in range(m.parts):
        ssml = guided(version, part, pace=PACE_STEPS.get(pace or "", 1.0))
        found = holds(version, ssml)
        assert found, (m.id, variant, pace)
        assert all(low - 0.05 <= hold <= high + 0.05 for hold in found), (variant, pace, found)


def test_the_pace_confirmation_says_it_changes_only_where_the_move_allows() -> None:
    at_quickest = [m.id for m in ROUTINE.moves if effective_pace(m, PACE_STEPS["faster"]) == 1]
    assert at_quickest, "some moves are already at their quickest"
    assert "where the move allows" in phrases.PACE_FASTER
    assert "where the move allows" in phrases.PACE_SLOWER


def test_the_easier_can_openers_work_the_side_they_name_on_both_sides() -> None:
    m = BY_ID["can_openers"]
    easier = m.version("easier")
    for part, side in enumerate(m.sides):
        other = m.sides[1 - part]
        for continued in (False, True):
            if continued and not part:
                continue
            said = " ".join(words(coach(m, part, continued, variant="easier")))
            assert f"{side} arm" in said, (side, continued, said[:120])
            assert f"{other} arm" not in said, (side, continued)
            assert f"{other} side" not in said, (side, continued)
            assert "behind your head" not in said, "the open book is done lying on the side"
        assert side in fill(easier.side_cue, side)
    # The short detail names the side too.
    for part, side in enumerate(m.sides):
        said = " ".join(words(coach(m, part, detail="short", variant="easier")))
        assert f"{side} arm on top" in said
