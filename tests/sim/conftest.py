"""The simulator sets environment variables (store path, log level) as its real runs do: every
test here gets the environment back as it found it, so no other test meets a leftover store."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import lambda_function


@pytest.fixture(autouse=True)
def restore_environment() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    lambda_function.reset()
