"""Every text exists in both languages, and every key the code uses exists."""
import re
from pathlib import Path

import pytest

from core.i18n import TEXT, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("core/*.py")]


def test_both_languages_present():
    for key, (zh, en) in TEXT.items():
        assert zh.strip() and en.strip(), key
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key} has no Chinese"


def test_keys_used_in_code_exist():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"""\btr?\(\s*["']([a-z_]+\.[a-z_.]+)["']""",
                               path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys at all"
    assert used - set(TEXT) == set()


def test_placeholders_match_between_languages():
    for key, (zh, en) in TEXT.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        t("no.such.key")
