"""Build the Lambda deployment zip without Docker and without a matching local Python.

``sam build`` needs Docker or the runtime's exact Python on the PATH. The dependencies here are
pure-Python wheels, so pip can fetch them for the Lambda platform from any interpreter::

    .venv/bin/python -m tools.package [--output build/upper-back-routine.zip] [--code-only]

It writes ``build/upper-back-routine.zip`` (dependencies, ``lambda_function.py`` and the
``upper_back`` package at the top level; no bytecode, tests or scripts; sorted entries with fixed
timestamps, so the same inputs give the same bytes) and, next to it, ``template.json``: a copy of
``template.yaml`` whose ``CodeUri`` is that zip, for ``sam deploy --template-file``.

The target Python version and CPU come from the function's ``Runtime`` and ``Architectures`` in
``template.yaml``, so the wheels can never drift from what Lambda runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
CODE_DIR = ROOT / "lambda"
REQUIREMENTS = CODE_DIR / "requirements.txt"
DEFAULT_OUTPUT = ROOT / "build" / "upper-back-routine.zip"
PACKAGED_TEMPLATE_NAME = "template.json"

FUNCTION_TYPE = "AWS::Serverless::Function"
HANDLER_MODULE = "lambda_function.py"
CODE_PACKAGE = "upper_back"
# pip's platform tag for each Lambda architecture (Lambda's default is x86_64).
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
DEFAULT_ARCHITECTURE = "x86_64"

# Never shipped: bytecode (built for the wrong interpreter), our tests, and the console scripts
# pip writes to bin/. A dependency's own "tests" package is kept: it might be imported.
BYTECODE_DIRS = frozenset({"__pycache__"})
CODE_SKIPPED_DIRS = BYTECODE_DIRS | {"tests"}
SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo"})
SKIPPED_DEPENDENCY_ROOTS = frozenset({"bin"})

# 1980-01-01 is the earliest time a zip can record; fixed so rebuilds are byte-identical.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file readable by Lambda's sandbox user
# Lambda refuses code over 250 MB unzipped (the 50 MB zipped limit applies to direct uploads
# only; sam deploy goes through S3).
UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024


class PackagingError(Exception):
    """The package cannot be built as asked; the message says why."""


@dataclass(frozen=True)
class LambdaTarget:
    """The interpreter and platform pip must fetch wheels for."""

    python_version: str
    platform: str

    @classmethod
    def from_template(cls, template: Path = TEMPLATE) -> LambdaTarget:
        """Read the function's Runtime and Architectures (Globals included) from the template."""
        properties = function_properties(load_template(template))
        runtime = properties.get("Runtime")
        match = re.fullmatch(r"python(\d+\.\d+)", runtime) if isinstance(runtime, str) else None
        if match is None:
            raise PackagingError(f"{template}: Runtime {runtime!r} is not a pythonX.Y runtime")
        architectures = properties.get("Architectures", [DEFAULT_ARCHITECTURE])
        if not isinstance(architectures, list) or len(architectures) != 1:
            raise PackagingError(f"{template}: Architectures must list exactly one architecture")
        platform = PLATFORMS.get(architectures[0])
        if platform is None:
            raise PackagingError(f"{template}: unknown architecture {architectures[0]!r}")
        return cls(python_version=match.group(1), platform=platform)


def load_template_text(text: str) -> dict[str, Any]:
    """A template as plain data, short-form intrinsics (``!Ref x``) as ``{"Ref": "x"}``."""
    template = yaml_parse(text)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise PackagingError("not a CloudFormation template")
    return template


def load_template(path: Path) -> dict[str, Any]:
    """The template file as plain data (see load_template_text)."""
    return load_template_text(path.read_text(encoding="utf-8"))


def function_logical_id(template: dict[str, Any]) -> str:
    """The one serverless function the template declares."""
    ids = [
        str(name)
        for name, resource in template.get("Resources", {}).items()
        if resource.get("Type") == FUNCTION_TYPE
    ]
    if len(ids) != 1:
        raise PackagingError(f"expected exactly one {FUNCTION_TYPE}, found {ids}")
    return ids[0]


def function_properties(template: dict[str, Any]) -> dict[str, Any]:
    """The function's properties with SAM's Globals.Function merged underneath."""
    globals_ = template.get("Globals", {}).get("Function", {})
    own = template["Resources"][function_logical_id(template)].get("Properties", {})
    return {**globals_, **own}


