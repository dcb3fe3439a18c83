"""APL's data-binding expressions, evaluated as a device would for the project's documents."""

from __future__ import annotations

import pytest

from tools.apl_expr import Context, ExpressionError, evaluate, expression

CONTEXT = Context(
    {
        "payload": {"screen": {"kind": "move", "move": 2, "side": "", "days": [1, 2, 3]}},
        "viewport": {"width": 960.0, "shape": "round"},
        "t": 0.5,
    },
    {"pad": 32, "gap": "@pad", "accent": "#4FC3F7"},
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("-t * 4", -2.0),
        ("Math.min(1, t * 2) * 10 + Math.max(0, t * 2 - 1) * 20", 10.0),
        ("payload.screen.kind == 'move'", True),
        ("payload.screen.kind != 'move' || viewport.width >= 960", True),
        ("viewport.shape == 'round' ? @pad : 0", 32),
        ("@gap", 32),
        ("payload.screen.side ? 'x' : 'none'", "none"),
        ("payload.screen.days.length > 2 && !payload.screen.missing", True),
        ("payload.screen.days[1]", 2),
        ("payload.screen.missing ?? 'default'", "default"),
        ("'Move ' + payload.screen.move", "Move 2"),
        ("10 % 4", 2.0),
    ],
)
def test_expressions_evaluate_as_apl_does(source: str, expected: object) -> None:
    assert expression(source, CONTEXT) == expected


def test_a_string_with_bindings_becomes_text_and_a_lone_binding_keeps_its_type() -> None:
    assert evaluate("${payload.screen.move}", CONTEXT) == 2
    assert evaluate("Move ${payload.screen.move} of ${2 + 3}", CONTEXT) == "Move 2 of 5"
    assert evaluate("@accent", CONTEXT) == "#4FC3F7"
    assert evaluate(12, CONTEXT) == 12


@pytest.mark.parametrize(
    "source", ["unknown.name", "1 +", "Math.sqrt(4)", "'a' * 2", "@nothing", "a = 1", "1 2"]
)
def test_anything_outside_the_subset_is_refused_not_misread(source: str) -> None:
    with pytest.raises(ExpressionError):
        expression(source, CONTEXT)
