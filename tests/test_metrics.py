"""The metric catalogue is data in the database, filled by the migration."""

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import text

from core.db import _alembic_config, make_engine, upgrade
from core.performance.metrics import KINDS, METRICS, SOURCES, UNITS, catalogue_frame, load_metrics

ISSUE_METRICS = {
    "deposit_balance",
    "deposit_increase",
    "loan_balance",
    "loan_increase",
    "npl_ratio",
    "npl_recovery",
    "intermediate_income",
    "new_active_customers",
    "mobile_banking_signups",
    "acquiring_merchants",
    "etc_signups",
    "visits",
    "filing_rate",
    "high_end_coverage",
    "marketing_success_rate",
}


def test_the_database_holds_the_catalogue(seeded_engine):
    stored = load_metrics(seeded_engine).reset_index()
    expected = catalogue_frame().sort_values("position").reset_index(drop=True)
    pd.testing.assert_frame_equal(stored[expected.columns], expected, check_dtype=False)


def test_the_catalogue_covers_the_issue_and_says_how_each_actual_is_made():
    assert {m.code for m in METRICS} == ISSUE_METRICS
    for m in METRICS:
        assert m.kind in KINDS and m.source in SOURCES and m.unit in UNITS
        assert m.basis_zh and m.basis_en and m.name_zh and m.name_en
    lower = {m.code for m in METRICS if not m.higher_is_better}
    assert lower == {"npl_ratio"}
    assert {m.code for m in METRICS if m.source == "imported"} == {
        "npl_recovery",
        "intermediate_income",
    }
    assert sorted(m.position for m in METRICS) == list(range(1, 16))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_upgrading_an_older_database_completes_its_catalogue(tmp_path, backend):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(
            text("INSERT INTO metric VALUES ('visits', '走访', 'Visits', 'count', 1, 'computed')")
        )
    upgrade(engine)
    stored = load_metrics(engine)
    assert len(stored) == 15
    assert stored.loc["visits", "name_zh"] == "走访次数" and stored.loc["visits", "kind"] == "flow"
