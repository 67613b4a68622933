"""Map labels that do not pile up: each shows from the zoom level where it fits its area.

A label is a non-interactive ``L.divIcon`` (clicks and hovers go through it to the grid
below); the labels of a layer are written as one JSON array and one loop, not a folium
``Marker`` each (about 60 bytes a label instead of 600). A label that must wait for a zoom
level carries the class ``minz-N``; :class:`ZoomClasses` keeps the classes ``zoom-ge-N`` on
the map's container up to date on ``zoomend`` (for every N the map uses), and the CSS of
:func:`zoom_css` shows a ``minz-N`` label only inside a ``zoom-ge-N`` container. Our own
few lines of JavaScript: nothing is loaded for it.

Label texts are HTML (Leaflet sets a divIcon's ``html`` as ``innerHTML``): callers pass
them through ``core.escape.js_template_html``; the array is written by :func:`script_json`
(``<``, ``>``, ``&`` and ``'`` as ``\\u00XX``), so nothing in a label can end the script.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

import folium
import shapely
from branca.element import MacroElement
from folium.template import Template

MAX_ZOOM = 18  # the maps' maxZoom
TILE = 256  # pixels of the world's width at zoom 0


def script_json(value) -> str:
    r"""Compact JSON to write inside a ``<script>``: no spaces, characters as themselves
    (Chinese names at 3 bytes, not 6), and ``< > & '``, U+2028 and U+2029 escaped, so no
    string in it can end the script or the line.

    Examples
    --------
    >>> print(script_json({"n": "</script>", "c": [1.5, 2]}))
    {"n":"\u003c/script\u003e","c":[1.5,2]}
    >>> script_json(["网格"])
    '["网格"]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def text_width_px(text: str, font_px: float) -> float:
    """Roughly how wide ``text`` is drawn: wide (CJK) characters a font size each, others
    0.6 of it.

    Examples
    --------
    >>> text_width_px("新舟村", 10)
    30.0
    >>> text_width_px("ab", 10)
    12.0
    """
    return float(sum(font_px if ord(c) > 0x2E7F else 0.6 * font_px for c in text))


def fit_zoom(area: shapely.Geometry | None, text: str, font_px: float, floor: int = 0) -> int:
    """The lowest zoom level (at least ``floor``) where ``text`` fits inside ``area``.

    The area's on-screen size is taken as the side of a square of its area (a long thin
    grid gets its label later than its width alone would say); the label must fit its width
    and the line's height. Web Mercator: a degree of longitude is ``256 * 2**z / 360``
    pixels at zoom ``z``, a degree of latitude that divided by ``cos(latitude)``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> fit_zoom(box(107.0, 25.8, 107.02, 25.82), "网格一", 11)  # ~2 km square
    12
    >>> fit_zoom(box(107.0, 25.8, 107.02, 25.82), "网格一", 11, floor=13)
    13
    >>> fit_zoom(None, "网格一", 11, floor=12)
    12
    """
    if area is None or area.is_empty or area.area <= 0:
        return max(floor, 0)
    lat = math.radians(area.centroid.y)
    px_per_degree = TILE / 360
    side0 = math.sqrt(area.area * px_per_degree**2 / max(math.cos(lat), 1e-6))  # at zoom 0
    need = max(text_width_px(text, font_px) * 1.1, font_px * 1.6)
    zoom = math.ceil(math.log2(need / side0)) if side0 > 0 else MAX_ZOOM
    return min(max(zoom, floor, 0), MAX_ZOOM)


def label(lat: float, lon: float, text_html: str, classes: str, min_zoom: int | None = None):
    """One label: position, HTML text (already escaped) and CSS classes; ``min_zoom`` adds
    the class that hides it below that zoom level."""
    if min_zoom is not None:
        classes = f"{classes} minz-{int(min_zoom)}"
    return [round(float(lat), 5), round(float(lon), 5), text_html, classes]


class Labels(MacroElement):
    """Text labels (from :func:`label`) added to the parent layer (a map or feature group),
    not interactive, centred on their point."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_data = {{ this.data }};
        {{ this.get_name() }}_data.forEach(function (l) {
            L.marker([l[0], l[1]], {interactive: false, keyboard: false,
                icon: L.divIcon({className: "gm-label " + l[3], html: "<span>" + l[2] + "</span>",
                                 iconSize: [0, 0]})}).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[list]):
        super().__init__()
        self._name = "Labels"
        self.labels = labels
        self.data = script_json(labels)


class ZoomClasses(MacroElement):
    """Keeps ``zoom-ge-N`` on the map's container for every N in ``levels`` not above the
    zoom (set now, and again on every ``zoomend``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, levels) {
            var box = map.getContainer();
            function mark() {
                var z = map.getZoom();
                levels.forEach(function (n) { box.classList.toggle("zoom-ge-" + n, z >= n); });
            }
            map.on("zoomend", mark);
            map.whenReady(mark);
        })({{ this._parent.get_name() }}, {{ this.levels|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, levels: Iterable[int]):
        super().__init__()
        self._name = "ZoomClasses"
        self.levels = sorted({int(n) for n in levels})


def min_zooms(labels: Iterable[list]) -> set[int]:
    """The ``minz-N`` levels the labels use."""
    return {int(c[5:]) for lab in labels for c in lab[3].split() if c.startswith("minz-")}


def zoom_css(levels: Iterable[int]) -> str:
    """CSS that hides ``minz-N`` labels until the container has ``zoom-ge-N``, and the
    labels' common look (centred on their point, one line, clicks pass through).

    Examples
    --------
    >>> ".zoom-ge-12 .minz-12{display:block}" in zoom_css([12])
    True
    """
    rules = [
        ".gm-label{pointer-events:none}"
        ".gm-label>span{position:absolute;left:0;top:0;transform:translate(-50%,-50%);"
        "white-space:nowrap;text-align:center;text-shadow:0 0 3px #fff,0 0 2px #fff}"
    ]
    for n in sorted(set(levels)):
        rules.append(
            f".leaflet-container .minz-{n}{{display:none}}"
            f".leaflet-container.zoom-ge-{n} .minz-{n}{{display:block}}"
        )
    return "".join(rules)


def add_zoom_labels(m: folium.Map, labels: list[list]) -> None:
    """Set up what the map's labels (every :class:`Labels` of it) need: the zoom classes
    for the levels they use and the CSS."""
    levels = min_zooms(labels)
    if levels:
        ZoomClasses(levels).add_to(m)
    m.get_root().header.add_child(folium.Element(f"<style>{zoom_css(levels)}</style>"))
