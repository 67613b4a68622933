"""Front-end files for folium maps, served by the app itself: no CDN at run time.

Bank intranets have no internet, and folium links Leaflet, jQuery, Bootstrap, Font Awesome and
every plugin's JS/CSS from public CDNs; offline, the map never draws. ``static/vendor.json`` pins
the packages (npm, plus two files from the folium wheel) and maps each folium asset name to a
file; ``python -m geo.assets fetch`` (``make setup``) puts them in ``static/vendor/`` (not in git),
and Streamlit serves ``static/`` at ``/app/static/`` (``[server] enableStaticServing = true``).

Public API:

* :func:`offline_map` - point every ``default_js``/``default_css`` of a map's tree at
  ``/app/static/vendor/...``, set ``L.Icon.Default.imagePath``; raise :class:`AssetError` naming
  the asset when an element needs a file the manifest does not provide.
* :func:`external_urls` - the http(s) URLs in rendered map HTML that would leave the machine.
* :func:`fetch` / :func:`ensure_assets` - fill ``static/vendor/`` from the manifest (idempotent).
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
MANIFEST_PATH = STATIC_DIR / "vendor.json"
VENDOR_DIR = STATIC_DIR / "vendor"
STAMP_NAME = ".stamp"
#: Where Streamlit serves ``static/`` when ``server.enableStaticServing`` is on.
STATIC_URL = "/app/static/"
NPM_TIMEOUT_S = 300

__all__ = [
    "AssetError",
    "AssetFetchError",
    "MANIFEST_PATH",
    "VENDOR_DIR",
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


class AssetError(RuntimeError):
    """A map needs a JS/CSS file that static/vendor.json does not provide (or it is missing)."""


class AssetFetchError(RuntimeError):
    """Filling static/vendor/ from the registries failed."""


# --------------------------------------------------------------------------------------------
# Manifest


def load_manifest(path: Path | str = MANIFEST_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        manifest = json.load(fh)
    packages = manifest.get("packages", {})
    for name, asset in manifest.get("assets", {}).items():
        if asset.get("package") not in packages:
            raise AssetError(
                f"{path}: asset {name!r} names unknown package {asset.get('package')!r}"
            )
    return manifest


def _rel_file(manifest: dict, entry: dict) -> str:
    """static/vendor-relative path of an asset or of the icon image folder."""
    return f"{entry['package']}/{entry['path']}"


def vendor_base_url() -> str:
    """URL prefix of static/vendor/: ``/app/static/vendor/`` (under ``server.baseUrlPath``)."""
    base = ""
    with contextlib.suppress(Exception):
        from streamlit import config as st_config

        base = (st_config.get_option("server.baseUrlPath") or "").strip("/")
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
    return vendor_dir / path[len(base):]


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
            f"`python -m geo.assets fetch` (it would otherwise load from a CDN and fail offline)"
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
    lacks a file the map uses (run ``python -m geo.assets fetch``).
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
                "`python -m geo.assets fetch`): " + ", ".join(missing)
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
_NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml",
               "http://www.w3.org/1999/xlink")


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
    for match in sorted([*_ABS_URL.finditer(text), *_REL_PROTO_URL.finditer(text)],
                        key=lambda mt: mt.start()):
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


def _digest(manifest_path: Path) -> str:
    h = hashlib.sha256(Path(manifest_path).read_bytes())
    with contextlib.suppress(metadata.PackageNotFoundError):
        h.update(f"\nfolium=={metadata.version('folium')}".encode())
    return h.hexdigest()


def is_installed(manifest_path: Path = MANIFEST_PATH, vendor_dir: Path = VENDOR_DIR) -> bool:
    """static/vendor/ was filled from this very manifest and holds every asset file."""
    stamp = Path(vendor_dir) / STAMP_NAME
    if not stamp.is_file() or stamp.read_text().strip() != _digest(manifest_path):
        return False
    manifest = load_manifest(manifest_path)
    return all((Path(vendor_dir) / _rel_file(manifest, a)).is_file()
               for a in manifest["assets"].values())


@contextlib.contextmanager
def _lock(manifest_path: Path):
    """One fetch at a time (pytest-xdist workers, make -j): flock on the manifest itself."""
    with open(manifest_path, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _safe_rel(rel: str) -> PurePosixPath | None:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    return p


def _wanted(rel: str, files: list[str]) -> bool:
    if "/" not in rel and re.search(r"licen[cs]e", rel, re.IGNORECASE):
        return True
    return any(rel == f or (f.endswith("/") and rel.startswith(f)) for f in files)


def _check_integrity(tarball: Path, expected: str | None, spec: str) -> None:
    if not expected:
        return
    algo, _, b64 = expected.partition("-")
    actual = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if actual != b64:
        raise AssetFetchError(f"{spec}: tarball integrity {algo}-{actual} != pinned {expected}")


def _npm_pack(npm: str, spec: str, dest: Path) -> Path:
    if shutil.which(npm) is None and not Path(npm).is_file():
        raise AssetFetchError(
            f"`{npm}` not found: Node.js and npm are needed to fetch the map's JS/CSS "
            "(apt-get install nodejs npm), then run `python -m geo.assets fetch` again"
        )
    env = dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false",
               npm_config_audit="false")
    cmd = [npm, "pack", spec, "--json", "--ignore-scripts", "--pack-destination", str(dest)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=NPM_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise AssetFetchError(f"`npm pack {spec}` timed out after {NPM_TIMEOUT_S} s") from exc
    if proc.returncode != 0:
        errors = [ln for ln in proc.stderr.splitlines() if "Unknown user config" not in ln]
        raise AssetFetchError(
            f"`npm pack {spec}` failed (exit {proc.returncode}); is the npm registry reachable?\n"
            + "\n".join(errors[-15:])
        )
    try:
        filename = json.loads(proc.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError) as exc:
        raise AssetFetchError(
            f"`npm pack {spec}` printed no tarball name: {proc.stdout[:500]!r}"
        ) from exc
    # npm names scoped tarballs "scope-name-1.0.0.tgz" (no @, no /)
    tarball = dest / filename.lstrip("@").replace("/", "-")
    if not tarball.is_file():
        raise AssetFetchError(f"`npm pack {spec}` reported {filename} but it is not in {dest}")
    return tarball


def _extract(tarball: Path, files: list[str], out: Path, spec: str) -> int:
    count = 0
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            _top, _, rel = member.name.partition("/")  # npm tarballs hold one folder, "package/"
            safe = _safe_rel(rel)
            if safe is None or not _wanted(rel, files):
                continue
            target = out.joinpath(*safe.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            count += 1
    for f in files:  # every listed file/folder must have been there
        probe = out.joinpath(*PurePosixPath(f.rstrip("/")).parts)
        if not probe.exists():
            raise AssetFetchError(f"{spec}: {f} is not in the package")
    return count


def _generate(kind: str) -> str:
    if kind == "fa-rotate":  # folium's leaflet.awesome.rotate css: Icon(angle=N) -> fa-rotate-N
        return "".join(
            f".fa-rotate-{n}{{-webkit-transform:rotate({n}deg);transform:rotate({n}deg)}}\n"
            for n in range(361)
        )
    raise AssetFetchError(f"unknown generated file kind {kind!r}")


def _copy_pypi(name: str, pkg: dict, out: Path) -> None:
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError as exc:
        raise AssetFetchError(
            f"{name} is not installed in this Python (pip install -r requirements.txt)"
        ) from exc
    if installed != pkg["version"]:
        raise AssetFetchError(
            f"static/vendor.json pins {name} {pkg['version']} but {installed} is installed: update "
            "the manifest (its assets' cdn URLs and packages) to what this version links"
        )
    module_dir = Path(__import__(name).__file__).parent
    for f in pkg.get("files", []):
        src = module_dir.joinpath(*PurePosixPath(f).parts)
        if not src.is_file():
            raise AssetFetchError(f"{name} {installed}: {f} is not in the installed package")
        target = out.joinpath(*PurePosixPath(f).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    for f, kind in pkg.get("generated", {}).items():
        target = out.joinpath(*PurePosixPath(f).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_generate(kind), encoding="utf-8")


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")


def _check_tree(manifest: dict, vendor: Path) -> None:
    """Every asset exists and every relative url() in an asset's CSS resolves to a file."""
    problems = []
    for name, asset in manifest["assets"].items():
        path = vendor / _rel_file(manifest, asset)
        if not path.is_file():
            problems.append(f"asset {name!r}: {path} missing")
            continue
        if path.suffix == ".css":
            for ref in _CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace")):
                if ref.startswith(("data:", "#")):
                    continue
                if "//" in ref:
                    problems.append(f"{path} refers to {ref} (not local)")
                    continue
                target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
                if not target.is_file():
                    problems.append(f"{path} refers to {ref}, which is missing")
    icon = vendor / _rel_file(manifest, manifest["icon_image_path"]) / "marker-icon.png"
    if not icon.is_file():
        problems.append(f"{icon} missing (L.Icon.Default.imagePath)")
    if problems:
        raise AssetFetchError("static/vendor is incomplete:\n  " + "\n  ".join(problems))