def pip_install_command(requirements: Path, target_dir: Path, target: LambdaTarget) -> list[str]:
    """pip, told to fetch only wheels built for Lambda's interpreter and CPU."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # bytecode from this interpreter would be useless to Lambda's
        "--target",
        str(target_dir),
        "--platform",
        target.platform,
        "--python-version",
        target.python_version,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--requirement",
        str(requirements),
    ]


def _walk(root: Path, skipped_dirs: frozenset[str]) -> Iterator[PurePosixPath]:
    """Every file under root worth shipping, as a path relative to root."""
    for path in root.rglob("*"):
        if path.is_file():
            relative = PurePosixPath(path.relative_to(root).as_posix())
            if not skipped_dirs.intersection(relative.parts[:-1]) and (
                relative.suffix not in SKIPPED_SUFFIXES
            ):
                yield relative


def collect(code_dir: Path, dependencies_dir: Path | None) -> dict[str, Path]:
    """Map each archive name to the file it holds: the dependencies, then our code on top."""
    entries: dict[str, Path] = {}
    if dependencies_dir is not None:
        for relative in _walk(dependencies_dir, BYTECODE_DIRS):
            if relative.parts[0] not in SKIPPED_DEPENDENCY_ROOTS:
                entries[str(relative)] = dependencies_dir / relative
    handler = code_dir / HANDLER_MODULE
    package = code_dir / CODE_PACKAGE
    for required in (handler, package / "__init__.py"):
        if not required.is_file():
            raise PackagingError(f"{required} is missing: nothing to deploy")
    code = {HANDLER_MODULE: handler} | {
        str(CODE_PACKAGE / relative): package / relative
        for relative in _walk(package, CODE_SKIPPED_DIRS)
    }
    clashes = sorted(set(code) & set(entries))
    if clashes:
        raise PackagingError(f"our code and a dependency both provide {clashes}")
    return entries | code


def write_zip(entries: dict[str, Path], output: Path) -> None:
    """A reproducible zip: sorted names, fixed timestamps and permissions."""
    total = sum(path.stat().st_size for path in entries.values())
    if total > UNZIPPED_LIMIT_BYTES:
        raise PackagingError(f"{total / 1e6:.0f} MB unzipped is over Lambda's 250 MB limit")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name].read_bytes(), compresslevel=9)
    partial.replace(output)


def write_packaged_template(template_path: Path, zip_path: Path) -> Path:
    """``template.json`` beside the zip: the same template, its CodeUri pointing at the zip."""
    template = load_template(template_path)
    properties = template["Resources"][function_logical_id(template)]["Properties"]
    destination = zip_path.with_name(PACKAGED_TEMPLATE_NAME)
    properties["CodeUri"] = os.path.relpath(zip_path, destination.parent)
    destination.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    return destination


def install_dependencies(requirements: Path, target_dir: Path, target: LambdaTarget) -> None:
    """Fetch the pinned wheels for Lambda into target_dir (pip's cache makes reruns fast)."""
    result = subprocess.run(pip_install_command(requirements, target_dir, target), check=False)
    if result.returncode != 0:
        raise PackagingError(f"pip could not install {requirements} for {target}")


def build(
    output: Path = DEFAULT_OUTPUT,
    *,
    code_dir: Path = CODE_DIR,
    template: Path = TEMPLATE,
    with_dependencies: bool = True,
) -> Path:
    """Build the zip (and the packaged template beside it); return the zip's path."""
    output = output.resolve()
    with tempfile.TemporaryDirectory(prefix="upper-back-package-") as staging:
        dependencies_dir: Path | None = None
        if with_dependencies:
            dependencies_dir = Path(staging)
            install_dependencies(
                code_dir / REQUIREMENTS.name, dependencies_dir, LambdaTarget.from_template(template)
            )
        write_zip(collect(code_dir, dependencies_dir), output)
    write_packaged_template(template, output)
    return output


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.package", description=__doc__)
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="zip to write (default: %(default)s)"
    )
    parser.add_argument(
        "--code-only",
        action="store_true",
        help="skip the dependencies (fast, offline; for tests, not for deploying)",
    )
    args = parser.parse_args(argv)
    try:
        zip_path = build(args.output, with_dependencies=not args.code_only)
    except PackagingError as error:
        print(f"package: {error}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
    unzipped = sum(info.file_size for info in infos)
    print(
        f"{zip_path}: {zip_path.stat().st_size / 1e6:.1f} MB "
        f"({unzipped / 1e6:.1f} MB unzipped, {len(infos)} files)"
    )
    print(f"{zip_path.with_name(PACKAGED_TEMPLATE_NAME)}: template for sam deploy --template-file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
