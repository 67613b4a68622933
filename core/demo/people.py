"""Customers of the demo county: individuals, merchants and corporates, vectorised.

Every figure comes from ../shared/DEMO_DATA.md (marked est. there): status shares, the
log-normal deposits with their multipliers, mobile banking by age band, other-bank funds,
village credit lines, migrant workers. Points are clustered in hamlets around the village
point and always inside the customer's own grid unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import shapely

from core.demo import identities as identity
from core.demo.bank import COUNTY_TOWN, COUNTY_TOWN_RESIDENT_SHARE, Unit
from geo.county import sample_points_in

COUNTY_AREA_CODE = "522727"
DEG_PER_M = 1 / 111_000
AGE_BANDS = ((18, 30), (31, 45), (46, 60), (61, 90))
MOBILE_BY_BAND = (0.75, 0.60, 0.35, 0.10)
OCCUPATIONS = ("farmer", "migrant", "public", "employee", "self_employed", "student", "retiree")
MERCHANTS_PER_INDIVIDUAL = 3_000 / 230_000
CORPORATES_PER_INDIVIDUAL = 1_500 / 230_000
# Calibrated so ~230k individuals hold ~30亿 (DEMO_DATA); a larger county scales per capita.
DEPOSIT_MEDIAN = 6_600.0
DEPOSIT_SIGMA = 1.7  # 1.9 in DEMO_DATA before multipliers; they widen it


@dataclass(frozen=True)
class UnitInfo:
    """What the customer generator needs to know of a second-level grid unit."""

    unit: Unit
    town_name: str
    branch_index: int
    manager_index: int  # index into the flat manager list (post A)
    urban: bool  # county town or town seat


def unit_weights(units: list[Unit], rng: np.random.Generator) -> np.ndarray:
    """Share of the county's residents in each unit: the county town (金盆街道) holds ~24 %,
    town-seat market streets are denser than villages."""
    kind = np.array([u.kind for u in units])
    w = rng.lognormal(0.0, 0.35, len(units)) * np.array([u.weight for u in units])
    w = np.where(kind == "market", w * 2.5, w)
    county_town = np.array([u.town_code == COUNTY_TOWN for u in units])
    w[county_town] *= COUNTY_TOWN_RESIDENT_SHARE / w[county_town].sum()
    w[~county_town] *= (1 - COUNTY_TOWN_RESIDENT_SHARE) / w[~county_town].sum()
    return w / w.sum()


def make_customers(
    units: list[UnitInfo],
    weights: np.ndarray,
    n_individuals: int,
    rng: np.random.Generator,
    as_of: date,
) -> pd.DataFrame:
    """Return one row per customer with every column of the ``customer`` table but ids.

    Columns ``unit_index`` (into ``units``) and ``household_no`` tie customers to their grid
    unit and household; the seeder maps them to database ids.
    """
    people = _individuals(units, weights, n_individuals, rng, as_of)
    merchants = _businesses(
        units, weights, round(n_individuals * MERCHANTS_PER_INDIVIDUAL), "merchant", rng, as_of
    )
    corporates = _businesses(
        units, weights, round(n_individuals * CORPORATES_PER_INDIVIDUAL), "corporate", rng, as_of
    )
    df = pd.concat([people, merchants, corporates], ignore_index=True)
    # drawn independently, a county's ID numbers repeat now and then: the checks would refuse
    df["id_number"] = identity.unique_id_numbers(df["id_number"].to_numpy())
    df["cust_no"] = [f"C{i:09d}" for i in range(1, len(df) + 1)]
    return df


def _points_in_units(
    units: list[UnitInfo], unit_index: np.ndarray, household: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Household locations: hamlets around the village point, or spread in town areas;
    members of one household share the point; every point lies inside its unit."""
    xy = np.empty((len(unit_index), 2))
    for k, info in enumerate(units):
        rows = np.flatnonzero(unit_index == k)
        if len(rows) == 0:
            continue
        area = info.unit.area
        shapely.prepare(area)
        hh, inverse = np.unique(household[rows], return_inverse=True)
        if info.unit.kind == "village":
            hamlets = sample_points_in(area, int(rng.integers(2, 6)), rng)
            centre = hamlets[rng.integers(0, len(hamlets), len(hh))]
            sigma = rng.uniform(150, 400) * DEG_PER_M
            pts = centre + rng.normal(0, sigma, (len(hh), 2))
        else:
            seat = area.representative_point()
            pts = np.array([seat.x, seat.y]) + rng.normal(0, 1_000 * DEG_PER_M, (len(hh), 2))
        # stored coordinates have 6 decimals: a point must stay inside after rounding
        pts = np.round(pts, 6)
        outside = ~shapely.contains_xy(area, pts[:, 0], pts[:, 1])
        while outside.any():
            pts[outside] = np.round(sample_points_in(area, int(outside.sum()), rng), 6)
            outside = ~shapely.contains_xy(area, pts[:, 0], pts[:, 1])
        xy[rows] = pts[inverse]
    return xy


