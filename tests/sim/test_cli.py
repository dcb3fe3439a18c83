"""The simulator turns typed lines into real request envelopes and prints replies readably."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import lambda_function
from sim.cli import (
    DEFAULT_TABLE,
    ExtrasFormatter,
    Simulator,
    StoreChoice,
    build_skill_handler,
    main,
)
from sim.conversation import Conversation, Handler
from sim.envelopes import SKILL_ID, USER_ID, Caller, SlotValue, envelope, launch_request
from sim.local_store import SqliteStore
from sim.nlu import Nlu
from sim.render import readable
from upper_back.adapters.port import Found
from upper_back.core.routine import load_routine
from upper_back.edge.app import ForeignSkillError, build_handler
from upper_back.edge.config import Settings
from upper_back.render import phrases

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
    for command in ("that hurts", "easier", "slower", "less detail", "quick routine", "daily move"):
        assert command in out


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


def test_the_embedded_store_is_chosen_by_default_and_only_metrics_are_switched_off(
    tmp_path: Path,
) -> None:
    environ: dict[str, str] = {}
    _, out, _ = run("", "--store", str(tmp_path / "s.sqlite3"), environ=environ)
    assert f"embedded store {tmp_path / 's.sqlite3'}" in out.splitlines()[0]
    assert environ == {"POWERTOOLS_METRICS_DISABLED": "true"}


def test_verbose_leaves_the_skill_metrics_on() -> None:
    environ: dict[str, str] = {}
    run("", "--verbose", environ=environ)
    assert "POWERTOOLS_METRICS_DISABLED" not in environ


def test_a_dynamodb_endpoint_replaces_the_embedded_store(tmp_path: Path) -> None:
    environ = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    _, out, _ = run(
        "", "--dynamodb-endpoint", "http://localhost:8000", "--table", "t", environ=environ
    )
    assert "DynamoDB at http://localhost:8000, table t" in out.splitlines()[0]
    assert environ["AWS_ENDPOINT_URL_DYNAMODB"] == "http://localhost:8000"
    assert environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert environ["AWS_ACCESS_KEY_ID"] == environ["AWS_SECRET_ACCESS_KEY"] == "local"
    assert "TABLE_NAME" not in environ  # the table reaches the skill through its Settings


def test_a_dynamodb_endpoint_keeps_the_region_credentials_and_table_already_set() -> None:
    environ = {"AWS_REGION": "eu-west-1", "AWS_PROFILE": "dev", "TABLE_NAME": "mine"}
    _, out, _ = run("", "--dynamodb-endpoint", "http://localhost:8000", environ=environ)
    assert "AWS_DEFAULT_REGION" not in environ
    assert "AWS_ACCESS_KEY_ID" not in environ
    assert "table mine" in out.splitlines()[0]


def test_the_table_defaults_to_the_simulators_own() -> None:
    _, out, _ = run("", "--dynamodb-endpoint", "http://localhost:8000", environ={})
    assert f"table {DEFAULT_TABLE}" in out.splitlines()[0]


def test_a_table_without_an_endpoint_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("", "--table", "t")
    assert "--table only applies with --dynamodb-endpoint" in capsys.readouterr().err


# --- the real skill ---------------------------------------------------------------------------


def test_the_simulator_builds_its_skill_with_the_factory_lambda_runs(tmp_path: Path) -> None:
    handler = build_skill_handler(StoreChoice(sqlite_path=tmp_path / "s.sqlite3"), SKILL_ID)
    deployed = lambda_function.lambda_handler
    assert (handler.__module__, handler.__qualname__) == (
        deployed.__module__,
        deployed.__qualname__,
    )
    assert deployed.__module__ == build_handler.__module__


def test_the_simulators_skill_refuses_a_request_for_another_skill_before_reading(
    tmp_path: Path,
) -> None:
    """As the deployed function does with its SKILL_ID: every request goes through the
    factory's whole handler, its guard included (the store's file is not even opened)."""
    path = tmp_path / "s.sqlite3"
    handler = build_skill_handler(StoreChoice(sqlite_path=path), SKILL_ID)
    other = envelope(launch_request(), Caller(skill_id="amzn1.ask.skill.other"), "session.1")
    with pytest.raises(ForeignSkillError):
        handler(other, None)
    assert not path.exists()
    mine = envelope(launch_request(), Caller(), session_id="session.2")
    assert handler(mine, None)["response"]["outputSpeech"]["ssml"]
    assert path.exists()


def prefix(template: str) -> str:
    """A phrase's words up to its first field."""
    return template.partition("{")[0]


