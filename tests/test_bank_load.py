"""A second bank, for real: 青石县 (tests/second_county.py) onboarded from its own files through
``core load`` - territory, organisation, staff, customers, first grids from a proposal - on
SQLite and PostgreSQL; re-loads change nothing; changes update; bad rows write nothing."""

from __future__ import annotations

import builtins
import shutil
from datetime import date

import pandas as pd
import pytest
import shapely
from sqlalchemy import text

from core.bank_data.load import LoadOptions, load_folder
from core.db import table_counts, upgrade
from core.permissions import SYSTEM
from core.territory import service_area, villages
from tests.second_county import write_county

AS_OF = date(2026, 11, 30)


@pytest.fixture(scope="module")
def county_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qingshi")
    info = write_county(folder)
    return folder, info


@pytest.fixture
def no_demo_files(monkeypatch):
    """Any attempt to open the demo county's files fails the test."""
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        assert "pingtang" not in str(file), f"opened a demo file: {file}"
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)


def _load(engine, folder, **kw):
    return load_folder(engine, folder, SYSTEM, LoadOptions(as_of=AS_OF, **kw))


@pytest.fixture
def loaded(empty_engine, county_files, no_demo_files):
    upgrade(empty_engine)
    folder, info = county_files
    result = _load(empty_engine, folder)
    assert result.status == "done", [p.text("en") for p in result.problems]
    return empty_engine, result, info


def test_a_second_county_is_onboarded_from_its_files(loaded):
    engine, result, info = loaded
    counts = result.counts
    assert counts["villages"]["inserted"] == 12
    assert counts["branches"]["inserted"] == 3
    assert counts["customers"]["inserted"] == len(info["customers"])
    with engine.connect() as conn:
        bank = conn.execute(text("SELECT code, name, county_code FROM bank")).one()
        towns = conn.execute(text("SELECT COUNT(*) FROM township WHERE geometry IS NOT NULL"))
        managers = conn.execute(text("SELECT COUNT(*) FROM manager WHERE active")).scalar_one()
        users = conn.execute(text("SELECT username, role, active FROM app_user")).all()
        level = dict(conn.execute(text("SELECT level, COUNT(*) FROM grid GROUP BY level")).all())
        in_grid = conn.execute(
            text("SELECT COUNT(*) FROM customer WHERE grid2_id IS NOT NULL")
        ).scalar_one()
        located = dict(
            conn.execute(text("SELECT located, COUNT(*) FROM customer GROUP BY located")).all()
        )
        run = conn.execute(text("SELECT status, counts FROM load_run")).one()
    assert tuple(bank) == ("QSRCB", "青石农村商业银行", "360999")
    assert towns.scalar_one() == 3
    assert managers == 6
    assert {u.username for u in users} >= {"H001", "B001", "K001"}
    assert not any(u.active for u in users)  # head office sets the accounts up
    assert level == {1: 3, 2: 6}  # one level-1 grid per outlet, one level-2 per manager
    assert result.grids_proposed == 9
    assert in_grid >= 0.95 * len(info["customers"])
    assert located["own"] > located["village"] > 0 and located.get("address", 0) > 0
    assert run.status == "done"
    # the projected shapefile came back to lon/lat; every village (GCJ-02 given) lies inside
    area = service_area(engine)
    assert area.symmetric_difference(info["area"]).area < 0.01 * info["area"].area
    v = villages(engine)
    assert shapely.contains_xy(area, v["lon"], v["lat"]).all()
    assert v["illustrative"].all() and not any(p.is_empty for p in v["polygon"])
    # the illustrative areas tile the service area: no village lost, no overlap
    assert abs(sum(p.area for p in v["polygon"]) - area.area) < 1e-3 * area.area
    truth = pd.DataFrame(info["villages"]).set_index("code")
    gap = (v.set_index("code")[["lon", "lat"]] - truth[["lon", "lat"]]).abs().max().max()
    assert gap < 1e-4  # GCJ-02 declared in the file: converted, not taken as WGS-84


