"""Tests for core.demo.identities (fictitious personal data + masking)."""

import re

import numpy as np
import pandas as pd
import pytest

from core.demo import identities as ident

AREA = "522727"


@pytest.fixture
def people():
    rng = np.random.default_rng(7)
    n = 500
    births = np.datetime64("1940-01-01") + rng.integers(0, 30000, n).astype("timedelta64[D]")
    births[:3] = np.array(["2000-02-29", "1999-12-31", "1970-01-01"], dtype="datetime64[D]")
    is_female = rng.random(n) < 0.5
    return births, is_female


@pytest.mark.parametrize(
    "first17, expected",
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("52272719900101001", "X"),  # hand-computed: weighted sum 233, 233 % 11 = 2 -> "X"
        ("52272719900101002", "8"),  # 233 + 2 = 235, 235 % 11 = 4 -> "8"
    ],
)
def test_check_digit_known(first17, expected):
    assert ident.id_check_digit(first17) == expected


@pytest.mark.parametrize(
    "s, valid",
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("440524188001010014", True),
        ("440524188001010015", False),  # wrong check digit
        ("11010519491331002X", False),  # month 13
        ("1101051949123100", False),  # too short
        ("A1010519491231002X", False),
        (None, False),
    ],
)
def test_is_valid_id_number(s, valid):
    assert ident.is_valid_id_number(s) is valid


def test_generated_ids_valid_and_consistent(people):
    births, is_female = people
    ids = ident.make_id_numbers(np.random.default_rng(1), AREA, births, is_female)
    assert ids.dtype == object and len(ids) == len(births)
    for s, b, f in zip(ids, births, is_female, strict=False):
        assert len(s) == 18 and ident.is_valid_id_number(s)
        assert s[:6] == AREA
        assert s[6:14] == str(b).replace("-", "")
        assert int(s[16]) % 2 == (0 if f else 1)


def test_ids_deterministic(people):
    births, is_female = people
    a = ident.make_id_numbers(np.random.default_rng(3), AREA, births, is_female)
    b = ident.make_id_numbers(np.random.default_rng(3), AREA, births, is_female)
    c = ident.make_id_numbers(np.random.default_rng(4), AREA, births, is_female)
    assert (a == b).all() and not (a == c).all()


@pytest.mark.parametrize("bad", ["52272", "52272A", "5227270"])
def test_bad_area_code(bad, people):
    births, is_female = people
    with pytest.raises(ValueError):
        ident.make_id_numbers(np.random.default_rng(0), bad, births, is_female)


def test_names(people):
    _, is_female = people
    n = len(is_female)
    sur = np.random.default_rng(0).integers(0, len(ident.SURNAMES), n)
    names = ident.make_names(np.random.default_rng(5), sur, is_female)
    again = ident.make_names(np.random.default_rng(5), sur, is_female)
    assert (names == again).all()
    lengths = np.array([len(x) for x in names])
    assert set(lengths) <= {2, 3}
    assert 0.6 < (lengths == 3).mean() < 0.8
    for name, s, f in zip(names, sur, is_female, strict=False):
        assert name[0] == ident.SURNAMES[s]
        pool = ident.GIVEN_CHARS_FEMALE if f else ident.GIVEN_CHARS_MALE
        assert all(c in pool for c in name[1:])


def test_name_pools():
    assert 50 <= len(ident.SURNAMES) == len(set(ident.SURNAMES))
    assert all(len(s) == 1 for s in ident.SURNAMES)
    for pool in (ident.GIVEN_CHARS_MALE, ident.GIVEN_CHARS_FEMALE):
        assert len(pool) >= 35 and len(set(pool)) == len(pool)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_village_surnames(seed):
    villages = ident.village_surnames(np.random.default_rng(seed), 40)
    assert len(villages) == 40
    n_dominant = set()
    for idx, p in villages:
        assert sorted(idx.tolist()) == list(range(len(ident.SURNAMES)))
        assert p.sum() == pytest.approx(1.0)
        assert (np.diff(p) <= 1e-12).all()  # sorted descending
        dominant = p[p >= 0.10]
        n_dominant.add(len(dominant))
        assert 1 <= len(dominant) <= 3
        assert 0.40 - 1e-9 <= dominant.sum() <= 0.70 + 1e-9
    assert n_dominant == {1, 2, 3}
    again = ident.village_surnames(np.random.default_rng(seed), 40)
    assert all(
        (a[0] == b[0]).all() and np.allclose(a[1], b[1])
        for a, b in zip(villages, again, strict=False)
    )


def test_phones():
    phones = ident.make_phones(np.random.default_rng(0), 1000)
    assert len(phones) == 1000
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
    assert (phones == ident.make_phones(np.random.default_rng(0), 1000)).all()


@pytest.mark.parametrize(
    "kind, pattern",
    [
        ("merchant", r"平塘县(掌布镇|通州镇)[\u4e00-\u9fff]记[\u4e00-\u9fff]+"),
        (
            "corporate",
            r"(平塘县[\u4e00-\u9fff]+有限公司|(掌布镇|通州镇)[\u4e00-\u9fff]+专业合作社)",
        ),
    ],
)
def test_company_names(kind, pattern):
    towns = np.array(["掌布镇", "通州镇"])
    a = ident.make_company_names(np.random.default_rng(9), 200, towns, kind)
    b = ident.make_company_names(np.random.default_rng(9), 200, towns, kind)
    assert (a == b).all() and len(a) == 200
    assert all(re.fullmatch(pattern, x) for x in a)


def test_company_names_per_row_towns_and_bad_kind():
    towns = np.array(["掌布镇", "通州镇", "克度镇"])
    out = ident.make_company_names(np.random.default_rng(0), 3, towns, "merchant")
    assert [x[3:6] for x in out] == list(towns)
    with pytest.raises(ValueError):
        ident.make_company_names(np.random.default_rng(0), 3, towns, "bank")


@pytest.mark.parametrize(
    "func, value, expected",
    [
        (ident.mask_name, "张三丰", "张**"),
        (ident.mask_name, "李四", "李*"),
        (ident.mask_name, "", ""),
        (ident.mask_name, None, ""),
        (ident.mask_phone, "13812345678", "138****5678"),
        (ident.mask_phone, None, ""),
        (ident.mask_id_number, "11010519491231002X", "110105********002X"),
        (ident.mask_id_number, "", ""),
        (ident.mask_address, "贵州省黔南州平塘县掌布镇某村3组", "贵州省黔南州****"),
        (ident.mask_address, None, ""),
    ],
)
def test_masks(func, value, expected):
    assert func(value) == expected


@pytest.mark.parametrize(
    "kind, values, expected",
    [
        ("name", ["张三丰", None, np.nan], ["张**", "", ""]),
        ("phone", ["13812345678", ""], ["138****5678", ""]),
        ("id_number", ["11010519491231002X"], ["110105********002X"]),
        ("address", ["贵州省黔南州平塘县", None], ["贵州省黔南州****", ""]),
    ],
)
def test_mask_series(kind, values, expected):
    s = pd.Series(values, index=range(10, 10 + len(values)), name="col")
    out = ident.mask_series(s, kind)
    assert out.tolist() == expected
    assert out.index.equals(s.index) and out.name == "col"


def test_mask_series_bad_kind():
    with pytest.raises(ValueError):
        ident.mask_series(pd.Series(["x"]), "email")
