"""``make screens``: every figure drawn to SVG and PNG, and the contact sheet, from the document."""

from __future__ import annotations

import math
import re
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
