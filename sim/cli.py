"""`make run`: talk to the skill by typing, offline, through the handler Lambda runs.

The skill is built by the production composition root (``upper_back.edge.app.build_handler``,
the factory ``lambda_function`` calls), given the simulator's store: an embedded SQLite file
(``sim.local_store.SqliteStore``) or, with ``--dynamodb-endpoint``, the production DynamoDB store
pointed at that endpoint. Typed words go through the interaction model's samples (``sim.nlu``)
into real request envelopes; a ``Conversation`` threads the session; replies print as readable
speech. The place persists across runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import textwrap
import time
import traceback
from collections.abc import Callable, Iterable, MutableMapping
from contextlib import nullcontext, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from sim import render
from sim.alexa_api import FakeAlexaApi
from sim.conversation import Conversation, Handler, Turn
from sim.envelopes import (
    SCREEN_INTERFACES,
    SKILL_ID,
    Caller,
    permission_answer,
    reminders_deleted,
    user_event_request,
)
from sim.habit import (
    ApiLog,
    Calendar,
    asks_permission,
    describe_reminders,
    parse_date,
    zone_or_none,
)
from sim.local_store import SqliteStore
from sim.nlu import MODEL_DIR, Heard, Nlu
from upper_back.edge.alexa_services import REMINDERS_SCOPE
from upper_back.edge.app import build_handler
from upper_back.edge.config import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = REPO_ROOT / ".sim" / "store.sqlite3"
DEFAULT_TABLE = "upper-back-routine"
SESSION_ONLY = frozenset({"AMAZON.PauseIntent", "AMAZON.ResumeIntent"})
"""Built-ins Alexa sends only while a session is open (a one-shot never reaches them)."""
COMMANDS = """\
Simulator commands (anything else is spoken to Alexa):
  /launch             open the skill in a new session (same as "open upper back routine")
  /end, /walk-away    say nothing until Alexa gives up (SessionEndedRequest EXCEEDED_MAX_REPROMPTS)
  /user NAME          become another account, kept apart from the others (default TESTUSER)
  /person NAME|none   a recognised voice in the household (kept apart from the account's)
  /tz ZONE            the device's time zone, e.g. /tz Pacific/Auckland (from the next session)
  /date DAY [HH:MM]   move the calendar: /date 2026-12-24, /date +1, /date tomorrow 07:30
  /reminders          the reminders Alexa holds for the skill (in the simulator's fake API)
  /delete-reminders   delete them as the Alexa app would (the skill hears ReminderDeleted)
  /permission on|off  whether the reminders permission is already granted
  /tap WORD           tap a button of the screen shown (with --screen): /tap next, /tap back,
                      /tap repeat, /tap pause, /tap easier, /tap start, /tap resume
  /help               this list
  /quit               leave the simulator (your place is already saved)
Try: "open upper back routine", "start", "next move", "skip to can openers", "go to move four",
"the third move", "pause", "resume my routine", "how many are left", "help", "stop",
"ask upper back routine to go to move two", "exit".
Coaching: "easier", "that's too hard", "harder", "too easy", "normal version", "slower",
"faster", "normal pace", "more detail", "less detail", "that hurts" (then "yes" or "skip"),
"quick routine", "the short version", "I only have five minutes", "just the daily move",
"ask upper back routine for the quick version".
Habit: "how am I doing", "what's my streak", "remind me every day at eight", "change my
reminder", "cancel my reminder". When Alexa asks for the reminders permission, answer yes or no
(anything else: not answered)."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sim", description="Talk to the skill by typing, offline."
    )
    parser.add_argument("--locale", default="en-US", help="model file and request locale")
    parser.add_argument("--model", type=Path, help="interaction model JSON (default: the locale's)")
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, help="embedded store file")
    parser.add_argument("--dynamodb-endpoint", metavar="URL", help="use DynamoDB at URL instead")
    parser.add_argument("--table", help=f"table at --dynamodb-endpoint (default {DEFAULT_TABLE})")
    parser.add_argument(
        "--script", type=Path, help="read utterances from FILE (as from a piped stdin)"
    )
    parser.add_argument("--real-time", action="store_true", help="play pauses in real time")
    parser.add_argument("--verbose", action="store_true", help="show the skill's own logs")
    parser.add_argument(
        "--screen",
        action="store_true",
        help="a device with a screen (APL): show what it shows each turn; /tap WORD taps it",
    )
    args = parser.parse_args(argv)
    if args.table and not args.dynamodb_endpoint:
        parser.error("--table only applies with --dynamodb-endpoint")
    return args