def _households(unit_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Household numbers (1..) grouping 1-4 adult customers of one unit; ``unit_index`` sorted."""
    n = len(unit_index)
    sizes = rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.4, 0.2, 0.1])
    start = np.zeros(n, dtype=bool)
    start[np.cumsum(sizes)[np.cumsum(sizes) < n]] = True
    start[0] = True
    start[1:] |= unit_index[1:] != unit_index[:-1]
    return np.cumsum(start)


def _ages(urban: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(urban)
    p_urban = np.array([0.27, 0.31, 0.27, 0.15])
    p_rural = np.array([0.19, 0.24, 0.31, 0.26])
    u = rng.random(n)
    band = np.where(
        urban, np.searchsorted(np.cumsum(p_urban), u), np.searchsorted(np.cumsum(p_rural), u)
    )
    band = np.minimum(band, 3)
    low = np.array([b[0] for b in AGE_BANDS])[band]
    high = np.array([b[1] for b in AGE_BANDS])[band]
    return rng.integers(low, high + 1)


def age_band(age: np.ndarray) -> np.ndarray:
    """Index 0-3 of the age band (18-30, 31-45, 46-60, 61+)."""
    return np.searchsorted([30, 45, 60], age, side="left")


def _individuals(
    units: list[UnitInfo], weights: np.ndarray, n: int, rng: np.random.Generator, as_of: date
) -> pd.DataFrame:
    unit_index = np.sort(rng.choice(len(units), size=n, p=weights))
    urban = np.array([u.urban for u in units])[unit_index]
    is_village = ~urban
    household = _households(unit_index, rng)
    age = _ages(urban, rng)
    female = rng.random(n) < 0.49
    band = age_band(age)

    # occupation
    occ = np.full(n, "farmer", dtype=object)
    r = rng.random(n)
    working = (age >= 18) & (age <= 55)
    migrant = is_village & working & (rng.random(n) < 0.26)
    public = r < np.where(urban, 0.12, 0.03)
    employee = (~public) & (r < np.where(urban, 0.45, 0.10))
    self_emp = (~public) & (~employee) & (r < np.where(urban, 0.60, 0.16))
    occ[public] = "public"
    occ[employee] = "employee"
    occ[self_emp] = "self_employed"
    occ[urban & ~(public | employee | self_emp)] = "employee"
    occ[(age <= 22) & (rng.random(n) < 0.6)] = "student"
    occ[age >= 61] = "retiree"
    occ[is_village & (age >= 61) & (rng.random(n) < 0.7)] = "farmer"
    occ[migrant] = "migrant"

    # status: potential skews young, county town, public sector
    logit = -0.9 + 0.9 * (band == 0) - 0.3 * (band == 3) + 0.5 * urban + 0.8 * (occ == "public")
    logit = logit - 0.4 * (occ == "farmer")
    p_potential = 1 / (1 + np.exp(-logit))
    p_potential *= 0.33 / p_potential.mean()
    potential = rng.random(n) < p_potential
    dormant = (~potential) & (rng.random(n) < 0.20 / 0.67)
    status = np.where(potential, "potential", np.where(dormant, "dormant", "active"))
    existing = ~potential

    # deposits: log-normal with multipliers, dormant accounts small, potential none
    mult = np.ones(n)
    mult *= np.where(band == 2, 1.4, 1.0)
    mult *= np.select([occ == "public", occ == "farmer", occ == "student"], [3.0, 0.7, 0.2], 1.0)
    mult *= np.where(urban, 1.5, 0.8)
    deposit = DEPOSIT_MEDIAN * mult * rng.lognormal(0.0, DEPOSIT_SIGMA, n)
    deposit = np.where(dormant, deposit * 0.3, deposit)
    deposit = np.where(existing, np.round(deposit, 2), 0.0)
    time_share = np.where(band == 3, rng.uniform(0.6, 0.95, n), rng.uniform(0.0, 0.6, n))
    time_deposit = np.round(np.where(deposit > 2_000, deposit * time_share, 0.0), 2)

    active = status == "active"
    mobile = existing & (rng.random(n) < np.array(MOBILE_BY_BAND)[band])
    debit = existing & (rng.random(n) < 0.97)
    etc = existing & (rng.random(n) < np.where(urban, 0.10, 0.02))
    wealth_holder = active & (rng.random(n) < np.clip(0.01 + deposit / 2e6, 0, 0.5))
    wealth = np.where(wealth_holder, np.round(rng.lognormal(np.log(80_000), 0.8, n), -3), 0.0)

    # village credit lines (整村授信) for household heads; loans for 12-18 % of households
    head = np.r_[True, household[1:] != household[:-1]]
    line_grade = rng.choice(3, size=n, p=[0.25, 0.35, 0.40])
    line_amount = np.choose(
        line_grade, [rng.uniform(2e5, 3e5, n), rng.uniform(1e5, 2e5, n), rng.uniform(3e4, 1e5, n)]
    )
    has_line = head & existing & is_village & (rng.random(n) < 0.65)
    credit_line = np.where(has_line, np.round(line_amount, -3), 0.0)
    borrows = head & existing & (rng.random(n) < np.where(has_line, 0.40, 0.07))
    loan = np.where(
        has_line, credit_line * rng.uniform(0.5, 1.0, n), rng.lognormal(np.log(80_000), 0.7, n)
    )
    loan = np.where(borrows, np.round(loan, -2), 0.0)

    other_dep = np.where(potential, rng.random(n) < 0.70, active & (rng.random(n) < 0.40))
    other_amount = np.where(
        potential,
        DEPOSIT_MEDIAN * mult * rng.lognormal(0.5, 1.5, n),
        deposit * rng.uniform(0.3, 1.0, n),
    )
    other_deposit = np.where(other_dep, np.round(other_amount, -2), 0.0)
    other_loan = np.where(
        rng.random(n) < 0.06, np.round(rng.lognormal(np.log(5e4), 0.8, n), -2), 0.0
    )

    tenure_days = rng.integers(0, 20 * 365, n)
    tenure_days = np.where(rng.random(n) < 0.08, rng.integers(0, 365, n), tenure_days)
    as_of64 = np.datetime64(as_of, "D")
    opened = np.where(existing, as_of64 - tenure_days, np.datetime64("NaT"))
    last_txn = np.where(
        active,
        as_of64 - rng.integers(0, 60, n),
        np.where(dormant, as_of64 - rng.integers(400, 2000, n), np.datetime64("NaT")),
    )
    last_txn = np.where(existing, np.maximum(last_txn, opened), np.datetime64("NaT"))

    birth = (
        np.datetime64(f"{as_of.year}-01-01") - (age * 365.25).astype(int) - rng.integers(0, 365, n)
    ).astype("datetime64[D]")
    xy = _points_in_units(units, unit_index, household, rng)
    town = np.array([u.town_name for u in units], dtype=object)[unit_index]
    unit_names = np.array([u.unit.name for u in units], dtype=object)[unit_index]
    surname_tables = identity.village_surnames(rng, len(units))
    surname = np.empty(n, dtype=np.int64)
    for k, (idx, prob) in enumerate(surname_tables):
        rows = np.flatnonzero(unit_index == k)
        if len(rows):
            # household members mostly share the surname of their household's first member
            surname[rows] = rng.choice(idx, size=len(rows), p=prob)
    first_of_hh = np.r_[0, np.flatnonzero(household[1:] != household[:-1]) + 1]
    hh_pos = np.repeat(first_of_hh, np.diff(np.r_[first_of_hh, n]))
    share = rng.random(n) < 0.6
    surname = np.where(share, surname[hh_pos], surname)

    return pd.DataFrame(
        {
            "kind": "individual",
            "status": status,
            "name": identity.make_names(rng, surname, female),
            "id_number": identity.make_id_numbers(rng, COUNTY_AREA_CODE, birth, female),
            "phone": identity.make_phones(rng, n),
            "address": [
                "贵州省平塘县" + t + u + f"{h % 97 + 1}号"
                for t, u, h in zip(town, unit_names, household, strict=False)
            ],
            "gender": np.where(female, "F", "M"),
            "birth_year": birth.astype("datetime64[Y]").astype(int) + 1970,
            "occupation": occ,
            "industry": None,
            "household_no": household,
            "is_migrant": migrant,
            "unit_index": unit_index,
            "lon": np.round(xy[:, 0], 6),
            "lat": np.round(xy[:, 1], 6),
            "opened_on": opened,
            "last_txn_on": last_txn,
            "deposit_balance": deposit,
            "time_deposit_balance": time_deposit,
            "loan_balance": loan,
            "credit_line": credit_line,
            "wealth_balance": wealth,
            "has_debit_card": debit,
            "has_mobile_banking": mobile,
            "has_acquiring": False,
            "has_etc": etc,
            "other_bank_deposit": other_deposit,
            "other_bank_loan": other_loan,
        }
    )


MERCHANT_INDUSTRIES = ("零售", "餐饮", "农资", "五金建材", "茶叶", "汽修", "药店", "服装")
CORPORATE_INDUSTRIES = (
    "茶叶种植",
    "农业合作社",
    "建材",
    "物流",
    "旅游",
    "食品加工",
    "医药",
    "教育",
)


def _businesses(
    units: list[UnitInfo],
    weights: np.ndarray,
    n: int,
    kind: str,
    rng: np.random.Generator,
    as_of: date,
) -> pd.DataFrame:
    """Merchants (county town and seats) and corporates (Pareto deposits)."""
    urban = np.array([u.urban for u in units])
    w = weights * np.where(urban, 6.0 if kind == "merchant" else 3.0, 1.0)
    unit_index = np.sort(rng.choice(len(units), size=n, p=w / w.sum()))
    potential = rng.random(n) < (0.15 if kind == "merchant" else 0.20)
    dormant = (~potential) & (rng.random(n) < 0.10)
    status = np.where(potential, "potential", np.where(dormant, "dormant", "active"))
    existing = ~potential
    if kind == "merchant":
        deposit = DEPOSIT_MEDIAN * 2.5 * rng.lognormal(0.0, DEPOSIT_SIGMA, n)
        loan = np.where(rng.random(n) < 0.25, rng.lognormal(np.log(1.5e5), 0.7, n), 0.0)
        industries = np.array(MERCHANT_INDUSTRIES, dtype=object)
        other_loan_rate = 0.15
    else:
        # the largest depositor grows with the county: ~1.2亿 at full size
        cap = 1.2e8 * max(n / (CORPORATES_PER_INDIVIDUAL * 230_000), 0.05)
        deposit = np.minimum(120_000 * (rng.pareto(1.1, n) + 1), cap)
        loan = np.where(rng.random(n) < 0.40, rng.lognormal(np.log(1.6e6), 1.0, n), 0.0)
        industries = np.array(CORPORATE_INDUSTRIES, dtype=object)
        other_loan_rate = 0.20
    deposit = np.where(existing, np.round(np.where(dormant, deposit * 0.1, deposit), 2), 0.0)
    loan = np.where(existing & ~dormant, np.round(loan, -2), 0.0)
    town = np.array([u.town_name for u in units], dtype=object)[unit_index]
    household = -(np.arange(n) + 1)  # a business is its own "household"; never shared
    xy = _points_in_units(units, unit_index, household, rng)
    as_of64 = np.datetime64(as_of, "D")
    opened = np.where(existing, as_of64 - rng.integers(0, 15 * 365, n), np.datetime64("NaT"))
    last_txn = np.where(
        status == "active",
        as_of64 - rng.integers(0, 30, n),
        np.where(dormant, as_of64 - rng.integers(400, 1500, n), np.datetime64("NaT")),
    )
    last_txn = np.where(existing, np.maximum(last_txn, opened), np.datetime64("NaT"))
    female = rng.random(n) < 0.4
    birth = (as_of64 - rng.integers(25 * 365, 65 * 365, n)).astype("datetime64[D]")
    other_deposit = np.where(
        rng.random(n) < 0.5,
        np.round(deposit * rng.uniform(0.3, 1.0, n) + potential * 50_000, -2),
        0.0,
    )
    return pd.DataFrame(
        {
            "kind": kind,
            "status": status,
            "name": identity.make_company_names(rng, n, town, kind),
            "id_number": identity.make_id_numbers(rng, COUNTY_AREA_CODE, birth, female),
            "phone": identity.make_phones(rng, n),
            "address": [
                "贵州省平塘县" + t + "街" + str(i % 300 + 1) + "号" for i, t in enumerate(town)
            ],
            "gender": None,
            "birth_year": None,
            "occupation": "self_employed" if kind == "merchant" else "enterprise",
            "industry": industries[rng.integers(0, len(industries), n)],
            "household_no": None,
            "is_migrant": False,
            "unit_index": unit_index,
            "lon": np.round(xy[:, 0], 6),
            "lat": np.round(xy[:, 1], 6),
            "opened_on": opened,
            "last_txn_on": last_txn,
            "deposit_balance": deposit,
            "time_deposit_balance": np.round(deposit * rng.uniform(0, 0.5, n), 2),
            "loan_balance": loan,
            "credit_line": np.where(loan > 0, np.round(loan * 1.3, -3), 0.0),
            "wealth_balance": 0.0,
            "has_debit_card": existing,
            "has_mobile_banking": existing & (rng.random(n) < 0.7),
            "has_acquiring": existing & (rng.random(n) < (0.6 if kind == "merchant" else 0.2)),
            "has_etc": existing & (rng.random(n) < 0.25),
            "other_bank_deposit": other_deposit,
            "other_bank_loan": np.where(
                rng.random(n) < other_loan_rate,
                np.round(rng.lognormal(np.log(2e5), 0.8, n), -2),
                0.0,
            ),
        }
    )
