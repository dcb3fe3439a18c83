"""What Alexa accepts in a response, checked the same way by every fault test."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

ALEXA_TAGS = frozenset(
    {
        "speak", "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub",
        "audio", "voice", "w", "amazon:domain", "amazon:effect", "amazon:emotion",
        "amazon:auto-breaths", "amazon:breath",
    }
)  # fmt: skip
MAX_SSML_CHARS = 8000
MAX_BREAK_SECONDS = 10.0
MAX_RESPONSE_BYTES = 24 * 1024
_AMAZON_NS = "urn:test:amazon"
_BREAK = re.compile(r"(\d+(?:\.\d+)?)(ms|s)")


def ssml_elements(ssml: str) -> list[ET.Element]:
    """Every element of ``ssml`` after checking it is well formed, Alexa's kind of SSML, and
    within the platform's limits (length, tags, breaks)."""
    assert len(ssml) < MAX_SSML_CHARS, f"{len(ssml)} characters of SSML"
    assert ssml.startswith("<speak>"), ssml[:80]
    declared = ssml.replace("<speak>", f'<speak xmlns:amazon="{_AMAZON_NS}">', 1)
    root = ET.fromstring(declared)  # raises on anything that is not well-formed XML
    elements = list(root.iter())
    for element in elements:
        tag = element.tag.replace(f"{{{_AMAZON_NS}}}", "amazon:")
        assert tag in ALEXA_TAGS, f"<{tag}> is not an Alexa SSML tag"
        if tag == "break" and "time" in element.attrib:
            match = _BREAK.fullmatch(element.attrib["time"])
            assert match, element.attrib
            seconds = float(match[1]) / (1000 if match[2] == "ms" else 1)
            assert seconds <= MAX_BREAK_SECONDS, element.attrib
    return elements


def speech_of(raw: dict[str, Any], part: str = "outputSpeech") -> str:
    """The SSML of the response's speech (``part="reprompt"`` for the reprompt), or ''."""
    response = raw.get("response") or {}
    holder = (response.get("reprompt") or {}) if part == "reprompt" else response
    speech = holder.get("outputSpeech") or {}
    assert speech.get("type", "SSML") == "SSML", speech
    return str(speech.get("ssml", ""))


def assert_valid_response(raw: object, *, spoken: bool = True) -> dict[str, Any]:
    """``raw`` is a response envelope Alexa would accept. ``spoken``: it must say something
    (every request that can be answered with speech gets speech: never silence)."""
    assert isinstance(raw, dict), type(raw)
    assert raw.get("version") == "1.0", raw
    response = raw.get("response")
    assert isinstance(response, dict), raw
    size = len(json.dumps(raw).encode())
    assert size < MAX_RESPONSE_BYTES, f"response is {size} bytes"
    speech = speech_of(raw)
    if spoken:
        assert speech, "silence"
        assert "".join(ET.fromstring(speech).itertext()).strip(), "silence"
    if speech:
        ssml_elements(speech)
    if response.get("shouldEndSession") is False:
        reprompt = speech_of(raw, "reprompt")
        assert reprompt, "a session left open must carry a reprompt"
        assert "".join(ssml_elements(reprompt)[0].itertext()).strip()
    return raw
