"""The simulator turns typed lines into real request envelopes and prints replies readably."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

import lambda_function
from sim.cli import Simulator, main
from sim.envelopes import Caller, envelope, launch_request
from sim.local_store import SqliteAdapter
from sim.nlu import Nlu

ROOT = Path(__file__).resolve().parents[2]


class FakeSkill:
    """Answers every request by naming it, counts turns in the session, ends on Stop."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], _context: Any) -> dict[str, Any]:
        self.events.append(event)
        request = event["request"]
        if request["type"] == "SessionEndedRequest":
            return {"version": "1.0", "response": {}}
        name = request.get("intent", {}).get("name", request["type"])
        turn = event["session"]["attributes"].get("turn", 0) + 1
        return {
            "version": "1.0",
            "sessionAttributes": {"turn": turn},
            "response": {
                "outputSpeech": {
                    "type": "SSML",
                    "ssml": f'<speak>Got {name} &amp; more.<break time="2s"/>Turn {turn}.</speak>',
                },
                "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Say next.</speak>"}},
                "shouldEndSession": name == "AMAZON.StopIntent",
            },
        }

    @property
    def requests(self) -> list[str]:
        return [
            e["request"].get("intent", {}).get("name") or e["request"]["type"] for e in self.events
        ]


def run(
    script: str, *args: str, skill: FakeSkill | None = None, environ: dict[str, str] | None = None
) -> tuple[int, str, FakeSkill]:
    skill = skill or FakeSkill()
    out = io.StringIO()
    code = main(
        list(args),
        handler=skill,
        stdin=io.StringIO(script),
        stdout=out,
        environ={} if environ is None else environ,
    )
    return code, out.getvalue(), skill


def test_a_script_from_stdin_is_echoed_and_answered_turn_by_turn() -> None:
    code, out, skill = run("# a comment\nopen upper back routine\n\nnext move\nstop\n")
    assert code == 0
    assert skill.requests == ["LaunchRequest", "NextMoveIntent", "AMAZON.StopIntent"]
    assert "a comment" not in out
    assert "you [no session]> open upper back routine\n  (LaunchRequest, new session)\n" in out
    assert "Alexa: Got LaunchRequest & more. [pause 2s] Turn 1.\n" in out
    assert "you> next move\n  (NextMoveIntent)\nAlexa: Got NextMoveIntent" in out
    assert "  (if you say nothing: Say next.)" in out
    assert out.rstrip().endswith("Turn 3.\n  (if you say nothing: Say next.)\n  — session ended —")


