"""The zip's bytecode is the runtime's, and a cold start from it compiles and writes nothing.

Lambda's code folder is read-only: bytecode the zip does not carry is compiled again at every
cold start. These tests build the real zip (the pinned wheels for the runtime, as ``make
package`` does), unpack it read-only and start the runtime's own Python on it, found the way
``make package`` finds it (PATH, pyenv, uv). The trimmed AWS data is proven the same way: that
zip answers a LaunchRequest against moto's DynamoDB.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.contract.sam import ROOT, TEMPLATE
from tools import coldstart, package

CODE_DIR = ROOT / "lambda"
# importlib.util.MAGIC_NUMBER of each final CPython release line (importlib/_bootstrap_external.py):
# a second source for the check, beside the interpreter's own answer.
KNOWN_MAGIC = {"3.12": 3531, "3.13": 3571}
UNCHECKED_HASH_FLAGS = 0b01  # hash-based, check_source off (PEP 552)
BOTOCORE_SHARED = {
    "botocore/data/endpoints.json",
    "botocore/data/partitions.json",
    "botocore/data/sdk-default-configuration.json",
    "botocore/data/_retry.json",
}


@pytest.fixture(scope="module")
def runtime_version() -> str:
    return package.LambdaTarget.from_template(TEMPLATE).python_version


@pytest.fixture(scope="module")
def interpreter(runtime_version: str) -> package.Interpreter:
    found = package.find_interpreter(runtime_version)
    if found is None:  # pragma: no cover - this machine and CI have one
        pytest.skip(
            f"NO PYTHON {runtime_version} ON THIS MACHINE: the bytecode cannot be checked.\n"
            + package.no_interpreter_warning(runtime_version)
        )
    return found


@pytest.fixture(scope="module")
def shipped_zip(interpreter: package.Interpreter, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deployment zip as ``make package`` builds it: wheels, bytecode, trimmed data."""
    output = tmp_path_factory.mktemp("shipped") / "upper-back-routine.zip"
    return package.build(output, interpreter=interpreter).zip_path


