"""Front-end files for folium maps, served by the app itself: no CDN at run time.

Bank intranets have no internet, and folium links Leaflet, jQuery, Bootstrap, Font Awesome and
every plugin's JS/CSS from public CDNs; offline, the map never draws. ``static/vendor.json`` pins
the packages (npm, plus two files from the folium wheel) and maps each folium asset name to a
file; ``python -m core.assets.vendor fetch`` (``make setup``) puts them in ``static/vendor/`` (not in
git), and Streamlit serves ``static/`` at ``/app/static/`` (``[server] enableStaticServing = true``).

Public API:

* :func:`offline_map` - point every ``default_js``/``default_css`` of a map's tree at
  ``/app/static/vendor/...``, set ``L.Icon.Default.imagePath``; raise :class:`AssetError` naming
  the asset when an element needs a file the manifest does not provide.
* :func:`external_urls` - the http(s) URLs in rendered map HTML that would leave the machine.
* :func:`fetch` / :func:`ensure_assets` (from :mod:`core.assets.vendor`) - fill ``static/vendor/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from core.assets.vendor import (
    MANIFEST_PATH,
    STATIC_URL,
    VENDOR_DIR,
    AssetError,
    AssetFetchError,
    _rel_file,
    ensure_assets,
    fetch,
    is_installed,
    load_manifest,
)

__all__ = [
    "MANIFEST_PATH",
    "VENDOR_DIR",
    "AssetError",
    "AssetFetchError",
    "asset_urls",
    "ensure_assets",
    "external_urls",
    "fetch",
    "is_installed",
    "load_manifest",
    "local_path_for_url",
    "offline_map",
    "vendor_base_url",
]


_served_under = ""  # the server's ``server.baseUrlPath``, told by core.ui (serve_under)


def serve_under(base_path: str | None) -> None:
    """Tell the map builders the server's base path (Streamlit's ``server.baseUrlPath``);
    ``core.ui`` calls it once, as it alone reads Streamlit's settings."""
    global _served_under
    _served_under = (base_path or "").strip("/")


def vendor_base_url() -> str:
    """URL prefix of static/vendor/: ``/app/static/vendor/`` (under ``server.baseUrlPath``)."""
    base = _served_under
    return (f"/{base}" if base else "") + STATIC_URL + "vendor/"


def asset_urls(manifest: dict | None = None, base_url: str | None = None) -> dict[str, str]:
    """folium asset name -> local URL."""
    manifest = manifest or load_manifest()
    base = base_url or vendor_base_url()
    return {name: base + _rel_file(manifest, a) for name, a in manifest["assets"].items()}


def local_path_for_url(
    url: str, base_url: str | None = None, vendor_dir: Path = VENDOR_DIR
) -> Path:
    """The file under static/vendor/ that a local asset URL is served from."""
    base = base_url or vendor_base_url()
    path = urlsplit(url).path
    if not path.startswith(base):
        raise ValueError(f"{url} is not under {base}")
    return vendor_dir / path[len(base) :]


# --------------------------------------------------------------------------------------------
# Pointing a map at the local files

# Elements whose render() adds CDN links outside default_js/default_css, and which
# streamlit_folium also resolves to hard-coded CDN URLs (d3): refuse them by name.
_KNOWN_CDN_ONLY = {
    "ColorMap": "branca colormaps load d3 from a CDN (and streamlit_folium adds d3 CDN links for "
    "them); draw the legend with Streamlit instead of adding the colormap to the map",
}


def _walk(element) -> Iterator:
    yield element
    for attr in ("m1", "m2"):  # folium.plugins.DualMap
        sub = getattr(element, attr, None)
        if sub is not None and hasattr(sub, "_children"):
            yield from _walk(sub)
    for child in list(getattr(element, "_children", {}).values()):
        yield from _walk(child)


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.netloc:
        return False
    return (parts.hostname or "") not in _LOOPBACK


def _localize(element, name: str, url: str, urls: dict, manifest: dict) -> str:
    owner = type(element).__name__
    if name not in urls:
        raise AssetError(
            f"{owner} needs asset {name!r} ({url}), which static/vendor.json does not provide: "
            f"add its pinned npm package and an 'assets' entry for {name!r}, then run "
            f"`python -m core.assets.vendor fetch` (it would otherwise load from a CDN and fail offline)"
        )
    cdn = manifest["assets"][name].get("cdn")
    if url not in (cdn, urls[name]):
        raise AssetError(
            f"{owner} links asset {name!r} to {url}, but static/vendor.json pins it as {cdn} "
            f"(served from {urls[name]}): update the manifest's package version and 'cdn' for "
            f"{name!r} and fetch again"
        )
    return urls[name]


