"""`python -m core`: clear errors and a non-zero exit on bad input; nothing half-written."""
import subprocess
import sys
from pathlib import Path

from core.db import make_engine, table_counts

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_seed_then_prepare_keeps_the_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    done = run("seed", "--customers", "300", "--seed", "3", "--as-of", "2026-11-23",
               "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert "customer=" in done.stdout and "完成" in done.stdout
    before = table_counts(make_engine(url))
    again = run("prepare", "--database-url", url)
    assert again.returncode == 0 and "data kept" in again.stdout
    assert table_counts(make_engine(url)) == before


def test_seed_refuses_a_full_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert run("seed", "--customers", "200", "--database-url", url).returncode == 0
    again = run("seed", "--customers", "200", "--database-url", url)
    assert again.returncode == 2
    assert "already holds data" in again.stderr


def test_bad_arguments_are_named(tmp_path):
    bad = run("seed", "--customers", "ten", "--database-url", f"sqlite:///{tmp_path}/x.sqlite")
    assert bad.returncode == 2 and "--customers" in bad.stderr
    bad_date = run("seed", "--as-of", "2026-13-01")
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr
