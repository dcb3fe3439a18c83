"""Typed words to intents and slots, using the interaction model's own samples and slot values.

Reading the real model file (not a second list of phrasings) means the simulator understands
exactly what the deployed skill is taught, so a missing sample shows up here first. Only Amazon's
built-in intents, whose phrasings Amazon supplies and the model leaves out, need a table here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sim.envelopes import SlotValue

FALLBACK = "AMAZON.FallbackIntent"
MODEL_DIR = Path("interaction_model") / "interactionModels" / "custom"
_NUMBER = "AMAZON.NUMBER"
_ORDINAL = "AMAZON.Ordinal"
_TIME = "AMAZON.TIME"
_LAUNCH = "open|start|launch|begin|resume|load|run|play|use|talk to"
_CONNECT = "to|for|about|if|whether|that"
_SLOT = re.compile(r"\{(\w+)\}")
_PUNCTUATION = re.compile(r"[^\w\s']|_")

# Common phrasings of the built-ins (Amazon trains these; the model file has no samples for them).
BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.NextIntent": ("next", "skip", "skip it", "skip this", "skip that", "next one"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "previous one"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "again", "what was that"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again"),
    "AMAZON.PauseIntent": ("pause", "hold on", "wait", "wait a minute"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going", "carry on", "unpause"),
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "ok", "okay", "yes please", "of course"),
    "AMAZON.NoIntent": ("no", "nope", "nah", "no thanks", "no thank you", "not now"),
    "AMAZON.HelpIntent": ("help", "help me", "what can i say", "what can i do", "how does it work"),
    "AMAZON.StopIntent": ("stop", "off", "shut up", "be quiet", "that's enough", "enough"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
}
# fmt: off
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
# fmt: on
# AMAZON.NUMBER arrives as digits: "four" -> "4" (0 to 99 here).
NUMBER_WORDS: dict[str, int] = {word: n for n, word in enumerate(_UNITS)} | {
    f"{tens} {unit}" if unit else tens: 20 + 10 * t + u
    for t, tens in enumerate(_TENS)
    for u, unit in enumerate(["", *_UNITS[1:10]])
}
# fmt: off
_NTHS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
]
# fmt: on
# AMAZON.Ordinal arrives as digits too: "third" -> "3" (1 to 29 here).
ORDINAL_WORDS: dict[str, int] = {word: n + 1 for n, word in enumerate(_NTHS)} | {
    f"twenty {word}": 21 + n for n, word in enumerate(_NTHS[:9])
}


# AMAZON.TIME arrives as "HH:MM" (24-hour), or as a part of the day ("MO", "AF", "EV", "NI")
# when no clock time was said. A time said without a.m. or p.m. is taken as said (8 -> 08:00).
_HOURS = {word: n for n, word in enumerate(_UNITS[:13])} | {"noon": 12, "midnight": 0}
_MINUTES = {"o'clock": 0, "oclock": 0, "fifteen": 15, "thirty": 30, "forty five": 45} | {
    word: n for word, n in NUMBER_WORDS.items() if 10 <= n < 60
}
_PARTS_OF_DAY = {
    "morning": "MO", "in the morning": "MO", "afternoon": "AF", "in the afternoon": "AF",
    "evening": "EV", "in the evening": "EV", "night": "NI", "at night": "NI", "tonight": "NI",
}  # fmt: skip
_AFTERNOON = ("pm", "p m", "in the afternoon", "in the evening", "at night", "tonight")
_MORNING = ("am", "a m", "in the morning")
_HALF = "|".join(re.escape(half) for half in (*_AFTERNOON, *_MORNING))


_CLOCK_HOURS = "|".join(re.escape(h) for h in sorted(_HOURS, key=len, reverse=True))
_CLOCK_MINUTES = "|".join(re.escape(m) for m in sorted(_MINUTES, key=len, reverse=True))
_CLOCK = rf"(\d{{1,2}}|{_CLOCK_HOURS})(?: (\d{{2}}|{_CLOCK_MINUTES}))?(?: ({_HALF}))?"
_TIME_PATTERN = (
    "(?:" + "|".join(re.escape(p) for p in sorted(_PARTS_OF_DAY, key=len, reverse=True))
    + "|" + _CLOCK.replace("(", "(?:").replace("(?:?:", "(?:") + ")"
)  # fmt: skip


def spoken_time(heard: str) -> str | None:
    """AMAZON.TIME's value for ``heard`` (already normalised), or None if it is not a time."""
    if heard in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[heard]
    match = re.fullmatch(_CLOCK, heard)
    if not match:
        return None
    said_hour, said_minute, half = match.groups()
    hour = int(said_hour) if said_hour.isdigit() else _HOURS[said_hour]
    minute = (
        0
        if not said_minute
        else int(said_minute)
        if said_minute.isdigit()
        else _MINUTES[said_minute]
    )
    if hour > 23 or minute > 59 or (half and not 1 <= hour <= 12):
        return None
    if half in _AFTERNOON and hour < 12:
        hour += 12
    elif half in _MORNING and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def normalise(text: str) -> str:
    """Lowercase, punctuation to spaces, single spaces: as speech arrives. Apostrophes are
    dropped on both sides, so a typed "lets go" matches the sample "let's go" as speech would."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower().replace("'", "")).split())


def _alternation(phrases: list[str]) -> str:
    """Longest first, so "rhomboid push up" wins over "push up"."""
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


_NUMBER_PATTERN = rf"\d+|{_alternation(list(NUMBER_WORDS))}"
_ORDINAL_PATTERN = rf"\d+(?:st|nd|rd|th)|{_alternation(list(ORDINAL_WORDS))}"


@dataclass(frozen=True)
class Intent:
    """What Alexa would send: an intent name and every declared slot (empty ones too)."""

    name: str
    slots: dict[str, SlotValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Heard:
    """Where Alexa routes what was said: a launch, a one-shot intent (a new session), an intent in
    the open session, or "exit" (which Alexa turns into SessionEndedRequest USER_INITIATED)."""

    kind: Literal["launch", "one_shot", "in_session", "exit"]
    intent: Intent | None = None


@dataclass(frozen=True)
class _Value:
    id: str
    name: str


@dataclass(frozen=True)
class _Pattern:
    intent: str
    regex: re.Pattern[str]
    slots: tuple[str, ...]  # slot name of each group g0, g1, ...
    words: int  # literal words: the more, the more specific the sample


class Nlu:
    """Matches utterances in three tiers, as Alexa prefers them.

    1. model samples with known slot values; 2. built-in intents' phrases (only for built-ins
    the model declares); 3. model samples whose custom slot holds unknown words, which Alexa
    sends with ER_SUCCESS_NO_MATCH. Within a tier the sample with most literal words wins.
    Nothing matched gives AMAZON.FallbackIntent.
    """

    def __init__(self, model: Mapping[str, Any]) -> None:
        language = model["interactionModel"]["languageModel"]
        self.invocation_name = normalise(language["invocationName"])
        self.values: dict[str, dict[str, _Value]] = {}
        for slot_type in language.get("types", []):
            heard: dict[str, _Value] = {}
            for value in slot_type.get("values", []):
                name = value["name"]["value"]
                resolved = _Value(id=value.get("id") or name, name=name)
                for phrase in [name, *value["name"].get("synonyms", [])]:
                    heard.setdefault(normalise(phrase), resolved)
            self.values[slot_type["name"]] = heard
        self.slot_types: dict[str, dict[str, str]] = {
            intent["name"]: {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for intent in language["intents"]
        }
        exact: list[_Pattern] = []
        wild: list[_Pattern] = []
        for intent in language["intents"]:
            for sample in intent.get("samples", []):
                exact.append(self._compile(intent["name"], sample, wildcard=False))
                if self._wildcard_allowed(intent["name"], sample):
                    wild.append(self._compile(intent["name"], sample, wildcard=True))
        built_in = [
            self._compile(name, phrase, wildcard=False)
            for name, phrases in BUILT_IN_PHRASES.items()
            if name in self.slot_types
            for phrase in phrases
        ]
        self._tiers = (exact, built_in, wild)

    @classmethod
    def load(cls, path: str | Path) -> Nlu:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def for_locale(cls, locale: str, root: Path) -> Nlu:
        """The model file ``ask deploy`` would upload for ``locale``."""
        return cls.load(root / MODEL_DIR / f"{locale}.json")

    def hear(self, utterance: str) -> Heard:
        """Route ``utterance`` as Alexa does, invocation phrases first ("alexa," is optional)."""
        text = re.sub(r"^alexa\b ?", "", normalise(utterance))
        name = re.escape(self.invocation_name)
        if re.fullmatch(rf"(?:{_LAUNCH}) (?:the )?{name}|(?:ask|tell) {name}", text):
            return Heard("launch")
        one_shot = re.fullmatch(rf"(?:ask|tell) {name} (?:(?:{_CONNECT}) )?(.+)", text)
        if one_shot:
            return Heard("one_shot", self.parse(one_shot.group(1)))
        if text in ("exit", "quit"):
            return Heard("exit")
        return Heard("in_session", self.parse(text))

    def _is_custom(self, slot_type: str) -> bool:
        return not slot_type.startswith("AMAZON.")

    def _wildcard_allowed(self, intent: str, sample: str) -> bool:
        """Unknown words may fill a custom slot, but not a sample that is nothing but slots."""
        types = self.slot_types[intent]
        has_words = bool(normalise(_SLOT.sub(" ", sample)))
        names = _SLOT.findall(sample)
        return has_words and any(self._is_custom(types.get(n, "")) for n in names)

    def _slot_pattern(self, slot_type: str, wildcard: bool) -> str:
        if slot_type == _NUMBER:
            return _NUMBER_PATTERN
        if slot_type == _ORDINAL:
            return _ORDINAL_PATTERN
        if slot_type == _TIME:
            return _TIME_PATTERN
        if slot_type in self.values and not wildcard:
            return _alternation(list(self.values[slot_type])) or r"(?!)"
        return r".+?"

    def _compile(self, intent: str, sample: str, wildcard: bool) -> _Pattern:
        types = self.slot_types.get(intent, {})
        parts: list[str] = []
        slots: list[str] = []
        for piece in re.split(r"(\{\w+\})", sample):
            slot = _SLOT.fullmatch(piece)
            if slot:
                name = slot.group(1)
                pattern = self._slot_pattern(types.get(name, ""), wildcard)
                parts.append(f"(?P<g{len(slots)}>{pattern})")
                slots.append(name)
            elif normalise(piece):
                parts.append(re.escape(normalise(piece)))
        regex = re.compile(" ".join(parts))
        words = len(normalise(_SLOT.sub(" ", sample)).split())
        return _Pattern(intent, regex, tuple(slots), words)

    def _slot(self, slot_type: str, heard: str) -> SlotValue:
        """The slot as Alexa fills it: numbers and ordinals as digits, custom values resolved."""
        if slot_type == _NUMBER:
            return SlotValue(heard if heard.isdigit() else str(NUMBER_WORDS[heard]))
        if slot_type == _ORDINAL:
            digits = re.sub(r"(st|nd|rd|th)$", "", heard)
            return SlotValue(digits if digits.isdigit() else str(ORDINAL_WORDS[heard]))
        if slot_type == _TIME:
            return SlotValue(spoken_time(heard))
        if self._is_custom(slot_type):
            value = self.values.get(slot_type, {}).get(heard)
            if value is None:
                return SlotValue(heard, custom_type=slot_type)
            return SlotValue(heard, value.id, value.name, custom_type=slot_type)
        return SlotValue(heard)

    def parse(self, utterance: str) -> Intent:
        """The intent Alexa would send for ``utterance`` said inside an open session."""
        text = normalise(utterance)
        for tier in self._tiers:
            best: tuple[_Pattern, re.Match[str]] | None = None
            for pattern in tier:
                match = pattern.regex.fullmatch(text)
                if match and (best is None or pattern.words > best[0].words):
                    best = (pattern, match)
            if best is not None:
                return self._intent(*best)
        return Intent(FALLBACK)

    def _intent(self, pattern: _Pattern, match: re.Match[str]) -> Intent:
        types = self.slot_types.get(pattern.intent, {})
        slots = {name: SlotValue(None) for name in types}
        for index, name in enumerate(pattern.slots):
            slots[name] = self._slot(types.get(name, ""), match.group(f"g{index}"))
        return Intent(pattern.intent, slots)
