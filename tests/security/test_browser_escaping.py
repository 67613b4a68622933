"""Script from data in a real browser (issue 10, finding 2): a branch leader's grid named
``<img src=x onerror=alert(1)>`` (applied through core, as an import would) shows as text in
its map label, its hover tooltip and its card, and no dialog ever opens. Debian's Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.db import make_engine
from core.grids.changes import Change, apply, current_grids
from core.permissions import Actor
from core.scope import Scope
from tests.browser_helpers import FIRST_LOAD_MS, sign_in
from tests.browser_server import streamlit_server
from tests.helpers import copy_county, query

pytestmark = pytest.mark.browser
MAP = 'iframe[title="streamlit_folium.st_folium"]'
NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def county_url(tmp_path_factory, county_template):
    """A county whose branch leader's first second-level grid carries the payload."""
    url = f"sqlite:///{tmp_path_factory.mktemp('xss') / 'county.sqlite'}"
    copy_county(county_template("sqlite"), url)
    branch, user = query(url, "SELECT branch_id, id FROM app_user WHERE username = 'branch'")[0]
    engine = make_engine(url)
    grids = current_grids(engine, 2, branch)
    grids[0].name = NAME
    apply(engine, Change(2, grids, branch, action="import"), Actor(user, Scope("branch", branch)))
    engine.dispose()
    return url


def branch_of(url: str) -> int:
    return query(url, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]


def test_a_hostile_grid_name_shows_as_text_and_runs_nothing(county_url, make_guarded):
    guarded = make_guarded(width=1440, height=1000)
    page = guarded.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with streamlit_server(county_url) as base:
        sign_in(page, base, "branch", guarded)
        page.goto(base + "/map")
        frame = page.frame_locator(MAP)
        expect(frame.locator("path.grid-l2").first).to_be_attached(timeout=FIRST_LOAD_MS)
        map_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        labels = map_frame.evaluate(
            "() => [...document.querySelectorAll('.grid-label-l2')].map(e => e.textContent)"
        )
        assert NAME in labels, labels  # the name, as text
        expect(frame.locator(".grid-label img, .leaflet-tooltip img")).to_have_count(0)
        # hover the grid: its tooltip (GeoJsonTooltip, built as innerHTML) shows the name.
        # The pointer goes over the grid's own SVG path (customer clusters may cover the
        # spot a real mouse would reach first)
        grid_id, code = query(county_url, "SELECT id, code FROM grid WHERE name = :n", n=NAME)[0]
        assert map_frame.evaluate(
            "(id) => { let hit = null; window.map.eachLayer(l => { if (l.feature &&"
            " l.feature.properties.id === id && l._path) hit = l; });"
            " const r = hit._path.getBoundingClientRect();"
            " hit._path.dispatchEvent(new MouseEvent('mouseover', {bubbles: true,"
            " clientX: r.x + r.width / 2, clientY: r.y + r.height / 2})); return true; }",
            grid_id,
        )
        tooltip = frame.locator(".leaflet-tooltip", has_text=NAME)
        expect(tooltip).to_have_count(1)
        expect(frame.locator(".leaflet-tooltip img")).to_have_count(0)
        # a click opens the card: its heading is the name, as text
        point = next(
            g
            for g in current_grids(make_engine(county_url), 2, branch_of(county_url))
            if g.code == code
        ).geometry.representative_point()
        x, y = map_frame.evaluate(
            "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
            " const r = window.map.getContainer().getBoundingClientRect();"
            " return [p.x + r.left, p.y + r.top]; }",
            [point.y, point.x],
        )
        box = page.locator(MAP).bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        card = page.locator('[data-testid="stMain"] h3').first
        expect(card).to_have_text(NAME, timeout=FIRST_LOAD_MS)
        expect(page.locator('[data-testid="stMain"] img[src="x"]')).to_have_count(0)
        # an image whose source fails errors at once: once a probe's has, any planted one
        # would have run its onerror by now
        assert map_frame.evaluate(
            "() => new Promise(done => { const i = new Image();"
            " i.onerror = () => done(true); i.src = 'x'; })"
        )
    assert dialogs == []
    guarded.assert_offline()
