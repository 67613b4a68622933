"""AppTest of the head-office page 数据加载 (data): a bank's files uploaded, their headers
mapped (a profile saved and reused), checked with every problem named, loaded with a
progress bar into a new bank's database; the history; the templates; hostile names,
headers and cells shown as text and neutralised in the report."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import insert

from core.access.auth import hash_password
from core.bank_data.preview import templates_zip
from core.bank_data.spec import KINDS
from core.bank_data.templates import GUIDE_FILE
from core.escape import markdown
from core.models import User
from core.problems import Problem
from core.ui.data import report_file
from tests.helpers import open_page, scalar
from tests.second_county import write_county

AS_OF = date(2026, 11, 30)  # the second county's files are as of this day
HOSTILE = "<img src=x onerror=alert(1)>"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def county_files(tmp_path_factory) -> dict[str, bytes]:
    """青石县's files (tests/second_county.py) by name, without its bank.csv: most tests
    check them against the demo's database, which holds another bank (a load of another
    bank's files is refused whole)."""
    folder = tmp_path_factory.mktemp("qingshi")
    write_county(folder, customers=60)
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "bank.csv"}
    staff = files["staff.txt"].decode("gb18030").replace("|QSRCB|", "||")  # head office
    files["staff.txt"] = staff.encode("gb18030")
    return files


@pytest.fixture
def county(county_copy, monkeypatch, navigation_mode):
    """The app on a demo county of its own (a check writes its load_run row)."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_LANGUAGE", raising=False)
    return county_copy


def _customers(files: dict[str, bytes]) -> list[str]:
    return files["customers.csv"].decode("utf-8-sig").splitlines()


def _with_customers(files: dict[str, bytes], lines: list[str]) -> dict[str, bytes]:
    return files | {"customers.csv": ("\n".join(lines) + "\n").encode("utf-8-sig")}


def upload(at, files: dict[str, bytes], as_of: date = AS_OF):
    at.file_uploader(key="data_files").set_value(
        [(name, data, "application/octet-stream") for name, data in files.items()]
    )
    at.date_input(key="data_as_of").set_value(as_of)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def check(at):
    at.button(key="data_check").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frame_with(at, column: str):
    """The first table on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def shown_text(at) -> list[str]:
    """Every text the page renders as Markdown (or as a widget label)."""
    texts = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader")
        for e in getattr(at, kind)
    ]
    texts += [e.label for e in at.expander]
    texts += [w.label for w in (*at.selectbox, *at.button, *at.text_input)]
    texts += [w.help or "" for w in at.selectbox]
    return texts


# ---- who sees the page --------------------------------------------------------------------


def test_head_office_sees_the_page(county):
    at = open_page("hq", "pages/data.py")
    assert at.title[0].value == "数据加载"
    assert any("请先上传数据文件" in i.value for i in at.info)
    assert at.file_uploader(key="data_files").accept_multiple_files
    assert set(at.file_uploader(key="data_files").allowed_type) >= {".csv", ".xlsx", ".zip"}
    assert at.checkbox(key="data_full").value is True
    assert at.date_input(key="data_as_of").value == date.today()


def test_the_page_speaks_english(county, county_files):
    at = open_page("hq", "pages/data.py")
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Data loads"
    check(upload(at, county_files))
    assert any("Checked: no problem found" in s.value for s in at.success)


@pytest.mark.parametrize("username", ["branch", "manager"])
def test_branch_and_manager_have_no_data_page(county, username):
    at = open_page(username, "pages/overview.py")
    with pytest.raises(ValueError):  # not in their navigation: the address is refused
        at.switch_page("pages/data.py")


# ---- checking -----------------------------------------------------------------------------


def test_a_dry_run_of_a_bank_folder_shows_its_counts_and_no_problem(county, county_files):
    before = scalar(county, "SELECT COUNT(*) FROM customer")
    at = open_page("hq", "pages/data.py")
    upload(at, county_files)
    assert at.button(key="data_load").disabled  # not before a check
    expanders = {e.label: e for e in at.expander}
    assert "customers.csv(类型:客户)" in expanders
    check(at)
    assert at.get("progress")  # fed by the loader; left at 完成
    assert any("检查通过" in s.value for s in at.success)
    assert not at.error
    counts = frame_with(at, "read").set_index("file")
    assert counts.loc["customers.csv", "read"] == 60
    assert counts.loc["villages.csv", "read"] == 12
    assert counts["bad"].sum() == 0
    assert "inserted" not in counts.columns  # a check inserts nothing
    assert not at.button(key="data_load").disabled
    assert scalar(county, "SELECT COUNT(*) FROM customer") == before
    assert scalar(county, "SELECT status FROM load_run ORDER BY id DESC") == "dry_run"
    history = frame_with(at, "summary")  # the history tab lists the check
    assert history.iloc[0]["status"] == "仅检查"
    assert "客户 60" in history.iloc[0]["summary"]


