"""``make screens``: every figure of the screen document drawn to SVG and PNG, and a contact sheet.

The figures are the APL document's own vector graphics (``graphics`` in render/screen.json): AVG
``group``, ``path`` and ``text`` items whose properties may bind the graphic's parameter ``t``
(0: the start of the movement, 1: its end; the screen animates ``t`` during the set). Each file
shows the start pose solid and the end pose faint, so a physiotherapist can review the range
of each move from the files alone: ``build/screens/<figure>.svg`` and ``.png``, and
``build/screens/contact-sheet.png`` with every figure labelled by its move and version.

Offline, from the development dependencies only (matplotlib, and svgpath2mpl for SVG path data).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from tools.apl_expr import Context, evaluate
from upper_back.core.routine import Routine, load_routine
from upper_back.render import screen

OUT = Path("build/screens")
GHOST = 0.3
"""Opacity of the end pose drawn under the start pose."""
BACKGROUND = "#1B2630"
"""The document's background colour, so the figures are seen as on the device."""


@dataclass(frozen=True)
class Shape:
    """One drawable item at one value of ``t``: an SVG path or a text, in the graphic's units,
    with its accumulated transform (a, b, c, d, e, f as in SVG's ``matrix``)."""

    kind: str  # "path" or "text"
    data: str  # path data, or the text
    matrix: tuple[float, float, float, float, float, float]
    style: Mapping[str, Any]
    opacity: float


def _multiply(
    m: tuple[float, float, float, float, float, float],
    n: tuple[float, float, float, float, float, float],
) -> tuple[float, float, float, float, float, float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def group_matrix(group: Mapping[str, Any], context: Context) -> tuple[float, ...]:
    """AVG's group transform: translate(pivot + translate) rotate scale translate(-pivot)."""

    def number(name: str, default: float) -> float:
        return float(evaluate(group.get(name, default), context))

    px, py = number("pivotX", 0), number("pivotY", 0)
    tx, ty = number("translateX", 0), number("translateY", 0)
    angle = math.radians(number("rotation", 0))
    sx, sy = number("scaleX", 1), number("scaleY", 1)
    cos, sin = math.cos(angle), math.sin(angle)
    matrix = (1.0, 0.0, 0.0, 1.0, px + tx, py + ty)
    matrix = _multiply(matrix, (cos, sin, -sin, cos, 0.0, 0.0))
    matrix = _multiply(matrix, (sx, 0.0, 0.0, sy, 0.0, 0.0))
    return _multiply(matrix, (1.0, 0.0, 0.0, 1.0, -px, -py))


def shapes(graphic: Mapping[str, Any], t: float) -> list[Shape]:
    """Every path and text of ``graphic`` with its parameter ``t`` set, in drawing order."""
    names = {p["name"]: p.get("default") for p in graphic.get("parameters", [])}
    context = Context({**names, "t": t})
    styles = graphic.get("styles", {})
    return list(_walk(graphic.get("items", []), context, IDENTITY, 1.0, styles))


def _styled(item: Mapping[str, Any], styles: Mapping[str, Any], context: Context) -> dict[str, Any]:
    """The item's properties over those of its ``style`` (the graphic's ``styles``)."""
    merged: dict[str, Any] = {}
    if "style" in item:
        for values in styles[item["style"]]["values"]:
            if evaluate(values.get("when", True), context):
                merged.update({k: v for k, v in values.items() if k != "when"})
    return {**merged, **item}


def _walk(
    items: Any,
    context: Context,
    matrix: tuple[float, ...],
    opacity: float,
    styles: Mapping[str, Any],
) -> Iterator[Shape]:
    for raw in items if isinstance(items, list) else [items]:
        item = _styled(raw, styles, context)
        alpha = opacity * float(evaluate(item.get("opacity", 1), context))
        kind = item["type"]
        if kind == "group":
            inner = _multiply(matrix, group_matrix(item, context))  # type: ignore[arg-type]
            yield from _walk(item.get("items", []), context, inner, alpha, styles)
        elif kind == "path":
            style = {k: evaluate(v, context) for k, v in item.items() if k != "pathData"}
            data = str(evaluate(item["pathData"], context))
            yield Shape("path", data, matrix, style, alpha)  # type: ignore[arg-type]
        elif kind == "text":
            style = {k: evaluate(v, context) for k, v in item.items() if k != "text"}
            yield Shape("text", str(evaluate(item["text"], context)), matrix, style, alpha)  # type: ignore[arg-type]
        else:
            raise ValueError(f"not an AVG item: {kind}")


def _svg_shape(shape: Shape, opacity: float) -> str:
    style = shape.style
    matrix = "matrix({})".format(" ".join(f"{v:.4g}" for v in shape.matrix))
    alpha = shape.opacity * opacity
    if shape.kind == "text":
        return (
            f'<text transform="{matrix}" x="{style.get("x", 0)}" y="{style.get("y", 0)}" '
            f'font-size="{style.get("fontSize", 40)}" '
            f"fill={quoteattr(str(style.get('fill', '#fff')))} "
            f'text-anchor="{style.get("textAnchor", "start")}" opacity="{alpha:.3g}">'
            f"{escape(shape.data)}</text>"
        )
    return (
        f'<path transform="{matrix}" d={quoteattr(shape.data)} '
        f"fill={quoteattr(str(style.get('fill', 'none')))} "
        f"stroke={quoteattr(str(style.get('stroke', 'none')))} "
        f'stroke-width="{style.get("strokeWidth", 1)}" '
        f'stroke-linecap="{style.get("strokeLineCap", "butt")}" '
        f'stroke-linejoin="{style.get("strokeLineJoin", "miter")}" opacity="{alpha:.3g}"/>'
    )


def svg(graphic: Mapping[str, Any]) -> str:
    """The figure as SVG: its end pose faint, its start pose over it."""
    width, height = graphic["width"], graphic["height"]
    body = [f'<rect width="{width}" height="{height}" fill="{BACKGROUND}"/>']
    body += [_svg_shape(s, GHOST) for s in shapes(graphic, 1.0)]
    body += [_svg_shape(s, 1.0) for s in shapes(graphic, 0.0)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * 2}" height="{height * 2}" '
        f'viewBox="0 0 {width} {height}">\n  ' + "\n  ".join(body) + "\n</svg>\n"
    )


