"""Reading template.yaml the way CloudFormation does (with !Ref and !GetAtt), for the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools import package

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def load() -> dict[str, Any]:
    """A fresh copy of the template (short-form intrinsics as ``{"Ref": ...}`` and so on)."""
    return package.load_template(TEMPLATE)


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def only(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    """The single resource of a type, with its logical id."""
    found = resources_of_type(template, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.items()))


def function(template: dict[str, Any]) -> dict[str, Any]:
    return package.function_properties(template)
