"""The map's JS/CSS come from static/vendor/ (fetched from the npm registry), never from a CDN.

static/vendor/ is fetched here when missing or stale, through the same function `make setup`
runs: a missing install step fails these tests loudly, it is never skipped.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import folium
import pytest
from branca.element import JavascriptLink
from folium.elements import JSCSSMixin
from folium.plugins import Draw, FastMarkerCluster, HeatMap, MarkerCluster

from core.assets import offline as assets
from core.assets import vendor as vendor_module
from core.assets.offline import AssetError, AssetFetchError, external_urls, offline_map

BASE = assets.vendor_base_url()  # /app/static/vendor/ unless server.baseUrlPath is set
CENTER = (25.83, 107.32)  # Pingtang county, Guizhou
SQUARE = {
    "type": "Feature",
    "properties": {"name": "网格 A"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[107.30, 25.81], [107.34, 25.81], [107.34, 25.85], [107.30, 25.85], [107.30, 25.81]]
        ],
    },
}
POINTS = [(25.80 + i * 0.004, 107.28 + (i % 7) * 0.01) for i in range(30)]


@pytest.fixture(scope="module")
def vendor() -> Path:
    return assets.ensure_assets()


def build_map() -> folium.Map:
    # No tile layer gives Leaflet no maxZoom, without which MarkerCluster throws in the browser
    # ("Map has no maxZoom specified") and every layer after it is never drawn.
    m = folium.Map(location=CENTER, zoom_start=12, tiles=None, maxZoom=18)
    grid = {"type": "FeatureCollection", "features": [SQUARE]}
    folium.GeoJson(grid, name="grid", popup=folium.GeoJsonPopup(fields=["name"])).add_to(m)
    folium.Marker(CENTER, popup=folium.Popup("支行", max_width=200), tooltip="branch").add_to(m)
    folium.Marker((25.84, 107.31), icon=folium.Icon(icon="home", prefix="fa", angle=30)).add_to(m)
    cluster = MarkerCluster(name="customers").add_to(m)
    for lat, lon in POINTS[:10]:
        folium.Marker((lat, lon)).add_to(cluster)
    FastMarkerCluster(POINTS).add_to(m)
    HeatMap([(lat, lon, 1.0) for lat, lon in POINTS]).add_to(m)
    Draw(export=False).add_to(m)
    return m


def local_refs(html: str) -> list[str]:
    return sorted(set(re.findall(r'(?:src|href)="(/app/static/vendor/[^"]+)"', html)))


def test_rendered_map_links_nothing_outside(vendor):
    m = offline_map(build_map())
    html = m.get_root().render()
    assert external_urls(html) == []
    refs = local_refs(html)
    for name in (
        "leaflet",
        "jquery",
        "bootstrap",
        "awesome_markers",
        "leaflet_css",
        "glyphicons_css",
        "markerclusterjs",
        "leaflet-heat.js",
        "leaflet_draw_js",
        "leaflet_draw_css",
    ):
        assert assets.asset_urls()[name] in refs, name
    for url in refs:
        assert assets.local_path_for_url(url, BASE, vendor).is_file(), url
    # default marker icons: imagePath set, pointing at a folder that has them
    path = re.search(r'L\.Icon\.Default\.imagePath = "([^"]+)"', html).group(1)
    assert (assets.local_path_for_url(path, BASE, vendor) / "marker-icon.png").is_file()
    assert html.index("L.Icon.Default.imagePath") < html.index("L.marker(")


def test_streamlit_folium_gets_only_local_links(vendor):
    """What st_folium hands its component: links from every JSCSSMixin, and a script rebuilt
    from the map's children (header scripts are dropped there, so imagePath must be a child)."""
    from streamlit_folium import generate_leaflet_string

    m = offline_map(build_map())
    m.get_root().render()
    links = [
        url
        for el in assets._walk(m)
        if isinstance(el, JSCSSMixin)
        for _, url in [*el.default_js, *el.default_css]
    ]
    assert links and all(url.startswith(BASE) for url in links)
    script = generate_leaflet_string(m)
    assert "L.Icon.Default.imagePath" in script
    assert external_urls(script) == []


def test_folium_defaults_are_left_alone():
    offline_map(build_map(), require_files=False)
    assert folium.Map.default_js[0][1].startswith("https://")
    assert MarkerCluster.default_js[0][1].startswith("https://")


def test_manifest_matches_what_folium_links():
    """Every asset folium 0.20.0 and our plugins link is pinned, at the URL folium uses."""
    manifest = assets.load_manifest()
    for cls in (folium.Map, MarkerCluster, FastMarkerCluster, HeatMap, Draw):
        for name, url in [*cls.default_js, *cls.default_css]:
            assert name in manifest["assets"], (cls.__name__, name)
            assert manifest["assets"][name]["cdn"] == url, (cls.__name__, name)


