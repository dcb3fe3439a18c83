"""The daily habit in the simulator: the device's time zone, a movable calendar, Alexa's own
permission question, and what the skill sent to the Alexa APIs.

The skill reaches the same fake Alexa API the tests use (``sim.alexa_api``), started in-process
on the loopback address, so every time zone lookup and reminder call is a real HTTP request the
simulator can print: exactly what would be sent to Alexa.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sim.alexa_api import FakeAlexaApi, Received
from sim.conversation import Turn
from upper_back.edge.alexa_services import zone_info

ASK_FOR = "Connections.SendRequest"


@dataclass
class Calendar:
    """The requests' clock: the real time, or a local date and time chosen with ``/date``
    (then it runs on from there, so a session still takes the time it takes)."""

    zone: str = "UTC"
    chosen: datetime | None = None  # the UTC instant chosen
    chosen_at: datetime | None = None  # when it was chosen (real time)

    def __call__(self) -> datetime:
        real = datetime.now(UTC)
        if self.chosen is None or self.chosen_at is None:
            return real
        return self.chosen + (real - self.chosen_at)

    def set_local(self, day: date, at: time) -> datetime:
        """Move to ``day`` at ``at`` in the device's zone; the UTC instant it is."""
        local = datetime.combine(day, at, tzinfo=ZoneInfo(self.zone))
        self.chosen, self.chosen_at = local.astimezone(UTC), datetime.now(UTC)
        return self.chosen

    def local(self) -> datetime:
        return self().astimezone(ZoneInfo(self.zone))


def zone_or_none(name: str) -> str | None:
    """``name`` if it is an IANA time zone the skill would accept from Alexa."""
    return name if zone_info(name) is not None else None


def parse_date(words: list[str], today: date) -> tuple[date, time] | None:
    """``/date`` arguments: ``2026-12-24 [07:30]``, ``+1`` (days on), or ``tomorrow``; the
    local time defaults to 08:00."""
    if not words:
        return None
    first = words[0].lower()
    at = time(8, 0)
    if len(words) > 1:
        try:
            at = time.fromisoformat(words[1])
        except ValueError:
            return None
    if first == "tomorrow":
        return today + timedelta(days=1), at
    if first.startswith("+") and first[1:].isdigit():
        return today + timedelta(days=int(first[1:])), at
    try:
        return date.fromisoformat(first), at
    except ValueError:
        return None


def asks_permission(turn: Turn) -> str | None:
    """The token of a voice permission request in ``turn``'s response, if it makes one."""
    for directive in turn.response.get("directives") or []:
        if directive.get("type") == ASK_FOR and directive.get("name") == "AskFor":
            return str(directive.get("token", ""))
    return None


@dataclass
class ApiLog:
    """What the skill sent to the fake Alexa API, printed once per turn."""

    api: FakeAlexaApi
    shown: int = field(default=0)

    def new(self) -> list[Received]:
        received = self.api.received
        fresh, self.shown = received[self.shown :], len(received)
        return fresh

    def lines(self) -> Iterator[str]:
        for request in self.new():
            path = request.path.split("?", 1)[0]
            yield f"  -> Alexa API: {request.method} {path}"
            if request.body is not None:
                body = json.dumps(request.body, indent=2, sort_keys=True)
                yield textwrap.indent(body, "       ")


def describe_reminders(api: FakeAlexaApi) -> list[str]:
    """The reminders Alexa holds for the skill, as the simulator's fake has them."""
    if not api.reminders:
        return ["  (no reminders set)"]
    lines = []
    for token, body in api.reminders.items():
        trigger = (body or {}).get("trigger", {})
        rules = ", ".join(trigger.get("recurrence", {}).get("recurrenceRules", []))
        zone = trigger.get("timeZoneId") or "the device's zone"
        text = (
            (body or {}).get("alertInfo", {}).get("spokenInfo", {}).get("content", [{}])[0]
        ).get("text", "")
        lines.append(
            f"  {token}: first {trigger.get('scheduledTime')} ({zone}), {rules}; says {text!r}"
        )
    return lines
