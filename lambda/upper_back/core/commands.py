"""What the user asked for, independent of how they said it (or tapped it).

Each command is its own small frozen type and carries its own data (``GoTo`` carries the move),
so navigation's ``match`` over ``Command`` is checked for completeness by mypy: a new command
fails type-checking until navigation (and every other table over commands) handles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import Enum

from upper_back.core.cases import Case


class Launch(Case):
    """The skill was opened without a request ("Alexa, open upper back routine")."""


class Start(Case):
    """Begin the routine at its first move ("start", "start over")."""


class Next(Case):
    """Go on: the other side, or the next move ("next move", "done")."""


class NextSide(Case):
    """The other side of the move under way ("switch sides")."""


class Previous(Case):
    """Back one part ("go back")."""


class Repeat(Case):
    """The same part again ("repeat")."""


@dataclass(frozen=True)
class GoTo:
    """A named or numbered move. ``move`` is 0-based and may be out of range (navigation refuses
    it, naming the number asked); None when the user named no move the routine has."""

    move: int | None


class Resume(Case):
    """Carry on from the stored place ("resume my routine")."""


class Pause(Case):
    """Stop for now, keeping the place ("pause")."""


class AskProgress(Case):
    """Where am I, and what is left ("how many are left")."""


class Help(Case):
    """What can I say."""


class NotUnderstood(Case):
    """Something the skill could not map to a request (the fallback intent, an unknown one)."""


class Stop(Case):
    """Leave ("stop", "cancel", "go home")."""


class Yes(Case):
    """Yes to the question last asked."""


class No(Case):
    """No to the question last asked."""


@dataclass(frozen=True)
class SessionEnd:
    """Alexa closed the session (the user walked away, or said stop mid-prompt). ``lapsed``:
    Alexa ended it because the user said nothing after the reprompt (EXCEEDED_MAX_REPROMPTS)."""

    lapsed: bool = False


class Hurts(Case):
    """ "That hurts", "ouch", "my back hurts": stop the move at once."""


@dataclass(frozen=True)
class ChangeVersion:
    """ "Easier", "that's too hard", "harder", "too easy"; ``variant`` None: "normal version"."""

    variant: str | None


@dataclass(frozen=True)
class SetPace:
    """ "Slower", "faster"; ``pace`` None: "normal pace"."""

    pace: str | None


@dataclass(frozen=True)
class SetDetail:
    """ "More detail" (``detail`` "full") or "less detail" ("short")."""

    detail: str


class Quick(Case):
    """The quick version of the routine ("quick routine", "I only have five minutes")."""


class DailyMove(Case):
    """Just the daily move: the routine's last move (the bridge and reach-over) on its own."""


class AskDays(Case):
    """ "How am I doing", "what's my streak": the days done lately, and routines in all."""


@dataclass(frozen=True)
class SetReminder:
    """ "Remind me every day at eight", "set a daily reminder", "change my reminder": ``at`` is
    the local time asked for, None when none was said (then it is asked for)."""

    at: time | None


class CancelReminder(Case):
    """ "Cancel my reminder", "stop reminding me"."""


class Consent(Enum):
    """The person's answer to Alexa's permission question (``Connections.Response``)."""

    ACCEPTED = "accepted"
    DENIED = "denied"
    NOT_ANSWERED = "not_answered"
    UNAVAILABLE = "unavailable"  # Alexa could not ask by voice (the request failed)


@dataclass(frozen=True)
class PermissionAnswered:
    """Alexa asked for the reminders permission on the skill's behalf: ``consent`` is the
    answer, ``at`` the reminder time the request carried (None if it came back unreadable)."""

    consent: Consent
    at: time | None


@dataclass(frozen=True)
class RemindersGone:
    """Alexa reports reminders deleted (in the Alexa app, or by voice outside the skill)."""

    tokens: tuple[str, ...]


Command = (
    Launch | Start | Next | NextSide | Previous | Repeat | GoTo | Resume | Pause | AskProgress
    | Help | NotUnderstood | Stop | Yes | No | SessionEnd | Hurts | ChangeVersion | SetPace
    | SetDetail | Quick | DailyMove | AskDays | SetReminder | CancelReminder | PermissionAnswered
    | RemindersGone
)  # fmt: skip


def name(command: Command) -> str:
    """The command's name for logs and metrics ("go_to", "next_side")."""
    words: list[str] = []
    for char in type(command).__name__:
        if char.isupper() and words:
            words.append("_")
        words.append(char.lower())
    return "".join(words)
