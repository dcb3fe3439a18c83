"""Fakes over mocks: no test imports a mock library, or patches the project's own code.

Ruff bans ``unittest.mock`` and ``mock`` at module level only (TID253); this reads every test
module's syntax tree (``ast``, nothing is imported or run) and fails on:

- an import of ``unittest.mock`` or ``mock`` at any level (inside a function or a class too), in
  any spelling (``import unittest.mock``, ``from unittest import mock``, ``from mock import
  patch``, ``unittest.mock`` reached through ``import unittest``, ``importlib.import_module`` or
  ``__import__`` with the name as a string);
- ``<monkeypatch>.setattr(...)`` or ``.delattr(...)`` (any receiver: ``monkeypatch``, or a
  ``pytest.MonkeyPatch.context()``) whose target is the project's (``upper_back``,
  ``lambda_function``, ``sim``, ``tools``): a dotted string naming it, or an expression rooted
  in a name imported from it (``from upper_back.edge import turn`` then ``turn``,
  ``turn.Turns``, ``build_handler(...)``); and ``.setitem``/``.delitem`` of ``sys.modules``
  with a project module's name, which swaps a module as surely.

Patching third-party code (boto3, botocore, the socket module) stays allowed: the project's
behaviour is tested through its ports, with the fakes in tests/fakes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
PROJECT = frozenset({"upper_back", "lambda_function", "sim", "tools"})
MOCKS = ("unittest.mock", "mock")
PATCHERS = frozenset({"setattr", "delattr"})
MODULE_SWAPPERS = frozenset({"setitem", "delitem"})
IMPORTERS = frozenset({"import_module", "__import__"})


def is_project(dotted: str) -> bool:
    return dotted.split(".", maxsplit=1)[0] in PROJECT


def is_mock(dotted: str) -> bool:
    return any(dotted == name or dotted.startswith(f"{name}.") for name in MOCKS)


@dataclass(frozen=True)
class Offence:
    line: int
    what: str


def _root(node: ast.expr) -> str | None:
    """The name an expression is reached from: ``turn`` for ``turn.Turns.run``, for
    ``turn.Turns(...)`` and for ``turn.TABLE[0]``; None for anything else."""
    while True:
        match node:
            case ast.Name(id=name):
                return name
            case ast.Attribute(value=inner) | ast.Subscript(value=inner) | ast.Call(func=inner):
                node = inner
            case _:
                return None


def _dotted(node: ast.expr) -> str | None:
    """``unittest.mock`` for the expression ``unittest.mock``; None if not a plain dotted name."""
    match node:
        case ast.Name(id=name):
            return name
        case ast.Attribute(value=inner, attr=attr):
            head = _dotted(inner)
            return None if head is None else f"{head}.{attr}"
        case _:
            return None


def _string(node: ast.expr | None) -> str | None:
    match node:
        case ast.Constant(value=str(value)):
            return value
        case _:
            return None


def _bound_modules(tree: ast.Module) -> dict[str, str]:
    """Each name the module binds by an import (at any level), to the dotted name it stands
    for: ``import a.b`` binds ``a`` to ``a``; ``import a.b as c``, ``c`` to ``a.b``; ``from a
    import b``, ``b`` to ``a.b``. Plain aliases (``t = turn``) follow the name they copy."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        match node:
            case ast.Import(names=names):
                for alias in names:
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        bound[head] = head
            case ast.ImportFrom(module=module, names=names, level=0) if module:
                for alias in names:
                    bound[alias.asname or alias.name] = f"{module}.{alias.name}"
    for node in ast.walk(tree):
        match node:
            case ast.Assign(targets=[ast.Name(id=copied)], value=value):
                root = _root(value)
                if root in bound:
                    bound.setdefault(copied, bound[root])
                imported = _imported(value)
                if imported is not None:
                    bound.setdefault(copied, imported)
    return bound