def _has_credentials(environ: MutableMapping[str, str]) -> bool:
    if environ.get("AWS_ACCESS_KEY_ID") or environ.get("AWS_PROFILE"):
        return True
    shared = environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    return Path(shared).expanduser().is_file()


@dataclass(frozen=True)
class StoreChoice:
    """Where the simulator keeps places: an embedded SQLite file, or a DynamoDB table."""

    sqlite_path: Path | None = None
    table_name: str | None = None
    endpoint: str | None = None

    def describe(self) -> str:
        if self.sqlite_path is not None:
            return f"embedded store {self.sqlite_path}"
        return f"DynamoDB at {self.endpoint}, table {self.table_name}"


def configure_environment(
    args: argparse.Namespace, environ: MutableMapping[str, str]
) -> StoreChoice:
    """Choose the store. For a DynamoDB endpoint, point boto3 at it (it reads the endpoint, the
    region and the credentials from the environment when the store makes its first call)."""
    if args.dynamodb_endpoint:
        environ["AWS_ENDPOINT_URL_DYNAMODB"] = args.dynamodb_endpoint
        if not (environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")):
            environ["AWS_DEFAULT_REGION"] = "us-east-1"
        if not _has_credentials(environ):
            environ["AWS_ACCESS_KEY_ID"] = environ["AWS_SECRET_ACCESS_KEY"] = "local"
        table = args.table or environ.get("TABLE_NAME") or DEFAULT_TABLE
        return StoreChoice(table_name=table, endpoint=args.dynamodb_endpoint)
    return StoreChoice(sqlite_path=Path(args.store).expanduser().absolute())


_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class ExtrasFormatter(logging.Formatter):
    """``LEVEL logger: message key=value ...``: the fields the skill logs as ``extra`` (which
    Lambda's JSON log format shows as keys) stay visible in a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS}
        return " ".join([line, *(f"{k}={v}" for k, v in extras.items())])


def configure_logging(verbose: bool, environ: MutableMapping[str, str]) -> None:
    """The skill logs a line per request and turn, and prints metrics: noise in a conversation
    unless asked for."""
    if not verbose:
        environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    root = logging.getLogger()
    if not root.handlers:  # as logging.basicConfig would, but keeping the extra fields
        handler = logging.StreamHandler()
        handler.setFormatter(ExtrasFormatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)


def build_skill_handler(choice: StoreChoice, skill_id: str) -> Handler:
    """The handler Lambda runs, built by the same factory, on the chosen store. Requests for
    another skill are refused, as the deployed function (which always has SKILL_ID) refuses them."""
    if choice.sqlite_path is not None:
        return build_handler(Settings(skill_id=skill_id), store=SqliteStore(choice.sqlite_path))
    return build_handler(Settings(table_name=choice.table_name, skill_id=skill_id))


class Simulator:
    """One person talking to one device: typed lines in, readable replies out."""

    def __init__(
        self,
        nlu: Nlu,
        handler: Handler,
        out: TextIO,
        *,
        caller: Caller | None = None,
        width: int = 80,
        real_time: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        api: FakeAlexaApi | None = None,
        screen: bool = False,
    ) -> None:
        self.nlu = nlu
        self.api = api
        self.calendar = Calendar()
        caller = caller or Caller()
        if screen:
            caller = replace(caller, interfaces={**caller.interfaces, **SCREEN_INTERFACES})
        if api is not None:
            caller = replace(caller, api_endpoint=api.endpoint)
        self.conversation = Conversation(handler=handler, caller=caller, clock=self.calendar)
        self.api_log = ApiLog(api) if api is not None else None
        self.permission_token: str | None = None  # Alexa is asking for the permission
        self.out = out
        self.width = max(width, 40)
        self.player = (lambda text, out: render.play(text, out, sleep)) if real_time else None
        self.failed = False
        self.screen_token: str | None = None  # the document on the screen, for /tap

    def prompt(self) -> str:
        return "you> " if self.conversation.in_session else "you [no session]> "

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    def handle(self, line: str) -> bool:
        """Act on one typed line; False once the user asked to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line.startswith(("/", ":")):
            return self._command(line[1:].split())
        if self.permission_token is not None:
            self._answer_permission(line)
            return True
        self._hear(self.nlu.hear(line), line)
        return True

    def _answer_permission(self, line: str) -> None:
        """Alexa's own permission question, answered: yes grants the scope (as the Alexa app
        would record it), no denies it, anything else leaves it unanswered."""
        token, self.permission_token = self.permission_token or "", None
        words = line.lower().strip(" .!")
        status = (
            "ACCEPTED"
            if words in ("yes", "yeah", "i approve", "approve", "sure")
            else "DENIED"
            if words in ("no", "nope", "no thanks")
            else "NOT_ANSWERED"
        )
        if status == "ACCEPTED":
            caller = self.conversation.caller
            granted = tuple(sorted({*caller.granted, REMINDERS_SCOPE}))
            self.conversation.caller = replace(caller, granted=granted)
        self.say(f"  (Connections.Response AskFor {status})")
        self._send(lambda: self.conversation.send(permission_answer(status, token)))

    def _hear(self, heard: Heard, line: str) -> None:
        conversation = self.conversation
        if heard.kind == "launch":
            self.say("  (LaunchRequest, new session)")
            self._send(conversation.launch)
        elif heard.kind == "exit":
            self._end("USER_INITIATED")
        elif heard.intent is not None and (heard.kind == "one_shot" or conversation.in_session):
            intent = heard.intent
            if heard.kind == "one_shot" and intent.name in SESSION_ONLY:
                # Alexa routes these built-ins only to an open session, never to a one-shot.
                intent = replace(intent, name="AMAZON.FallbackIntent", slots={})
            if heard.kind == "one_shot":
                conversation.session_id = None  # a one-shot always opens a new session
                self.say(f"  (one-shot, new session: {render.describe(intent)})")
            else:
                self.say(f"  ({render.describe(intent)})")
            self._send(lambda: conversation.say(intent.name, **intent.slots))
        else:
            name, said = self.nlu.invocation_name, line.strip().rstrip(".?!")
            hint = (
                "(No session is open, so Alexa would not pass that to the skill. "
                f'Say "open {name}", or "ask {name} to {said}".)'
            )
            self.say(textwrap.indent(textwrap.fill(hint, self.width - 2), "  "))

    def _end(self, reason: str) -> None:
        """The session ends without a word from the user ("exit", or silence)."""
        if not self.conversation.in_session:
            self.say("  (no session is open)")
            return
        self.say(f"  (SessionEndedRequest {reason})")
        self._send(lambda: self.conversation.end_session(reason))

    def _command(self, words: list[str]) -> bool:
        name, rest = (words[0].lower(), words[1:]) if words else ("help", [])
        conversation = self.conversation
        if name in ("quit", "q"):
            return False
        if name == "launch":
            self._hear(Heard("launch"), "")
        elif name in ("end", "walk-away"):
            self._end("EXCEEDED_MAX_REPROMPTS")
        elif name in ("user", "person") and rest:
            value = " ".join(rest)
            if name == "user":
                caller = replace(conversation.caller, user_id=f"amzn1.ask.account.{value}")
            else:
                person = None if value.lower() == "none" else f"amzn1.ask.person.{value}"
                caller = replace(conversation.caller, person_id=person)
            conversation.caller, conversation.session_id = caller, None
            voice = f", person {caller.person_id}" if caller.person_id else ""
            self.say(f"  (now {caller.user_id}{voice}; no session open)")
        elif name in ("tz", "date", "reminders", "delete-reminders", "permission"):
            self._habit(name, rest)
        elif name == "tap" and rest:
            self._tap(rest[0].lower())
        else:
            self.say(COMMANDS)
        return True

    def _tap(self, word: str) -> None:
        """Tap the button that sends ``word`` on the screen last shown (Alexa.Presentation.APL
        .UserEvent with the document's token); a screen can outlive its session."""
        token = self.screen_token
        if token is None:
            self.say("  (no screen to tap: run with --screen, and say something first)")
            return
        opens = "" if self.conversation.in_session else ", new session"
        self.say(f"  (Alexa.Presentation.APL.UserEvent [{word!r}]{opens})")
        self._send(lambda: self.conversation.send(user_event_request(word, token)))

    def _habit(self, name: str, rest: list[str]) -> None:
        """The daily habit's simulator commands (see ``COMMANDS``)."""
        api, calendar = self.api, self.calendar
        if api is None:
            self.say("  (no Alexa API in this simulator run)")
            return
        if name == "tz":
            zone = zone_or_none(rest[0]) if rest else None
            if zone is None:
                self.say("  (say a time zone such as /tz Pacific/Auckland or /tz America/New_York)")
                return
            api.set_time_zone(zone)
            calendar.zone = zone
            self.say(
                f"  (the device's time zone is now {zone}; the skill looks it up once a session)"
            )
        elif name == "date":
            chosen = parse_date(rest, calendar.local().date())
            if chosen is None:
                self.say(
                    "  (say /date 2026-12-24, /date 2026-12-24 07:30, /date +1 or /date tomorrow)"
                )
                return
            instant = calendar.set_local(*chosen)
            self.conversation.session_id = None  # a new day: Alexa's sessions do not last that long
            self.say(
                f"  (it is now {calendar.local():%A %Y-%m-%d %H:%M} in {calendar.zone}, "
                f"{instant:%Y-%m-%d %H:%M} UTC; no session open)"
            )
        elif name == "reminders":
            for line in describe_reminders(api):
                self.say(line)
        elif name == "delete-reminders":
            tokens = list(api.reminders)
            api.reminders.clear()
            self.say(f"  (deleted in the Alexa app: {len(tokens)}; Reminders.ReminderDeleted sent)")
            self._send(lambda: self.conversation.send_outside(reminders_deleted(*tokens)))
        else:
            on = bool(rest) and rest[0].lower() in ("on", "yes", "granted")
            caller = self.conversation.caller
            granted = (
                {*caller.granted} | {REMINDERS_SCOPE}
                if on
                else {*caller.granted} - {REMINDERS_SCOPE}
            )
            self.conversation.caller = replace(caller, granted=tuple(sorted(granted)))
            self.say(f"  (reminders permission {'granted' if on else 'not granted'})")

    def _send(self, action: Callable[[], Turn | None]) -> None:
        """Run one request through the skill; a crash is shown, and ends the session as Alexa
        would ("There was a problem with the requested skill's response")."""
        try:
            turn = action()
        except Exception as error:
            self.failed = True
            self.conversation.session_id = None
            self.say(f"  !! the skill raised {type(error).__name__}: {error}")
            self.out.write(textwrap.indent(traceback.format_exc(), "  !! "))
            return
        if self.api_log is not None:
            for line in self.api_log.lines():
                self.say(line)
        if turn is not None:
            render.show(turn, self.out, self.width, self.conversation.in_session, self.player)
            shown = render.screen_text(turn, self.width - 2)
            if shown:
                self.say(textwrap.indent(shown, "  "))
                self.screen_token = render.document_token(turn)
            self.permission_token = asks_permission(turn)
            if self.permission_token is not None:
                self.say(
                    "Alexa: (in its own words) To set reminders, Upper Back Routine needs your "
                    "permission. Do you allow it? [yes / no / anything else: no answer]"
                )


def _lines(source: Iterable[str], sim: Simulator) -> Iterable[str]:
    """Script lines, each echoed as if typed."""
    for raw in source:
        line = raw.rstrip("\n")
        if line.strip() and not line.lstrip().startswith("#"):
            sim.say(f"{sim.prompt()}{line.strip()}")
        yield line


def _interactive(sim: Simulator) -> None:
    with suppress(ImportError):  # line editing and history, where available
        import readline  # noqa: F401, PLC0415
    while True:
        try:
            line = input(sim.prompt())
        except (EOFError, KeyboardInterrupt):
            sim.say("")
            return
        try:
            if not sim.handle(line):
                return
        except KeyboardInterrupt:  # e.g. during a --real-time pause: back to the prompt
            sim.say("\n  (interrupted)")


def main(
    argv: list[str] | None = None,
    *,
    handler: Handler | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: MutableMapping[str, str] | None = None,
) -> int:
    """Run the simulator; 1 if a scripted turn crashed the skill, 2 if the model is missing."""
    args = parse_args(argv)
    environ = os.environ if environ is None else environ
    stdin, out = stdin or sys.stdin, stdout or sys.stdout
    choice = configure_environment(args, environ)
    configure_logging(args.verbose, environ)
    model = args.model or REPO_ROOT / MODEL_DIR / f"{args.locale}.json"
    try:
        nlu = Nlu.load(model)
    except (OSError, ValueError, KeyError) as error:
        out.write(f"Cannot read the interaction model {model}: {error}\n")
        return 2
    width = min(shutil.get_terminal_size((80, 24)).columns, 100)
    # Requests are addressed to the configured skill id, if any, so the skill accepts them.
    skill_id = environ.get("SKILL_ID") or SKILL_ID
    caller = Caller(locale=args.locale, skill_id=skill_id)
    handler = handler or build_skill_handler(choice, skill_id)
    with FakeAlexaApi() as api:  # the Alexa APIs, in-process: what the skill sends is printed
        sim = Simulator(
            nlu,
            handler,
            out,
            caller=caller,
            width=width,
            real_time=args.real_time,
            api=api,
            screen=args.screen,
        )
        sim.say(
            f"Upper Back Routine simulator ({args.locale}, {choice.describe()}). "
            "/help lists commands."
        )
        if args.script is None and stdin.isatty():
            sim.say(f'Say "open {nlu.invocation_name}" to begin.')
            _interactive(sim)
            return 0
        opened = args.script.open(encoding="utf-8") if args.script else nullcontext(stdin)
        with opened as source:
            for line in _lines(source, sim):
                if not sim.handle(line):
                    break
    return 1 if sim.failed else 0
