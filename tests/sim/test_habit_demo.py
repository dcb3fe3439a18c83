"""The simulator's daily habit, as a newcomer runs it: the demo script from the README, the time
zone and calendar commands, Alexa's permission question, and what the skill sends to Alexa."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sim.cli import main
from sim.envelopes import USER_ID
from sim.local_store import SqliteStore
from upper_back.adapters.port import Found

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sim" / "habit-demo.txt"


def run(store: Path, script: str) -> str:
    out = io.StringIO()
    assert main(["--store", str(store)], stdin=io.StringIO(script), stdout=out) == 0
    return " ".join(out.getvalue().split())  # unwrapped


def stored_record(store: Path) -> dict[str, Any]:
    """The simulated person's record, read through the store the simulator used."""
    found = SqliteStore(store).load(USER_ID)
    assert isinstance(found, Found)
    return dict(found.record)


def test_the_readme_demo_does_three_local_days_a_progress_question_and_a_reminder(
    tmp_path: Path,
) -> None:
    store = tmp_path / "demo.sqlite3"
    out = io.StringIO()
    assert main(["--store", str(store), "--script", str(DEMO)], stdout=out) == 0
    said = " ".join(out.getvalue().split())
    # 00:30 on the 24th in Auckland is the 23rd in UTC: three local days, not two
    assert "That's three of the last seven days. Would you like a daily reminder?" in said
    assert "A reminder every day at 8 AM. Shall I set it?" in said
    assert "(Connections.Response AskFor ACCEPTED) -> Alexa API: POST /v1/alerts/reminders" in said
    assert '"scheduledTime": "2026-12-24T08:00:00"' in said
    assert '"timeZoneId": "Pacific/Auckland"' in said
    assert "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0" in said
    assert "Three of the last seven days, three of the last thirty." in said
    assert "from 8 AM to 9:30 PM" in said
    assert "-> Alexa API: DELETE /v1/alerts/reminders/fake-alert-token-1" in said
    assert "Okay, your daily reminder is off." in said
    assert said.endswith("(no reminders set)")
    record = stored_record(store)
    progress = record["progress"]
    assert isinstance(progress, dict)
    assert progress["days"] == ["2026-12-22", "2026-12-23", "2026-12-24"]
    assert record["habit"] == {"zone": "Pacific/Auckland", "offered": "2026-12-24"}


def test_the_calendar_and_zone_commands_say_what_they_did_and_refuse_nonsense(
    tmp_path: Path,
) -> None:
    said = run(
        tmp_path / "s.sqlite3",
        "/tz Mars/Olympus\n/tz America/New_York\n/date someday\n/date 2027-01-05 21:15\n"
        "/permission on\n/reminders\n",
    )
    assert "(say a time zone such as /tz Pacific/Auckland" in said
    assert "the device's time zone is now America/New_York" in said
    assert "(say /date 2026-12-24" in said
    assert "it is now Tuesday 2027-01-05 21:15 in America/New_York, 2027-01-06 02:15 UTC" in said
    assert "(reminders permission granted)" in said
    assert "(no reminders set)" in said


def test_no_to_alexas_permission_question_is_told_plainly_and_sets_nothing(tmp_path: Path) -> None:
    said = run(
        tmp_path / "s.sqlite3",
        "ask upper back routine to remind me every day at seven p.m.\nyes\nno\n/reminders\n",
    )
    assert "A reminder every day at 7 PM. Shall I set it?" in said
    assert "(Connections.Response AskFor DENIED)" in said
    assert "you can allow reminders for this skill in the Alexa app" in said
    assert "POST /v1/alerts/reminders" not in said
    assert said.endswith("(no reminders set)")


def test_a_reminder_deleted_in_the_alexa_app_is_forgotten_by_the_skill(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    said = run(
        store,
        "/permission on\nask upper back routine to remind me at nine\nyes\n/delete-reminders\n",
    )
    assert "Done. I will remind you every day at 9 AM." in said
    assert "(deleted in the Alexa app: 1; Reminders.ReminderDeleted sent)" in said
    habit = stored_record(store)["habit"]
    assert isinstance(habit, dict)
    assert "reminder" not in habit