def _imported(node: ast.expr) -> str | None:
    """The module name of ``importlib.import_module("x")`` or ``__import__("x")``."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in IMPORTERS:
            return _string(node.args[0])
    return None


def _mock_imports(tree: ast.Module, bound: dict[str, str]) -> Iterator[Offence]:
    for node in ast.walk(tree):
        match node:
            case ast.Import(names=names):
                for alias in names:
                    if is_mock(alias.name):
                        yield Offence(node.lineno, f"import {alias.name}")
            case ast.ImportFrom(module=str(module), names=names, level=0):
                if is_mock(module):
                    yield Offence(node.lineno, f"from {module} import ...")
                elif module == "unittest" and any(alias.name == "mock" for alias in names):
                    yield Offence(node.lineno, "from unittest import mock")
            case ast.Attribute(attr="mock", value=ast.Name(id=name)) if (
                bound.get(name) == "unittest"
            ):
                yield Offence(node.lineno, "unittest.mock, through import unittest")
            case ast.Call():
                imported = _imported(node)
                if imported is not None and is_mock(imported):
                    yield Offence(node.lineno, f"imports {imported} by name")


def _project_target(node: ast.expr, bound: dict[str, str]) -> str | None:
    """What in the project ``node`` names, if it does (else None)."""
    text = _string(node)
    if text is not None:
        return text if is_project(text) else None
    root = _root(node)
    if root is None or root not in bound or not is_project(bound[root]):
        return None
    return _dotted(node) or f"{bound[root]} (through {root})"


def _patches(tree: ast.Module, bound: dict[str, str]) -> Iterator[Offence]:
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        arguments = [*node.args, *(k.value for k in node.keywords if k.arg in ("target", "name"))]
        if method in PATCHERS and arguments:
            target = _project_target(arguments[0], bound)
            if target is not None:
                yield Offence(node.lineno, f"{method} on the project's {target}")
        elif method in MODULE_SWAPPERS and len(node.args) >= 2:
            modules = _dotted(node.args[0])
            name = _string(node.args[1])
            if modules == "sys.modules" and name is not None and is_project(name):
                yield Offence(node.lineno, f"{method} of sys.modules[{name!r}]")


def offences(source: str) -> list[Offence]:
    """Every mock import and every patch of the project's code in ``source``."""
    tree = ast.parse(source)
    bound = _bound_modules(tree)
    found = [*_mock_imports(tree, bound), *_patches(tree, bound)]
    return sorted(set(found), key=lambda offence: (offence.line, offence.what))


def scanned_modules() -> list[Path]:
    return sorted(TESTS.rglob("*.py"))


# -- The suite as it is -----------------------------------------------------------------------


def test_the_scan_reads_every_test_module() -> None:
    names = {path.relative_to(TESTS).as_posix() for path in scanned_modules()}
    assert {"conftest.py", "contract/test_no_mocks.py", "fakes/store.py"} <= names
    assert len(names) > 40


