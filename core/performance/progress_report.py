"""The progress page's tables and charts as bankers read them: money in 万元, counts in
units, rates and completion in percent with one decimal; plotly figures of the monthly
target line against actual bars, and of the running totals with the run-rate forecast.

Pure: takes the frames of ``core.performance.progress`` and returns frames and figures.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.escape import markdown
from core.format import WAN
from core.i18n import column, t
from core.performance.progress import ProgressData, forecast_table, monthly_series

PROCESS = ("visits", "high_end_coverage", "marketing_success_rate")


def to_display(values, unit: str):
    """Stored values (yuan, units, percent) in the unit shown: 万元, units, percent."""
    return values / WAN if unit == "yuan" else values


def from_display(values, unit: str):
    """Shown values back to the stored unit (万元 to yuan)."""
    return values * WAN if unit == "yuan" else values


def fmt(value, unit: str) -> str:
    """A stored value as shown: 万元 with thousands separators and two decimals, counts
    whole, rates with two decimals; missing as a dash.

    Examples
    --------
    >>> fmt(123_456_789.0, "yuan"), fmt(1234.0, "count"), fmt(3.1234, "pct"), fmt(None, "pct")
    ('12,345.68', '1,234', '3.12', '—')
    """
    if value is None or value != value:
        return "—"
    if unit == "yuan":
        return f"{value / WAN:,.2f}"
    return f"{value:,.0f}" if unit == "count" else f"{value:.2f}"


def unit_label(unit: str, lang: str) -> str:
    return t(f"unit.{unit}", lang)


def metric_name(metrics: pd.DataFrame, code: str, lang: str) -> str:
    return str(metrics.loc[code, column("name", lang)])


def unit_name(data: ProgressData, level: str, org_id: int, lang: str) -> str:
    if level == "bank":
        return t("org.bank", lang)
    row = data.orgs[(data.orgs["org_level"] == level) & (data.orgs["org_id"] == org_id)]
    return str(row["name"].iloc[0]) if len(row) else str(org_id)


def _shape(
    rows: pd.DataFrame, metrics: pd.DataFrame, lang: str, name_col: str, as_text: bool
) -> pd.DataFrame:
    """Rows of ``progress_table`` as shown. ``as_text``: amounts as formatted text (a table
    mixing units); else numbers in the shown unit (one metric per table)."""
    unit = rows["metric"].map(metrics["unit"])

    def amount(col):
        if as_text:
            return [fmt(v, u) for v, u in zip(rows[col], unit, strict=False)]
        return [to_display(v, u) for v, u in zip(rows[col], unit, strict=False)]

    def percent(values):
        return [f"{v:.1f}" if v == v else "—" for v in values] if as_text else values

    out = pd.DataFrame(
        {
            "name": rows[name_col],
            "unit": unit.map(lambda u: unit_label(u, lang)),
            "target": amount("target"),
            "actual": amount("actual"),
            "completion_pct": percent(rows["completion_pct"]),
            "time_pct": percent(rows["due_pct"].where(rows["time_pct"].notna())),
            "gap": amount("gap"),
            "status": rows["status"].map(lambda s: t(f"status.{s}", lang) if s else "—"),
            "rank": (
                [str(int(r)) if r == r else "—" for r in rows["rank"]]
                if as_text
                else rows["rank"].astype("Int64")
            ),
        }
    )
    return out.reset_index(drop=True)


def metric_rows(
    table: pd.DataFrame, data: ProgressData, level: str, org_id: int, lang: str
) -> pd.DataFrame:
    """One unit, every metric with a target (in catalogue order)."""
    rows = table[(table["org_level"] == level) & (table["org_id"] == org_id)].copy()
    rows["label"] = rows["metric"].map(lambda c: metric_name(data.metrics, c, lang))
    peers = table.loc[table["org_level"] == level, "org_id"].nunique()
    if peers < 2:  # alone at its level in this scope: a rank says nothing
        rows["rank"] = float("nan")
    return _shape(rows, data.metrics, lang, "label", as_text=True)


def child_rows(
    table: pd.DataFrame, data: ProgressData, level: str, org_id: int, metric: str, lang: str
) -> pd.DataFrame:
    """The units one level below ``level``/``org_id`` for one metric, best first."""
    below = {"bank": "branch", "branch": "manager"}.get(level)
    rows = table[(table["org_level"] == below) & (table["metric"] == metric)]
    if below == "manager":
        rows = rows[rows["branch_id"] == org_id]
    rows = rows.sort_values("lead_pts", ascending=False, na_position="last")
    out = _shape(
        rows.assign(rank=range(1, len(rows) + 1)), data.metrics, lang, "name", as_text=False
    )
    return out.drop(columns="time_pct") if data.metrics.loc[metric, "kind"] == "rate" else out


def lag_rows(warnings: pd.DataFrame, data: ProgressData, lang: str) -> pd.DataFrame:
    """滞后预警: who, what, completion against time progress, how far behind (points and
    in the metric's unit)."""
    unit = warnings["metric"].map(data.metrics["unit"])
    level = warnings["org_level"].map(lambda lv: t(f"level.{lv}", lang))
    return pd.DataFrame(
        {
            "who": level + " · " + warnings["name"].astype(str),
            "metric": warnings["metric"].map(lambda c: metric_name(data.metrics, c, lang)),
            "completion_pct": warnings["completion_pct"],
            "time_pct": warnings["due_pct"],
            "behind_pts": -warnings["lead_pts"],
            "behind": [fmt(v, u) for v, u in zip(warnings["behind"], unit, strict=False)],
            "unit": unit.map(lambda u: unit_label(u, lang)),
            "status": warnings["status"].map(lambda s: t(f"status.{s}", lang)),
        }
    ).reset_index(drop=True)


def lag_lines(warnings: pd.DataFrame, data: ProgressData, lang: str, top: int = 8) -> list[str]:
    """The furthest-behind warnings as Markdown sentences (who, what, completion, time
    progress, points behind, amount behind); names are escaped."""
    unit = warnings["metric"].map(data.metrics["unit"])
    # a rate's shortfall is in percentage points
    label = {
        u: t("unit.points", lang) if u == "pct" else unit_label(u, lang)
        for u in ("yuan", "count", "pct")
    }
    kind = warnings["metric"].map(data.metrics["kind"])

    def line(r, u, k):
        who = f"{t(f'level.{r.org_level}', lang)} {markdown(r.name)}"  # shown as Markdown
        metric = metric_name(data.metrics, r.metric, lang)
        if k == "rate":  # a level: actual against the target level, in points
            return t(
                "progress.lag_line_rate",
                lang,
                who=who,
                metric=metric,
                actual=fmt(r.actual, u),
                target=fmt(r.target, u),
                gap=fmt(r.gap, u),
            )
        return t(
            "progress.lag_line",
            lang,
            who=who,
            metric=metric,
            done=f"{r.completion_pct:.1f}",
            due=f"{r.due_pct:.1f}",
            behind=f"{-r.lead_pts:.1f}",
            amount=f"{fmt(r.behind, u)}{label[u]}",
        )

    return [
        line(r, u, k) for r, u, k in zip(warnings.head(top).itertuples(), unit, kind, strict=False)
    ]


def forecast_rows(f: pd.DataFrame, data: ProgressData, lang: str) -> pd.DataFrame:
    """The run-rate forecast per metric of one unit (``forecast_table``), with the month a
    target is missed."""
    unit = f["metric"].map(data.metrics["unit"])
    miss = f["miss_month"].map(
        lambda m: (
            t("progress.miss_in", lang, month=int(m))
            if m == m and m is not None
            else t("progress.on_course", lang)
        )
    )
    return pd.DataFrame(
        {
            "metric": f["metric"].map(lambda c: metric_name(data.metrics, c, lang)),
            "unit": unit.map(lambda u: unit_label(u, lang)),
            "target": [fmt(v, u) for v, u in zip(f["target"], unit, strict=False)],
            "year_end": [fmt(v, u) for v, u in zip(f["year_end"], unit, strict=False)],
            "pct": f["pct"],
            "miss": miss,
        }
    )


def process_indicators(table: pd.DataFrame, level: str, org_id: int) -> dict[str, dict]:
    """Visits against plan, high-end visit coverage and marketing success of one unit:
    {metric: {actual, target, completion_pct, lead_pts, status}} (missing ones left out)."""
    rows = table[
        (table["org_level"] == level) & (table["org_id"] == org_id) & table["metric"].isin(PROCESS)
    ].set_index("metric")
    return {
        m: rows.loc[m, ["actual", "target", "completion_pct", "lead_pts", "status"]].to_dict()
        for m in PROCESS
        if m in rows.index
    }


def trend_figures(
    data: ProgressData,
    level: str,
    org_id: int,
    metric: str,
    lang: str,
    forecast: pd.DataFrame | None = None,
) -> tuple[go.Figure, go.Figure]:
    """Monthly target line against actual bars; running totals (flows) or the month-end
    path (stocks, rates) with the run-rate forecast (``forecast_table``) dashed."""
    s = monthly_series(data, level, org_id, metric)
    unit = data.metrics.loc[metric, "unit"]
    kind = data.metrics.loc[metric, "kind"]
    months = [t("progress.month_n", lang, month=m) for m in s["month"]]
    label = unit_label(unit, lang)
    monthly = go.Figure(
        [
            go.Bar(
                name=t("progress.actual", lang),
                x=months,
                y=to_display(s["actual"], unit),
                marker_color="#2e75b6",
            ),
            go.Scatter(
                name=t("progress.target", lang),
                x=months,
                y=to_display(s["target"], unit),
                mode="lines+markers",
                line=dict(color="#c00000"),
            ),
        ]
    )
    cum = go.Figure(
        [
            go.Scatter(
                name=t("progress.cum_target", lang),
                x=months,
                y=to_display(s["cum_target"], unit),
                mode="lines",
                line=dict(color="#c00000"),
            ),
            go.Scatter(
                name=t("progress.cum_actual", lang),
                x=months,
                y=to_display(s["cum_actual"], unit),
                mode="lines+markers",
                line=dict(color="#2e75b6"),
            ),
        ]
    )
    f = forecast_table(data, level, org_id) if forecast is None else forecast
    f = f[f["metric"] == metric]
    last = s["cum_actual"].last_valid_index()
    if len(f) and last is not None and kind in ("flow", "stock"):
        cum.add_trace(
            go.Scatter(
                name=t("progress.forecast", lang),
                x=[months[last], months[-1]],
                y=to_display(pd.Series([s["cum_actual"][last], f["year_end"].iloc[0]]), unit),
                mode="lines",
                line=dict(color="#2e75b6", dash="dash"),
            )
        )
    for fig, title in (
        (monthly, t("progress.chart_monthly", lang)),
        (cum, t("progress.chart_cumulative" if kind == "flow" else "progress.chart_path", lang)),
    ):
        fig.update_layout(
            title=title,
            height=340,
            margin=dict(l=10, r=10, t=40, b=10),
            yaxis_title=label,
            legend=dict(orientation="h", y=-0.15),
            separators=".,",
        )
        fig.update_yaxes(
            tickformat=",.2f" if unit == "yuan" else ",.0f" if unit == "count" else ".1f"
        )
    return monthly, cum


# ---- the targets page ------------------------------------------------------------------


def plan_frame(plan: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A proposed split as the editor shows it (money in 万元, weights in percent)."""
    return pd.DataFrame(
        {
            "name": plan["name"],
            "last_year": to_display(plan["last_year"], unit),
            "weight": (100 * plan["weight"]).round(2),
            "current": to_display(plan["current"], unit),
            "target": to_display(plan["target"], unit),
        }
    )


def edited_targets(edited: pd.DataFrame, unit: str) -> pd.Series:
    """The editor's target column back in the stored unit (whole yuan or units; rates to
    0.01); text or empty cells stay NaN for ``check_split`` to name."""
    values = from_display(pd.to_numeric(edited["target"], errors="coerce"), unit)
    return values.round(2 if unit == "pct" else 0)


def history_rows(history: pd.DataFrame, data: ProgressData, lang: str) -> pd.DataFrame:
    """Target changes with unit and metric names, values in the shown unit."""
    names = data.orgs.set_index(["org_level", "org_id"])["name"]
    unit = history["metric"].map(data.metrics["unit"])
    org = [
        t("org.bank", lang) if lv == "bank" else names.get((lv, o), str(o))
        for lv, o in zip(history["org_level"], history["org_id"], strict=False)
    ]
    return pd.DataFrame(
        {
            "at": history["at"],
            "user": history["user"].fillna("—"),
            "org": org,
            "metric": history["metric"].map(lambda c: metric_name(data.metrics, c, lang)),
            "month": history["month"].map(
                lambda m: (
                    t("period.year", lang) if m == 0 else t("progress.month_n", lang, month=int(m))
                )
            ),
            "old": [fmt(v, u) for v, u in zip(history["old_value"], unit, strict=False)],
            "new": [fmt(v, u) for v, u in zip(history["new_value"], unit, strict=False)],
            "unit": unit.map(lambda u: unit_label(u, lang)),
            "source": history["source"].map(lambda s: t(f"source.{s}", lang)),
        }
    )
