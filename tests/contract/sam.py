"""Reading template.yaml the way CloudFormation does (with !Ref and !GetAtt), for the tests."""

from __future__ import annotations

import json
from collections.abc import Callable
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


_NO_VALUE = object()


def with_parameters(template: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The template as CloudFormation would create it for these parameter values (defaults for
    the rest): its conditions evaluated, resources and outputs whose condition is false left
    out, each ``Fn::If`` replaced by its chosen branch, ``AWS::NoValue`` removed, and then the
    Conditions section and the parameters nothing refers to any more dropped (so cfn-lint sees
    a template with nothing unused)."""
    parameters = template.get("Parameters", {})
    chosen = {
        name: str(values.get(name, spec.get("Default", ""))) for name, spec in parameters.items()
    }
    unknown = set(values) - set(parameters)
    assert not unknown, f"no such parameters: {sorted(unknown)}"
    decided: dict[str, bool] = {}

    def evaluate(node: Any) -> Any:
        if isinstance(node, str | bool):
            return node
        [(function_name, argument)] = node.items()
        return operators[function_name](argument)

    def condition(name: str) -> bool:
        if name not in decided:
            decided[name] = bool(evaluate(template["Conditions"][name]))
        return decided[name]

    operators: dict[str, Callable[[Any], Any]] = {
        "Ref": lambda name: chosen[name],
        "Condition": condition,
        "Fn::Equals": lambda pair: evaluate(pair[0]) == evaluate(pair[1]),
        "Fn::Not": lambda one: not evaluate(one[0]),
        "Fn::And": lambda items: all(map(evaluate, items)),
        "Fn::Or": lambda items: any(map(evaluate, items)),
    }

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Fn::If"}:
                name, when_true, when_false = node["Fn::If"]
                return resolve(when_true if condition(name) else when_false)
            if node == {"Ref": "AWS::NoValue"}:
                return _NO_VALUE
            items = ((key, resolve(value)) for key, value in node.items())
            return {key: value for key, value in items if value is not _NO_VALUE}
        if isinstance(node, list):
            return [item for item in map(resolve, node) if item is not _NO_VALUE]
        return node

    resolved = {key: value for key, value in template.items() if key != "Conditions"}
    for section in ("Resources", "Outputs"):
        resolved[section] = {
            name: resolve({key: value for key, value in item.items() if key != "Condition"})
            for name, item in template.get(section, {}).items()
            if "Condition" not in item or condition(item["Condition"])
        }
    text = json.dumps([resolved["Resources"], resolved["Outputs"]])
    resolved["Parameters"] = {
        name: spec
        for name, spec in parameters.items()
        if json.dumps({"Ref": name}) in text or f"${{{name}}}" in text
    }
    return resolved
