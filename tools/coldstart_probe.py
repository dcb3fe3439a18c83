"""One cold start, run inside a fresh interpreter of the Lambda runtime's version.

Not imported by anything: ``tools/coldstart.py`` (and the bytecode tests) run this file with the
runtime's interpreter, the unpacked deployment zip on ``PYTHONPATH`` and a request envelope on
standard input::

    python3.13 -S -P tools/coldstart_probe.py [--trace-compiles ROOT] < launch.json

It imports ``lambda_function`` (building the handler, as Lambda's init does), answers the
envelope, and prints one JSON line: seconds to import and to the first answer (from just before
the import), the answer, the process's peak resident memory, the interpreter's bytecode flag
and, with ``--trace-compiles``, every module under ROOT that was compiled from source because no
usable bytecode was found. Standard library only; it must run on the runtime's Python.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from importlib.machinery import SourceFileLoader
from pathlib import Path
from typing import Any


def _trace_compiles(root: str) -> list[str]:
    """Record each source the import system compiles under ``root`` (the interpreter's own
    standard library is not ours to judge). The import system calls ``source_to_code`` only when
    it has no bytecode it may use, so a cold start that uses the shipped bytecode records none."""
    compiled: list[str] = []
    original = SourceFileLoader.source_to_code

    def source_to_code(self: SourceFileLoader, data: Any, path: Any, **kwargs: Any) -> Any:
        if str(path).startswith(root):
            compiled.append(str(Path(path).relative_to(root)))
        return original(self, data, path, **kwargs)

    SourceFileLoader.source_to_code = source_to_code  # type: ignore[assignment,method-assign]
    return compiled


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM, KiB). ``ru_maxrss`` is not used: Linux carries
    the parent's peak over fork and exec, so a child of a large parent reports the parent's."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    compiled = (
        _trace_compiles(sys.argv[sys.argv.index("--trace-compiles") + 1])
        if "--trace-compiles" in sys.argv
        else None
    )
    event = json.load(sys.stdin)
    started = time.perf_counter()
    import lambda_function  # noqa: PLC0415 (the import is what is measured)

    imported = time.perf_counter()
    answer = lambda_function.lambda_handler(event, None)
    answered = time.perf_counter()
    print(
        json.dumps(
            {
                "import_seconds": imported - started,
                "first_answer_seconds": answered - started,
                "answer": answer,
                "peak_rss_kib": peak_rss_kib(),
                "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "dont_write_bytecode": sys.flags.dont_write_bytecode,
                "python": list(sys.version_info[:3]),
                "compiled": compiled,
            }
        )
    )


if __name__ == "__main__":
    main()
