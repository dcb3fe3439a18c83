"""``make bench``: the skill's speed and storage figures, printed (not asserted).

1. Warm per-turn latency of the Lambda handler in-process over a scripted multi-user
   conversation against moto's DynamoDB: median and p95. The handler is built as
   ``lambda_function`` builds it (``build_handler``), its store a ``DynamoDbProgressStore`` on a
   boto3 resource whose calls are counted.
2. DynamoDB requests per turn, by request or intent (targets: 0 for repeat, help, fallback and
   progress; at most 1 for a move change; 1 read when a session starts).
3. Cold import of ``lambda_function`` in a fresh interpreter next to ``ask_sdk_core`` + ``boto3``
   alone, as a ratio (target: within 1.2x).
4. The deployment zip's size (built by ``tools.package`` if missing).
5. The cold start as Lambda has it (``tools.coldstart``): the first LaunchRequest answered by a
   fresh interpreter of the runtime's version from the unpacked, read-only zip, today's zip
   (no bytecode, all AWS data) against the shipped one, as a ratio (target: 0.4x), with the
   process's peak memory.
6. A screen device's responses (``tools.apl_size``): the APL document (the same every turn) and
   the largest response with it, against Alexa's limits.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from tools import coldstart

ROOT = Path(__file__).resolve().parent.parent
TABLE = "upper-back-routine-bench"
ZIP = ROOT / "build" / "upper-back-routine.zip"
IMPORT_RUNS = 7

# One person's sessions: (request, detail) pairs; several people run this with offsets.
SCRIPT: list[tuple[str, str | None]] = [
    ("launch", None), ("StartRoutineIntent", None), ("AMAZON.RepeatIntent", None),
    ("NextMoveIntent", None), ("ProgressIntent", None), ("AMAZON.HelpIntent", None),
    ("NextMoveIntent", None), ("AMAZON.FallbackIntent", None), ("PreviousMoveIntent", None),
    ("GoToMoveIntent", "3"), ("AMAZON.PauseIntent", None),
    ("launch", None), ("AMAZON.YesIntent", None), ("NextMoveIntent", None),
    ("NextMoveIntent", None), ("AMAZON.StopIntent", None),
    ("ResumeRoutineIntent", None), ("NextMoveIntent", None), ("end", None),
    ("launch", None), ("AMAZON.ResumeIntent", None), ("NextMoveIntent", None),
    ("NextMoveIntent", None), ("NextMoveIntent", None),
    # the daily habit: days done, a reminder set (time restated, then yes), changed, cancelled
    ("DaysDoneIntent", None), ("SetReminderIntent", "08:00"), ("AMAZON.YesIntent", None),
    ("SetReminderIntent", "19:30"), ("AMAZON.YesIntent", None), ("CancelReminderIntent", None),
]  # fmt: skip
SLOT_OF = {"GoToMoveIntent": "number", "SetReminderIntent": "time"}
"""The slot a script step's detail fills."""
USERS = 12


