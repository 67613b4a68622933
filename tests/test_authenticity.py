"""Authenticity flags: each rule fires on hand-made visits, and its near misses stay quiet."""

import numpy as np
import pandas as pd
import pytest

from core.visits.authenticity import FLAG_COLUMNS, RULES, flag_texts, flag_visits, summarize_flags

LON, LAT = 107.0, 25.8
M_PER_DEG_LAT = 111_195.0


def north(metres: float) -> float:
    """Latitude ``metres`` north of LAT."""
    return LAT + metres / M_PER_DEG_LAT


def east(metres: float) -> float:
    return LON + metres / (M_PER_DEG_LAT * np.cos(np.radians(LAT)))


def visits(*rows) -> pd.DataFrame:
    """Rows of (manager, customer, 'HH:MM', check-in lon, lat, customer lon, lat)."""
    df = pd.DataFrame(
        rows,
        columns=["manager_id", "customer_id", "time", "lon", "lat", "customer_lon", "customer_lat"],
    )
    df.insert(0, "visit_id", np.arange(1, len(df) + 1))
    df["visited_at"] = pd.to_datetime("2026-11-02 " + df.pop("time"))
    return df


def rules_of(flags: pd.DataFrame) -> set[tuple[int, str]]:
    return set(zip(flags["visit_id"], flags["rule"], strict=False))


# --- far check-in -----------------------------------------------------------------------


def test_checkin_far_from_the_customer_is_flagged_with_its_distance():
    v = visits((1, 10, "09:00", LON, north(812), LON, LAT))
    flags = flag_visits(v)
    assert rules_of(flags) == {(1, "far_checkin")}
    assert flags["value"].iat[0] == pytest.approx(812, abs=1)
    assert flag_texts(flags, "zh")[0] == "签到位置距客户 812 米(阈值 500 米)"
    assert flag_texts(flags, "en")[0] == "Check-in 812 m from the customer (limit 500 m)"


@pytest.mark.parametrize(
    "checkin, customer",
    [
        ((LON, north(480)), (LON, LAT)),  # inside the limit
        ((np.nan, np.nan), (LON, LAT)),  # a phone visit has no check-in
        ((LON, north(900)), (np.nan, np.nan)),  # the customer has no position
    ],
)
def test_near_misses_of_the_distance_rule(checkin, customer):
    assert flag_visits(visits((1, 10, "09:00", *checkin, *customer))).empty


def test_distance_limit_from_the_setting_and_the_argument(monkeypatch):
    v = visits((1, 10, "09:00", LON, north(600), LON, LAT))
    assert len(flag_visits(v)) == 1
    assert flag_visits(v, max_checkin_m=700).empty
    monkeypatch.setenv("GM_CHECKIN_MAX_M", "700")
    assert flag_visits(v).empty


# --- speed ------------------------------------------------------------------------------


def test_implausible_speed_flags_the_later_visit():
    # 20 km in 15 minutes: 80 km/h
    v = visits(
        (1, 10, "09:00", LON, LAT, LON, LAT),
        (1, 11, "09:15", LON, north(20_000), LON, north(20_000)),
    )
    flags = flag_visits(v)
    assert rules_of(flags) == {(2, "speed")}
    assert flags["value"].iat[0] == pytest.approx(80, rel=0.01)
    assert flag_texts(flags, "zh")[0] == (
        "距上一次现场走访 20.0 公里、间隔 15 分钟,时速 80 公里(阈值 60 公里)"
    )


@pytest.mark.parametrize(
    "rows",
    [
        # 20 km in 30 minutes: 40 km/h
        [
            (1, 10, "09:00", LON, LAT, LON, LAT),
            (1, 11, "09:30", LON, north(20_000), LON, north(20_000)),
        ],
        # two managers, each at their own place
        [
            (1, 10, "09:00", LON, LAT, LON, LAT),
            (2, 11, "09:05", LON, north(20_000), LON, north(20_000)),
        ],
        # 400 m apart within a minute: GPS scatter and neighbours, not speed
        [(1, 10, "09:00", LON, LAT, LON, LAT), (1, 11, "09:01", LON, north(400), LON, north(400))],
        # a phone call in between has no position and neither helps nor hurts
        [
            (1, 10, "09:00", LON, LAT, LON, LAT),
            (1, 12, "09:10", np.nan, np.nan, LON, LAT),
            (1, 11, "11:00", LON, north(20_000), LON, north(20_000)),
        ],
    ],
)
def test_near_misses_of_the_speed_rule(rows):
    assert "speed" not in set(flag_visits(visits(*rows))["rule"])


