"""Build the Lambda deployment zip without Docker and without a matching local Python.

``sam build`` needs Docker or the runtime's exact Python on the PATH. The dependencies here are
pure-Python wheels, so pip can fetch them for the Lambda platform from any interpreter::

    .venv/bin/python -m tools.package [--output build/upper-back-routine.zip] [--code-only]

It writes ``build/upper-back-routine.zip`` (dependencies, ``lambda_function.py`` and the
``upper_back`` package at the top level; no tests or scripts; sorted entries with fixed
timestamps, so the same inputs give the same bytes) and, next to it, ``template.json``: a copy of
``template.yaml`` whose ``CodeUri`` is that zip, for ``sam deploy --template-file``.

The target Python version and CPU come from the function's ``Runtime`` and ``Architectures`` in
``template.yaml``, so the wheels can never drift from what Lambda runs.

**Bytecode.** Lambda's code folder is read-only, so a zip without bytecode is compiled from
source at every cold start (boto3, botocore, the ASK SDK: most of the first answer's time). The
zip therefore carries ``__pycache__/*.cpython-XY.pyc`` for every module, next to its source,
compiled by an interpreter of exactly the runtime's version in ``unchecked-hash`` mode (the
bytecode is used whatever the file times, which a zip does not keep). That interpreter is found
on PATH (``pythonX.Y``), under pyenv (``$PYENV_ROOT`` or ``pyenv root``, ``versions/X.Y.*``) or
with ``uv python find X.Y``, and each candidate is run to check it really is CPython X.Y (a pyenv
shim for a version not selected is not). With none, the zip is built without bytecode and a loud
warning says what to install (``--require-bytecode`` makes that an error).

**Trimmed AWS data.** botocore ships a folder of JSON models for each of 400-odd AWS services
(28 MB of the 33 MB unzipped), and listing them is a cold-start cost of its own (boto3 walks
them when it builds a resource). The zip keeps the files directly under ``botocore/data`` (the
shared ``endpoints.json``, ``partitions.json``, ``sdk-default-configuration.json`` and
``_retry.json``) and only the service folders in ``AWS_SERVICES``; ``boto3/data`` likewise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
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

# The AWS services the deployed code calls (tests/contract/test_bytecode.py scans lambda/ for
# boto3 clients and resources and fails if one is missing): DynamoDB for the progress store, and
# STS, which botocore's credential providers call to assume a role (not in Lambda, whose
# credentials come from the environment; kept so the zip still runs under an assume-role
# profile). Every other service folder under botocore/data and boto3/data is left out.
AWS_SERVICES = frozenset({"dynamodb", "sts"})
AWS_DATA_ROOTS = ("botocore/data/", "boto3/data/")
# What botocore reads to build any client: kept by the rule above (every file directly under
# botocore/data stays); checked after trimming, so a botocore that moves them fails the build.
BOTOCORE_SHARED_DATA = (
    "botocore/data/endpoints.json",
    "botocore/data/partitions.json",
    "botocore/data/sdk-default-configuration.json",
    "botocore/data/_retry.json",
)

# Where Lambda unpacks the code (LAMBDA_TASK_ROOT): the file names compiled into the bytecode,
# so that it does not depend on the build's temporary folder (and tracebacks read as in Lambda).
TASK_ROOT = "/var/task"
# Run by each candidate interpreter: is it CPython X.Y, a final release, with the GIL (a
# free-threaded build's bytecode is not the default runtime's), and what are its cache tag and
# magic number.
INTERPRETER_PROBE = (
    "import importlib.util, json, sys, sysconfig; print(json.dumps({"
    "'version': list(sys.version_info[:3]), 'level': sys.version_info.releaselevel, "
    "'implementation': sys.implementation.name, 'cache_tag': sys.implementation.cache_tag, "
    "'gil_disabled': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
    "'magic': importlib.util.MAGIC_NUMBER.hex()}))"
)
PROBE_TIMEOUT_SECONDS = 20
# A pyenv version folder of a final CPython release ("3.13.0"; not "3.13.0t", "3.13-dev").
PYENV_RELEASE = re.compile(r"(\d+)\.(\d+)\.(\d+)")

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


@dataclass(frozen=True)
class Interpreter:
    """A CPython of the runtime's exact version, found on this machine, that compiles the zip."""

    path: Path
    version: str  # "3.13.0"
    cache_tag: str  # "cpython-313": the bytecode's file names
    magic: bytes  # the first four bytes of every .pyc it writes
    found_by: str  # "PATH", "pyenv" or "uv"


