"""The first answer of a cold Lambda container, measured as near to Lambda as this machine gets.

    .venv/bin/python -m tools.coldstart [--runs 9]      (also part of ``make bench``)

For each variant of the deployment zip (built here by ``tools.package`` from one install of the
dependencies): unpack it into a folder made read-only, start a fresh interpreter of the
runtime's version (found as ``make package`` finds it) with no writable bytecode cache (``-B``,
``PYTHONDONTWRITEBYTECODE=1``, and the read-only folder), import ``lambda_function`` and answer a
first LaunchRequest against moto's DynamoDB server (a thread on the loopback address;
``AWS_ENDPOINT_URL_DYNAMODB`` points boto3 at it). ``tools/coldstart_probe.py`` is what runs in
that interpreter. The runs of the variants are interleaved (ABCD ABCD …) so that a busy moment of
the machine falls on all of them alike; each figure is the median.

The variants: today's zip (before issue 12: sources only, every AWS service's data), each of the
two changes alone, and the shipped zip (bytecode and trimmed data). The ratio is each variant's
first answer over today's; the issue's target for the shipped zip is 0.4x (stretch 0.3x).

The interpreter runs with ``-S`` (no ``site``): a machine's own site-packages may hold ``.pth``
files that run code at every start (on the project's machines one imports certifi from the
unpacked zip and appends a certificate to it). Lambda's interpreter imports ``site``, with none
of that. ``-P`` keeps this folder off ``sys.path``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from tools import package

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "lambda") not in sys.path:  # the phrases the answer is checked against
    sys.path.append(str(ROOT / "lambda"))
PROBE = Path(__file__).with_name("coldstart_probe.py")
BUILD_DIR = ROOT / "build" / "coldstart"
TABLE = "upper-back-routine-coldstart"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEFAULT_RUNS = 9
TARGET_RATIO = 0.4
STRETCH_RATIO = 0.3
PROBE_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Variant:
    """One way of building the zip."""

    name: str
    label: str
    bytecode: bool
    trim: bool


TODAY = Variant("today", "today's zip (sources, all AWS data)", bytecode=False, trim=False)
VARIANTS = (
    TODAY,
    Variant("trimmed", "trimmed AWS data only", bytecode=False, trim=True),
    Variant("bytecode", "bytecode only", bytecode=True, trim=False),
    Variant("shipped", "shipped: bytecode + trimmed data", bytecode=True, trim=True),
)


@dataclass(frozen=True)
class Run:
    """What one cold start measured (see tools/coldstart_probe.py)."""

    import_seconds: float
    first_answer_seconds: float
    peak_rss_kib: int
    speech: str
    compiled: list[str] | None
    dont_write_bytecode: int
    stderr: str


def probe_environment(
    code_dir: Path, endpoint: str, *, write_bytecode: bool = False
) -> dict[str, str]:
    """What Lambda's environment gives the function, and nothing of this machine's: the code
    folder on the path, the template's variables, credentials and region, no AWS config files,
    DynamoDB at ``endpoint``. Without ``write_bytecode``, Python may not write bytecode."""
    missing = str(code_dir.parent / "no-such-aws-config")
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(code_dir),
        "LAMBDA_TASK_ROOT": str(code_dir),
        "TABLE_NAME": TABLE,
        "SKILL_ID": SKILL_ID,
        "POWERTOOLS_SERVICE_NAME": "upper-back-routine",
        "POWERTOOLS_METRICS_NAMESPACE": "UpperBackRoutine",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "coldstart",
        "AWS_SECRET_ACCESS_KEY": "coldstart",
        "AWS_SESSION_TOKEN": "coldstart",
        "AWS_CONFIG_FILE": missing,
        "AWS_SHARED_CREDENTIALS_FILE": missing,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
    }
    if not write_bytecode:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def probe_command(
    interpreter: Path, *, write_bytecode: bool = False, trace_compiles: Path | None = None
) -> list[str]:
    """The runtime's interpreter running the probe: no site (see the module's docstring), this
    folder kept off sys.path, ``-B`` unless bytecode may be written."""
    command = [str(interpreter), "-S", "-P"]
    if not write_bytecode:
        command.append("-B")
    command.append(str(PROBE))
    if trace_compiles is not None:
        command += ["--trace-compiles", f"{trace_compiles}{os.sep}"]
    return command


def run_probe(
    interpreter: Path,
    code_dir: Path,
    endpoint: str,
    event: Mapping[str, Any],
    *,
    write_bytecode: bool = False,
    trace_compiles: bool = False,
) -> Run:
    """One cold start of the code in ``code_dir``; raises if the probe fails."""
    result = subprocess.run(
        probe_command(
            interpreter,
            write_bytecode=write_bytecode,
            trace_compiles=code_dir if trace_compiles else None,
        ),
        input=json.dumps(event),
        env=probe_environment(code_dir, endpoint, write_bytecode=write_bytecode),
        cwd=code_dir.parent,
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the cold start failed:\n{result.stderr[-3000:]}")
    facts = json.loads(result.stdout.splitlines()[-1])
    return Run(
        import_seconds=facts["import_seconds"],
        first_answer_seconds=facts["first_answer_seconds"],
        peak_rss_kib=facts["peak_rss_kib"],
        speech=facts["answer"]["response"]["outputSpeech"]["ssml"],
        compiled=facts["compiled"],
        dont_write_bytecode=facts["dont_write_bytecode"],
        stderr=result.stderr,
    )


def set_read_only(root: Path, read_only: bool = True) -> None:
    """Files 0444 and folders 0555 (as Lambda's code folder), or back to writable. Root ignores
    these bits: the probe's -B and PYTHONDONTWRITEBYTECODE are what hold there."""
    for path in [root, *root.rglob("*")]:
        if path.is_dir():
            path.chmod(0o555 if read_only else 0o755)
        else:
            path.chmod(0o444 if read_only else 0o644)


@contextmanager
def unpacked(zip_path: Path, parent: Path) -> Iterator[Path]:
    """The zip unpacked into a read-only folder under ``parent``, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"{zip_path.stem}-", dir=parent)) / "task"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    set_read_only(folder)
    try:
        yield folder
    finally:
        set_read_only(folder, read_only=False)
        shutil.rmtree(folder.parent)


class _AlexaApi(BaseHTTPRequestHandler):
    """Alexa's service API on loopback: the device's time zone, 404 for anything else."""

    received: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).received.append(self.path)
        found = self.path.endswith("/settings/System.timeZone")
        body = json.dumps("Europe/London").encode() if found else b"{}"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the bench prints its own figures."""


@contextmanager
def alexa_api() -> Iterator[str]:
    """A loopback stand-in for the envelope's ``apiEndpoint`` (the real one is on the internet,
    which a benchmark must not depend on); its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AlexaApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@contextmanager
def moto_dynamodb() -> Iterator[str]:
    """moto's server on loopback with the progress table created; its URL."""
    import boto3  # noqa: PLC0415 (the venv's, for the set-up only)
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="coldstart",
            aws_secret_access_key="coldstart",
        ).create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield endpoint
    finally:
        server.stop()


