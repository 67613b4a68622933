"""Settings are data, each one documented in the README."""

import re
from pathlib import Path

import pytest

from core import config

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    table_names = set(re.findall(r"^\| `([A-Z_]+)` \|", text, flags=re.M))
    assert table_names == {s.name for s in config.SETTINGS}


def test_every_default_parses():
    for s in config.SETTINGS:
        config.get(s.name)


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("GM_LANGUAGE", "en")
    assert config.get("GM_LANGUAGE") == "en"


@pytest.mark.parametrize(
    "name, bad",
    [
        ("GM_LANGUAGE", "fr"),
        ("GM_DEMO_ACCOUNTS", "maybe"),
        ("GM_SESSION_HOURS", "twelve"),
        ("GM_MAP_TILES", "google"),
        ("GM_MAP_TILES", "http://tiles.local/{z}/{x}.png"),
    ],
)
def test_bad_value_names_the_setting(monkeypatch, name, bad):
    monkeypatch.setenv(name, bad)
    with pytest.raises(ValueError, match=name):
        config.get(name)


def test_default_database_is_sqlite_under_data():
    assert config.SETTINGS[0].default.startswith("sqlite:///")
    assert config.SETTINGS[0].default.endswith("data/gridbank.sqlite")


@pytest.mark.parametrize("value", ["none", "OSM", "http://tiles.bank.local/{z}/{x}/{y}.png"])
def test_tile_setting_accepts_providers_and_templates(monkeypatch, value):
    monkeypatch.setenv("GM_MAP_TILES", value)
    assert config.get("GM_MAP_TILES") in (value, value.lower())