def _run_quietly(command: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """The command's standard output, or None if it cannot run, fails or hangs."""
    try:
        result = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            env=dict(environ),
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def probe_interpreter(
    path: Path, version: str, found_by: str, environ: Mapping[str, str]
) -> Interpreter | None:
    """``path`` as an Interpreter if running it proves it is CPython ``version`` (a final release
    with the GIL); None otherwise (missing, a pyenv shim for a version not selected, another
    version, PyPy, a free-threaded build)."""
    output = _run_quietly([str(path), "-S", "-c", INTERPRETER_PROBE], environ)
    try:
        facts = json.loads(output or "")
    except json.JSONDecodeError:
        return None
    major, minor, micro = facts["version"]
    if (
        f"{major}.{minor}" != version
        or facts["implementation"] != "cpython"
        or facts["level"] != "final"
        or facts["gil_disabled"]
    ):
        return None
    return Interpreter(
        path=path,
        version=f"{major}.{minor}.{micro}",
        cache_tag=facts["cache_tag"],
        magic=bytes.fromhex(facts["magic"]),
        found_by=found_by,
    )


def _pyenv_root(environ: Mapping[str, str]) -> Path | None:
    if environ.get("PYENV_ROOT"):
        return Path(environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv", path=environ.get("PATH", ""))
    output = _run_quietly([pyenv, "root"], environ) if pyenv else None
    return Path(output.strip()) if output and output.strip() else None


def interpreter_candidates(version: str, environ: Mapping[str, str]) -> Iterator[tuple[Path, str]]:
    """Where a Python ``version`` may be, most direct first: PATH, pyenv's versions (newest
    patch release first), then uv's answer."""
    search_path = environ.get("PATH", "")
    on_path = shutil.which(f"python{version}", path=search_path)
    if on_path:
        yield Path(on_path), "PATH"
    root = _pyenv_root(environ)
    if root is not None and (root / "versions").is_dir():
        releases = [
            (tuple(int(part) for part in match.groups()), folder)
            for folder in (root / "versions").iterdir()
            if (match := PYENV_RELEASE.fullmatch(folder.name))
            and folder.name.startswith(f"{version}.")
        ]
        for _, folder in sorted(releases, reverse=True):
            yield folder / "bin" / f"python{version}", "pyenv"
    uv = shutil.which("uv", path=search_path)
    found = _run_quietly([uv, "python", "find", version], environ) if uv else None
    if found and found.strip():
        yield Path(found.strip()), "uv"


def find_interpreter(version: str, environ: Mapping[str, str] | None = None) -> Interpreter | None:
    """The first candidate that proves to be CPython ``version``, or None."""
    environ = os.environ if environ is None else environ
    for path, found_by in interpreter_candidates(version, environ):
        interpreter = probe_interpreter(path, version, found_by, environ)
        if interpreter is not None:
            return interpreter
    return None


def no_interpreter_warning(version: str) -> str:
    """What ``make package`` prints, loudly, when it must build a zip without bytecode."""
    rule = "!" * 78
    return (
        f"{rule}\n"
        f"package: WARNING: THIS ZIP HAS NO BYTECODE. No Python {version} was found (looked for\n"
        f"python{version} on PATH, under pyenv's versions/{version}.*, and with "
        f"`uv python find {version}`).\n"
        "Lambda's code folder is read-only, so every cold start will compile boto3, botocore\n"
        "and the ASK SDK from source: the first answer takes about 2.5 times as long.\n"
        f"Install Python {version} (`pyenv install {version}`, `uv python install {version}`,\n"
        f"or your system's python{version} package) and run `make package` again.\n"
        f"{rule}"
    )


def trim_aws_data(entries: dict[str, Path]) -> dict[str, Path]:
    """The entries without botocore's and boto3's data for services the code never calls:
    every file directly under a data folder stays, and the folders named in AWS_SERVICES."""
    kept: dict[str, Path] = {}
    for name, path in entries.items():
        root = next((root for root in AWS_DATA_ROOTS if name.startswith(root)), None)
        rest = name[len(root) :] if root else ""
        if root is None or "/" not in rest or rest.split("/", 1)[0] in AWS_SERVICES:
            kept[name] = path
    if any(name.startswith(AWS_DATA_ROOTS[0]) for name in entries):
        missing = [name for name in BOTOCORE_SHARED_DATA if name not in kept]
        models = [n for n in kept if n.startswith("botocore/data/dynamodb/") and "service-2" in n]
        if missing or not models:
            raise PackagingError(
                f"botocore's data has moved: {missing or 'no DynamoDB service model'} "
                "(update AWS_SERVICES / BOTOCORE_SHARED_DATA in tools/package.py)"
            )
    return kept


def bytecode_name(source: str, cache_tag: str) -> str:
    """Where the import system looks for a source's bytecode: ``pkg/__pycache__/mod.TAG.pyc``."""
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{cache_tag}.pyc")


def compile_bytecode(
    entries: dict[str, Path], interpreter: Interpreter, workdir: Path
) -> tuple[dict[str, Path], list[str]]:
    """Compile every ``.py`` entry with ``interpreter``; the bytecode entries to add, and the
    compiler's warnings (ask-sdk-model's invalid escape sequences, which Lambda would otherwise
    print at every cold start).

    One process, in name order, with a fixed hash seed: the same sources give the same bytes
    (set constants are ordered by hash; parallel workers would share interned strings
    differently from run to run). File names inside the bytecode are ``/var/task/...``."""
    tree = workdir.resolve()
    sources = sorted(name for name in entries if name.endswith(".py"))
    for name in sources:
        destination = tree / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entries[name], destination)
    command = [
        str(interpreter.path),
        "-S",  # no site: nothing but the compiler runs
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(tree),
        "-p",
        TASK_ROOT,
        str(tree),
    ]
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        raise PackagingError(
            f"{interpreter.path} could not compile every module:\n"
            f"{(result.stdout + result.stderr)[-2000:]}"
        )
    compiled: dict[str, Path] = {}
    for name in sources:
        pyc = bytecode_name(name, interpreter.cache_tag)
        if not (tree / pyc).is_file():
            raise PackagingError(f"{name} was not compiled (no {pyc})")
        compiled[pyc] = tree / pyc
    warnings = [line for line in result.stderr.splitlines() if "Warning:" in line]
    return compiled, warnings


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


@dataclass(frozen=True)
class Built:
    """What ``build`` wrote."""

    zip_path: Path
    bytecode_files: int  # 0 when built without an interpreter
    compiler_warnings: tuple[str, ...]


def build(
    output: Path = DEFAULT_OUTPUT,
    *,
    code_dir: Path = CODE_DIR,
    template: Path = TEMPLATE,
    with_dependencies: bool = True,
    interpreter: Interpreter | None = None,
    trim: bool = True,
    installed: Path | None = None,
) -> Built:
    """Build the zip (and the packaged template beside it). With ``interpreter`` every module
    ships with its bytecode; with ``trim`` the AWS data of unused services is left out.
    ``installed`` is a folder that ``install_dependencies`` already filled (to build several
    variants from one install); without it the dependencies are installed afresh."""
    output = output.resolve()
    with tempfile.TemporaryDirectory(prefix="upper-back-package-") as staging:
        dependencies_dir = installed if with_dependencies else None
        if with_dependencies and installed is None:
            dependencies_dir = Path(staging) / "dependencies"
            install_dependencies(
                code_dir / REQUIREMENTS.name, dependencies_dir, LambdaTarget.from_template(template)
            )
        entries = collect(code_dir, dependencies_dir)
        if trim:
            entries = trim_aws_data(entries)
        warnings: list[str] = []
        compiled: dict[str, Path] = {}
        if interpreter is not None:
            compiled, warnings = compile_bytecode(entries, interpreter, Path(staging) / "compiled")
        write_zip(entries | compiled, output)
    write_packaged_template(template, output)
    return Built(output, len(compiled), tuple(warnings))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.package",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="zip to write (default: %(default)s)"
    )
    parser.add_argument(
        "--code-only",
        action="store_true",
        help="skip the dependencies (fast, offline; for tests, not for deploying)",
    )
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="ship sources only, as before issue 12 (for comparisons, not for deploying)",
    )
    parser.add_argument(
        "--require-bytecode",
        action="store_true",
        help="fail instead of warning when no interpreter of the runtime's version is found",
    )
    parser.add_argument(
        "--all-aws-data",
        action="store_true",
        help="keep botocore's and boto3's data for every AWS service (for comparisons)",
    )
    args = parser.parse_args(argv)
    try:
        version = LambdaTarget.from_template(TEMPLATE).python_version
        interpreter = None if args.no_bytecode else find_interpreter(version)
        if interpreter is None and not args.no_bytecode:
            print(no_interpreter_warning(version), file=sys.stderr)
            if args.require_bytecode:
                return 1
        built = build(
            args.output,
            with_dependencies=not args.code_only,
            interpreter=interpreter,
            trim=not args.all_aws_data,
        )
    except PackagingError as error:
        print(f"package: {error}", file=sys.stderr)
        return 1
    zip_path = built.zip_path
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
    unzipped = sum(info.file_size for info in infos)
    print(
        f"{zip_path}: {zip_path.stat().st_size / 1e6:.1f} MB "
        f"({unzipped / 1e6:.1f} MB unzipped, {len(infos)} files)"
    )
    if interpreter is not None:
        print(
            f"bytecode: {built.bytecode_files} modules compiled by {interpreter.path} "
            f"(Python {interpreter.version}, found by {interpreter.found_by}; unchecked-hash)"
        )
        if built.compiler_warnings:
            print(
                f"bytecode: the compiler warned {len(built.compiler_warnings)} times, in "
                "dependencies (e.g. ask-sdk-model's invalid escape sequences); Lambda will not "
                "print them at cold start now"
            )
    elif args.no_bytecode:
        print("bytecode: none (--no-bytecode)")
    print(f"{zip_path.with_name(PACKAGED_TEMPLATE_NAME)}: template for sam deploy --template-file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