def test_changing_an_option_asks_for_a_new_check(county, county_files):
    at = check(upload(open_page("hq", "pages/data.py"), county_files))
    assert not at.button(key="data_load").disabled
    at.checkbox(key="data_full").uncheck().run()
    assert at.button(key="data_load").disabled
    assert any("请重新检查" in c.value for c in at.caption)


def test_a_bad_id_number_is_named_by_file_row_and_column(county, county_files):
    lines = _customers(county_files)
    fields = lines[3].split(",")
    fields[3] = fields[3][:-1] + ("0" if fields[3][-1] != "0" else "1")  # wrong check digit
    lines[3] = ",".join(fields)
    at = check(upload(open_page("hq", "pages/data.py"), _with_customers(county_files, lines)))
    assert any("个问题,未加载" in e.value for e in at.error)
    assert at.button(key="data_load").disabled
    problems = frame_with(at, "reason")
    row = problems.iloc[0]
    assert (row["file"], row["row"], row["field"], row["value"]) == (
        "customers.csv",
        4,
        "证件号码",
        fields[3],
    )
    assert "校验" in row["reason"]
    # its holdings, balances and visits name a customer that is not loaded: said too
    assert set(problems["file"]) - {"customers.csv"} <= {
        "holdings.csv",
        "balances.csv",
        "visits.csv",
    }
    counts = frame_with(at, "read").set_index("file")
    assert counts.loc["customers.csv", "bad"] == 1
    # the history offers the failed check's problems and report
    assert at.selectbox(key="data_history_run").value == scalar(
        county, "SELECT MAX(id) FROM load_run"
    )
    history_problems = [d.value for d in at.dataframe if "reason" in d.value.columns][-1]
    assert history_problems.iloc[0]["row"] == 4
    assert scalar(county, "SELECT status FROM load_run ORDER BY id DESC") == "failed"


def test_bad_rows_within_the_share_allowed_let_the_load_open(county, county_files):
    lines = _customers(county_files)
    fields = lines[3].split(",")
    fields[4] = "12345"  # not a mobile number: only this row is bad
    lines[3] = ",".join(fields)
    at = upload(open_page("hq", "pages/data.py"), _with_customers(county_files, lines))
    at.number_input(key="data_max_bad").set_value(5.0).run()
    check(at)
    assert any("在允许的比例之内" in s.value for s in at.success)
    assert not at.button(key="data_load").disabled
    assert frame_with(at, "reason").iloc[0]["field"] == "手机号码"


def test_hostile_names_headers_and_cells_are_text(county, county_files):
    lines = _customers(county_files)
    lines[0] += f",{HOSTILE}"
    lines[1:] = [line + ",x" for line in lines[1:]]
    first, second = lines[1].split(","), lines[2].split(",")
    first[3] = FORMULA  # an ID number
    second[4] = HOSTILE  # a mobile number
    lines[1], lines[2] = ",".join(first), ",".join(second)
    files = _with_customers(county_files, lines) | {f"{HOSTILE}.csv": b"a,b\n1,2\n"}
    at = check(upload(open_page("hq", "pages/data.py"), files))
    assert not at.exception
    # the header is a selectbox label, escaped; no Markdown or HTML anywhere holds it raw
    labels = [s.label for s in at.selectbox]
    assert markdown(HOSTILE) in labels
    assert not any(HOSTILE in text for text in shown_text(at))
    # the table cells hold the values as they were written (text, never HTML)
    problems = frame_with(at, "reason")
    assert FORMULA in set(problems["value"]) and HOSTILE in set(problems["value"])
    notes = [d.value for d in at.dataframe if "reason" in d.value.columns][1]
    assert f"{HOSTILE}.csv" in set(notes["file"])
    # the report's cells are formula-safe
    _, result = at.session_state["data_result"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(report_file(result.problems, result.notes, "总行(hq)"))
    ).worksheets[0]
    values = [c.value for row in sheet.iter_rows(min_row=3) for c in row]
    assert "'" + FORMULA in values and FORMULA not in values
    assert HOSTILE in values


# ---- mapping profiles ---------------------------------------------------------------------


