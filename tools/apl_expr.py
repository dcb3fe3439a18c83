"""APL's data-binding expressions (``${...}``), evaluated offline: enough of the language for the
project's own documents, so tools and tests can see what a device would compute.

Supported: numbers, 'strings', true/false/null, names with ``.member`` and ``[index]`` access
(``.length`` of arrays and strings), ``@resource`` names, ``Math.min/max/abs/floor/ceil/round``,
unary ``! - +``, ``* / %``, ``+ -`` (``+`` joins when either side is a string), comparisons,
``== !=``, ``&& ||``, ``??`` and ``a ? b : c``. Anything else raises ``ExpressionError``, so a
document that uses more fails the project's checks loudly instead of being misread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<resource>@[A-Za-z_][\w]*)
    | (?P<name>[A-Za-z_][\w]*)
    | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||\?\?|[-+*/%<>!?:.,()\[\]])
    )""",
    re.VERBOSE,
)
_BINDING = re.compile(r"\$\{((?:[^{}'\"]|'[^']*'|\"[^\"]*\")*)\}")
_WHOLE = re.compile(r"^\$\{((?:[^{}'\"]|'[^']*'|\"[^\"]*\")*)\}$")

_MATH: dict[str, Callable[..., float]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "floor": math.floor,
    "ceil": math.ceil,
    "round": lambda x: math.floor(x + 0.5),
}
_PRECEDENCE = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 4, "!=": 4, "===": 4, "!==": 4,
    "<": 5, "<=": 5, ">": 5, ">=": 5,
    "+": 6, "-": 6,
    "*": 7, "/": 7, "%": 7,
}  # fmt: skip


class ExpressionError(ValueError):
    """An expression outside the supported subset, or a name nobody defined."""


@dataclass(frozen=True)
class Context:
    """Names an expression can see (``payload``, ``viewport``, ``data``, bound values...) and the
    document's resources (``@name``)."""

    names: Mapping[str, Any] = field(default_factory=dict)
    resources: Mapping[str, Any] = field(default_factory=dict)

    def with_names(self, **names: Any) -> Context:
        return Context({**self.names, **names}, self.resources)


_MISSING = object()


def text(value: Any) -> str:
    """A value as APL turns it into text: whole numbers without ``.0``, null as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def truthy(value: Any) -> bool:
    """APL truthiness: "", 0, null, false and empty arrays are false."""
    if isinstance(value, list | dict | tuple):
        return bool(value)
    return bool(value) and value != ""


def evaluate(value: Any, context: Context) -> Any:
    """A property value as the device computes it: a lone ``${...}`` keeps its type; a string
    with bindings inside becomes text; ``@name`` alone is a resource; other values as they are."""
    if not isinstance(value, str):
        return value
    whole = _WHOLE.match(value)
    if whole:
        return expression(whole.group(1), context)
    if value.startswith("@") and re.fullmatch(r"@[A-Za-z_]\w*", value):
        return _resource(value, context)
    return _BINDING.sub(lambda m: text(expression(m.group(1), context)), value)


def bindings(value: str) -> list[str]:
    """The expressions inside ``${...}`` in ``value``."""
    return [m.group(1) for m in _BINDING.finditer(value)]


def expression(source: str, context: Context) -> Any:
    """Evaluate one expression (the inside of ``${...}``)."""
    parser = _Parser(_tokens(source), context)
    result = parser.ternary()
    if parser.position != len(parser.tokens):
        raise ExpressionError(f"unexpected {parser.peek()!r} in {source!r}")
    return result


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    stripped = source.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read {stripped[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _resource(name: str, context: Context) -> Any:
    if name[1:] not in context.resources:
        raise ExpressionError(f"no resource {name}")
    return evaluate(context.resources[name[1:]], context)


class _Parser:
    """A small precedence-climbing parser that evaluates as it reads."""

    def __init__(self, tokens: list[tuple[str, str]], context: Context) -> None:
        self.tokens = tokens
        self.context = context
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ExpressionError("unexpected end of expression")
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, found {token[1]!r}")
        self.position += 1
        return token

    def ternary(self) -> Any:
        condition = self.binary(1)
        if self.peek() != "?":
            return condition
        self.take("?")
        yes = self.ternary()
        self.take(":")
        no = self.ternary()
        return yes if truthy(condition) else no

    def binary(self, level: int) -> Any:
        left = self.unary()
        while True:
            token = self.tokens[self.position] if self.position < len(self.tokens) else None
            if token is None or token[0] != "op" or _PRECEDENCE.get(token[1], 0) < level:
                return left
            operator = self.take()[1]
            right = self.binary(_PRECEDENCE[operator] + 1)
            left = _apply(operator, left, right)

    def unary(self) -> Any:
        if self.peek() in ("!", "-", "+"):
            operator = self.take()[1]
            value = self.unary()
            if operator == "!":
                return not truthy(value)
            return -_number(value) if operator == "-" else _number(value)
        return self.postfix(self.primary())

    def primary(self) -> Any:  # noqa: PLR0911 (a kind of token each)
        kind, value = self.take()
        if kind == "number":
            return float(value)
        if kind == "string":
            return value[1:-1]
        if kind == "resource":
            return _resource(value, self.context)
        if value == "(":
            inner = self.ternary()
            self.take(")")
            return inner
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        literals = {"true": True, "false": False, "null": None}
        if value in literals:
            return literals[value]
        if value == "Math":
            self.take(".")
            function = _MATH.get(self.take()[1])
            if function is None:
                raise ExpressionError("unsupported Math function")
            return function(*self.arguments())
        if value not in self.context.names:
            raise ExpressionError(f"no name {value!r}")
        return self.context.names[value]

    def arguments(self) -> list[Any]:
        self.take("(")
        values = []
        while self.peek() != ")":
            values.append(_number(self.ternary()))
            if self.peek() == ",":
                self.take(",")
        self.take(")")
        return values

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                value = _member(value, self.take()[1])
            else:
                index = self.ternary()
                self.take("]")
                value = _member(value, index)
        return value


def _member(value: Any, key: Any) -> Any:
    if key == "length" and isinstance(value, list | str):
        return float(len(value))
    if isinstance(value, Mapping):
        found = value.get(key, _MISSING)
        return None if found is _MISSING else found
    if isinstance(value, list) and isinstance(key, float) and key.is_integer():
        return value[int(key)] if 0 <= key < len(value) else None
    return None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError(f"not a number: {value!r}")
    return float(value)


def _apply(operator: str, left: Any, right: Any) -> Any:  # noqa: PLR0911 (an operator each)
    if operator == "??":
        return right if left is None else left
    if operator == "||":
        return left if truthy(left) else right
    if operator == "&&":
        return right if truthy(left) else left
    if operator in ("==", "==="):
        return left == right
    if operator in ("!=", "!=="):
        return left != right
    if operator == "+" and (isinstance(left, str) or isinstance(right, str)):
        return text(left) + text(right)
    a, b = _number(left), _number(right)
    arithmetic: dict[str, Callable[[float, float], Any]] = {
        "<": lambda x, y: x < y,
        "<=": lambda x, y: x <= y,
        ">": lambda x, y: x > y,
        ">=": lambda x, y: x >= y,
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
        "*": lambda x, y: x * y,
        "/": lambda x, y: x / y if y else math.inf,
        "%": lambda x, y: math.fmod(x, y) if y else math.nan,
    }
    return arithmetic[operator](a, b)
