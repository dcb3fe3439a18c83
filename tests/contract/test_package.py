"""The deployment package: built without Docker for the runtime and CPU the template declares."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sim.envelopes import Caller, envelope, launch_request
from tests.contract.sam import ROOT, TEMPLATE, function, load, only
from tools import package
from upper_back.render import phrases

CODE_DIR = ROOT / "lambda"


# --- packaging ------------------------------------------------------------------------------


def test_the_package_fetches_wheels_for_the_python_and_cpu_the_template_declares(
    tmp_path: Path,
) -> None:
    properties = function(load())
    target = package.LambdaTarget.from_template(TEMPLATE)
    assert target == package.LambdaTarget(
        python_version=properties["Runtime"].removeprefix("python"),
        platform={"arm64": "manylinux2014_aarch64"}[properties["Architectures"][0]],
    )
    command = package.pip_install_command(package.REQUIREMENTS, tmp_path, target)

    def option(name: str) -> str:
        return command[command.index(name) + 1]

    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert option("--platform") == target.platform
    assert option("--python-version") == target.python_version
    assert option("--implementation") == "cp"
    assert option("--target") == str(tmp_path)
    assert option("--requirement") == str(CODE_DIR / "requirements.txt")
    assert "--only-binary=:all:" in command
    assert "--no-compile" in command


def test_the_package_target_follows_the_template_when_it_changes(tmp_path: Path) -> None:
    changed = tmp_path / "template.yaml"
    text = TEMPLATE.read_text(encoding="utf-8")
    runtime = function(load())["Runtime"]
    changed.write_text(
        text.replace(f"Runtime: {runtime}", "Runtime: python3.12").replace(
            "Architectures: [arm64]", "Architectures: [x86_64]"
        ),
        encoding="utf-8",
    )
    assert package.LambdaTarget.from_template(changed) == package.LambdaTarget(
        python_version="3.12", platform="manylinux2014_x86_64"
    )


def shipped_code() -> set[str]:
    """What the zip must hold of our own code: the handler and every file of the package."""
    names = {package.HANDLER_MODULE}
    for path in (CODE_DIR / package.CODE_PACKAGE).rglob("*"):
        relative = path.relative_to(CODE_DIR)
        skipped = {"__pycache__", "tests"} & set(relative.parts) or path.suffix == ".pyc"
        if path.is_file() and not skipped:
            names.add(relative.as_posix())
    return names


def test_make_package_ships_the_handler_and_the_whole_package_and_nothing_else(
    tmp_path: Path,
) -> None:
    output = tmp_path / "skill.zip"
    result = subprocess.run(
        [sys.executable, "-m", "tools.package", "--code-only", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{output}: " in result.stdout
    assert " MB " in result.stdout
    with zipfile.ZipFile(output) as zf:
        names = set(zf.namelist())
    assert "lambda_function.py" in names
    assert "upper_back/__init__.py" in names
    # Each module's bytecode beside it (compiled for the runtime: tests/contract/test_bytecode.py).
    bytecode = {name for name in names if name.endswith(".pyc")}
    assert f"bytecode: {len(bytecode)} modules compiled" in result.stdout
    sources = {name for name in shipped_code() if name.endswith(".py")}
    assert {re.sub(r"__pycache__/(\w+)\.cpython-\d+\.pyc$", r"\1.py", n) for n in bytecode} == (
        sources
    )
    assert names - bytecode == shipped_code()
    packaged = json.loads((tmp_path / "template.json").read_text(encoding="utf-8"))
    function_id, _ = only(packaged, package.FUNCTION_TYPE)
    assert packaged["Resources"][function_id]["Properties"].pop("CodeUri") == "skill.zip"
    original = load()
    del original["Resources"][function_id]["Properties"]["CodeUri"]
    assert packaged == original


def make_tree(root: Path, files: list[str]) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n", encoding="utf-8")
    return root


CODE_FILES = [
    "lambda_function.py",
    "requirements.txt",
    "upper_back/__init__.py",
    "upper_back/routine.toml",
    "upper_back/__pycache__/routine.cpython-311.pyc",
    "upper_back/tests/test_routine.py",
]


def test_dependencies_sit_at_the_top_level_without_bytecode_or_scripts(tmp_path: Path) -> None:
    code = make_tree(tmp_path / "code", CODE_FILES)
    dependencies = make_tree(
        tmp_path / "deps",
        [
            "ask_sdk_core/__init__.py",
            "ask_sdk_core/__pycache__/__init__.cpython-313.pyc",
            "boto3/__init__.py",
            "boto3-1.44.5.dist-info/METADATA",
            "charset_normalizer/md.cpython-313-aarch64-linux-gnu.so",
            "dateutil/tests/__init__.py",
            "six.py",
            "bin/jp.py",
        ],
    )
    output = tmp_path / "out" / "skill.zip"
    package.write_zip(package.collect(code, dependencies), output)
    with zipfile.ZipFile(output) as zf:
        names = zf.namelist()
    assert names == [
        "ask_sdk_core/__init__.py",
        "boto3-1.44.5.dist-info/METADATA",
        "boto3/__init__.py",
        "charset_normalizer/md.cpython-313-aarch64-linux-gnu.so",
        "dateutil/tests/__init__.py",  # a dependency's own subpackage stays: it may be imported
        "lambda_function.py",
        "six.py",
        "upper_back/__init__.py",
        "upper_back/routine.toml",
    ]


def test_our_code_may_not_shadow_a_dependency(tmp_path: Path) -> None:
    code = make_tree(tmp_path / "code", CODE_FILES)
    dependencies = make_tree(tmp_path / "deps", ["upper_back/__init__.py"])
    with pytest.raises(package.PackagingError, match=re.escape("upper_back/__init__.py")):
        package.collect(code, dependencies)


def test_a_package_without_the_handler_is_refused(tmp_path: Path) -> None:
    code = make_tree(tmp_path / "code", ["upper_back/__init__.py"])
    with pytest.raises(package.PackagingError, match=re.escape("lambda_function.py is missing")):
        package.collect(code, None)


def test_the_same_sources_always_give_the_same_zip(tmp_path: Path) -> None:
    code = make_tree(tmp_path / "code", CODE_FILES)
    first = package.build(
        tmp_path / "a" / "skill.zip", code_dir=code, with_dependencies=False
    ).zip_path
    later = 2_000_000_000  # 2033: file times must not reach the archive
    os.utime(code / "lambda_function.py", (later, later))
    second = package.build(
        tmp_path / "b" / "skill.zip", code_dir=code, with_dependencies=False
    ).zip_path
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        infos = zf.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


# --- what ships -----------------------------------------------------------------------------

LAYERS = ("core", "render", "edge", "adapters")
DATA_FILES = ("upper_back/core/routine.toml", "upper_back/render/screen.json")


def code_zip(tmp_path: Path) -> Path:
    return package.build(tmp_path / "code.zip", with_dependencies=False).zip_path


def test_the_zip_holds_every_layer_and_data_file_and_never_the_simulator(tmp_path: Path) -> None:
    with zipfile.ZipFile(code_zip(tmp_path)) as zf:
        names = set(zf.namelist())
    for layer in LAYERS:
        assert f"upper_back/{layer}/__init__.py" in names, layer
        assert any(n.startswith(f"upper_back/{layer}/") and n.endswith(".py") and
                   not n.endswith("__init__.py") for n in names), layer  # fmt: skip
    assert set(DATA_FILES) <= names
    top = {name.split("/", 1)[0] for name in names}
    assert top == {package.HANDLER_MODULE, package.CODE_PACKAGE}  # no sim/, tests/ or tools/


RUN_FROM_ZIP = """
import json, sys
import lambda_function, upper_back
assert upper_back.__file__.startswith(sys.argv[1]), upper_back.__file__
print(json.dumps(lambda_function.lambda_handler(json.load(sys.stdin), None)))
"""


def test_the_skill_answers_from_the_unpacked_zip_alone(tmp_path: Path) -> None:
    """Only the zip's code on the path (the dependencies are this interpreter's), and a
    DynamoDB endpoint that refuses connections: the handler still builds, reads its routine,
    renders its screen document, and answers a launch."""
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(code_zip(tmp_path)) as zf:
        zf.extractall(unpacked)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}"
    screen = Caller(interfaces={"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}}})
    event = envelope(launch_request(), screen, session_id="amzn1.echo-api.session.ZIP")
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(unpacked),
        "TABLE_NAME": "upper-back-routine-zip",
        "SKILL_ID": screen.skill_id,
        "AWS_ENDPOINT_URL_DYNAMODB": refused,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "zip",
        "AWS_SECRET_ACCESS_KEY": "zip",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", RUN_FROM_ZIP, str(unpacked)],
        input=json.dumps(event),
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout.splitlines()[-1])["response"]
    speech = response["outputSpeech"]["ssml"]
    assert phrases.COULD_NOT_LOAD in speech  # the store was tried, and failed safely
    assert phrases.WELCOME_NEW in speech
    [directive] = response["directives"]
    assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    shipped = unpacked / "upper_back" / "render" / "screen.json"
    assert directive["document"] == json.loads(shipped.read_text(encoding="utf-8"))
