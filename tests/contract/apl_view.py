"""What an APL document shows on one viewport for one datasource, worked out offline.

A small inflater for the project's own document: resources chosen by their ``when`` for the
viewport, then every component whose ``when`` holds, with ``bind`` values, ``data``-driven
children and ``${...}`` bindings evaluated (tools/apl_expr.py), as a device would inflate it.
It knows the few rules the document relies on and raises on anything it does not know, so the
checks that use it fail rather than pass by misreading.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tools.apl_expr import Context, evaluate

PRIMITIVES = frozenset(
    {
        "Container", "EditText", "Frame", "GridSequence", "Image", "Pager", "ScrollView",
        "Sequence", "Text", "TouchWrapper", "VectorGraphic", "Video",
    }
)  # fmt: skip
MULTI_CHILD = frozenset({"Container", "Sequence", "GridSequence", "Pager"})


@dataclass(frozen=True)
class Viewport:
    """A standard viewport profile (dp), as a device reports it in ``viewport``."""

    name: str
    width: int
    height: int
    shape: str = "rectangle"
    mode: str = "hub"

    def names(self) -> dict[str, Any]:
        return {
            "width": float(self.width),
            "height": float(self.height),
            "shape": self.shape,
            "mode": self.mode,
            "dpi": 160.0,
            "theme": "dark",
        }


PROFILES = (
    Viewport("Echo Spot (round, small)", 480, 480, shape="round"),
    Viewport("Echo Show 5 (landscape, small)", 960, 480),
    Viewport("Echo Show 8 (landscape, medium)", 960, 600),
    Viewport("Echo Show 10 (landscape, large)", 1280, 800),
    Viewport("Echo Show 15 (landscape, extra large)", 1920, 1080),
    Viewport("TV (landscape, extra large)", 960, 540, mode="tv"),
)
"""Amazon's standard profiles for the devices the manifest's viewports cover, in dp."""


@dataclass(frozen=True)
class Shown:
    """One inflated component: its type, id and evaluated properties."""

    type: str
    id: str
    properties: Mapping[str, Any]


def resources(document: Mapping[str, Any], viewport: Viewport) -> dict[str, Any]:
    """The document's resources for ``viewport``: later blocks whose ``when`` holds win."""
    context = Context({"viewport": viewport.names()})
    chosen: dict[str, Any] = {}
    for block in document.get("resources", []):
        if evaluate(block.get("when", True), context):
            for kind, values in block.items():
                if kind != "when":
                    chosen.update(values)
    return chosen


def inflate(
    document: Mapping[str, Any], datasources: Mapping[str, Any], viewport: Viewport
) -> list[Shown]:
    """Every component the device would show, in document order."""
    template = document["mainTemplate"]
    [parameter] = template["parameters"]
    context = Context(
        {parameter: datasources, "viewport": viewport.names()}, resources(document, viewport)
    )
    items = template.get("items", template.get("item"))
    return list(_children(items, context, multi=False, data=None))


def _children(items: Any, context: Context, *, multi: bool, data: Any) -> Iterator[Shown]:
    listed = items if isinstance(items, list) else [items]
    if data is not None:
        for index, value in enumerate(data):
            inner = context.with_names(data=value, index=float(index))
            yield from _children(listed, inner, multi=False, data=None)
        return
    for item in listed:
        if evaluate(item.get("when", True), context):
            yield from _component(item, context)
            if not multi:
                return


def _component(item: Mapping[str, Any], context: Context) -> Iterator[Shown]:
    kind = item["type"]
    if kind not in PRIMITIVES:
        raise ValueError(f"not an APL component (the document defines no layouts): {kind}")
    for bound in item.get("bind", []):
        context = context.with_names(**{bound["name"]: evaluate(bound["value"], context)})
    skip = {"bind", "items", "item", "data", "onPress", "when"}
    properties = {k: evaluate(v, context) for k, v in item.items() if k not in skip}
    properties["onPress"] = [
        {k: _deep(v, context) for k, v in command.items()} for command in item.get("onPress", [])
    ]
    yield Shown(kind, str(properties.get("id", "")), properties)
    children = item.get("items", item.get("item"))
    if children is None:
        return
    data = evaluate(item["data"], context) if "data" in item else None
    yield from _children(children, context, multi=kind in MULTI_CHILD, data=data)


def _deep(value: Any, context: Context) -> Any:
    if isinstance(value, list):
        return [_deep(v, context) for v in value]
    if isinstance(value, dict):
        return {k: _deep(v, context) for k, v in value.items()}
    return evaluate(value, context)