def launch_event(api_endpoint: str) -> dict[str, Any]:
    """A first LaunchRequest from someone new (a GetItem that finds nothing; no write), whose
    Alexa service API is ``api_endpoint``."""
    from sim.envelopes import Caller, envelope, launch_request  # noqa: PLC0415

    caller = Caller(
        skill_id=SKILL_ID, user_id="amzn1.ask.account.COLDSTART", api_endpoint=api_endpoint
    )
    # A new session: the skill looks up the device's time zone, as every first turn does.
    return envelope(launch_request(), caller, session_id="amzn1.echo-api.session.COLDSTART")


def build_variants(interpreter: package.Interpreter | None) -> dict[Variant, Path]:
    """Each variant's zip under build/coldstart/, from one install of the dependencies."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    target = package.LambdaTarget.from_template()
    zips: dict[Variant, Path] = {}
    with tempfile.TemporaryDirectory(prefix="coldstart-dependencies-") as installed:
        package.install_dependencies(package.REQUIREMENTS, Path(installed), target)
        for variant in VARIANTS:
            if variant.bytecode and interpreter is None:
                continue
            built = package.build(
                BUILD_DIR / f"{variant.name}.zip",
                interpreter=interpreter if variant.bytecode else None,
                trim=variant.trim,
                installed=Path(installed),
            )
            zips[variant] = built.zip_path
    return zips


def answered_from_the_store(speech: str) -> bool:
    """The new user's welcome, after a read that worked (not the apology for a failed one)."""
    from upper_back.render import phrases  # noqa: PLC0415

    return phrases.WELCOME_NEW in speech and phrases.COULD_NOT_LOAD not in speech