def test_speed_skips_phone_visits_between_on_site_ones():
    v = visits(
        (1, 10, "09:00", LON, LAT, LON, LAT),
        (1, 12, "09:08", np.nan, np.nan, LON, LAT),
        (1, 11, "09:12", LON, north(20_000), LON, north(20_000)),
    )
    assert rules_of(flag_visits(v)) == {(3, "speed")}  # 20 km in 12 minutes


def test_two_places_at_the_same_minute_is_infinite_speed():
    v = visits(
        (1, 10, "09:00", LON, LAT, LON, LAT), (1, 11, "09:00", east(5_000), LAT, east(5_000), LAT)
    )
    flags = flag_visits(v)
    assert rules_of(flags) == {(2, "speed")}
    assert np.isinf(flags["value"].iat[0]) and "时速 ∞ 公里" in flag_texts(flags, "zh")[0]


def test_row_order_does_not_matter():
    v = visits(
        (1, 10, "09:00", LON, LAT, LON, LAT),
        (1, 11, "09:15", LON, north(20_000), LON, north(20_000)),
        (1, 12, "09:20", LON, north(20_100), LON, north(20_100)),
        (1, 13, "09:24", LON, north(20_200), LON, north(20_200)),
    )
    a = flag_visits(v)
    b = flag_visits(v.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


# --- bursts -----------------------------------------------------------------------------


def on_site(manager, customer, time, metres_north):
    return (manager, customer, time, LON, north(metres_north), LON, north(metres_north))


def test_three_visits_within_ten_minutes_are_all_flagged():
    v = visits(
        on_site(1, 10, "14:00", 0), on_site(1, 11, "14:04", 100), on_site(1, 12, "14:09", 200)
    )
    flags = flag_visits(v)
    assert rules_of(flags) == {(1, "burst"), (2, "burst"), (3, "burst")}
    assert (
        flag_texts(flags, "zh")[0] == "2026-11-02 14:00 至 14:09 共 3 次走访(阈值:10 分钟内 3 次)"
    )
    assert flag_texts(flags, "en")[0] == (
        "3 visits from 2026-11-02 14:00 to 14:09 (limit: 3 within 10 min)"
    )


@pytest.mark.parametrize(
    "rows",
    [
        [on_site(1, 10, "14:00", 0), on_site(1, 11, "14:05", 100), on_site(1, 12, "14:11", 200)],
        [on_site(1, 10, "14:00", 0), on_site(1, 11, "14:01", 100)],
        [
            on_site(1, 10, "14:00", 0),
            on_site(2, 11, "14:01", 100),
            on_site(1, 12, "14:02", 200),
            on_site(2, 13, "14:03", 300),
        ],  # two managers, two visits each
        [
            on_site(1, 10, "14:00", 0),
            on_site(1, 11, "14:06", 100),
            on_site(1, 12, "14:12", 200),
            on_site(1, 13, "14:18", 300),
        ],  # steady every six minutes
    ],
)
def test_near_misses_of_the_burst_rule(rows):
    assert "burst" not in set(flag_visits(visits(*rows))["rule"])


def test_overlapping_windows_are_one_burst():
    v = visits(
        on_site(1, 10, "14:00", 0),
        on_site(1, 11, "14:02", 50),
        on_site(1, 12, "14:04", 100),
        on_site(1, 13, "14:12", 150),
        on_site(1, 14, "14:14", 200),
        on_site(1, 15, "15:00", 250),
    )
    flags = flag_visits(v)
    assert rules_of(flags) == {(i, "burst") for i in range(1, 6)}
    assert set(flags["value"]) == {5}
    assert "14:00 至 14:14 共 5 次" in flag_texts(flags, "zh")[0]


def test_burst_settings(monkeypatch):
    v = visits(on_site(1, 10, "14:00", 0), on_site(1, 11, "14:01", 50))
    assert flag_visits(v).empty
    assert len(flag_visits(v, burst_visits=2)) == 2
    monkeypatch.setenv("GM_BURST_VISITS", "2")
    monkeypatch.setenv("GM_BURST_MINUTES", "0.5")
    assert flag_visits(v).empty  # a minute apart is outside half a minute


# --- same spot --------------------------------------------------------------------------


def test_one_checkin_point_for_two_customers_flags_both():
    spot = (east(150), north(150))
    v = visits((1, 10, "09:00", *spot, LON, LAT), (1, 11, "11:00", *spot, east(300), LAT))
    flags = flag_visits(v)
    assert rules_of(flags) == {(1, "same_spot"), (2, "same_spot")}
    assert "与另外 1 位客户的走访签到完全相同" in flag_texts(flags, "zh")[0]
    assert f"{spot[0]:.5f}" in flag_texts(flags, "en")[0]


def test_same_spot_across_managers_is_flagged_too():
    spot = (east(150), north(150))
    v = visits((1, 10, "09:00", *spot, LON, LAT), (2, 11, "16:00", *spot, east(300), LAT))
    assert set(flag_visits(v)["rule"]) == {"same_spot"}


@pytest.mark.parametrize(
    "second",
    [
        (11, (east(152), north(150)), (east(300), LAT)),  # 2 m apart: real GPS fixes
        (10, (east(150), north(150)), (LON, LAT)),  # the same customer visited twice
        (11, (east(150), north(150)), (LON, LAT)),  # another member of the same household
    ],
)
def test_near_misses_of_the_same_spot_rule(second):
    customer, checkin, home = second
    v = visits(
        (1, 10, "09:00", east(150), north(150), LON, LAT), (1, customer, "11:00", *checkin, *home)
    )
    assert flag_visits(v).empty


# --- output and summary -----------------------------------------------------------------


def test_clean_visits_give_an_empty_frame_with_the_columns():
    v = visits(on_site(1, 10, "09:00", 0), on_site(1, 11, "10:00", 3_000))
    flags = flag_visits(v)
    assert flags.empty and list(flags.columns) == FLAG_COLUMNS
    assert list(flag_visits(v.iloc[:0]).columns) == FLAG_COLUMNS


def test_one_visit_can_carry_several_flags():
    spot = (LON, north(900))
    v = visits(
        (1, 10, "09:00", *spot, LON, LAT),
        (1, 11, "09:01", *spot, east(300), LAT),
        (1, 12, "09:02", LON, north(-1_500), LON, north(-1_500)),
    )
    flags = flag_visits(v)
    assert {(1, "far_checkin"), (1, "same_spot"), (1, "burst"), (3, "speed")} <= rules_of(flags)
    assert list(flags.columns) == FLAG_COLUMNS
    assert flags["rule"].isin(RULES).all()


@pytest.mark.parametrize(
    "bad, error", [([1, 2], TypeError), (pd.DataFrame({"visit_id": [1]}), ValueError)]
)
def test_bad_input(bad, error):
    with pytest.raises(error):
        flag_visits(bad)


def test_summary_per_manager():
    v = visits(
        (1, 10, "09:00", LON, north(900), LON, LAT),
        (1, 11, "09:15", LON, north(20_000), LON, north(20_000)),
        (1, 12, "12:00", LON, north(20_000), LON, north(20_000)),
        (2, 13, "09:00", LON, LAT, LON, LAT),
        (3, 14, "09:00", LON, north(700), LON, LAT),
    )
    summary = summarize_flags(flag_visits(v), v).set_index("manager_id")
    assert summary.index.tolist() == [1, 3, 2]  # most flagged first
    assert summary.loc[1, ["visits", "flagged_visits", "far_checkin", "speed"]].tolist() == [
        3,
        2,
        1,
        1,
    ]
    assert summary.loc[1, "flagged_pct"] == pytest.approx(66.7)
    assert summary.loc[2, ["visits", "flagged_visits", "flagged_pct"]].tolist() == [1, 0, 0.0]
    assert summarize_flags(flag_visits(v.iloc[3:4])).empty
