"""``python -m sim`` (what ``make run`` runs): puts ``lambda/`` on the path, then starts the CLI.

The skill's code lives under ``lambda/`` (a keyword, so a source root rather than a package);
pytest and mypy are told so in pyproject.toml, and this does the same for a plain ``python -m``,
before anything imports the skill.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_LAMBDA_DIR = str(Path(__file__).resolve().parent.parent / "lambda")
if _LAMBDA_DIR not in sys.path:
    sys.path.insert(0, _LAMBDA_DIR)

from sim.cli import main  # noqa: E402 (needs lambda/ on the path)

if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly, as other tools do
        # Python's documented recipe: point stdout at devnull so the exit flush cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
