"""``make screens``: every figure drawn to SVG and PNG, and the contact sheet, from the document."""

from __future__ import annotations

import math
import re
from itertools import pairwise
from pathlib import Path

import pytest

from tools.apl_expr import Context
from tools.screens import group_matrix, labels, render, shapes, svg
from upper_back.core.routine import load_routine
from upper_back.render.screen import document

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_every_figure_and_the_contact_sheet_are_written(tmp_path: Path) -> None:
    written = render(tmp_path)
    graphics = document()["graphics"]
    for name in graphics:
        assert (tmp_path / f"{name}.svg").read_text().startswith("<svg")
        assert (tmp_path / f"{name}.png").read_bytes().startswith(PNG_MAGIC)
    sheet = tmp_path / "contact-sheet.png"
    assert sheet.read_bytes().startswith(PNG_MAGIC)
    assert len(written) == 2 * len(graphics) + 1
    # Each figure is drawn, not an empty frame: the PNGs differ from one another.
    assert len({(tmp_path / f"{n}.png").read_bytes() for n in graphics}) == len(graphics)


def test_each_figure_is_labelled_with_its_move_and_version() -> None:
    captions = labels(load_routine())
    assert set(captions) == set(document()["graphics"])
    assert captions["can_openers_easier"] == "3. can openers (easier)"


def test_the_svg_shows_the_start_pose_over_the_faint_end_pose() -> None:
    graphic = document()["graphics"]["can_openers"]
    drawn = svg(graphic)
    start, end = shapes(graphic, 0.0), shapes(graphic, 1.0)
    assert len(re.findall(r"<path ", drawn)) == len(start) + len(end)
    assert 'opacity="0.3"' in drawn
    # The movement moves something: the working arm turns from the floor to the ceiling.
    assert [s.matrix for s in start] != [s.matrix for s in end]


def test_a_group_rotates_and_scales_about_its_pivot() -> None:
    """AVG: translate(pivot + translate) rotate scale translate(-pivot)."""
    group = {"pivotX": 10, "pivotY": 20, "rotation": "${t * 90}", "scaleY": 2, "translateX": 5}
    a, b, c, d, e, f = group_matrix(group, Context({"t": 1.0}))
    pivot = (a * 10 + c * 20 + e, b * 10 + d * 20 + f)
    assert pivot == pytest.approx((15, 20))
    point = (a * 11 + c * 20 + e, b * 11 + d * 20 + f)  # one unit right of the pivot
    assert point == pytest.approx((15, 21))  # turned a quarter clockwise (y points down)
    below = (a * 10 + c * 21 + e, b * 10 + d * 21 + f)  # one unit below: scaled by 2 first
    assert math.dist(below, pivot) == pytest.approx(2)


FLOOR_Y = 150  # the floor line every floor and standing figure draws: "M8 150L232 150"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
Point = tuple[float, float]


def _points(shape_data: str, matrix: tuple[float, ...]) -> list[Point]:
    """The vertices of a polyline path ("Mx yLx y..."), transformed."""
    values = [float(v) for v in NUMBER.findall(shape_data)]
    a, b, c, d, e, f = matrix
    pairs = zip(values[::2], values[1::2], strict=True)
    return [(a * x + c * y + e, b * x + d * y + f) for x, y in pairs]


def _rigid(matrix: tuple[float, ...]) -> bool:
    a, b, c, d, _, _ = matrix
    return abs(abs(a * d - b * c) - 1) < 1e-6


def _limbs(graphic: dict[str, object]) -> list[tuple[list[Point], list[Point]]]:
    """The body's straight segments (not props, not the head) at the start and the end of the
    movement, leaving out those a group scales (an arm seen turning, or shortening as the
    shoulder blades glide: drawn to look right, not to keep a length)."""
    found = []
    for before, after in zip(shapes(graphic, 0.0), shapes(graphic, 1.0), strict=True):
        body = before.style.get("style") in ("near", "far", "work") and "a" not in before.data
        if body and _rigid(before.matrix) and _rigid(after.matrix):
            found.append((_points(before.data, before.matrix), _points(after.data, after.matrix)))
    return found


@pytest.mark.parametrize("name", sorted(document()["graphics"]))
def test_a_figure_keeps_its_proportions_and_its_footing_through_the_movement(name: str) -> None:
    """For review by a physiotherapist, and against slips when a figure is edited: bones keep
    their length from the start of the movement to its end, and a figure on the floor neither
    floats above it nor sinks through it."""
    graphic = document()["graphics"][name]
    limbs = _limbs(graphic)
    assert limbs
    for before, after in limbs:
        for (p, q), (r, s) in zip(pairwise(before), pairwise(after), strict=True):
            assert math.dist(p, q) == pytest.approx(math.dist(r, s), abs=0.5), name
    on_floor = any(s.data.startswith(f"M8 {FLOOR_Y}L232 {FLOOR_Y}") for s in shapes(graphic, 0))
    if on_floor:
        for pose in (0, 1):
            lowest = max(y for limb in limbs for _, y in limb[pose])
            assert FLOOR_Y - 6 <= lowest <= FLOOR_Y + 1, (name, pose, lowest)
