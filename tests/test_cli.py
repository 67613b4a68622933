"""`python -m core`: clear errors and a non-zero exit on bad input; nothing half-written."""

import subprocess
import sys
from pathlib import Path

from core.db import make_engine, table_counts

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_seed_then_prepare_keeps_the_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    done = run(
        "seed", "--customers", "300", "--seed", "3", "--as-of", "2026-11-23", "--database-url", url
    )
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


def test_assign_and_import_grids(tmp_path):
    import json

    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert run("seed", "--customers", "300", "--database-url", url).returncode == 0
    done = run("assign", "--database-url", url)
    assert done.returncode == 0 and "changed=0" in done.stdout
    engine = make_engine(url)
    with engine.connect() as conn:
        code, rows = (
            conn.execute(text("SELECT code FROM branch WHERE id = 7")).scalar(),
            conn.execute(
                text("SELECT code, name, geometry FROM grid WHERE level = 2 AND branch_id = 7")
            ).all(),
        )
    features = [
        {
            "type": "Feature",
            "properties": {"code": c, "name": n + "(新)"},
            "geometry": json.loads(g),
        }
        for c, n, g in rows
    ]
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    ok = run(
        "import-grids",
        str(path),
        "--crs",
        "WGS84",
        "--level",
        "2",
        "--branch",
        code,
        "--database-url",
        url,
    )
    assert ok.returncode == 0, ok.stderr
    assert "version=1" in ok.stdout and "customers_moved=0" in ok.stdout
    bad = run(
        "import-grids",
        str(path),
        "--crs",
        "GCJ02",
        "--level",
        "2",
        "--branch",
        "nope",
        "--database-url",
        url,
    )
    assert bad.returncode == 2 and "--branch" in bad.stderr
