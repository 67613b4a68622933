"""A load's intake: the files of one load read, and every row checked against the database
and the files before it, before anything is written (:mod:`core.bank_data.load` writes).

The customers file's rows as last written are left out here (:mod:`core.bank_data.unchanged`);
the database's customers are read once per load (:func:`held_customers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from core.bank_data import unchanged
from core.bank_data.checks import Checked, Context, check_table
from core.bank_data.read import read_areas, read_table
from core.bank_data.spec import DONE_MARKERS, LOAD_ORDER, kind_of
from core.bank_data.upsert import fetch_rows
from core.db import read_columns
from core.files.guard import safe_name
from core.problems import Problem, ProblemError
from core.territory import service_area, union_area


class FolderFiles(Mapping):
    """Every file of a folder (not its sub-folders) by name, done-markers left out; a file's
    content is read when asked for, so that a load holds one large file at a time."""

    def __init__(self, directory: Path):
        self.paths = {
            p.name: p
            for p in sorted(directory.iterdir())
            if p.is_file() and p.suffix.lower() not in DONE_MARKERS and not p.name.startswith(".")
        }

    def __getitem__(self, name: str) -> bytes:
        return self.paths[name].read_bytes()

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def folder_files(directory: Path) -> Mapping[str, bytes]:
    """Every file of a folder (not its sub-folders) by name, done-markers left out, each
    read when asked for (:class:`FolderFiles`)."""
    return FolderFiles(directory)


@dataclass
class Intake:
    """What one load's files gave: tables (text, freed once checked), areas, the problems
    that refuse a whole file, notes, each table's refused lines, and the customers the
    database held when they were checked."""

    tables: dict[str, object] = field(default_factory=dict)  # stem -> Table
    areas: dict[str, object] = field(default_factory=dict)  # stem -> GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    row_problems: dict[str, list[Problem]] = field(default_factory=dict)
    held: pd.DataFrame | None = None  # the customers the database holds (:func:`held_customers`)


def read_files(files: Mapping[str, bytes], crs: str, mapping: dict) -> Intake:
    """Read every file (name -> content) by the kind its name gives: tables with the
    profile ``mapping`` ({stem: {their header: our key}}), areas in ``crs``; a file of no
    known kind is noted and left out, a second file of one kind refused."""
    out = Intake()
    for name, data in files.items():
        name = safe_name(name)
        kind = kind_of(name)
        if kind is None:
            out.notes.append(Problem("load.ignored_file", file=name))
            continue
        if kind.stem in out.tables or kind.stem in out.areas:
            out.problems.append(Problem("load.twice", {"kind": kind.title}, file=name))
            continue
        try:
            if kind.polygons:
                out.areas[kind.stem] = read_areas(data, name, crs)
            else:
                table, broken = read_table(data, name, mapping=mapping.get(kind.stem))
                out.tables[kind.stem] = table
                out.row_problems[kind.stem] = broken
        except ProblemError as err:
            out.problems += err.problems
    return out


def _context(conn: Connection, intake: Intake, as_of: date, crs: str) -> Context:
    villages = pd.read_sql(text("SELECT code, name, town_code, town_name FROM village"), conn)
    bank = conn.execute(text("SELECT code FROM bank ORDER BY id")).scalar()
    given = [intake.areas[s] for s in ("territory", "township_areas") if s in intake.areas]
    # the service area as this load leaves it: the bank's polygon, else its townships'
    area = union_area(given[0].geometry) if given else service_area(conn)
    return Context(
        as_of=as_of,
        crs=crs,
        bank_code=bank,
        villages=villages,
        branches=frozenset(_codes(conn, "branch")),
        staff=frozenset(_codes(conn, "app_user", "username")),
        customers=frozenset(),  # filled only when a file refers to customers
        id_owner=None,
        area=None if area.is_empty else area,
    )


def _codes(conn: Connection, table: str, column: str = "code") -> list[str]:
    return [str(r[0]) for r in fetch_rows(conn, f'SELECT "{column}" FROM "{table}"')]


def kept_rows(checked: Checked) -> pd.DataFrame:
    """The checked rows without an error (those to write)."""
    return checked.frame[~checked.bad] if checked.bad.any() else checked.frame


def check_files(conn: Connection, intake: Intake, as_of: date, crs: str) -> dict[str, Checked]:
    """Check the tables in load order, each against the database and what the files before
    it bring (a customer's village may come in the same load), as of ``as_of`` with ``crs``
    the coordinate system of points that do not name theirs. A customers file's rows as
    last written are left out (``Checked.same``); the others carry their hash."""
    context = _context(conn, intake, as_of, crs)
    checked: dict[str, Checked] = {}
    for stem in LOAD_ORDER:
        table = intake.tables.get(stem)
        if table is None:
            continue
        if stem in ("holdings", "other_bank", "balances", "visits") and not context.customers:
            context.customers = frozenset(held_customers(conn, intake)["cust_no"])
        hashes, same = None, None
        if stem == "customers":
            held = held_customers(conn, intake)
            individual = (held["kind"] == "individual") & (held["id_number"].fillna("") != "")
            owners = held[individual]
            context.id_owner = pd.Series(owners["cust_no"].to_numpy(), index=owners["id_number"])
            salt = unchanged.salt(context.crs, context.villages, context.area)
            table, hashes, same = unchanged.split(table, held, salt)
        result = check_table(table, context)
        if hashes is not None:
            result.frame["source_hash"] = hashes
            result.same = same
        broken = intake.row_problems.get(stem, [])
        result.problems = broken + result.problems
        if broken:  # a row with a cell refused (a formula) is quarantined whole, not written
            result.bad = result.bad | np.isin(result.frame["row"], [p.row for p in broken])
        checked[stem] = result
        intake.tables[stem] = table = None  # its text is not needed any more (memory)
        kept = kept_rows(result)
        if stem == "bank" and len(kept):
            context.bank_code = str(kept["code"].iloc[0])
        elif stem == "villages":
            context.villages = pd.concat(
                [context.villages, kept[["code", "name", "town_code", "town_name"]]]
            ).drop_duplicates("code", keep="last")
        elif stem == "branches":
            context.branches = context.branches | frozenset(kept["code"].astype(str))
        elif stem == "staff":
            context.staff = context.staff | frozenset(kept["code"].astype(str))
        elif stem == "customers":
            known = held_customers(conn, intake)["cust_no"]
            context.customers = frozenset(known) | frozenset(kept["cust_no"].astype(str))
    return checked


def held_customers(conn: Connection, intake: Intake) -> pd.DataFrame:
    """The customers the database holds (id, cust_no, status, kind, id_number, and
    source_hash: 0 where none), read once per load (the load lock keeps them as read)
    through the fast path for every customer (``core.db.read_columns``: Arrow on
    PostgreSQL)."""
    if intake.held is None:
        intake.held = read_columns(
            conn.engine,
            "SELECT id, cust_no, status, kind, id_number, COALESCE(source_hash, 0) AS source_hash "
            "FROM customer",
        )
        for column in ("id", "source_hash"):
            intake.held[column] = intake.held[column].astype(np.int64)
    return intake.held


def said_once(checked: dict[str, Checked]) -> list[Problem]:
    """Every file's problems; a holding, balance or visit of a customer whose own row is bad
    says so (the customer is set aside), not that the customer does not exist."""
    customers = checked.get("customers")
    set_aside: set[str] = set()
    if customers is not None and customers.bad.any():
        numbers = customers.frame.loc[customers.bad, "cust_no"].dropna()
        set_aside = set(numbers.astype(str))
    out = []
    for c in checked.values():
        for p in c.problems:
            if p.key == "load.check.unknown_customer" and str(p.params.get("value")) in set_aside:
                p = replace(p, key="load.customer_set_aside")
            out.append(p)
    return out


def left_out(intake: Intake, stem: str, checked: dict[str, Checked]) -> set[int]:
    """The lines of a file the reader left out whole (wrong number of fields, cut off): its
    row problems about rows that are in no checked frame."""
    said = [p.row for p in intake.row_problems.get(stem, [])]
    if not said:
        return set()
    rows = checked[stem].frame["row"].to_numpy() if stem in checked else []
    return {row for row, kept in zip(said, np.isin(said, rows), strict=True) if not kept}


def quarantined_customers(intake: Intake, checked: dict, full: bool) -> tuple[set, bool]:
    """The customer numbers of the customers file's quarantined rows (as written), never
    closed by a full file's load; and whether the file still counts as full: not when a line
    was left out whole (its customer number is unknown, so no one is closed this time)."""
    customers = checked["customers"]  # the text frames are freed once checked
    numbers = customers.frame["cust_no"].to_numpy()[customers.bad]
    return {str(n) for n in numbers if n}, full and not left_out(intake, "customers", checked)