def fetch(force: bool = False, manifest_path: Path | str = MANIFEST_PATH,
          vendor_dir: Path | str = VENDOR_DIR, npm: str = "npm", quiet: bool = False) -> bool:
    """Fill ``vendor_dir`` from the manifest: ``npm pack`` each npm package into a temporary
    folder, check its integrity, copy the listed files to ``vendor_dir/<package>/``, copy the
    folium files, check every CSS reference, then write the stamp. Returns False (and touches the
    stamp) when ``vendor_dir`` already matches the manifest, True when it was (re)built."""
    manifest_path, vendor_dir = Path(manifest_path), Path(vendor_dir)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    stamp = vendor_dir / STAMP_NAME
    with _lock(manifest_path):
        if not force and is_installed(manifest_path, vendor_dir):
            stamp.touch()  # newer than the manifest again, for make
            say(f"{vendor_dir}: up to date")
            return False
        manifest = load_manifest(manifest_path)
        vendor_dir.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=".vendor-build-", dir=vendor_dir.parent))
        try:
            with tempfile.TemporaryDirectory(prefix="vendor-npm-") as dl:
                for name, pkg in manifest["packages"].items():
                    out = build.joinpath(*name.split("/"))
                    if pkg["registry"] == "npm":
                        spec = f"{name}@{pkg['version']}"
                        say(f"npm pack {spec}")
                        tarball = _npm_pack(npm, spec, Path(dl))
                        _check_integrity(tarball, pkg.get("integrity"), spec)
                        _extract(tarball, pkg["files"], out, spec)
                    elif pkg["registry"] == "pypi":
                        say(f"copy {name} {pkg['version']} files from the installed package")
                        _copy_pypi(name, pkg, out)
                    else:
                        raise AssetFetchError(f"{name}: unknown registry {pkg['registry']!r}")
            _check_tree(manifest, build)
            (build / STAMP_NAME).write_text(_digest(manifest_path) + "\n")
            old = None
            if vendor_dir.exists():
                old = vendor_dir.parent / f".vendor-old-{os.getpid()}"
                vendor_dir.rename(old)
            build.rename(vendor_dir)
            build = None
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if build is not None:
                shutil.rmtree(build, ignore_errors=True)
    size = sum(p.stat().st_size for p in vendor_dir.rglob("*") if p.is_file())
    say(f"{vendor_dir}: {size / 1e6:.2f} MB from {len(manifest['packages'])} packages")
    return True


def ensure_assets(quiet: bool = True) -> Path:
    """static/vendor/ as the manifest says, fetching it first if needed (raises if that fails)."""
    if not is_installed():
        fetch(quiet=quiet)
    return VENDOR_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m geo.assets", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_fetch = sub.add_parser("fetch", help="fill static/vendor/ from static/vendor.json")
    p_fetch.add_argument("--force", action="store_true", help="fetch even if up to date")
    sub.add_parser("check", help="exit 1 unless static/vendor/ matches static/vendor.json")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "fetch":
            fetch(force=args.force)
            return 0
        ok = is_installed()
        print("static/vendor: " + ("up to date" if ok
                                   else "missing or stale: run `python -m geo.assets fetch`"))
        return 0 if ok else 1
    except (AssetFetchError, AssetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
