"""Plotly figures of the segment explorer and the customer view. Pure: data and labels in,
figure out (labels come from the caller in the user's language). Names from data (segments)
are HTML-escaped: Plotly reads tags such as ``<a href>`` in its texts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.escape import html

LAYOUT = dict(
    margin=dict(l=10, r=10, t=30, b=10), separators=".,", legend=dict(orientation="h", y=1.12)
)


def segment_bars(sizes: pd.DataFrame, names: list[str], labels: dict[str, str]) -> go.Figure:
    """Customers per segment (bars) with each segment's share of deposits (text)."""
    fig = go.Figure(
        go.Bar(
            x=sizes["customers"],
            y=[html(n) for n in names],
            orientation="h",
            marker_color="#31a354",
            text=[f"{s:.1%}" for s in sizes["deposit_share"]],
            textposition="outside",
            hovertemplate="%{y}<br>" + labels["customers"] + " %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(260, 42 * len(sizes) + 80),
        xaxis_title=labels["customers"],
        yaxis=dict(autorange="reversed"),
        title=labels["title"],
        **LAYOUT,
    )
    fig.update_xaxes(tickformat=",d")
    return fig


def pareto_chart(curve: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Share of deposits held by the top x % of customers, with the 80/20 reference."""
    fig = go.Figure(
        [
            go.Scatter(
                x=curve["top"] * 100,
                y=curve["share"] * 100,
                mode="lines",
                name=labels["curve"],
                line=dict(color="#006d2c", width=3),
                hovertemplate=labels["hover"] + "<extra></extra>",
            ),
            go.Scatter(
                x=[0, 100],
                y=[0, 100],
                mode="lines",
                name=labels["equal"],
                line=dict(color="#999", dash="dot"),
            ),
        ]
    )
    fig.add_vline(x=20, line=dict(color="#d95f0e", dash="dash"))
    fig.update_layout(
        height=380,
        xaxis_title=labels["x"],
        yaxis_title=labels["y"],
        title=labels["title"],
        **LAYOUT,
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def penetration_heatmap(
    shares: pd.DataFrame, rows: list[str], columns: list[str], title: str
) -> go.Figure:
    """Product penetration (0-1) by segment as a heat map with the percentages written in."""
    z = shares.to_numpy() * 100
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=[html(r) for r in rows],
            colorscale="Greens",
            zmin=0,
            zmax=100,
            text=[[f"{v:.0f}%" for v in row] for row in z],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{z:.1f}%<extra></extra>",
            colorbar=dict(ticksuffix="%"),
        )
    )
    fig.update_layout(height=max(260, 40 * len(rows) + 100), title=title, **LAYOUT)
    fig.update_yaxes(autorange="reversed")
    return fig


def trend_chart(trend: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Month-end deposits, loans and wealth (万元) over the last twelve months."""
    month = pd.to_datetime(trend["month"]).dt.strftime("%Y-%m")
    fig = go.Figure(
        [
            go.Scatter(x=month, y=trend[col] / 1e4, mode="lines+markers", name=labels[col])
            for col in ("deposit_balance", "loan_balance", "wealth_balance")
            if trend[col].abs().sum() > 0
        ]
    )
    fig.update_layout(height=300, yaxis_title=labels["unit"], title=labels["title"], **LAYOUT)
    fig.update_yaxes(tickformat=",.2f")
    return fig
