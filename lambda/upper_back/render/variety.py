"""A few phrasings for the same thing, chosen the same way every time for the same place.

``pick(options, seed, *keys)`` hashes its keys with SHA-256 (never Python's ``hash()``, which
changes from one process to the next), so a test, a repeat and a retried request all hear the
same words, while different places and days hear different ones. The seed is meant to be the
person and the date (default ""); the keys name the place (a move, a side, a round).

Safety wording never goes through here: it is the same every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def pick(options: Sequence[str], *keys: object) -> str:
    """One of ``options``, chosen by a stable hash of ``keys``."""
    if not options:
        raise ValueError("pick needs at least one option")
    text = "\x1f".join(str(key) for key in keys)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]
