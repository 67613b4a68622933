"""Glue of the head-office page 数据加载 (data): a bank's files uploaded, their headers mapped
to our columns (a mapping profile picked, edited, saved), checked (a dry run), loaded with a
progress bar; the history of loads with their problem reports; the templates.

The computation is :mod:`core.bank_data` (the loader checks the role and audits the load,
the profiles audit their saves). Reads are cached by database URL and data version; a load
clears every cache (it changes customers, grids, territory, tags), a check or a profile
change the caches of this page. Every string from a file is data: it reaches the page in
``st.dataframe`` cells (text) or escaped Markdown, and the Excel reports formula-safe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from core.bank_data.checks import report_xlsx
from core.bank_data.headers import match_headers, normalise
from core.bank_data.load import LoadOptions, LoadResult, load_files
from core.bank_data.preview import (
    COUNT_LABELS,
    check_headers,
    column_labels,
    counts_frame,
    edited_mapping,
    file_head,
    problem_frame,
    runs_frame,
    templates_zip,
)
from core.bank_data.profiles import delete_profile, list_profiles, load_profile, save_profile
from core.bank_data.runs import load_runs, run_problems
from core.bank_data.spec import KINDS
from core.db import get_engine
from core.files import downloads
from core.models import LoadRun, MappingProfile
from core.problems import ProblemError
from core.ui.downloads import logged_download
from core.ui.errors import show_problems, user_errors
from core.ui.frame import database_url, engine, lang, md, pick, tr, tr_md

DATA_FILE_TYPES = ("csv", "txt", "xlsx", "geojson", "json", "zip", "kml")
SHOWN = 1_000  # problems listed on the page; the report holds them all
HISTORY = 50  # loads listed
_RESULT = "data_result"  # (fingerprint of files and options, LoadResult) of the last run
_PENDING_PROFILE = "data_profile_pending"  # the profile to pick on the next run
_NOTICE = "data_notice"  # (i18n key, values) to show once


# ---- cached reads ------------------------------------------------------------------------


@st.cache_data(ttl=30, show_spinner=False)
def _runs_version(url: str) -> tuple:
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(select(func.count(), func.max(LoadRun.id))).one())


@st.cache_data(ttl=600, show_spinner=False, max_entries=8)
def _runs(url: str, version: tuple) -> pd.DataFrame:
    return load_runs(get_engine(url), HISTORY)


@st.cache_data(ttl=30, show_spinner=False)
def _profiles_version(url: str) -> tuple:
    with get_engine(url).connect() as conn:
        row = conn.execute(select(func.count(), func.max(MappingProfile.updated_at))).one()
    return (row[0], str(row[1]))


@st.cache_data(ttl=600, show_spinner=False, max_entries=8)
def _profiles(url: str, version: tuple) -> pd.DataFrame:
    return list_profiles(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def _profile(url: str, version: tuple, name: str) -> dict:
    return load_profile(get_engine(url), name)


def _profiles_changed() -> None:
    _profiles_version.clear()
    _profiles.clear()
    _profile.clear()


def _runs_changed() -> None:
    _runs_version.clear()
    _runs.clear()


@st.cache_resource(ttl=3600, max_entries=64, show_spinner=False)
def _head(digest: str, name: str, _data: bytes):
    """A file's header row, or the problems that keep it from being read, once per content
    (a resource, not pickled: problems do not pickle; the key is the content's digest)."""
    try:
        return file_head(_data, name)
    except ProblemError as err:
        return err.problems


def _cached_head(data: bytes, name: str):
    found = _head(hashlib.blake2b(data).hexdigest(), name, data)
    if isinstance(found, list):
        raise ProblemError(found)
    return found


def profile_table() -> pd.DataFrame:
    """Every mapping profile: name, last saved, the kinds of file it maps."""
    url = database_url()
    return _profiles(url, _profiles_version(url))


def profile_mapping(name: str) -> dict:
    """The profile ``name`` as ``{stem: {their header: our key}}``."""
    url = database_url()
    return _profile(url, _profiles_version(url), name)


def data_notice() -> None:
    """The message a write left for this run (a profile saved or deleted), shown once."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        key, values = notice
        st.success(tr_md(key, **values))


# ---- the files and the mapping -----------------------------------------------------------


def data_files(uploads) -> dict[str, bytes]:
    """The uploaded files as the loader takes them: name -> content."""
    return {u.name: u.getvalue() for u in uploads or []}


def _kind_title(kind) -> str:
    return pick(kind.title, kind.title_en)


def profile_picker() -> str | None:
    """The mapping profile to start from (None: the files' own headers)."""
    names = list(profile_table()["name"])
    pending = st.session_state.pop(_PENDING_PROFILE, None)
    if pending is not None:
        st.session_state["data_profile"] = pending
    if st.session_state.get("data_profile", "") not in ["", *names]:
        st.session_state["data_profile"] = ""  # deleted meanwhile
    shown = {"": tr("data.profile_none")} | {n: n for n in names}
    choice = st.selectbox(
        tr("data.profile"),
        list(shown),
        format_func=shown.get,
        key="data_profile",
        help=tr("data.profile_help"),
    )
    return choice or None


def _digest(*parts) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def _editor(check, given: dict, profile: str | None) -> dict:
    """One file's headers, each with the column it is taken for (a selectbox each); its
    mapping as edited (see :func:`core.bank_data.preview.edited_mapping`)."""
    labels = {"": tr("data.map.ignore")} | column_labels(check.kind)
    options = list(labels)
    title = tr_md("data.map.title", file=check.file, kind=_kind_title(check.kind))
    icon = ":material/check_circle:" if check.ok else ":material/error:"
    with st.expander(title, expanded=not check.ok, icon=icon):
        if not check.head.headers:  # the file cannot be read: the check says why
            show_problems(check.problems)
            return {}
        st.caption(tr("data.map.caption_ok" if check.ok else "data.map.caption"))
        prefix = f"data_map_{_digest(check.file, check.head.headers, profile)}"
        chosen: dict[str, str | None] = {}
        cells = st.columns(3)
        for i, header in enumerate(check.head.headers):
            if header not in check.start:
                continue  # an empty header
            sample = check.sample(i)
            start = check.start.get(header) or ""
            chosen[header] = (
                cells[i % 3].selectbox(
                    md(header),
                    options,
                    index=options.index(start) if start in options else 0,
                    format_func=labels.get,
                    key=f"{prefix}_{i}",
                    help=tr_md("data.map.sample", value=sample) if sample else None,
                )
                or None
            )
        mapping = edited_mapping(check, chosen, given)
        problems = match_headers(
            check.kind, check.head.headers, mapping, file=check.file, row=check.head.line
        )[2]
        if problems:
            show_problems(problems, "data.map.problems")
    return mapping


def header_mapping(files: dict[str, bytes], profile: str | None) -> dict:
    """Every table file's headers against our columns, editable; the mapping to load with
    (the profile's, with each file's edits)."""
    given = profile_mapping(profile) if profile else {}
    mapping = {stem: dict(headers) for stem, headers in given.items()}
    checks = check_headers(files, given, read=_cached_head)
    if not checks:
        st.caption(tr("data.map.none"))
    for check in checks:
        stem = check.kind.stem
        named = given.get(stem) or {}
        edited = _editor(check, named, profile)
        here = {normalise(h) for h in check.head.headers}
        kept = {h: k for h, k in named.items() if normalise(h) not in here}  # other exports'
        if edited or kept:
            mapping[stem] = kept | edited
        else:
            mapping.pop(stem, None)
    return mapping


def profile_form(user, mapping: dict, profile: str | None) -> None:
    """Save the mapping as a named profile (head office; audited), picked on the next run."""
    with st.expander(tr("data.profile_save_title")), st.form("data_profile_form"):
        name = st.text_input(
            tr("data.profile_name"), value=profile or "", max_chars=50, key="data_profile_name"
        )
        if st.form_submit_button(tr("data.profile_save")):
            with user_errors():
                save_profile(engine(), user, name, mapping)
                _profiles_changed()
                st.session_state[_PENDING_PROFILE] = name.strip()
                st.session_state[_NOTICE] = ("data.profile_saved", {"name": name.strip()})
                st.rerun()


# ---- checking and loading ----------------------------------------------------------------


def load_options(as_of: date, crs: str, mapping: dict, max_bad: float, full: bool) -> LoadOptions:
    """The load's options from the page's choices (the source: ``upload``, the
    loader's word for a load from the browser)."""
    return LoadOptions(
        as_of=as_of,
        crs=crs,
        mapping=mapping,
        max_bad_pct=float(max_bad or 0),
        full=bool(full),
    )


def _fingerprint(files: dict[str, bytes], options: LoadOptions) -> str:
    h = hashlib.blake2b(digest_size=16)
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + hashlib.blake2b(files[name]).digest())
    chosen = (options.as_of, options.crs, options.mapping, options.max_bad_pct, options.full)
    h.update(json.dumps(chosen, ensure_ascii=False, sort_keys=True, default=str).encode())
    return h.hexdigest()


def last_result(files: dict[str, bytes], options: LoadOptions) -> LoadResult | None:
    """The last check or load of exactly these files and options in this tab, or None."""
    stored = st.session_state.get(_RESULT)
    if stored and stored[0] == _fingerprint(files, options):
        return stored[1]
    return None


def load_ready(files: dict[str, bytes], options: LoadOptions) -> bool:
    """Whether these files and options passed a check (the load button's condition)."""
    result = last_result(files, options)
    return result is not None and result.status == "dry_run"


def run_load(user, files: dict[str, bytes], options: LoadOptions, dry_run: bool) -> None:
    """Check (``dry_run``) or load the files with a progress bar; the result is kept for
    :func:`show_result`. A load clears every cache of the app and runs the page again."""
    bar = st.progress(0.0, text=tr("data.progress"))

    def progress(step: str, fraction: float) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=step)

    with user_errors():
        result = load_files(
            engine(), files, user, dataclasses.replace(options, dry_run=dry_run), progress
        )
        bar.progress(1.0, text=tr("data.progress_done"))
        st.session_state[_RESULT] = (_fingerprint(files, options), result)
        _runs_changed()
        if not dry_run:
            if result.status == "done":
                st.cache_data.clear()  # customers, grids, territory, tags: nearly every page
            st.rerun()  # the page as it now is: the result, the load closed until a new check


