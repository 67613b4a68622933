"""The house's rules that import-linter cannot say: core.ui's modules never import their own
package (pages import ``core.ui``; its modules import ``core.ui.frame`` and each other), and
nothing but core/ui, pages and app.py mentions Streamlit."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "core" / "ui").glob("*.py")), ids=lambda p: p.name)
def test_ui_modules_do_not_import_their_package(path):
    if path.name == "__init__.py":
        return
    assert not {"core.ui", "core.ui.__init__"} & _imports(path) - {
        n for n in _imports(path) if n.startswith("core.ui.")
    }, path


def test_only_the_glue_imports_streamlit():
    glue = {ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "core" / "ui").glob("*.py")}
    offenders = []
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "geo").rglob("*.py")]:
        if path in glue:
            continue
        if any(n.split(".")[0] in ("streamlit", "streamlit_folium") for n in _imports(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_ui_module_is_hidden_by_a_re_exported_name():
    """``ui.<module>`` must stay the module: a function of the same name re-exported by
    ``core/ui/__init__.py`` would hide it (and a ``mock.patch("core.ui.<module>.x")``)."""
    import pkgutil
    import types

    import core.ui

    hidden = [
        m.name
        for m in pkgutil.iter_modules(core.ui.__path__)
        if not isinstance(getattr(core.ui, m.name, None), types.ModuleType)
    ]
    assert hidden == []


def _contracts() -> dict[str, dict]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _core_children() -> set[str]:
    """Every module and package directly under core/ (what the contracts must place)."""
    children = set()
    for path in (ROOT / "core").iterdir():
        if path.name in ("__init__.py", "__main__.py", "migrations", "__pycache__"):
            continue
        if path.suffix == ".py":
            children.add(f"core.{path.stem}")
        elif (path / "__init__.py").is_file():
            children.add(f"core.{path.name}")
    return children


def test_every_part_of_core_has_its_place_in_the_layers():
    """A new module or area of core/ must be put in a layer (and behind the pages' door),
    or the contracts would silently not see it."""
    layers = _contracts()["house"]["layers"]
    placed = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    assert _core_children() - placed == set()
    behind_the_door = set(_contracts()["one-door"]["forbidden_modules"])
    assert _core_children() - {"core.ui"} - behind_the_door == set()
    glue_free = set(_contracts()["streamlit-in-ui"]["source_modules"])
    assert _core_children() - {"core.ui"} - glue_free == set()
