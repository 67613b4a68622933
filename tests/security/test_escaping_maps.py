"""Script from data (issue 10, finding 2): hostile names in every data field of every map the
app builds (geo/mapview.py and the core/ui builders) render as text, and the Markdown escape
leaves nothing that forms Markdown. Pure: the folium HTML is rendered and its script parsed.
"""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
from shapely.geometry import box

from core.escape import html as html_escape
from core.escape import js_template_html, markdown, markdown_code
from core.grids.map_data import MapLayers
from geo.mapview import build_draw_map, build_grid_map, build_route_map
from geo.reference_layer import simplify_reference

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`;alert(1);`",
    "a\u2028b\u2029c",
    "'\";alert(1);//",
    "\\`${alert(1)}\\",
    "[x](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "网格<b>一</b>&amp;",
]
# what must never appear in a page built from the payloads above
FORBIDDEN = [
    "<img",
    "<script>alert",
    "</script><script>",
    "${alert",
    "`;alert",
    "onerror=alert(1)>",
]


def square(i: int):
    return box(107.2 + 0.02 * i, 25.8, 107.22 + 0.02 * i, 25.82)


def frames(names: list[str]):
    n = len(names)
    level1 = pd.DataFrame(
        {
            "id": range(1, n + 1),
            "name": names,
            "polygon": [square(i) for i in range(n)],
            "label": names,
        }
    )
    level2 = pd.DataFrame(
        {
            "id": range(101, 101 + n),
            "name": names,
            "polygon": [square(i).buffer(-0.002) for i in range(n)],
            "label": names,
        }
    )
    outlets = pd.DataFrame(
        {"name": names, "lon": [107.21 + 0.02 * i for i in range(n)], "lat": [25.81] * n}
    )
    return level1, level2, outlets


def tooltips(page: str) -> list[str]:
    """The text inside every ``bindTooltip(`...`)`` template literal (folium's Tooltip)."""
    return [
        re.sub(r"^\s*<div>\s*|\s*</div>\s*$", "", m.group(1))
        for m in re.finditer(r"bindTooltip\(\s*`(.*?)`\s*,", page, re.S)
    ]


def map_labels(page: str) -> list[tuple[str, str]]:
    """(HTML, CSS classes) of every label ``geo.map_labels.Labels`` wrote (a JSON array)."""
    decoder = json.JSONDecoder()
    out = []
    for m in re.finditer(r"_data = ", page):
        data, _ = decoder.raw_decode(page, m.end())
        out += [(lab[2], lab[3]) for lab in data]
    return out


def shape_tips(page: str) -> list[str]:
    """The hover text (``tip``) of every feature ``geo.reference_layer.Shapes`` wrote."""
    decoder = json.JSONDecoder()
    tips = []
    for m in re.finditer(r"_shapes = ", page):
        data, _ = decoder.raw_decode(page, m.end())
        tips += [f["properties"]["tip"] for f in data["features"] if f["properties"]]
    return tips


def geojson_names(page: str) -> list[str]:
    """The ``name`` property of every GeoJSON feature in the page."""
    decoder = json.JSONDecoder()
    names = []
    for m in re.finditer(r"_add\(", page):
        data, _ = decoder.raw_decode(page, m.end())
        names += [f["properties"]["name"] for f in data["features"]]
    return names


