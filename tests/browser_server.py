"""Start the Streamlit app on a free loopback port: the one launcher of the browser tests and
the map benchmark (``benchmarks/map_browser.py``).

Not a test module (pytest.ini ignores it); the browser tests import ``streamlit_server``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class RunningApp:
    """A served app: its base URL, the seconds it took to answer its health check, and
    ``output()``, the server's output so far."""

    base: str
    started_s: float
    output: Callable[[], str]


@contextlib.contextmanager
def serve_app(
    database_url: str,
    timeout: float = 60.0,
    extra_env: dict[str, str] | None = None,
    secrets_file: Path | None = None,
) -> Iterator[RunningApp]:
    """Run ``streamlit run app.py`` against ``database_url`` as a user runs it (cwd = the
    repository, so ``.streamlit/config.toml`` applies); yield it once it is healthy.

    ``secrets_file`` replaces ``.streamlit/secrets.toml`` (``--secrets.files``), e.g. an
    ``[auth]`` section for single sign-on; ``{port}`` in its ``redirect_uri`` becomes the port.

    The server's output goes to a temporary file that is printed when it fails to start.
    The process is terminated (then killed) when the block ends.
    """
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    env.update(extra_env or {})
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    if secrets_file is not None:
        cmd += ["--secrets.files", str(secrets_file)]
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryFile(mode="w+b") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

        def output() -> str:
            log.flush()
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + timeout
            while not _healthy(f"{base}/_stcore/health"):
                if proc.poll() is not None:
                    print(output(), file=sys.stderr)
                    raise RuntimeError(
                        f"streamlit exited with code {proc.returncode} before "
                        f"answering on {base}:\n{output()}"
                    )
                if time.monotonic() > deadline:
                    print(output(), file=sys.stderr)
                    raise RuntimeError(
                        f"streamlit did not answer on {base}/_stcore/health "
                        f"within {timeout:.0f} s:\n{output()}"
                    )
                time.sleep(0.1)  # polling interval, not a wait for readiness
            yield RunningApp(base, time.perf_counter() - t0, output)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(
    database_url: str,
    timeout: float = 60.0,
    extra_env: dict[str, str] | None = None,
    secrets_file: Path | None = None,
) -> Iterator[str]:
    """``serve_app`` for the browser tests: yields the base URL only."""
    with serve_app(database_url, timeout, extra_env, secrets_file) as app:
        yield app.base