def _problem_table(problems: list, key: str) -> None:
    st.dataframe(
        problem_frame(problems, lang(), limit=SHOWN),
        hide_index=True,
        key=key,
        column_config={
            "file": tr("load.check.report.file"),
            "row": st.column_config.NumberColumn(tr("load.check.report.row"), format="%d"),
            "field": tr("load.check.report.field"),
            "value": tr("load.check.report.value"),
            "reason": st.column_config.TextColumn(tr("load.check.report.reason"), width="large"),
        },
    )
    if len(problems) > SHOWN:
        st.caption(tr("data.problems_more", shown=f"{SHOWN:,}", n=f"{len(problems):,}"))


def report_file(problems: list, notes: list, who: str, language: str = "zh") -> bytes:
    """The problem report as the page's download makes it (Excel, formula-safe)."""
    return report_xlsx(problems, language, notes=notes, who=who)


def _report_download(problems: list, notes: list, key: str, file_name: str, run=None) -> None:
    user, language = st.session_state.get("user"), lang()
    logged_download(
        tr("data.report"),
        key=key,
        what="load_report",
        build=lambda _stamp: report_file(problems, notes, downloads.who(user), language),
        file_name=file_name,
        rows=len(problems) + len(notes),
        filters={"run": run},
    )


def _counts_columns() -> dict:
    cols = {
        "kind": tr("data.col.kind"),
        "file": tr("data.col.file"),
        "more": tr("data.col.more"),
    }
    for key, label in COUNT_LABELS.items():
        cols[key] = st.column_config.NumberColumn(tr(label), format="%d")
    return cols