def assert_inert(page: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in page, bad
    for text in tooltips(page):  # a template literal: no interpolation, no way out
        assert "`" not in text and "${" not in text and "\\" not in text, text


def shown(fragment: str) -> str:
    """What a browser shows for an HTML fragment of text (entities resolved)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_grid_map_shows_every_hostile_name_as_text():
    level1, level2, outlets = frames(PAYLOADS)
    customers = pd.DataFrame({"lon": [107.21], "lat": [25.81]})
    page = (
        build_grid_map(
            level1,
            level2,
            outlets,
            customers,
            colors1=["#fff"] * len(PAYLOADS),
            colors2=["#000"] * len(PAYLOADS),
            label_level2=True,
        )
        .get_root()
        .render()
    )
    assert_inert(page)
    # outlet tooltips: the names, escaped for the template literal, shown as the names
    assert sorted(shown(t) for t in tooltips(page)) == sorted(PAYLOADS)
    # grid labels (level 1 and 2): exactly the names, as text
    labels = [shown(h) for h, classes in map_labels(page) if "grid-label" in classes]
    assert sorted(labels) == sorted(PAYLOADS * 2)
    # hover tooltips (GeoJsonTooltip builds innerHTML from the properties)
    assert sorted(html.unescape(n) for n in geojson_names(page)) == sorted(PAYLOADS * 2)
    assert all("<" not in n and "`" not in n for n in geojson_names(page))


def hostile_territory():
    """Townships and villages named by the payloads (a bank's own files name them)."""
    n = len(PAYLOADS)
    towns = pd.DataFrame(
        {
            "code": [f"t{i}" for i in range(n)],
            "name": PAYLOADS,
            "polygon": [square(i) for i in range(n)],
        }
    )
    villages = pd.DataFrame(
        {
            "code": [f"v{i}" for i in range(n)],
            "name": PAYLOADS,
            "short_name": "",
            "town_code": towns["code"],
            "town_name": PAYLOADS,
            "lon": [107.21 + 0.02 * i for i in range(n)],
            "lat": 25.81,
            "illustrative": True,
            "polygon": [square(i) for i in range(n)],
        }
    )
    return simplify_reference(towns, villages).with_texts("乡镇/村社区", "示意范围", "村界为示意")


def test_territory_names_are_text_on_every_map():
    """Village and township names in labels and the villages' hover texts, on the grid,
    draw and route maps."""
    ref = hostile_territory()
    level1, level2, outlets = frames(["网格"])
    stops = pd.DataFrame({"day": [1], "seq": [1], "lon": [107.21], "lat": [25.81], "name": ["甲"]})
    pages = [
        build_grid_map(
            level1.iloc[0:0],
            level2.iloc[0:0],
            outlets.iloc[0:0],
            outlets.iloc[0:0][["lon", "lat"]],
            colors1=[],
            colors2=[],
            reference=ref,
        ),
        build_draw_map(level2.iloc[0:0], None, reference=ref),
        build_route_map((107.2, 25.8), stops, reference=ref),
    ]
    for folium_map in pages:
        page = folium_map.get_root().render()
        assert_inert(page)
        labels = map_labels(page)
        for kind in ("town-label", "village-label"):
            names = [shown(h) for h, classes in labels if kind in classes]
            if folium_map is pages[2]:  # the route map shows the territory near the route
                assert names and set(names) <= set(PAYLOADS), kind
            else:
                assert sorted(names) == sorted(PAYLOADS), kind
        tips = [shown(t) for t in shape_tips(page)]
        assert tips and all(t.endswith(" · 示意范围") for t in tips)
        assert {t.split(" · ")[0] for t in tips} <= set(PAYLOADS)
        assert all("<" not in t and "`" not in t and "${" not in t for t in shape_tips(page))


def test_route_map_stop_tooltips_are_text():
    stops = pd.DataFrame(
        {
            "day": [1] * len(PAYLOADS),
            "seq": range(1, len(PAYLOADS) + 1),
            "lon": [107.21 + 0.001 * i for i in range(len(PAYLOADS))],
            "lat": [25.81] * len(PAYLOADS),
            "name": PAYLOADS,
        }
    )
    page = build_route_map((107.2, 25.8), stops).get_root().render()
    assert_inert(page)
    texts = sorted(shown(t) for t in tooltips(page))
    expected = sorted([f"1-{i} {p}" for i, p in enumerate(PAYLOADS, start=1)] + ["网点 / outlet"])
    assert texts == expected


def test_draw_map_tooltips_are_text():
    level1, level2, _ = frames(PAYLOADS)
    page = build_draw_map(level2, level1.iloc[:1]).get_root().render()
    assert_inert(page)
    assert sorted(html.unescape(n) for n in geojson_names(page)) == sorted(PAYLOADS + PAYLOADS[:1])


def test_core_ui_map_builder_escapes_too():
    """The builder the map, explorer and visit-check pages call (core.ui.grids)."""
    from core.ui.grids import folium_grid_map

    level1, level2, outlets = frames(PAYLOADS)
    for frame in (level1, level2):
        frame["color"] = "#fff"
    layers = MapLayers(level1, level2, outlets, pd.DataFrame({"lon": [], "lat": []}), [])
    page = folium_grid_map(layers, "none").get_root().render()
    assert_inert(page)
    assert sorted(shown(t) for t in tooltips(page)) == sorted(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_js_template_html_is_inert_in_a_template_literal(payload):
    text = js_template_html(payload)
    assert not set(text) & set("`$\\<>\u2028\u2029")
    assert html.unescape(text) == payload
    assert html.unescape(html_escape(payload)) == payload


# ---- Markdown ------------------------------------------------------------------------------

MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#!|~$:&@")


def unescaped_specials(text: str) -> list[str]:
    """Markdown-forming characters not preceded by a backslash (an escape of their own)."""
    bad, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in MARKDOWN_SPECIAL:
            bad.append(text[i])
        i += 1
    return bad


MD_PAYLOADS = [
    *PAYLOADS,
    "**bold** _it_ ~~s~~",
    "$\\frac{1}{2}$",
    ":red[x] :material/home:",
    "| a | b |",
    "# heading",
    "- item",
    "1. first",
    "> quote",
    "www.evil.com",
    "mail a@b.com",
    "<a href='javascript:x'>y</a>",
    "line\nbreak\r\n# h2",
    "&lt;b&gt;",
]


@pytest.mark.parametrize("payload", MD_PAYLOADS)
def test_markdown_escape_leaves_nothing_that_renders(payload):
    text = markdown(payload)
    assert unescaped_specials(text) == [], text
    assert "\n" not in text and "\r" not in text and "\u2028" not in text
    assert not re.match(r"\s*([-+>#=]|\d+[.)])", text), text  # no block marker at the start
    assert "www." not in text.lower()
    # what Markdown shows: the backslash escapes resolved, the payload on one line
    assert re.sub(r"\\(.)", r"\1", text) == re.sub(r"[\r\n\u2028\u2029]+", " ", payload)


@pytest.mark.parametrize("payload", MD_PAYLOADS)
def test_markdown_code_span_cannot_be_left(payload):
    text = markdown_code(payload)
    assert text.startswith("`") and text.endswith("`") and text.count("`") == 2
    assert "\n" not in text


def test_chart_names_are_escaped_for_plotly():
    """Plotly reads <a href>, <b>... in its texts: names from data go in HTML-escaped."""
    from core.customers.charts import penetration_heatmap, segment_bars
    from core.grids.overview import breakdown_chart

    table = pd.DataFrame({"name": PAYLOADS, "deposits_wan": 1.0, "loans_wan": 1.0})
    fig = breakdown_chart(table, {"deposits_wan": "存款", "loans_wan": "贷款", "unit": "万元"})
    sizes = pd.DataFrame({"customers": [1] * len(PAYLOADS), "deposit_share": 0.1})
    bars = segment_bars(sizes, PAYLOADS, {"customers": "客户", "title": "客群"})
    heat = penetration_heatmap(pd.DataFrame([[0.5]] * len(PAYLOADS)), PAYLOADS, ["存款"], "t")
    for labels in (fig.data[0].x, bars.data[0].y, heat.data[0].y):
        assert [html.unescape(v) for v in labels] == PAYLOADS
        assert not any("<" in v for v in labels)
