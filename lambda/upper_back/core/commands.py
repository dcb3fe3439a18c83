"""What the user asked for, independent of how they said it (or tapped it).

Each command is its own small frozen type and carries its own data (``GoTo`` carries the move),
so navigation's ``match`` over ``Command`` is checked for completeness by mypy: a new command
fails type-checking until navigation (and every other table over commands) handles it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Launch:
    """The skill was opened without a request ("Alexa, open upper back routine")."""


@dataclass(frozen=True)
class Start:
    """Begin the routine at its first move ("start", "start over")."""


@dataclass(frozen=True)
class Next:
    """Go on: the other side, or the next move ("next move", "done")."""


@dataclass(frozen=True)
class NextSide:
    """The other side of the move under way ("switch sides")."""


@dataclass(frozen=True)
class Previous:
    """Back one part ("go back")."""


@dataclass(frozen=True)
class Repeat:
    """The same part again ("repeat")."""


@dataclass(frozen=True)
class GoTo:
    """A named or numbered move. ``move`` is 0-based and may be out of range (navigation refuses
    it, naming the number asked); None when the user named no move the routine has."""

    move: int | None


@dataclass(frozen=True)
class Resume:
    """Carry on from the stored place ("resume my routine")."""


@dataclass(frozen=True)
class Pause:
    """Stop for now, keeping the place ("pause")."""


@dataclass(frozen=True)
class AskProgress:
    """Where am I, and what is left ("how many are left")."""


@dataclass(frozen=True)
class Help:
    """What can I say."""


@dataclass(frozen=True)
class NotUnderstood:
    """Something the skill could not map to a request (the fallback intent, an unknown one)."""


@dataclass(frozen=True)
class Stop:
    """Leave ("stop", "cancel", "go home")."""


@dataclass(frozen=True)
class Yes:
    """Yes to the question last asked."""


@dataclass(frozen=True)
class No:
    """No to the question last asked."""


@dataclass(frozen=True)
class SessionEnd:
    """Alexa closed the session (the user walked away, or said stop mid-prompt)."""


Command = (
    Launch | Start | Next | NextSide | Previous | Repeat | GoTo | Resume | Pause | AskProgress
    | Help | NotUnderstood | Stop | Yes | No | SessionEnd
)  # fmt: skip


def name(command: Command) -> str:
    """The command's name for logs and metrics ("go_to", "next_side")."""
    words: list[str] = []
    for char in type(command).__name__:
        if char.isupper() and words:
            words.append("_")
        words.append(char.lower())
    return "".join(words)