def show_result(files: dict[str, bytes], options: LoadOptions) -> None:
    """The last check or load of these files: its outcome, the counts per file, the
    problems (file, row, column, value, reason) with their report, and the notes."""
    result = last_result(files, options)
    if result is None:
        if st.session_state.get(_RESULT):
            st.caption(tr("data.result_stale"))
        return
    problems, notes = result.problems, result.notes
    n = f"{len(problems):,}"
    if result.status == "failed":
        st.error(tr("data.result.failed", n=n))
    elif result.status == "dry_run":
        st.success(tr("data.result.checked" if not problems else "data.result.checked_some", n=n))
    else:
        st.success(tr("data.result.done", run=result.run_id))
    if result.quarantined:
        st.warning(tr("data.result.quarantined", n=f"{result.quarantined:,}"))
    if result.grids_proposed:
        st.info(tr("data.result.grids", n=f"{result.grids_proposed:,}"))
    fitted = result.counts.get("profiles")
    if fitted:
        st.caption(
            tr("data.result.segments", k=fitted["k"])
            if fitted.get("segments_fitted")
            else tr("data.result.tags")
        )
    counts = counts_frame(result.counts, lang(), compact=True, files=files)
    if len(counts):
        st.dataframe(counts, hide_index=True, key="data_counts", column_config=_counts_columns())
    if problems:
        st.subheader(tr("data.problems", n=n))
        _problem_table(problems, "data_problems")
    if notes:
        with st.expander(tr("data.notes", n=f"{len(notes):,}")):
            _problem_table(notes, "data_notes")
    if problems or notes:
        _report_download(problems, notes, "data_report", "load-report.xlsx", result.run_id)


