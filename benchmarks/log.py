"""What every benchmark part prints while it runs: progress lines on stderr (stdout carries
only the tables) and one line naming an exception that failed a measurement.

Its own module so that the parts and ``benchmarks.__main__`` import it, and no part imports
``__main__`` (that was an import cycle).
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def log(text: str) -> None:
    """Print a progress line to stderr (stdout carries only the table)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def error_line(exc: BaseException) -> str:
    """One line naming an exception and where it was raised (the report shows it instead of
    the measurement that failed)."""
    ours = [
        f for f in traceback.extract_tb(exc.__traceback__) if "/site-packages/" not in f.filename
    ]
    where = "?"
    if ours:
        path = Path(ours[-1].filename).resolve()
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{ours[-1].lineno}"
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__} at {where}: {first}"