def test_loading_the_same_folder_again_changes_nothing(loaded, county_files):
    engine, _result, _info = loaded
    before = table_counts(engine)
    with engine.connect() as conn:
        customers = pd.read_sql(text("SELECT * FROM customer ORDER BY id"), conn)
    again = _load(engine, county_files[0])
    assert again.status == "done"
    for stem in ("villages", "branches", "customers"):
        assert again.counts[stem]["inserted"] == 0, stem
        assert again.counts[stem]["updated"] == 0, stem
    every = again.counts["customers"]["read"]  # each row as last written: left out unchecked
    assert again.counts["customers"]["unchanged"] == every
    assert again.counts["holdings"]["replaced"] == 0  # every customer's set of rows is the same
    assert again.counts["balances"]["inserted"] == again.counts["balances"]["updated"] == 0
    assert again.counts["visits"]["inserted"] == 0
    after = table_counts(engine)
    changed = {
        t: (before[t], after[t])
        for t in before
        if before[t] != after[t] and t not in ("load_run", "audit_log", "tagging_run", "actual_run")
    }
    assert changed == {}
    with engine.connect() as conn:
        pd.testing.assert_frame_equal(
            customers, pd.read_sql(text("SELECT * FROM customer ORDER BY id"), conn)
        )


def test_a_changed_row_updates_and_a_missing_customer_is_closed(loaded, county_files, tmp_path):
    engine, _result, _info = loaded
    folder = tmp_path / "next"
    shutil.copytree(county_files[0], folder)
    lines = (folder / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
    gone = lines.pop(5).split(",")[0]
    first = lines[1].split(",")
    first[4] = "13999999999"
    lines[1] = ",".join(first)
    newcomer = lines[2].split(",")
    newcomer[0], newcomer[3] = "QC9999999", "360999199001011232"
    lines.append(",".join(newcomer))
    (folder / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    staff = (folder / "staff.txt").read_bytes().decode("gb18030").splitlines()
    staff = [line.replace("|是", "|否") if line.startswith("K006|") else line for line in staff]
    (folder / "staff.txt").write_bytes("\n".join(staff).encode("gb18030"))
    for name in ("holdings.csv", "balances.csv"):  # one amount each changes
        rows = (folder / name).read_text(encoding="utf-8").splitlines()
        cells = rows[1].split(",")
        cells[2] = f"{float(cells[2]) + 1000:.2f}"
        rows[1] = ",".join(cells)
        (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
        if name == "holdings.csv":
            assert cells[1] == "活期存款"
            moved = cells[0]  # this customer's deposits follow their current deposit
    with engine.connect() as conn:
        deposits = conn.execute(
            text("SELECT deposit_balance FROM customer WHERE cust_no = :c"), {"c": moved}
        ).scalar_one()
    result = _load(engine, folder)
    assert result.status == "done", [p.text("en") for p in result.problems]
    assert result.counts["holdings"]["replaced"] == 1
    assert result.counts["balances"]["updated"] == 1 and result.counts["balances"]["inserted"] == 0
    assert result.counts["customers"]["updated"] == 1
    assert result.counts["customers"]["closed"] == 1
    assert result.counts["customers"]["inserted"] == 1
    assert result.counts["profiles"] == {"segments_fitted": False}
    with engine.connect() as conn:
        status = conn.execute(
            text("SELECT status, closed_on FROM customer WHERE cust_no = :c"), {"c": gone}
        ).one()
        phone = conn.execute(
            text("SELECT phone FROM customer WHERE cust_no = :c"), {"c": first[0]}
        ).scalar_one()
        k6 = conn.execute(text("SELECT active FROM manager WHERE code = 'K006'")).scalar_one()
        held = conn.execute(
            text("SELECT deposit_balance FROM customer WHERE cust_no = :c"), {"c": moved}
        ).scalar_one()
        joined = conn.execute(  # the newcomer joins the nearest segment until the next fit
            text(
                "SELECT p.segment_id, c.grid2_id FROM customer c "
                "JOIN customer_profile p ON p.customer_id = c.id WHERE c.cust_no = 'QC9999999'"
            )
        ).one()
    assert status.status == "closed" and str(status.closed_on) == str(AS_OF)
    assert phone == "13999999999"
    assert held == pytest.approx(deposits + 1000)
    assert not k6
    assert joined.segment_id is not None and joined.grid2_id is not None
    back = _load(engine, county_files[0])  # the closed customer's row is back as it was
    assert back.counts["customers"]["updated"] == 2  # reopened, and the phone as before
    with engine.connect() as conn:
        reopened = conn.execute(
            text("SELECT status, closed_on FROM customer WHERE cust_no = :c"), {"c": gone}
        ).one()
    assert reopened.status != "closed" and reopened.closed_on is None


def test_a_bad_row_writes_nothing_unless_quarantine_allows_it(empty_engine, county_files, tmp_path):
    upgrade(empty_engine)
    folder = tmp_path / "bad"
    shutil.copytree(county_files[0], folder)
    lines = (folder / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(",")
    cells[3] = cells[3][:-1] + ("0" if cells[3][-1] != "0" else "1")  # a wrong check digit
    lines[3] = ",".join(cells)
    (folder / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    before = table_counts(empty_engine)
    result = _load(empty_engine, folder)
    assert result.status == "failed"
    assert any(p.row == 4 and p.file == "customers.csv" for p in result.problems)
    after = table_counts(empty_engine)
    assert {t: n for t, n in after.items() if t != "load_run"} == {
        t: n for t, n in before.items() if t != "load_run"
    }
    kept = _load(empty_engine, folder, max_bad_pct=5)
    assert kept.status == "done" and kept.quarantined >= 1
    with empty_engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM customer")).scalar_one()
    assert n == len(county_files[1]["customers"]) - 1


def test_the_audit_lists_first_grids_to_review_and_other_core_managers(loaded):
    from core.grids.audit import staffing_gaps
    from core.grids.review import first_grids_to_review, manager_mismatches
    from core.scope import Scope

    engine, _result, _info = loaded
    hq = Scope("hq")
    review = first_grids_to_review(engine, hq)
    assert sorted(review["level"]) == [1, 2, 2, 2] and review["grids"].sum() == 9
    mismatches = manager_mismatches(engine, hq)
    assert len(mismatches) and (mismatches["core_manager"] != mismatches["manager"]).all()
    # the customers file gives managers round-robin: most are not their grid's post A
    assert mismatches["customers"].sum() > 100
    assert staffing_gaps(engine, hq).query("problem == 'no_a'").empty
    with engine.begin() as conn:  # K001 leaves: the grids they held lose post A
        conn.execute(text("UPDATE manager SET active = false WHERE code = 'K001'"))
    assert len(staffing_gaps(engine, hq).query("problem == 'no_a'")) >= 1


def test_files_of_another_bank_are_refused(loaded, county_files, tmp_path):
    engine, _result, _info = loaded
    folder = tmp_path / "other"
    shutil.copytree(county_files[0], folder)
    (folder / "bank.csv").write_text("银行代码,银行名称\nXYRCB,邻县农商银行\n", encoding="utf-8")
    result = _load(engine, folder)
    assert result.status == "failed"
    other = [p for p in result.problems if p.key == "load.other_bank"]
    assert len(other) == 1 and "QSRCB" in other[0].text("zh")


def test_rows_of_a_set_aside_customer_say_so(empty_engine, county_files, tmp_path):
    upgrade(empty_engine)
    folder = tmp_path / "cascade"
    shutil.copytree(county_files[0], folder)
    lines = (folder / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[4] = "12345"  # no mobile number
    lines[1] = ",".join(cells)
    (folder / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    result = _load(empty_engine, folder)
    keys = {p.key for p in result.problems if p.file != "customers.csv"}
    assert keys == {"load.customer_set_aside"}
    assert any(p.file == "customers.csv" and p.row == 2 for p in result.problems)


def test_first_grids_cut_short_are_finished_by_the_next_load(loaded, county_files):
    engine, _result, _info = loaded
    with engine.begin() as conn:  # as if the load had been killed after level 1
        conn.execute(text("UPDATE customer SET grid2_id = NULL, manager_id = NULL"))
        conn.execute(text("DELETE FROM grid_staff"))
        conn.execute(text("DELETE FROM liaison"))
        conn.execute(text("DELETE FROM grid WHERE level = 2"))
    again = _load(engine, county_files[0])
    assert again.status == "done" and again.grids_proposed == 6
    with engine.connect() as conn:
        levels = dict(conn.execute(text("SELECT level, COUNT(*) FROM grid GROUP BY level")).all())
    assert levels == {1: 3, 2: 6}
