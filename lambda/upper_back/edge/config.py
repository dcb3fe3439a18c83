"""Settings read from the environment, in one place so the template can be checked against it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# Every variable the deployed function reads; template.yaml must set each one (a test checks).
DEPLOYED_VARIABLES = (
    "TABLE_NAME",
    "SKILL_ID",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
)


@dataclass(frozen=True)
class Settings:
    """What the composition root needs to build the skill."""

    table_name: str | None = None
    skill_id: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Empty strings count as unset, as SAM leaves an unset parameter empty."""
        return cls(
            table_name=environ.get("TABLE_NAME") or None,
            skill_id=environ.get("SKILL_ID") or None,
        )