def _median_ms(values: Sequence[float]) -> float:
    return statistics.median(values) * 1000


def measure(runs: int = DEFAULT_RUNS) -> int:
    """Build, run and print; 1 if there is nothing to measure with."""
    version = package.LambdaTarget.from_template().python_version
    interpreter = package.find_interpreter(version)
    if interpreter is None:
        print(package.no_interpreter_warning(version), file=sys.stderr)
        print(f"Cold start: not measured (no Python {version} to run it as Lambda would)")
        return 1
    zips = build_variants(interpreter)
    results: dict[Variant, list[Run]] = {variant: [] for variant in zips}
    with (
        moto_dynamodb() as endpoint,
        alexa_api() as api_endpoint,
        tempfile.TemporaryDirectory(prefix="coldstart-") as scratch,
    ):
        event = launch_event(api_endpoint)
        folders = {}
        with ExitStack() as stack:
            for variant, zip_path in zips.items():
                folders[variant] = stack.enter_context(unpacked(zip_path, Path(scratch)))
            for _ in range(runs):
                for variant, folder in folders.items():
                    run = run_probe(interpreter.path, folder, endpoint, event)
                    if not answered_from_the_store(run.speech):
                        raise RuntimeError(f"{variant.name}: not a first welcome: {run.speech}")
                    results[variant].append(run)
    report(interpreter, zips, results, runs)
    calls = len(_AlexaApi.received) / max(1, runs * len(zips))
    print(f"  Alexa service API calls per first answer (loopback stand-in): {calls:.0f}")
    return 0


def report(
    interpreter: package.Interpreter,
    zips: Mapping[Variant, Path],
    results: Mapping[Variant, list[Run]],
    runs: int,
) -> None:
    today = _median_ms([r.first_answer_seconds for r in results[TODAY]])
    print(
        f"Cold start: a first LaunchRequest answered by a fresh Python {interpreter.version} "
        f"({interpreter.found_by}: {interpreter.path}) from the unpacked zip, read-only, no "
        f"bytecode cache, against moto's DynamoDB; median of {runs} interleaved runs:"
    )
    print(
        f"  {'zip':34} {'size':>8} {'import':>8} {'first answer':>13} {'ratio':>6} "
        f"{'peak RSS':>9} {'warnings':>8}"
    )
    for variant, zip_path in zips.items():
        measured = results[variant]
        first = _median_ms([r.first_answer_seconds for r in measured])
        imported = _median_ms([r.import_seconds for r in measured])
        peak = statistics.median(r.peak_rss_kib for r in measured) / 1024
        warnings = statistics.median(r.stderr.count("SyntaxWarning") for r in measured)
        print(
            f"  {variant.label:34} {zip_path.stat().st_size / 1e6:>5.1f} MB {imported:>5.0f} ms "
            f"{first:>10.0f} ms {first / today:>5.2f}x {peak:>6.0f} MB {warnings:>8.0f}"
        )
    shipped = [v for v in zips if v.bytecode and v.trim]
    if shipped:
        ratio = _median_ms([r.first_answer_seconds for r in results[shipped[0]]]) / today
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        stretch = "met" if ratio <= STRETCH_RATIO else "not met"
        print(
            f"  shipped / today: {ratio:.2f}x, target <= {TARGET_RATIO}x: {verdict}; "
            f"stretch <= {STRETCH_RATIO}x: {stretch}"
        )
    print(
        "  (import: lambda_function, handler built; first answer: from before the import to the "
        "response; peak RSS: VmHWM; warnings: SyntaxWarning lines the cold start printed)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.coldstart", description=__doc__)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each variant")
    args = parser.parse_args(argv)
    return measure(args.runs)


if __name__ == "__main__":
    sys.exit(main())