def draw(axes: Any, graphic: Mapping[str, Any]) -> None:
    """Draw the figure (end pose faint, start pose solid) on matplotlib ``axes``."""
    from matplotlib.patches import PathPatch  # noqa: PLC0415 (a development tool's import)
    from matplotlib.transforms import Affine2D  # noqa: PLC0415
    from svgpath2mpl import parse_path  # noqa: PLC0415

    width, height = graphic["width"], graphic["height"]
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.set_aspect("equal")
    axes.set_facecolor(BACKGROUND)
    axes.set_xticks([])
    axes.set_yticks([])
    # Points per graphic unit, so strokes keep their width relative to the drawing.
    box = axes.get_window_extent()
    points = box.width / width * 72 / axes.figure.dpi
    for t, opacity in ((1.0, GHOST), (0.0, 1.0)):
        for shape in shapes(graphic, t):
            a, b, c, d, e, f = shape.matrix
            transform = Affine2D.from_values(a, b, c, d, e, f)
            scale = math.sqrt(abs(a * d - b * c)) or 1.0
            alpha = shape.opacity * opacity
            if shape.kind == "text":
                x, y = transform.transform((shape.style.get("x", 0), shape.style.get("y", 0)))
                axes.text(x, y, shape.data, color=shape.style.get("fill", "#fff"), alpha=alpha,
                          fontsize=float(shape.style.get("fontSize", 40)) * points * scale,
                          ha={"middle": "center", "end": "right"}.get(
                              str(shape.style.get("textAnchor")), "left"))  # fmt: skip
                continue
            path = transform.transform_path(parse_path(shape.data))
            fill = shape.style.get("fill", "none")
            stroke = shape.style.get("stroke", "none")
            axes.add_patch(
                PathPatch(
                    path,
                    facecolor="none" if fill in ("none", "transparent") else fill,
                    edgecolor="none" if stroke in ("none", "transparent") else stroke,
                    linewidth=float(shape.style.get("strokeWidth", 1)) * points * scale,
                    capstyle="round" if shape.style.get("strokeLineCap") == "round" else "butt",
                    joinstyle="round",
                    alpha=alpha,
                )
            )


def labels(routine: Routine) -> dict[str, str]:
    """Each figure's caption: the move's name, and the version it shows."""
    captions = {}
    for index, move in enumerate(routine.moves):
        name = f"{index + 1}. {move.spoken_name()}"
        captions[screen.figure_id(move.id)] = name
        captions[screen.figure_id(move.id, "easier")] = f"{name} (easier)"
    return captions


def render(out: Path = OUT, *, png: bool = True) -> list[Path]:
    """Write every figure's SVG (and PNG) and the contact sheet; the paths written."""
    graphics = screen.document()["graphics"]
    captions = labels(load_routine())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, graphic in graphics.items():
        path = out / f"{name}.svg"
        path.write_text(svg(graphic), encoding="utf-8")
        written.append(path)
    if png:
        written += _pngs(out, graphics, captions)
    return written


def _pngs(out: Path, graphics: Mapping[str, Any], captions: Mapping[str, str]) -> list[Path]:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415

    written = []
    for name, graphic in graphics.items():
        figure = pyplot.figure(figsize=(4.8, 3.2), dpi=100)
        axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
        draw(axes, graphic)
        path = out / f"{name}.png"
        figure.savefig(path, facecolor=BACKGROUND)
        pyplot.close(figure)
        written.append(path)
    names = list(graphics)
    columns = 2
    rows = math.ceil(len(names) / columns)
    sheet, grid = pyplot.subplots(rows, columns, figsize=(4.8 * columns, 3.6 * rows), dpi=100)
    sheet.patch.set_facecolor("white")
    for axes, name in zip(grid.flat, names + [""] * (rows * columns - len(names)), strict=True):
        if not name:
            axes.axis("off")
            continue
        draw(axes, graphics[name])
        axes.set_title(f"{captions.get(name, name)}  [{name}]", fontsize=10)
    sheet.suptitle("Upper Back Routine: figures (solid: start, faint: end of the movement)")
    sheet.tight_layout()
    path = out / "contact-sheet.png"
    sheet.savefig(path)
    pyplot.close(sheet)
    return [*written, path]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder (default build/screens)")
    args = parser.parse_args(argv)
    written = render(args.out)
    print(f"{len(written)} files in {args.out}/ (contact sheet: {args.out / 'contact-sheet.png'})")


if __name__ == "__main__":
    main()
