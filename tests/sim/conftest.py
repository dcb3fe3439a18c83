"""The simulator sets environment variables (metrics off, a DynamoDB endpoint) and the root log
level as its real runs do: every test here gets both back as it found them."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def restore_environment() -> Iterator[None]:
    saved = dict(os.environ)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    os.environ.clear()
    os.environ.update(saved)
    root.setLevel(level)
    root.handlers[:] = handlers