def test_a_profile_saved_from_the_page_is_listed_and_reused(county, county_files):
    lines = _customers(county_files)
    header = lines[0].split(",")
    header[0], header[1], header[3] = "KHH", "客户类别", "身份证号"
    files = _with_customers(county_files, [",".join(header), *lines[1:]])
    at = upload(open_page("hq", "pages/data.py"), files)
    expander = next(e for e in at.expander if e.label.startswith("customers.csv"))
    assert any("缺少必需的列“客户号”" in e.value for e in expander.error)
    khh = next(s for s in expander.selectbox if s.label == "KHH")
    assert khh.value == ""  # nothing suggested for it
    khh.set_value("cust_no").run()
    expander = next(e for e in at.expander if e.label.startswith("customers.csv"))
    assert not expander.error
    at.text_input(key="data_profile_name").input("青石导出")
    at.button(key="FormSubmitter:data_profile_form-保存方案").click().run()
    assert not at.exception
    assert any("青石导出" in s.value and "已保存" in s.value for s in at.success)
    assert at.selectbox(key="data_profile").value == "青石导出"
    profiles = frame_with(at, "kinds")
    assert list(profiles["name"]) == ["青石导出"]
    assert "customers" in profiles.iloc[0]["kinds"]
    assert scalar(county, "SELECT COUNT(*) FROM audit_log WHERE action = 'data_profile'") == 1
    # the next upload (a new session) picks the profile and needs no mapping
    at = upload(open_page("hq", "pages/data.py"), files)
    at.selectbox(key="data_profile").set_value("青石导出").run()
    expander = next(e for e in at.expander if e.label.startswith("customers.csv"))
    assert not expander.error and not expander.proto.expanded
    assert expander.icon == ":material/check_circle:"
    check(at)
    assert any("检查通过" in s.value for s in at.success)
    # and it can be deleted (audited)
    at.selectbox(key="data_profiles_pick").set_value("青石导出")
    at.button(key="data_profiles_delete").click().run()
    assert any("已删除" in s.value for s in at.success)
    assert at.selectbox(key="data_profile").value == ""
    assert scalar(county, "SELECT COUNT(*) FROM mapping_profile") == 0
    assert (
        scalar(county, "SELECT COUNT(*) FROM audit_log WHERE action = 'data_profile_delete'") == 1
    )


# ---- a load, the history, the templates ---------------------------------------------------


@pytest.fixture
def new_bank(empty_engine, monkeypatch, navigation_mode):
    """An empty database with one head-office account: a new bank's first day."""
    with empty_engine.begin() as conn:
        conn.execute(
            insert(User).values(
                username="boss",
                display_name="总行管理员",
                password_hash=hash_password("pw-Boss-2026"),
                role="hq",
                active=True,
                is_demo=False,
                created_at=datetime(2026, 1, 1),
            )
        )
    url = empty_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("GM_LANGUAGE", raising=False)
    return url


def test_a_new_bank_is_loaded_from_the_page(new_bank, county_files):
    at = open_page("boss", "pages/data.py", password="pw-Boss-2026", timeout=180)
    check(upload(at, county_files))
    at.button(key="data_load").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("加载完成" in s.value for s in at.success)
    assert any("首版网格" in i.value for i in at.info)
    counts = frame_with(at, "read").set_index("file")
    assert counts.loc["customers.csv", "inserted"] == 60
    assert "自有坐标" in counts.loc["customers.csv", "more"]
    assert at.button(key="data_load").disabled  # a load is not repeated without a check
    assert scalar(new_bank, "SELECT COUNT(*) FROM customer") == 60
    assert scalar(new_bank, "SELECT COUNT(*) FROM grid") > 0
    assert scalar(new_bank, "SELECT COUNT(*) FROM audit_log WHERE action = 'data_load'") == 1
    history = frame_with(at, "summary")
    assert list(history["status"]) == ["已加载", "仅检查"]
    assert history.iloc[0]["rows"] == history.iloc[1]["rows"]
    # every page reads the new bank at once (the caches were cleared)
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    customers = next(m.value for m in at.metric if m.label == "客户总数")
    assert customers.replace(",", "") == "60"


def test_the_template_zip_holds_every_template_and_the_guide(county):
    at = open_page("hq", "pages/data.py")
    assert any("data_templates" in b.proto.id for b in at.get("download_button"))
    archive = zipfile.ZipFile(io.BytesIO(templates_zip("导出人 总行(hq)")))
    names = set(archive.namelist())
    assert names == {f"{k.stem}.xlsx" for k in KINDS if not k.polygons} | {GUIDE_FILE}
    assert archive.comment.decode("utf-8") == "导出人 总行(hq)"
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read("customers.xlsx"))).active
    assert sheet["A1"].value == "客户号"


def test_a_report_names_file_row_column_value_and_reason():
    data = report_file(
        [Problem("load.check.empty", {"value": ""}, file="a.csv", row=3, field="客户号")],
        [],
        "总行(hq)",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[2]] == ["文件", "行", "列", "值", "原因"]
    assert [c.value for c in sheet[3]] == ["a.csv", 3, "客户号", None, "必须填写"]
