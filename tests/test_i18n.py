"""Every text exists in both languages, and every key the code uses exists.

The code is every package that speaks to users: app.py, pages/, core/ (core/ui too) and geo/.
Keys are found three ways: literal keys (``tr("map.title")``, ``{"village":
"audit.col.village"}``, ``Problem("problem.grid.overlap", ...)``), keys built at run time from
a family (``tr(f"kind.{k}")``, ``"unit." + unit``), whose members :data:`FAMILIES` enumerates
from their source lists, and the keys that helpers build from a literal argument
(``refuse("bad_zip", ...)`` is ``uploads.bad_zip``). A new family in the code fails
:func:`test_every_family_built_at_run_time_is_known` until it is added here.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from core import vocab
from core.i18n import TEXT, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [
        ROOT / "app.py",
        *ROOT.glob("pages/**/*.py"),
        *ROOT.glob("core/**/*.py"),
        *ROOT.glob("geo/**/*.py"),
    ]
)
NOT_TEXT = ("core/models.py", "core/migrations/")  # table.column strings, not keys
FILE_NAME = re.compile(r"\.(py|xlsx|csv|json|geojson|kml|zip|html|js|css|png)$")
KEY = re.compile(r"[a-z_]+(?:\.[a-z0-9_]+)+")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _trees() -> dict[str, ast.Module]:
    return {_rel(p): ast.parse(p.read_text(encoding="utf-8")) for p in SOURCES}


def _namespaces() -> set[str]:
    return {key.split(".")[0] for key in TEXT}


# ---- keys written out ---------------------------------------------------------------------


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
        if isinstance(node, ast.JoinedStr):  # an f-string's parts are a family's, below
            found |= {id(v) for v in node.values}
    return found


def literal_keys() -> dict[str, list[str]]:
    """Every string in the code that is written like a key of a text namespace: key ->
    where (file:line). Docstrings, table.column strings and file names are not keys."""
    spaces, found = _namespaces(), {}
    for name, tree in _trees().items():
        if name.startswith(NOT_TEXT):
            continue
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and KEY.fullmatch(node.value)
                and node.value.split(".")[0] in spaces
                and not FILE_NAME.search(node.value)
            ):
                found.setdefault(node.value, []).append(f"{name}:{node.lineno}")
    return found


def test_both_languages_present():
    for key, (zh, en) in TEXT.items():
        assert zh.strip() and en.strip(), key
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key} has no Chinese"


def test_keys_used_in_code_exist():
    used = set()
    for path in SOURCES:
        used |= set(
            re.findall(
                r"""\b(?:t|tr|tr_md)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""",
                path.read_text(encoding="utf-8"),
            )
        )
    assert len(used) > 400, "the scan found too few keys"
    assert used - set(TEXT) == set()


def test_every_key_written_in_the_code_exists():
    found = literal_keys()
    assert {"app.title", "audit.col.village", "error.busy", "problem.grid.overlap"} <= set(found)
    assert {k: v for k, v in found.items() if k not in TEXT} == {}


def test_every_problem_key_used_in_code_exists():
    keys = set()
    for tree in _trees().values():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in ("Problem", "Term")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(node.args[0].value)
    assert len(keys) > 60, "the scan found too few problems"
    assert keys - set(TEXT) == set()


def test_placeholders_match_between_languages():
    for key, (zh, en) in TEXT.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        t("no.such.key")


# ---- keys built at run time ------------------------------------------------------------------


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def call_literals(module: str, function: str, arg: int = 0) -> set[str]:
    """The string literals given as argument ``arg`` to ``function`` in ``module`` (a path
    under the root, or "" for every module)."""
    found = set()
    for name, tree in _trees().items():
        if not name.startswith(module):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) == function
                and len(node.args) > arg
                and isinstance(node.args[arg], ast.Constant)
            ):
                found.add(node.args[arg].value)
    return found


def keyword_literals(keyword: str) -> set[str]:
    """The string literals given as ``keyword=...`` to any call."""
    return {
        k.value.value
        for tree in _trees().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for k in node.keywords
        if k.arg == keyword and isinstance(k.value, ast.Constant)
    }


_FSTRING = re.compile(r"""\bf(["'])((?:(?!\1).)*)\1""")
_CONCAT = re.compile(r"""(["'])([a-z_]+\.[a-z0-9_.]*)\1\s*\+""")
_FIELD = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


def families_in_code() -> dict[str, list[str]]:
    """Every key family the code builds: its template (each ``{...}`` as ``{}``: ``kind.{}``,
    ``users.{}_done``, ``unit.{}`` from ``"unit." + unit``) -> where (file:line)."""
    spaces, found = _namespaces(), {}
    for path in SOURCES:
        code = path.read_text(encoding="utf-8")
        templates = [(m.start(), _FIELD.sub("{}", m.group(2))) for m in _FSTRING.finditer(code)]
        templates += [(m.start(), m.group(2) + "{}") for m in _CONCAT.finditer(code)]
        for start, template in templates:
            if (
                "{}" in template
                and "." in template.split("{}")[0]
                and re.fullmatch(r"[a-z_]+(?:\.?[a-z0-9_]*(?:\{\})?)*", template)
                and template.split(".")[0] in spaces
            ):
                found.setdefault(template, []).append(
                    f"{_rel(path)}:{code.count(chr(10), 0, start) + 1}"
                )
    return found


def _tag_params() -> set[str]:
    from core.customers.tags import default_tags

    return {name for tag in default_tags() for name in tag.params}


def _audit_metrics() -> set[str]:
    import pandas as pd

    from core.grids.audit import summarize

    empty = pd.DataFrame(columns=["customers", "kind", "problem", "grid_id"])
    return set(summarize(empty, empty, empty, empty))


def _units() -> set[str]:
    from core.performance.metrics import METRICS

    return {m.unit for m in METRICS}


def _constant(module: str, name: str):
    def members():
        import importlib

        return getattr(importlib.import_module(module), name)

    return members


ROLES = ("hq", "branch", "manager")
ACCOUNT_ACTIONS = ("reset", "deactivate", "reactivate", "unlock")  # core/ui/users.py buttons

# family template -> its members (an iterable, or a function returning one); where the members
# are a literal list at the call site, it is copied here with the place it comes from
FAMILIES = {
    "audit.by.{}": ("grid", "village"),  # pages/audit.py: the rate tab's choice
    "audit.kind.{}": ("gap", "overlap"),  # core.grids.audit coverage rows
    "audit.level{}": (1, 2),
    "audit.metric.{}": _audit_metrics,
    "audit.problem.{}": _constant("core.grids.audit", "PROBLEMS"),
    "card.level{}": (1, 2),
    "col.name.{}": ("branch", "manager", "grid"),  # core.grids.overview.breakdown_level...
    "col.{}": (  # core/ui/progress.py progress_columns, pages/overview.py
        "completion_pct",
        "time_pct",
        "gap",
        "rank",
        "behind_pts",
        "behind",
        "year_end",
        "last_year",
        "current",
        "weight",
        "old",
        "new",
        "target",
        "actual",
        "unit",
        "status",
        "who",
        "metric",
        "miss",
        "user",
        "org",
        "month",
        "source",
        "customers",
        "existing",
        "potential",
        "in_grid_pct",
        "filing_pct",
        "deposits_wan",
        "loans_wan",
        "mobile_pct",
    ),
    "customer.other.{}": ("deposit", "loan"),  # other_bank_fund.kind
    "explorer.col.{}": ("deposit", "aum", "other_bank_deposit"),  # core/ui/explorer.py
    "explorer.view.{}": _constant("core.customers.explorer", "VIEWS"),
    "flag.rule.{}": _constant("core.visits.authenticity", "RULES"),
    "flag.{}": _constant("core.visits.authenticity", "RULES"),
    "grids.caption.{}": ("hq", "branch"),  # app.py: the grids page's roles
    "grids.draw_{}": ("new", "replace"),  # pages/grids.py
    "grids.propose_l{}": (1, 2),
    "grids.tab.{}": ("import", "draw", "propose", "versions"),  # pages/grids.py
    "grids.{}": ("dev_workload", "dev_customers", "dev_deposits"),  # pages/grids.py
    "kind.{}": vocab.KINDS,
    "level.{}": ("bank", "branch", "manager"),
    "lists.kind.{}": _constant("core.customers.lists", "KINDS"),
    "map.metric.{}": _constant("core.grids.queries", "METRICS"),
    "method.{}": _constant("core.performance.targets", "METHODS"),
    "months.{}": _constant("core.performance.targets", "MONTH_METHODS"),
    "name.field.{}": lambda: (
        call_literals("", "clean_name", 1)
        | call_literals("", "clean_text", 1)
        | {"grid_name", "grid_code"}
    ),  # core/grids/changes.py: a loop
    "occupation.{}": vocab.OCCUPATIONS,
    "overview.by_{}": ("branch", "manager", "grid"),  # core.grids.overview.breakdown_level
    "period.{}": _constant("core.performance.progress", "PERIODS"),
    "problem.geometry.reason.{}": lambda: _constant("geo.io", "REASONS")().values(),
    "problem.geometry.{}": lambda: call_literals("geo/io.py", "_feature"),
    "problem.visit.{}": lambda: call_literals("core/visits/visit_log.py", "_problem"),
    "problem.where.{}": lambda: {"row"} | keyword_literals("row_kind"),
    "product.{}": (*vocab.OFFERABLE, "current_deposit"),  # + the holdings' products
    "progress.{}": _constant("core.performance.progress_report", "PROCESS"),
    "progress.{}_help": _constant("core.performance.progress_report", "PROCESS"),
    "role.{}": ROLES,
    "sheet.col.{}": _constant("core.visits.field_sheet", "COLUMNS"),
    "source.{}": ("seed", "split", "import"),  # target_change.source
    "sso.{}": lambda: call_literals("core/access/sso.py", "SsoRefused"),
    "staffing.field.{}": lambda: call_literals("core/grids/staffing.py", "_field"),
    "status.{}": (*vocab.STATUSES, "ahead", "on_track", "lagging", "serious"),
    "tags.category.{}": _constant("core.customers.tags", "CATEGORIES"),
    "tags.k_by.{}": ("silhouette", "analyst"),  # core.customers.segments Fit.chosen_by
    "tags.param.{}": _tag_params,
    "targets.caption.{}": ("hq", "branch"),  # app.py: the targets page's roles
    "targets.tab.{}": ("split", "excel", "history", "actuals"),  # pages/targets.py
    "unit.{}": lambda: _units() | {"wan"},
    "uploads.{}": lambda: (
        call_literals("", "problem") | call_literals("", "refuse") | call_literals("", "logged")
    ),
    "users.org_{}": ("branch", "manager"),
    "users.{}": ACCOUNT_ACTIONS,
    "users.{}_done": ACCOUNT_ACTIONS,
    "visit.channel.{}": vocab.CHANNELS,
    "visit.field.{}": lambda: (
        call_literals("core/visits/visit_log.py", "_problem", 1) | {"offered", "signed", "notes"}
    ),  # check_visit: a loop
    "visit.outcome.{}": vocab.OUTCOMES,
    "visits.day.{}": range(1, 8),
    "visits.tier.{}": vocab.TIERS,
    "visits.view.{}": ("plan", "route"),  # pages/visits.py
}
# families whose lookup falls back when a member has no text (the member is shown as is)
GUARDED = {"auditlog.action.{}"}  # core/ui/users.py action_label: the code itself


def test_every_family_built_at_run_time_is_known():
    found = families_in_code()
    assert {"kind.{}", "uploads.{}", "unit.{}", "users.{}_done"} <= set(found)
    unknown = {k: v for k, v in found.items() if k not in FAMILIES and k not in GUARDED}
    assert unknown == {}, "add each family and its members to FAMILIES"
    assert set(FAMILIES) | GUARDED <= set(found), "a family left the code: drop it here"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_member_of_a_family_has_its_text(family):
    members = FAMILIES[family]
    members = list(members() if callable(members) else members)
    assert members, f"{family} has no members"
    keys = [family.replace("{}", str(m)) for m in members]
    assert [k for k in keys if k not in TEXT] == []