@pytest.fixture
def table(moto_server: str) -> str:
    """The progress table on moto's server (shared by the session: created once)."""
    client = boto3.client("dynamodb", endpoint_url=moto_server)
    if coldstart.TABLE not in client.list_tables()["TableNames"]:
        client.create_table(
            TableName=coldstart.TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return moto_server


@pytest.fixture(scope="module")
def unpacked(shipped_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped zip unpacked into a read-only folder (once: unpacking takes seconds)."""
    with coldstart.unpacked(shipped_zip, tmp_path_factory.mktemp("unpacked")) as folder:
        yield folder


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under root with its size and modification time."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in [root, *root.rglob("*")]
    }


def pyc_header(data: bytes) -> tuple[int, int]:
    """The magic number (as an int) and the flags of a .pyc (PEP 552 layout)."""
    return int.from_bytes(data[:2], "little"), int.from_bytes(data[4:8], "little")


# --- what the zip holds -------------------------------------------------------------------


def test_every_module_in_the_zip_ships_with_bytecode_for_the_runtimes_python(
    shipped_zip: Path, interpreter: package.Interpreter, runtime_version: str
) -> None:
    assert interpreter.version.startswith(f"{runtime_version}.")
    assert int.from_bytes(interpreter.magic[:2], "little") == KNOWN_MAGIC[runtime_version]
    with zipfile.ZipFile(shipped_zip) as zf:
        names = set(zf.namelist())
        sources = {name for name in names if name.endswith(".py")}
        bytecode = {name for name in names if name.endswith(".pyc")}
        headers = {name: pyc_header(zf.read(name)) for name in bytecode}
    assert len(sources) > 1000  # the dependencies' modules are there, not only ours
    assert bytecode == {package.bytecode_name(name, interpreter.cache_tag) for name in sources}
    assert all(f".cpython-{runtime_version.replace('.', '')}.pyc" in name for name in bytecode)
    assert set(headers.values()) == {(KNOWN_MAGIC[runtime_version], UNCHECKED_HASH_FLAGS)}


def test_the_aws_data_keeps_the_shared_files_and_only_the_services_the_code_calls(
    shipped_zip: Path,
) -> None:
    with zipfile.ZipFile(shipped_zip) as zf:
        names = zf.namelist()
    botocore = [n.removeprefix("botocore/data/") for n in names if n.startswith("botocore/data/")]
    boto3_data = [n.removeprefix("boto3/data/") for n in names if n.startswith("boto3/data/")]
    assert {f"botocore/data/{name}" for name in botocore} >= BOTOCORE_SHARED
    assert {name.split("/")[0] for name in botocore if "/" in name} == {"dynamodb", "sts"}
    assert {name.split("/")[0] for name in boto3_data if "/" in name} == {"dynamodb"}
    assert "dynamodb/2012-08-10/service-2.json.gz" in botocore
    assert "dynamodb/2012-08-10/resources-1.json" in boto3_data


SERVICE_CALL = re.compile(r"""\b(?:client|resource|create_client)\(\s*["']([a-z0-9-]+)["']""")


def test_every_aws_service_the_code_calls_keeps_its_data_in_the_zip() -> None:
    """A boto3 client for a service whose data was trimmed fails at run time
    (UnknownServiceError): any new service must be added to package.AWS_SERVICES."""
    called = {
        service
        for path in CODE_DIR.rglob("*.py")
        for service in SERVICE_CALL.findall(path.read_text(encoding="utf-8"))
    }
    assert "dynamodb" in called  # the scan still sees the progress store's resource
    assert called <= package.AWS_SERVICES


def make_tree(root: Path, names: list[str]) -> dict[str, Path]:
    entries = {}
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n", encoding="utf-8")
        entries[name] = path
    return entries


def test_trimming_keeps_shared_files_and_the_named_services_folders(tmp_path: Path) -> None:
    kept = [
        *BOTOCORE_SHARED,
        "botocore/data/dynamodb/2012-08-10/service-2.json.gz",
        "botocore/data/sts/2011-06-15/service-2.json.gz",
        "boto3/data/dynamodb/2012-08-10/resources-1.json",
        "boto3/__init__.py",
        "botocore/client.py",
        "s3transfer/__init__.py",  # code is never trimmed, only data
    ]
    dropped = [
        "botocore/data/s3/2006-03-01/service-2.json.gz",
        "botocore/data/ec2/2016-11-15/paginators-1.json",
        "boto3/data/s3/2006-03-01/resources-1.json",
    ]
    entries = make_tree(tmp_path, kept + dropped)
    assert sorted(package.trim_aws_data(entries)) == sorted(kept)


def test_a_botocore_whose_shared_data_moved_fails_the_build(tmp_path: Path) -> None:
    entries = make_tree(
        tmp_path,
        [
            *sorted(BOTOCORE_SHARED - {"botocore/data/endpoints.json"}),
            "botocore/data/dynamodb/2012-08-10/service-2.json.gz",
        ],
    )
    with pytest.raises(package.PackagingError, match=r"endpoints\.json"):
        package.trim_aws_data(entries)


def test_the_same_sources_give_the_same_zip_bytecode_included(
    interpreter: package.Interpreter, tmp_path: Path
) -> None:
    """Compiled in another folder and at another time: still byte for byte the same zip."""
    code = tmp_path / "code"
    shutil.copytree(CODE_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    first = package.build(
        tmp_path / "a" / "skill.zip",
        code_dir=code,
        with_dependencies=False,
        interpreter=interpreter,
    )
    moved = tmp_path / "elsewhere" / "code"
    shutil.copytree(code, moved)
    later = 2_000_000_000
    for path in moved.rglob("*.py"):
        os.utime(path, (later, later))
    second = package.build(
        tmp_path / "b" / "skill.zip",
        code_dir=moved,
        with_dependencies=False,
        interpreter=interpreter,
    )
    assert first.bytecode_files == second.bytecode_files > 30
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()


# --- a cold start from the zip --------------------------------------------------------------


def test_a_cold_start_from_the_read_only_zip_compiles_and_writes_nothing_and_answers(
    unpacked: Path, table: str, interpreter: package.Interpreter
) -> None:
    """Python may write bytecode here (no -B, no PYTHONDONTWRITEBYTECODE): if any module lacked
    usable bytecode it would be compiled, and written beside its source (as root, the folder's
    read-only bits do not stop it). Nothing is compiled, nothing changes, and the trimmed AWS
    data still reads the progress table on moto."""
    assert stat.S_IMODE(unpacked.stat().st_mode) == 0o555
    before = tree_state(unpacked)
    event = coldstart.launch_event("http://127.0.0.1:9")  # a closed port: the zone is unknown
    run = coldstart.run_probe(
        interpreter.path, unpacked, table, event, write_bytecode=True, trace_compiles=True
    )
    assert run.dont_write_bytecode == 0
    assert "PYTHONDONTWRITEBYTECODE" not in coldstart.probe_environment(
        unpacked, table, write_bytecode=True
    )
    assert run.compiled == []
    assert tree_state(unpacked) == before
    assert "SyntaxWarning" not in run.stderr
    assert coldstart.answered_from_the_store(run.speech), run.speech


def test_a_module_without_bytecode_is_seen_compiled_and_written(
    unpacked: Path, shipped_zip: Path, table: str, interpreter: package.Interpreter
) -> None:
    """The check above can fail: with our package's bytecode removed, the same cold start
    compiles exactly those modules, and writes their bytecode. (The folder is put back as it
    was afterwards: the fixture is shared.)"""
    package_dir = unpacked / "upper_back"
    coldstart.set_read_only(package_dir, read_only=False)
    caches = sorted(package_dir.rglob("__pycache__"))
    for cache in caches:
        shutil.rmtree(cache)
    removed = {str(path.relative_to(unpacked)) for path in package_dir.rglob("*.py")}
    before = tree_state(unpacked)
    event = coldstart.launch_event("http://127.0.0.1:9")
    try:
        run = coldstart.run_probe(
            interpreter.path, unpacked, table, event, write_bytecode=True, trace_compiles=True
        )
        after = tree_state(unpacked)
    finally:
        for cache in package_dir.rglob("__pycache__"):
            shutil.rmtree(cache)
        with zipfile.ZipFile(shipped_zip) as zf:
            zf.extractall(unpacked, [n for n in zf.namelist() if n.startswith("upper_back/")])
        coldstart.set_read_only(package_dir)
    assert len(caches) >= 5
    assert run.compiled
    assert set(run.compiled) <= removed
    assert all(name.startswith("upper_back/") for name in run.compiled)
    written = set(after) - set(before)
    assert any(name.endswith(f".{interpreter.cache_tag}.pyc") for name in written)


# --- finding the interpreter ----------------------------------------------------------------


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def test_the_interpreter_is_found_through_pyenv_when_the_path_has_only_a_shim(
    interpreter: package.Interpreter, runtime_version: str, tmp_path: Path
) -> None:
    """A pyenv shim for a version that is not selected exits 127: it is passed over, and the
    newest final release under pyenv's versions is used (not a free-threaded or dev build)."""
    bin_dir = tmp_path / "bin"
    executable(bin_dir / f"python{runtime_version}", "#!/bin/sh\nexit 127\n")
    root = tmp_path / "pyenv"
    for name in ("3.12.1", f"{runtime_version}.1", f"{runtime_version}.2", f"{runtime_version}.9t"):
        link = root / "versions" / name / "bin" / f"python{runtime_version}"
        link.parent.mkdir(parents=True)
        link.symlink_to(interpreter.path if name != "3.12.1" else sys.executable)
    environ = {"PATH": str(bin_dir), "PYENV_ROOT": str(root)}
    found = package.find_interpreter(runtime_version, environ)
    assert found is not None
    assert found.found_by == "pyenv"
    assert (
        found.path
        == root / "versions" / f"{runtime_version}.2" / "bin" / f"python{runtime_version}"
    )
    assert found.magic == interpreter.magic


def test_the_interpreter_is_found_through_pyenv_root_and_through_uv(
    interpreter: package.Interpreter, runtime_version: str, tmp_path: Path
) -> None:
    root = tmp_path / "pyenv"
    link = root / "versions" / f"{runtime_version}.4" / "bin" / f"python{runtime_version}"
    link.parent.mkdir(parents=True)
    link.symlink_to(interpreter.path)
    bin_dir = tmp_path / "bin"
    executable(bin_dir / "pyenv", f'#!/bin/sh\n[ "$1" = root ] && echo "{root}"\n')
    by_pyenv = package.find_interpreter(runtime_version, {"PATH": str(bin_dir)})
    assert by_pyenv is not None
    assert (by_pyenv.found_by, by_pyenv.path) == ("pyenv", link)

    (bin_dir / "pyenv").unlink()
    executable(
        bin_dir / "uv",
        f'#!/bin/sh\n[ "$*" = "python find {runtime_version}" ] && echo "{interpreter.path}"\n',
    )
    by_uv = package.find_interpreter(runtime_version, {"PATH": str(bin_dir)})
    assert by_uv is not None
    assert (by_uv.found_by, by_uv.path) == ("uv", interpreter.path)


def test_an_interpreter_of_another_version_is_not_taken_for_the_runtimes(
    runtime_version: str, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / f"python{runtime_version}").symlink_to(sys.executable)  # this venv's 3.11
    assert sys.version_info[:2] != tuple(int(p) for p in runtime_version.split("."))
    environ = {"PATH": str(bin_dir), "PYENV_ROOT": str(tmp_path / "no-pyenv")}
    assert package.find_interpreter(runtime_version, environ) is None


def test_without_the_runtimes_python_the_zip_is_built_without_bytecode_and_says_so(
    tmp_path: Path, runtime_version: str
) -> None:
    nowhere = tmp_path / "empty"
    nowhere.mkdir()
    environment = {"PATH": str(nowhere), "PYENV_ROOT": str(nowhere), "HOME": str(nowhere)}
    command = [sys.executable, "-m", "tools.package", "--code-only", "--output"]
    built = subprocess.run(
        [*command, str(tmp_path / "a.zip")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert "THIS ZIP HAS NO BYTECODE" in built.stderr
    assert f"pyenv install {runtime_version}" in built.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert not [name for name in zf.namelist() if name.endswith(".pyc")]
    refused = subprocess.run(
        [*command, str(tmp_path / "b.zip"), "--require-bytecode"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1
    assert "THIS ZIP HAS NO BYTECODE" in refused.stderr
    assert not (tmp_path / "b.zip").exists()
