"""The APL response sizes ``make bench`` prints, measured on the handler's real responses."""

from __future__ import annotations

import json

from tools.apl_size import PLATFORM_LIMIT, SPEECH_LIMIT, Sized, measure, report
from upper_back.render.screen import document


def test_a_screen_devices_first_run_is_measured_reply_by_reply_within_the_limits() -> None:
    rows = measure()
    with_apl = [row for row in rows if row.document]
    assert len(with_apl) == len(rows), "a screen device gets the document on every reply"
    compact = len(json.dumps(document()))
    assert {row.document for row in with_apl} == {compact}, "the same document every turn"
    for row in rows:
        assert row.document + row.data < row.total < PLATFORM_LIMIT
        assert row.speech_only < SPEECH_LIMIT
    lines = report(rows)
    assert lines[0] == f"APL document: {compact / 1000:.1f} KB (the same every turn)"
    assert "largest" in lines[1]


def test_a_run_without_a_document_says_so() -> None:
    assert report([Sized("hi", 100, 100, 0, 0)]) == [
        "APL responses: none sent (no RenderDocument in the run)"
    ]