def _environment() -> None:
    os.environ.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        TABLE_NAME=TABLE,
        POWERTOOLS_METRICS_DISABLED="true",
    )
    for name in ("SKILL_ID", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    sys.path[:0] = [str(ROOT / "lambda"), str(ROOT)]


def conversation_figures() -> None:
    """Run the script for several users; time each turn and count DynamoDB calls per turn."""
    _environment()
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    from sim.alexa_api import FakeAlexaApi  # noqa: PLC0415
    from sim.conversation import Conversation  # noqa: PLC0415
    from sim.envelopes import Caller, SlotValue  # noqa: PLC0415
    from upper_back.adapters.dynamodb import CLIENT_CONFIG, DynamoDbProgressStore  # noqa: PLC0415
    from upper_back.edge.alexa_services import REMINDERS_SCOPE  # noqa: PLC0415
    from upper_back.edge.app import build_handler  # noqa: PLC0415
    from upper_back.edge.config import Settings  # noqa: PLC0415

    calls: list[str] = []
    timings: list[float] = []
    per_turn: dict[str, list[int]] = defaultdict(list)
    operations: dict[str, set[str]] = defaultdict(set)
    api_per_turn: dict[str, list[int]] = defaultdict(list)
    lookups_per_session: dict[tuple[int, str], int] = defaultdict(int)
    with mock_aws(), FakeAlexaApi() as api:
        resource: Any = boto3.resource("dynamodb", config=CLIENT_CONFIG)
        resource.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        # Counted from here: every call the store's client makes, by operation name.
        resource.meta.client.meta.events.register(
            "before-call.dynamodb", lambda model, **_: calls.append(model.name)
        )
        store = DynamoDbProgressStore(TABLE, resource=resource)
        handler = build_handler(Settings(table_name=TABLE), store=store)
        people = [
            Conversation(
                handler,
                Caller(
                    user_id=f"bench-user-{n}", api_endpoint=api.endpoint, granted=(REMINDERS_SCOPE,)
                ),
            )
            for n in range(USERS)
        ]
        people[0].launch()  # the first request imports what turns need late: not a warm turn
        for offset in range(len(SCRIPT)):
            for n, person in enumerate(people):
                request, detail = SCRIPT[(offset + n) % len(SCRIPT)]
                if request == "end" and not person.in_session:
                    continue  # nothing to end: Alexa sends nothing, so there is no turn
                calls.clear()
                seen = len(api.received)
                opens = request == "launch" or not person.in_session
                started = time.perf_counter()
                if request == "launch":
                    person.launch()
                elif request == "end":
                    person.end_session()
                elif detail is not None:
                    person.say(request, **{SLOT_OF[request]: SlotValue(detail)})
                else:
                    person.say(request)
                timings.append(time.perf_counter() - started)
                label = _label(request, opens)
                per_turn[label].append(len(calls))
                operations[label].update(calls)
                made = api.received[seen:]
                api_per_turn[label].append(len(made))
                zone = sum(1 for r in made if r.method == "GET")
                lookups_per_session[(n, person.session_id or f"ended-{offset}")] += zone
    _print_conversation(timings, per_turn, operations, api_per_turn, lookups_per_session)


def _label(request: str, opens: bool) -> str:
    """A script step's row in the figures: the request type or intent, and whether it opened a
    session (a one-shot reads the store)."""
    if request == "launch":
        return "LaunchRequest"
    label = "SessionEndedRequest" if request == "end" else request
    return f"{label} (new session)" if opens else label


def _print_conversation(
    timings: list[float],
    per_turn: dict[str, list[int]],
    operations: dict[str, set[str]],
    api_per_turn: dict[str, list[int]],
    lookups_per_session: dict[tuple[int, str], int],
) -> None:
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"Warm turns: {len(timings)} turns, {USERS} users, in-process against moto")
    print(f"  median {statistics.median(timings) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms")
    print("DynamoDB requests per turn (min / mean / max, operations):")
    for label in sorted(per_turn):
        counts = per_turn[label]
        ops = ", ".join(sorted(operations[label])) or "none"
        print(
            f"  {label:36} {min(counts)} / {statistics.mean(counts):.2f} / {max(counts)}  ({ops})"
        )
    print("Alexa API requests per turn (min / mean / max; a loopback fake):")
    for label in sorted(api_per_turn):
        made = api_per_turn[label]
        if max(made):
            print(f"  {label:36} {min(made)} / {statistics.mean(made):.2f} / {max(made)}")
    most = max(lookups_per_session.values(), default=0)
    print(
        f"Time zone lookups per session: at most {most} (over {len(lookups_per_session)} sessions)"
    )


def _import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    # lambda_function builds its handler on import, which needs TABLE_NAME (as in Lambda).
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "lambda"),
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": TABLE,
    }
    command = [sys.executable, "-c", code]
    runs = [
        float(subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout)
        for _ in range(IMPORT_RUNS)
    ]
    return statistics.median(runs)


def import_figures() -> None:
    """Fresh interpreters: what the skill adds to the imports it cannot avoid."""
    baseline = _import_seconds("import ask_sdk_core.skill_builder, boto3")
    skill = _import_seconds("import lambda_function")
    print(f"Cold import (median of {IMPORT_RUNS} fresh interpreters):")
    print(f"  ask_sdk_core + boto3: {baseline * 1000:.0f} ms")
    print(f"  lambda_function:      {skill * 1000:.0f} ms  (ratio {skill / baseline:.2f}x)")


def zip_figures() -> None:
    """Built afresh (pip's cache makes it quick), so the size is the current code's; a zip left
    from an earlier build is reported only if the build fails (offline), and marked stale."""
    built = subprocess.run(
        [sys.executable, "-m", "tools.package", "--output", str(ZIP)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0 and not ZIP.exists():
        print(f"Deployment zip: not built ({built.stderr.strip()[-200:]})")
        return
    stale = "" if built.returncode == 0 else ", STALE: the rebuild failed"
    bytecode = [line for line in built.stdout.splitlines() if line.startswith("bytecode: ")]
    with zipfile.ZipFile(ZIP) as zf:
        unzipped = sum(info.file_size for info in zf.infolist())
    print(
        f"Deployment zip: {ZIP.stat().st_size / 1_000_000:.2f} MB "
        f"({unzipped / 1_000_000:.1f} MB unzipped; {ZIP.relative_to(ROOT)}{stale})"
    )
    for line in bytecode[:1] or ["bytecode: NONE (see make package's warning)"]:
        print(f"  {line}")


def apl_figures() -> None:
    from tools import apl_size  # noqa: PLC0415 (the handler on an in-memory store, for screens)

    print("APL, a screen device's first run through the handler (tools.apl_size):")
    for line in apl_size.report(apl_size.measure()):
        print(f"  {line}")


def main() -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(f"Machine: {machine}, Python {platform.python_version()}")
    conversation_figures()
    import_figures()
    zip_figures()
    coldstart.measure()
    apl_figures()


if __name__ == "__main__":
    main()