def test_css_relative_references_resolve(vendor):
    manifest = assets.load_manifest()
    vendor_module._check_tree(manifest, vendor)  # raises on a missing image or font
    draw_css = (vendor / "leaflet-draw/dist/leaflet.draw.css").read_text()
    assert "images/spritesheet" in draw_css
    assert (vendor / "leaflet-draw/dist/images/spritesheet.svg").is_file()


def test_unknown_plugin_asset_raises():
    class Mystery(JSCSSMixin):
        default_js = [("mystery_js", "https://cdn.example.org/mystery.js")]  # noqa: RUF012

    m = folium.Map(tiles=None)
    Mystery().add_to(m)
    with pytest.raises(AssetError, match="mystery_js"):
        offline_map(m, require_files=False)


def test_other_version_of_known_asset_raises():
    class NewerLeaflet(JSCSSMixin):
        default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js")]  # noqa: RUF012

    m = folium.Map(tiles=None)
    NewerLeaflet().add_to(m)
    with pytest.raises(AssetError, match="leaflet"):
        offline_map(m, require_files=False)


def test_header_link_and_colormap_raise():
    m = folium.Map(tiles=None)
    m.get_root().header.add_child(JavascriptLink("https://cdn.example.org/x.js"), name="x")
    with pytest.raises(AssetError, match="'x'"):
        offline_map(m, require_files=False)

    import branca.colormap as cm

    m = folium.Map(tiles=None)
    cm.LinearColormap(["white", "green"], vmin=0, vmax=1).add_to(m)
    with pytest.raises(AssetError, match="colormap"):
        offline_map(m, require_files=False)


def test_offline_map_is_idempotent_and_fixes_earlier_render(vendor):
    m = build_map()
    m.get_root().render()  # header now holds CDN links
    offline_map(offline_map(m))
    html = m.get_root().render()
    assert external_urls(html) == []
    assert html.count("L.Icon.Default.imagePath") == 1


def test_missing_files_raise(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path / "vendor")
    with pytest.raises(AssetError, match=r"core\.assets\.vendor fetch"):
        offline_map(folium.Map(tiles=None))


def test_external_urls():
    html = (
        '<script src="https://cdn.example.org/a.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/b.css"/>'
        '<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>'
        '<img src="http://127.0.0.1:8501/app/static/x.png"><a href="http://localhost/y">'
        '"https:\\/\\/tiles.example.org\\/{z}\\/{x}\\/{y}.png" // a comment'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    assert external_urls(html) == [
        "https://cdn.example.org/a.js",
        "//cdn.example.org/b.css",
        "https://tiles.example.org/{z}/{x}/{y}.png",
    ]
    assert external_urls(html, allow=["tiles.example.org", "https://cdn.example.org/"]) == [
        "//cdn.example.org/b.css"
    ]


def test_tile_urls_only_pass_with_an_allowlist(vendor):
    m = offline_map(folium.Map(location=CENTER, tiles="OpenStreetMap"))
    html = m.get_root().render()
    assert any("tile.openstreetmap.org" in u for u in external_urls(html))
    assert [
        u
        for u in external_urls(html, allow=["https://tile.openstreetmap.org/"])
        if "openstreetmap.org/{z}" in u
    ] == []


def test_fetch_is_idempotent(vendor, monkeypatch):
    def no_npm(*args, **kwargs):
        raise AssertionError("npm must not run when static/vendor matches the manifest")

    monkeypatch.setattr(vendor_module.subprocess, "run", no_npm)
    assert assets.fetch(quiet=True) is False
    assert assets.is_installed()


def test_failing_npm_is_a_clear_error(tmp_path):
    fake = tmp_path / "npm"
    fake.write_text("#!/bin/sh\necho 'npm error 404 Not Found' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    manifest = tmp_path / "vendor.json"
    manifest.write_text(
        json.dumps(
            {
                "packages": {
                    "leaflet": {"registry": "npm", "version": "1.9.3", "files": ["dist/"]}
                },
                "assets": {},
                "icon_image_path": {"package": "leaflet", "path": "dist/images/"},
            }
        )
    )
    with pytest.raises(AssetFetchError, match=r"(?s)npm pack leaflet@1\.9\.3.*404"):
        assets.fetch(
            manifest_path=manifest, vendor_dir=tmp_path / "vendor", npm=str(fake), quiet=True
        )
    assert not (tmp_path / "vendor").exists()
    assert not list(tmp_path.glob(".vendor-build-*"))
