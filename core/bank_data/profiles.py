"""Mapping profiles: a bank's own headers mapped once to our columns, saved under a name and
reused by the command line (``--profile NAME``) and the next upload.

A profile is ``{stem: {their header: our column key}}`` (a key None: that header is ignored
on purpose), stored as JSON in ``mapping_profile``. Only head office saves or deletes one
(:func:`core.permissions.require_role`; refusals audited); every save and delete is in the
audit log. :func:`suggest_mapping` proposes a mapping for the page's editor.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from core.bank_data.headers import normalise, suggest_mapping
from core.bank_data.spec import BY_STEM
from core.models import MappingProfile
from core.permissions import record, require_role
from core.problems import Problem, ProblemError, Term

__all__ = [
    "check_profile",
    "delete_profile",
    "list_profiles",
    "load_profile",
    "save_profile",
    "suggest_mapping",
]

MAX_NAME = 50
MAX_HEADER = 100
ACTION = "data_profile"


def check_profile(name: str, mapping: dict) -> list[Problem]:
    """What is wrong with a profile: its name (1-50 characters), kinds that are no table
    file, headers empty or too long or given twice, keys that are no column of the kind, a
    column mapped twice; an empty list when nothing is.

    Examples
    --------
    >>> check_profile("某农商行", {"customers": {"客户姓名": "name", "身份证号": "id_number"}})
    []
    >>> [p.text("en") for p in check_profile("", {"loans": {}, "staff": {"员工号": "code",
    ...     "柜员号": "code", "备注": None, "部门": "dept"}})]  # doctest: +NORMALIZE_WHITESPACE
    ["A mapping profile's name has 1 to 50 characters",
     "loans: 'loans' is no kind of table file",
     "staff [柜员号]: The column '工号' is mapped twice ('柜员号' and '员工号')",
     "staff [部门]: 'dept' is no column of a Staff file"]
    """
    problems = []
    if not 1 <= len(str(name or "").strip()) <= MAX_NAME:
        problems.append(Problem("load.read.profile_name"))
    if not isinstance(mapping, dict) or not any(
        isinstance(h, dict) and h for h in mapping.values()
    ):
        return [*problems, Problem("load.read.profile_empty")]
    for stem, headers in mapping.items():
        kind = BY_STEM.get(stem)
        if kind is None or kind.polygons or not isinstance(headers, dict):
            problems.append(Problem("load.read.profile_kind", {"stem": str(stem)}, item=str(stem)))
            continue
        columns = {c.key: c for c in kind.columns}
        said = Term(zh=kind.title, en=kind.title_en)
        by_key: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for header, key in headers.items():
            text = str(header).strip()
            where = {"item": stem, "field": text[:MAX_HEADER] or None}
            if not 1 <= len(text) <= MAX_HEADER:
                problems.append(Problem("load.read.profile_header", **where))
                continue
            if normalise(text) in by_name:
                other = by_name[normalise(text)]
                problems.append(
                    Problem("load.read.profile_same", {"header": text, "other": other}, **where)
                )
                continue
            by_name[normalise(text)] = text
            if key is None or key == "":
                continue
            if key not in columns:
                problems.append(
                    Problem("load.read.profile_key", {"given": str(key), "kind": said}, **where)
                )
            elif key in by_key:
                values = {"column": columns[key].header, "header": text, "other": by_key[key]}
                problems.append(Problem("load.read.profile_twice", values, **where))
            else:
                by_key[key] = text
    return problems


def _clean(mapping: dict) -> dict:
    return {
        stem: {str(h).strip(): (k or None) for h, k in headers.items()}
        for stem, headers in mapping.items()
        if headers
    }


def save_profile(engine: Engine, actor, name: str, mapping: dict) -> int:
    """Save (create or replace) the profile ``name``; returns its id.

    Head office only (:class:`core.permissions.Forbidden` otherwise, audited); a profile
    :func:`check_profile` finds fault with raises :class:`ProblemError` and nothing is saved.
    """
    require_role(engine, actor, ACTION, "hq")
    problems = check_profile(name, mapping)
    if problems:
        raise ProblemError(problems)
    name, clean = name.strip(), _clean(mapping)
    values = {
        "mapping": json.dumps(clean, ensure_ascii=False, sort_keys=True),
        "updated_at": datetime.now(),
        "updated_by": actor.user_id,
    }
    with engine.begin() as conn:
        known = conn.execute(
            select(MappingProfile.id).where(MappingProfile.name == name)
        ).scalar_one_or_none()
        if known is None:
            known = conn.execute(
                insert(MappingProfile).values(name=name, **values).returning(MappingProfile.id)
            ).scalar_one()
        else:
            conn.execute(update(MappingProfile).where(MappingProfile.id == known).values(**values))
        record(conn, actor, ACTION, "mapping_profile", name, {"mapping": clean})
    return int(known)


def load_profile(engine: Engine, name: str) -> dict:
    """The profile ``name`` as ``{stem: {their header: our key}}``; an unknown name raises
    :class:`ProblemError` (``load.read.profile_unknown``) naming it."""
    with engine.connect() as conn:
        text = conn.execute(
            select(MappingProfile.mapping).where(MappingProfile.name == str(name).strip())
        ).scalar_one_or_none()
    if text is None:
        raise ProblemError(Problem("load.read.profile_unknown", {"name": str(name)}))
    return json.loads(text)


def list_profiles(engine: Engine) -> pd.DataFrame:
    """Every profile by name: ``name``, ``updated_at`` and ``kinds`` (its stems, comma
    separated)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(MappingProfile.name, MappingProfile.updated_at, MappingProfile.mapping).order_by(
                MappingProfile.name
            )
        ).all()
    return pd.DataFrame(
        [(n, at, ", ".join(sorted(json.loads(m)))) for n, at, m in rows],
        columns=["name", "updated_at", "kinds"],
    )


def delete_profile(engine: Engine, actor, name: str) -> None:
    """Delete the profile ``name`` (head office only; an unknown name raises
    :class:`ProblemError`)."""
    require_role(engine, actor, ACTION, "hq")
    name = str(name).strip()
    with engine.begin() as conn:
        gone = conn.execute(delete(MappingProfile).where(MappingProfile.name == name)).rowcount
        if not gone:
            raise ProblemError(Problem("load.read.profile_unknown", {"name": name}))
        record(conn, actor, "data_profile_delete", "mapping_profile", name)