def test_no_test_imports_a_mock_library_or_patches_the_project_s_code() -> None:
    found = [
        f"{path.relative_to(TESTS.parent)}:{offence.line}: {offence.what}"
        for path in scanned_modules()
        for offence in offences(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "fakes over mocks (see tests/fakes):\n" + "\n".join(found)


# -- The scan itself: what it catches, and what it leaves alone -------------------------------

CAUGHT = {
    "import": "import unittest.mock",
    "import-as": "import unittest.mock as um",
    "import-mock": "import mock",
    "from-unittest": "from unittest import mock",
    "from-unittest-mock": "from unittest.mock import patch",
    "from-mock": "from mock import MagicMock",
    "in-a-function": "def test_x():\n    from unittest.mock import patch\n",
    "in-a-class": "class T:\n    def test_x(self):\n        import unittest.mock\n",
    "through-unittest": "import unittest\n\ndef test_x():\n    unittest.mock.patch('x')\n",
    "import-module": "import importlib\nm = importlib.import_module('unittest.mock')\n",
    "dunder-import": "m = __import__('mock')\n",
    "string": "def test_x(monkeypatch):\n    monkeypatch.setattr('upper_back.edge.turn.X', 1)\n",
    "string-delattr": "def test_x(monkeypatch):\n    monkeypatch.delattr('sim.nlu.resolve')\n",
    "lambda-function": "def test_x(monkeypatch):\n    monkeypatch.setattr('lambda_function.x', 1)",
    "from-import": (
        "from upper_back.edge import turn\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(turn, 'SAVE_ATTEMPTS', 1)\n"
    ),
    "class-attribute": (
        "from upper_back.edge.turn import Turns\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(Turns.run, '__doc__', '')\n"
    ),
    "dotted-module": (
        "import upper_back.edge.turn\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(upper_back.edge.turn, 'X', 1)\n"
    ),
    "module-alias": (
        "import tools.timing as timing\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.delattr(timing, 'main')\n"
    ),
    "name-alias": (
        "from sim import conversation\nc = conversation\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(c.Conversation, 'say', None)\n"
    ),
    "an-object-built-by-the-project": (
        "from upper_back.edge.app import build_handler\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(build_handler(), 'x', 1)\n"
    ),
    "import-inside-the-test": (
        "def test_x(monkeypatch):\n    from upper_back.core import routine\n"
        "    monkeypatch.setattr(routine, 'load_routine', None)\n"
    ),
    "keyword-target": (
        "def test_x(monkeypatch):\n"
        "    monkeypatch.setattr(target='upper_back.edge.turn.X', value=1)\n"
    ),
    "context": (
        "import pytest\n\ndef test_x():\n    with pytest.MonkeyPatch.context() as mp:\n"
        "        mp.setattr('upper_back.render.phrases.BYE', '')\n"
    ),
    "sys-modules": (
        "import sys\n\ndef test_x(monkeypatch):\n"
        "    monkeypatch.setitem(sys.modules, 'upper_back.edge.turn', None)\n"
    ),
}

LEFT_ALONE = {
    "boto3": (
        "import boto3\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(boto3.session.Session, 'resource', 1)\n"
    ),
    "botocore-string": "def test_x(monkeypatch):\n    monkeypatch.setattr('botocore.x.y', 1)\n",
    "socket": (
        "import socket\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(socket.socket, 'connect', None)\n"
    ),
    "environment": "def test_x(monkeypatch):\n    monkeypatch.setenv('TABLE_NAME', 't')\n",
    "a-name-like-sim": (
        "import simplejson\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(simplejson, 'x', 1)\n"
        "    monkeypatch.setattr('toolz.x', 1)\n    monkeypatch.setattr('simple.x', 1)\n"
    ),
    "a-test-fake": (
        "from tests.fakes.store import MemoryStore\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(MemoryStore, 'load', None)\n"
    ),
    "the-project-as-the-value": (
        "import boto3\nfrom upper_back.core.routine import load_routine\n\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(boto3, 'x', load_routine)\n"
    ),
    "moto": "from moto import mock_aws\n",
    "unittest": "import unittest\n\nclass T(unittest.TestCase):\n    pass\n",
    "a-local-named-mock": "mock = 1\nprint(mock)\n",
    "sys-modules-other": (
        "import sys\n\ndef test_x(monkeypatch):\n"
        "    monkeypatch.setitem(sys.modules, 'botocore.x', None)\n"
    ),
}


@pytest.mark.parametrize("source", CAUGHT.values(), ids=CAUGHT.keys())
def test_the_scan_catches_a_mock_or_a_patch_of_the_project(source: str) -> None:
    found = offences(source)
    assert len(found) == 1, found


@pytest.mark.parametrize("source", LEFT_ALONE.values(), ids=LEFT_ALONE.keys())
def test_the_scan_leaves_third_party_patches_and_look_alikes_alone(source: str) -> None:
    assert offences(source) == []