def test_a_script_file_is_read_with_the_script_option(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text("open upper back routine\nskip to can openers\n", encoding="utf-8")
    code, out, skill = run("stdin is ignored\n", "--script", str(script))
    assert code == 0
    assert skill.requests == ["LaunchRequest", "GoToMoveIntent"]
    assert '(GoToMoveIntent move="can openers" (can_openers))' in out


def test_the_session_and_its_attributes_carry_from_turn_to_turn() -> None:
    _, _, skill = run("open upper back routine\nnext move\nhelp\n")
    launch, first, second = skill.events
    assert launch["session"]["new"] is True
    assert not first["session"]["new"]
    assert first["session"]["sessionId"] == second["session"]["sessionId"]
    assert second["session"]["attributes"] == {"turn": 2}


def test_slots_reach_the_skill_as_alexa_sends_them() -> None:
    _, _, skill = run("open upper back routine\ngo to move four\nskip to jumping jacks\n")
    number = skill.events[1]["request"]["intent"]["slots"]["number"]
    move = skill.events[2]["request"]["intent"]["slots"]["move"]
    assert number["value"] == "4"
    assert move["value"] == "jumping jacks"
    status = move["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"]
    assert status == "ER_SUCCESS_NO_MATCH"


def test_words_with_no_session_open_are_not_sent_and_a_hint_is_printed() -> None:
    _, out, skill = run("next move\n")
    assert skill.events == []
    assert "No session is open" in out
    assert "ask upper back routine to next move" in out


def test_ask_to_is_a_one_shot_request_in_a_new_session() -> None:
    _, _, skill = run("open upper back routine\nask upper back routine to resume my routine\n")
    launch, one_shot = skill.events
    assert one_shot["request"]["intent"]["name"] == "ResumeRoutineIntent"
    assert one_shot["session"]["new"] is True
    assert one_shot["session"]["sessionId"] != launch["session"]["sessionId"]


@pytest.mark.parametrize(
    ("line", "reason"), [("/walk-away", "EXCEEDED_MAX_REPROMPTS"), ("exit", "USER_INITIATED")]
)
def test_leaving_sends_session_ended_with_the_reason(line: str, reason: str) -> None:
    _, out, skill = run(f"open upper back routine\n{line}\nnext move\n")
    assert skill.events[-1]["request"]["reason"] == reason
    assert skill.requests == ["LaunchRequest", "SessionEndedRequest"]
    assert "— session ended —" in out


def test_switching_user_opens_the_next_session_as_someone_else() -> None:
    _, _, skill = run("open upper back routine\n/user BOB\n/person CAROL\n/launch\n")
    first, second = skill.events
    assert first["context"]["System"]["user"]["userId"] == "amzn1.ask.account.TESTUSER"
    assert second["context"]["System"]["user"]["userId"] == "amzn1.ask.account.BOB"
    assert second["context"]["System"]["person"] == {"personId": "amzn1.ask.person.CAROL"}
    assert second["session"]["new"] is True


def test_quit_stops_reading_the_script() -> None:
    _, _, skill = run("open upper back routine\n/quit\nnext move\n")
    assert skill.requests == ["LaunchRequest"]


def test_help_lists_the_simulator_commands() -> None:
    _, out, _ = run("/help\n")
    assert "/walk-away" in out
    assert "/user NAME" in out


def test_a_crashing_skill_is_reported_and_the_run_fails() -> None:
    def broken(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    out = io.StringIO()
    code = main([], handler=broken, stdin=io.StringIO("open upper back routine\n"), stdout=out)
    assert code == 1
    assert "!! the skill raised RuntimeError: boom" in out.getvalue()


def test_a_missing_model_file_is_reported(tmp_path: Path) -> None:
    code, out, _ = run("", "--model", str(tmp_path / "nope.json"))
    assert code == 2
    assert "Cannot read the interaction model" in out


def test_real_time_sleeps_through_the_pauses() -> None:
    slept: list[float] = []
    nlu = Nlu.for_locale("en-US", ROOT)
    sim = Simulator(nlu, FakeSkill(), io.StringIO(), real_time=True, sleep=slept.append)
    sim.handle("open upper back routine")
    assert slept == [2.0]


def test_the_locale_picks_the_request_locale_and_its_model() -> None:
    _, _, skill = run("open upper back routine\nskip to press ups\n", "--locale", "en-GB")
    assert skill.events[0]["request"]["locale"] == "en-GB"
    move = skill.events[1]["request"]["intent"]["slots"]["move"]["resolutions"]
    assert move["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "rhomboid_push_up"


def test_the_embedded_store_is_chosen_by_default_and_logs_are_quiet(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    run("", "--store", str(tmp_path / "s.sqlite3"), environ=environ)
    assert environ["LOCAL_STORE_PATH"] == str(tmp_path / "s.sqlite3")
    assert environ["POWERTOOLS_LOG_LEVEL"] == "WARNING"
    assert environ["POWERTOOLS_METRICS_DISABLED"] == "true"


def test_verbose_leaves_the_skill_logs_on() -> None:
    environ: dict[str, str] = {}
    run("", "--verbose", environ=environ)
    assert environ["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert "POWERTOOLS_METRICS_DISABLED" not in environ


def test_a_dynamodb_endpoint_replaces_the_embedded_store(tmp_path: Path) -> None:
    environ = {
        "LOCAL_STORE_PATH": "/somewhere",
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    run("", "--dynamodb-endpoint", "http://localhost:8000", "--table", "t", environ=environ)
    assert "LOCAL_STORE_PATH" not in environ
    assert environ["AWS_ENDPOINT_URL_DYNAMODB"] == "http://localhost:8000"
    assert environ["TABLE_NAME"] == "t"
    assert environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert environ["AWS_ACCESS_KEY_ID"] == "local"


def test_a_dynamodb_endpoint_keeps_the_region_and_credentials_already_set() -> None:
    environ = {"AWS_REGION": "eu-west-1", "AWS_PROFILE": "dev"}
    run("", "--dynamodb-endpoint", "http://localhost:8000", environ=environ)
    assert "AWS_DEFAULT_REGION" not in environ
    assert "AWS_ACCESS_KEY_ID" not in environ
    assert environ["TABLE_NAME"] == "upper-back-routine"


@pytest.fixture
def real_skill(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The real lambda_handler on the embedded store; the environment restored afterwards."""
    for name in ("LOCAL_STORE_PATH", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_DISABLED"):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    lambda_function.reset()
    yield
    lambda_function.reset()


def _alexa_request() -> RequestEnvelope:
    event = envelope(launch_request(), Caller(), session_id="amzn1.echo-api.session.1")
    parsed: RequestEnvelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    return parsed


def _launch_reply(store: str) -> str:
    lambda_function.reset()  # each run of the simulator builds the skill afresh
    out = io.StringIO()
    script = io.StringIO("open upper back routine\n")
    assert main(["--store", store], stdin=script, stdout=out) == 0
    return out.getvalue().split("(LaunchRequest, new session)")[1]


@pytest.mark.usefixtures("real_skill")
def test_the_place_is_remembered_across_two_simulator_runs(tmp_path: Path) -> None:
    store = str(tmp_path / "store.sqlite3")
    script = io.StringIO("open upper back routine\nstart\nnext move\nstop\n")
    assert main(["--store", store], stdin=script, stdout=io.StringIO()) == 0
    assert "wall_splat" in str(SqliteAdapter(store).get_attributes(_alexa_request()))
    remembered = _launch_reply(store)
    fresh = _launch_reply(str(tmp_path / "fresh.sqlite3"))
    assert "wall splat" in remembered
    assert remembered != fresh


def test_a_one_shot_pause_is_not_understood_because_alexa_sends_it_only_in_a_session(
    tmp_path: Path,
) -> None:
    sent: list[str] = []

    def skill(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        request = event["request"]
        sent.append(request.get("intent", {}).get("name", request["type"]))
        return {"version": "1.0", "response": {"shouldEndSession": True}}

    script = io.StringIO("ask upper back routine to take a break\n")
    main(
        ["--store", str(tmp_path / "s.sqlite3")], stdin=script, stdout=io.StringIO(), handler=skill
    )
    assert sent == ["AMAZON.FallbackIntent"]
