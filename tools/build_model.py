"""Generate the Alexa interaction model for every English locale from one source.

The intents and samples live in ``tools/voice_model.toml``; the move names and synonyms come from
the routine data, so a move renamed there is renamed in the voice model by one rebuild. Output is
byte-for-byte deterministic so ``--check`` (and a test) can tell when a committed file is stale.

Run from the repository root with the ``lambda`` directory importable::

    PYTHONPATH=lambda .venv/bin/python -m tools.build_model [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upper_back.core.routine import Routine, load_routine
from upper_back.edge.intents import MOVE_SLOT_TYPE

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(__file__).with_name("voice_model.toml")
MODELS_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
_NOT_SPOKEN = re.compile(r"[^a-z ]+")

JsonObject = dict[str, Any]


class SourceError(ValueError):
    """``voice_model.toml`` has the wrong shape."""


@dataclass(frozen=True)
class Slot:
    name: str
    type: str


@dataclass(frozen=True)
class Intent:
    """A custom intent: its samples in every locale, plus per-locale extras."""

    name: str
    slots: tuple[Slot, ...]
    samples: tuple[str, ...]
    samples_by_locale: dict[str, tuple[str, ...]]

    def samples_for(self, locale: str) -> tuple[str, ...]:
        return self.samples + self.samples_by_locale.get(locale, ())


@dataclass(frozen=True)
class Source:
    """The parsed ``voice_model.toml``."""

    invocation_name: str
    locales: tuple[str, ...]
    builtins: tuple[str, ...]
    intents: tuple[Intent, ...]
    builtin_samples: dict[str, tuple[str, ...]]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SourceError(f"{where}: expected a list of strings")
    return tuple(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise SourceError(f"{where}: expected non-empty text")
    return value


def _intent(raw: Any, where: str) -> Intent:
    if not isinstance(raw, dict):
        raise SourceError(f"{where}: expected a table")
    by_locale = raw.get("samples_by_locale", {})
    if not isinstance(by_locale, dict):
        raise SourceError(f"{where}.samples_by_locale: expected a table")
    slots = raw.get("slots", [])
    if not isinstance(slots, list) or not all(isinstance(slot, dict) for slot in slots):
        raise SourceError(f"{where}.slots: expected a list of tables")
    return Intent(
        name=_text(raw.get("name"), f"{where}.name"),
        slots=tuple(
            Slot(_text(s.get("name"), f"{where}.slots"), _text(s.get("type"), f"{where}.slots"))
            for s in slots
        ),
        samples=_strings(raw.get("samples"), f"{where}.samples"),
        samples_by_locale={
            locale: _strings(extra, f"{where}.samples_by_locale.{locale}")
            for locale, extra in by_locale.items()
        },
    )


def load_source(path: Path = SOURCE) -> Source:
    """Parse the voice model source; raises :class:`SourceError` on a malformed file."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    intents = data.get("intents")
    if not isinstance(intents, list):
        raise SourceError("intents: expected an array of tables")
    return Source(
        invocation_name=_text(data.get("invocation_name"), "invocation_name"),
        locales=_strings(data.get("locales"), "locales"),
        builtins=_strings(data.get("builtins"), "builtins"),
        intents=tuple(_intent(raw, f"intents[{i}]") for i, raw in enumerate(intents)),
        builtin_samples={
            name: _strings(samples, f"builtin_samples.{name}")
            for name, samples in data.get("builtin_samples", {}).items()
        },
    )


def spoken_value(name: str) -> str:
    """A display name as Alexa should hear it: ``"rhomboid push-up"`` -> ``"rhomboid push up"``."""
    return " ".join(_NOT_SPOKEN.sub(" ", name.lower()).split())


def move_type(routine: Routine, locale: str) -> JsonObject:
    """The MoveName slot type for ``locale``: one value per move, id = the stored move id."""
    values = []
    for move in routine.moves:
        value = spoken_value(move.spoken_name(locale))
        synonyms = [word for word in dict.fromkeys(move.words_for(locale)) if word != value]
        values.append({"id": move.id, "name": {"value": value, "synonyms": synonyms}})
    return {"name": MOVE_SLOT_TYPE, "values": values}


def build_model(source: Source, routine: Routine, locale: str) -> JsonObject:
    """The interaction model document for one locale, as ASK CLI v2 expects it."""
    intents: list[JsonObject] = [
        {
            "name": intent.name,
            "slots": [{"name": slot.name, "type": slot.type} for slot in intent.slots],
            "samples": list(intent.samples_for(locale)),
        }
        for intent in source.intents
    ]
    intents += [
        {"name": name, "samples": list(source.builtin_samples.get(name, ()))}
        for name in source.builtins
    ]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": source.invocation_name,
                "intents": intents,
                "types": [move_type(routine, locale)],
            }
        }
    }


def render(document: JsonObject) -> str:
    """Stable JSON text: sorted keys, two-space indent, one trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files(
    source: Source | None = None, routine: Routine | None = None, models_dir: Path = MODELS_DIR
) -> dict[Path, str]:
    """Every generated file and the exact text it should hold."""
    source = source or load_source()
    routine = routine or load_routine()
    return {
        models_dir / f"{locale}.json": render(build_model(source, routine, locale))
        for locale in source.locales
    }


def stale_files(files: dict[Path, str]) -> list[Path]:
    """The files whose text on disk differs from ``files`` (missing files count as stale)."""
    return [
        path
        for path, text in files.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    """Write the models, or with ``--check`` exit 1 when any committed model is out of date."""
    parser = argparse.ArgumentParser(prog="python -m tools.build_model", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is stale; write none")
    args = parser.parse_args(argv)
    files = expected_files()
    stale = stale_files(files)
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run `make model`)", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