def offline_map(m, base_url: str | None = None, require_files: bool = True):
    """Serve every JS/CSS file of map ``m`` (and all its children, plugins included) locally.

    Each element's ``default_js``/``default_css`` becomes an instance list of ``base_url`` URLs
    (default ``/app/static/vendor/``); folium's class-level defaults are left alone. Also sets
    ``L.Icon.Default.imagePath`` before any marker is added. Returns ``m``.

    Raises :class:`AssetError` naming the asset when an element needs an asset the manifest does
    not provide (or a different version of one), and, with ``require_files``, when static/vendor/
    lacks a file the map uses (run ``python -m core.assets.vendor fetch``).
    """
    from branca.element import CssLink, JavascriptLink

    manifest = load_manifest()
    base = base_url or vendor_base_url()
    urls = asset_urls(manifest, base)
    used: set[str] = set()

    for element in _walk(m):
        for cls in type(element).__mro__:
            if cls.__name__ in _KNOWN_CDN_ONLY and cls.__module__.startswith("branca"):
                raise AssetError(f"{type(element).__name__}: {_KNOWN_CDN_ONLY[cls.__name__]}")
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            new = [(name, _localize(element, name, url, urls, manifest)) for name, url in links]
            used.update(name for name, _ in new)
            setattr(element, attr, new)  # instance attribute: the class's list stays untouched

    # Links already placed in the figure's header (a render before this call, or added by hand).
    root = m.get_root()
    header = getattr(root, "header", None)
    if header is not None and root is not m:
        for name, child in list(header._children.items()):
            if not isinstance(child, (JavascriptLink, CssLink)):
                continue
            if name in urls:
                child.url = _localize(child, name, child.url, urls, manifest)
                used.add(name)
            elif _is_external(child.url):
                raise AssetError(
                    f"the map's header links {name!r} from {child.url}: not in static/vendor.json"
                )

    if require_files:
        missing = [
            str(VENDOR_DIR / _rel_file(manifest, manifest["assets"][n]))
            for n in sorted(used)
            if not (VENDOR_DIR / _rel_file(manifest, manifest["assets"][n])).is_file()
        ]
        if missing:
            raise AssetError(
                "static/vendor/ lacks files the map needs (run `make setup` or "
                "`python -m core.assets.vendor fetch`): " + ", ".join(missing)
            )

    if "leaflet" in used:
        image_path = base + _rel_file(manifest, manifest["icon_image_path"])
        m.add_child(_IconImagePath(image_path), name=_IconImagePath.key, index=0)
    return m


def _icon_image_path_class():
    from branca.element import MacroElement
    from jinja2 import Template

    class IconImagePath(MacroElement):
        """``L.Icon.Default.imagePath = ...`` as the map's first child, so it runs right after
        the map is created and before any marker (in a plain render and in streamlit_folium,
        which rebuilds the map's script from its children and ignores header scripts)."""

        key = "offline_icon_image_path"
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "L.Icon.Default.imagePath = {{ this.image_path|tojson }};"
            "{% endmacro %}"
        )

        def __init__(self, image_path: str):
            super().__init__()
            self._name = "IconImagePath"
            self.image_path = image_path

    return IconImagePath


_IconImagePath = _icon_image_path_class()


# --------------------------------------------------------------------------------------------
# Checking rendered HTML

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_ABS_URL = re.compile(r"""https?://[^\s"'<>`\\)]+""", re.IGNORECASE)
# protocol-relative URLs only where a URL is expected: src="//..", href='//..', url(//..)
_REL_PROTO_URL = re.compile(
    r"""(?<=["'(=])//[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?/[^\s"'<>`\\)]*"""
)
# XML namespace names are identifiers, never fetched.
_NAMESPACES = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
)


def external_urls(html: str, allow: Iterable[str] = ()) -> list[str]:
    """Every http(s) (or protocol-relative) URL in ``html`` that would leave the machine.

    Loopback URLs (127.0.0.1, localhost, ::1) and relative paths such as ``/app/static/...``
    are not listed. ``allow`` lists what else may appear, e.g. the bank's tile URL template:
    a URL is left out when it starts with an entry or its host equals one. In order, no repeats.

    >>> external_urls('<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>')
    []
    >>> external_urls('<link href="https://cdn.example.org/a.css"> http://127.0.0.1:8501/x')
    ['https://cdn.example.org/a.css']
    >>> external_urls('"https://t.example.org/{z}/{x}/{y}.png"', allow=["t.example.org"])
    []
    """
    text = html.replace("\\/", "/")
    allow = tuple(allow)
    found: list[str] = []
    for match in sorted(
        [*_ABS_URL.finditer(text), *_REL_PROTO_URL.finditer(text)], key=lambda mt: mt.start()
    ):
        url = match.group(0).rstrip(".,;")
        if url.startswith(_NAMESPACES):
            continue
        host = (urlsplit(url if "://" in url else "http:" + url).hostname or "").lower()
        if host in _LOOPBACK:
            continue
        if any(url.startswith(a) or host == a.lower() for a in allow):
            continue
        if url not in found:
            found.append(url)
    return found


# --------------------------------------------------------------------------------------------
# Fetching