# ---- the history, the profiles, the templates -------------------------------------------


def load_history() -> None:
    """The latest loads (checks too) with their counts; a chosen one's problems and report."""
    url = database_url()
    runs = _runs(url, _runs_version(url))
    if runs.empty:
        st.info(tr("data.history.empty"))
        return
    frame = runs_frame(runs, lang())
    st.dataframe(
        frame,
        hide_index=True,
        key="data_history",
        column_config={
            "id": tr("data.history.id"),
            "started_at": st.column_config.DatetimeColumn(
                tr("data.history.at"), format="YYYY-MM-DD HH:mm"
            ),
            "source": tr("data.history.source"),
            "batch": tr("data.history.batch"),
            "as_of": tr("data.history.as_of"),
            "status": tr("data.history.status"),
            "seconds": st.column_config.NumberColumn(tr("data.history.seconds"), format="%.1f"),
            "problems": tr("data.history.problems"),
            "quarantined": tr("data.history.quarantined"),
            "files": tr("data.history.files"),
            "rows": tr("data.history.rows"),
            "summary": st.column_config.TextColumn(tr("data.history.summary"), width="large"),
        },
    )
    runs_shown = {
        i: tr("data.history.run", id=i, at=f"{at:%Y-%m-%d %H:%M}", status=status)
        for i, at, status in zip(frame["id"], frame["started_at"], frame["status"], strict=False)
    }
    run_id = st.selectbox(
        tr("data.history.pick"),
        list(runs_shown),
        format_func=runs_shown.get,
        key="data_history_run",
    )
    problems = run_problems(engine(), int(run_id))  # one row; Problems do not pickle
    if not problems:
        st.caption(tr("data.history.no_problems"))
        return
    _problem_table(problems, "data_history_problems")
    _report_download(problems, [], "data_history_report", f"load-{run_id}-report.xlsx", run_id)


def profiles_section(user) -> None:
    """Every mapping profile, what the chosen one maps, and its deletion (audited)."""
    table = profile_table()
    if table.empty:
        st.info(tr("data.profiles.empty"))
        return
    st.dataframe(
        table,
        hide_index=True,
        key="data_profiles",
        column_config={
            "name": tr("data.profiles.name"),
            "updated_at": st.column_config.DatetimeColumn(
                tr("data.profiles.updated_at"), format="YYYY-MM-DD HH:mm"
            ),
            "kinds": tr("data.profiles.kinds"),
        },
    )
    name = st.selectbox(tr("data.profiles.pick"), list(table["name"]), key="data_profiles_pick")
    rows = [
        (stem, header, column_labels(stem).get(key) if key else tr("data.map.ignore"))
        for stem, headers in profile_mapping(name).items()
        for header, key in headers.items()
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=["stem", "header", "column"]),
        hide_index=True,
        key="data_profile_rows",
        column_config={
            "stem": tr("data.profiles.stem"),
            "header": tr("data.profiles.header"),
            "column": tr("data.profiles.column"),
        },
    )
    if st.button(tr("data.profiles.delete"), key="data_profiles_delete"):
        with user_errors():
            delete_profile(engine(), user, name)
            _profiles_changed()
            st.session_state[_NOTICE] = ("data.profiles.deleted", {"name": name})
            st.rerun()


TEMPLATE_FILES = sum(1 for k in KINDS if not k.polygons) + 1  # and the field guide


def templates_download() -> None:
    """One zip of every empty template and the field guide (logged when clicked)."""
    logged_download(
        tr("data.templates.download"),
        key="data_templates",
        what="data_templates",
        build=templates_zip,
        file_name="bank-data-templates.zip",
        rows=TEMPLATE_FILES,
        mime="application/zip",
    )
