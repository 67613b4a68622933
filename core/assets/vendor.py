"""Fetching the map's front-end files: ``static/vendor.json`` -> ``static/vendor/``.

``python -m core.assets.vendor fetch`` (run by ``make setup``) packs each pinned npm package with
``npm pack``, checks its integrity, and copies the listed files (plus two files from the
installed folium wheel); idempotent through a stamp file. Nothing here runs in the app.
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

from core.config import ROOT

STATIC_DIR = ROOT / "static"
MANIFEST_PATH = STATIC_DIR / "vendor.json"
VENDOR_DIR = STATIC_DIR / "vendor"
STAMP_NAME = ".stamp"
#: Where Streamlit serves ``static/`` when ``server.enableStaticServing`` is on.
STATIC_URL = "/app/static/"
NPM_TIMEOUT_S = 300


class AssetError(RuntimeError):
    """A map needs a JS/CSS file that static/vendor.json does not provide (or it is missing)."""


class AssetFetchError(RuntimeError):
    """Filling static/vendor/ from the registries failed."""


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
    return all(
        (Path(vendor_dir) / _rel_file(manifest, a)).is_file() for a in manifest["assets"].values()
    )


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
            "(apt-get install nodejs npm), then run `python -m core.assets.vendor fetch` again"
        )
    env = dict(
        os.environ,
        npm_config_update_notifier="false",
        npm_config_fund="false",
        npm_config_audit="false",
    )
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


def fetch(
    force: bool = False,
    manifest_path: Path | str = MANIFEST_PATH,
    vendor_dir: Path | str = VENDOR_DIR,
    npm: str = "npm",
    quiet: bool = False,
) -> bool:
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
        prog="python -m core.assets.vendor", description=__doc__.split("\n")[0]
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
        print(
            "static/vendor: "
            + ("up to date" if ok else "missing or stale: run `python -m core.assets.vendor fetch`")
        )
        return 0 if ok else 1
    except (AssetFetchError, AssetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