WELCOME_BACK = prefix(phrases.WELCOME_BACK_IN_PROGRESS)


def spoken(index: int) -> str:
    """How the skill names the move at ``index`` (0-based) in en-US."""
    return load_routine().moves[index].spoken_name("en-US")


def _launch_reply(store: Path) -> str:
    out = io.StringIO()
    script = io.StringIO("open upper back routine\n")
    assert main(["--store", str(store)], stdin=script, stdout=out) == 0
    reply = out.getvalue().split("(LaunchRequest, new session)")[1]
    return " ".join(reply.split())  # unwrapped


def test_the_place_is_remembered_across_two_simulator_runs(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    script = io.StringIO("open upper back routine\nstart\nnext move\nstop\n")
    assert main(["--store", str(store)], stdin=script, stdout=io.StringIO()) == 0
    found = SqliteStore(store).load(USER_ID)
    assert isinstance(found, Found)
    assert found.record["place"]["move"] == "wall_splat"
    remembered = _launch_reply(store)
    fresh = _launch_reply(tmp_path / "fresh.sqlite3")
    assert WELCOME_BACK in remembered
    assert spoken(1) in remembered
    assert WELCOME_BACK not in fresh


def test_a_place_an_earlier_simulator_saved_is_offered_back(tmp_path: Path) -> None:
    """Stores written before the redesign hold flat v1 records: the skill upgrades them."""
    store = tmp_path / "store.sqlite3"
    v1 = {"schema": 1, "move": "can_openers", "side": "", "in_progress": True, "completed": 0}
    with sqlite3.connect(store) as connection:
        connection.execute("CREATE TABLE attributes (id TEXT PRIMARY KEY, attributes TEXT)")
        connection.execute("INSERT INTO attributes VALUES (?, ?)", (USER_ID, json.dumps(v1)))
    reply = _launch_reply(store)
    assert WELCOME_BACK in reply
    assert spoken(2) in reply


SCRIPT = [
    ("launch", None),
    ("StartRoutineIntent", None),
    ("NextMoveIntent", None),
    ("AMAZON.RepeatIntent", None),
    ("GoToMoveIntent", "4"),
    ("ProgressIntent", None),
    ("AMAZON.StopIntent", None),
    ("launch", None),
    ("AMAZON.YesIntent", None),
    ("AMAZON.PauseIntent", None),
]


def _speech(handler: Handler) -> list[tuple[str, str, bool]]:
    person = Conversation(handler, Caller())
    turns = []
    for request, number in SCRIPT:
        if request == "launch":
            turn = person.launch()
        elif number is not None:
            turn = person.say(request, number=SlotValue(number))
        else:
            turn = person.say(request)
        turns.append((readable(turn.ssml), readable(turn.reprompt), turn.ends_session))
    return turns


def test_the_simulator_on_sqlite_says_what_the_skill_on_dynamodb_says(
    table: Any, tmp_path: Path
) -> None:
    """The same turns, the embedded store against the production store on moto: a store that
    behaved differently (a save refused, a place lost) would change what the user hears."""
    simulated = _speech(build_skill_handler(StoreChoice(sqlite_path=tmp_path / "s.db"), SKILL_ID))
    deployed = _speech(build_handler(Settings(table_name=table.name, skill_id=SKILL_ID)))
    assert simulated == deployed
    goodbye, welcome_back = simulated[6][0], simulated[7][0]
    assert goodbye.startswith(prefix(phrases.GOODBYE_SAVED))
    assert spoken(3) in goodbye
    assert welcome_back.startswith(WELCOME_BACK)
    assert spoken(3) in welcome_back


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


def test_verbose_log_lines_keep_the_fields_the_skill_logs_as_extra() -> None:
    record = logging.LogRecord("upper_back", logging.INFO, __file__, 1, "turn", None, None)
    record.command, record.move = "next", 2
    line = ExtrasFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == "INFO upper_back: turn command=next move=2"
