"""A small county that is not 平塘, written as a bank's files: 青石县 (code 360999, a made-up
county in the hills of Jiangxi), its bank 青石农商银行, three townships, twelve villages, three
branches, eight staff and a few hundred customers.

The shapes are synthetic and come in the inputs banks really send: the service area as a
zipped Shapefile in a projected system (UTM zone 50N, EPSG:32650, with its .prj), villages
with GCJ-02 points (AMap), branches in an .xlsx, staff in GB18030 with ``|`` and the bank's
own headers, customers in UTF-8 with a BOM.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapefile
import shapely
from openpyxl import Workbook
from pyproj import Transformer
from shapely.geometry import Point, mapping

from geo.crs import wgs84_to_gcj02

COUNTY = "360999"
CENTRE = (115.80, 27.30)  # lon, lat (WGS-84)
UTM50 = 'PROJCS["WGS 84 / UTM zone 50N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
TOWNS = [("360999100", "青石镇"), ("360999200", "白沙乡"), ("360999201", "云岭乡")]
VILLAGE_NAMES = [
    "青石社区居民委员会",
    "东门村村民委员会",
    "石桥村村民委员会",
    "枫林村村民委员会",
    "白沙村村民委员会",
    "下湾村村民委员会",
    "竹园村村民委员会",
    "高坪村村民委员会",
    "云岭村村民委员会",
    "茶山村村民委员会",
    "黄泥村村民委员会",
    "柏树村村民委员会",
]
BRANCHES = [("QS001", "青石支行"), ("QS002", "白沙支行"), ("QS003", "云岭支行")]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region: str, born: date, seq: int) -> str:
    """A GB 11643 ID number with its check character."""
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=False)) % 11]


def service_area() -> shapely.Polygon:
    """A rounded county about 30 km across (WGS-84)."""
    lon, lat = CENTRE
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    radius = 0.15 * (1 + 0.15 * np.sin(3 * angles))
    return shapely.Polygon(
        np.column_stack([lon + radius * np.cos(angles) / 0.89, lat + radius * np.sin(angles)])
    )


def village_points(area: shapely.Polygon) -> list[tuple[float, float]]:
    rng = np.random.default_rng(7)
    points: list[tuple[float, float]] = []
    while len(points) < len(VILLAGE_NAMES):
        x, y = rng.uniform(*area.bounds[::2]), rng.uniform(*area.bounds[1::2])
        if area.buffer(-0.01).contains(Point(x, y)) and all(
            abs(x - a) + abs(y - b) > 0.04 for a, b in points
        ):
            points.append((round(float(x), 6), round(float(y), 6)))
    return sorted(points)  # west to east: the first four are the first township...


def _zipped_shapefile(area: shapely.Polygon) -> bytes:
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)
    ring = [to_utm.transform(x, y) for x, y in area.exterior.coords]
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as w:
        w.field("name", "C", 40)
        w.poly([ring[::-1]])  # clockwise outer ring, as shapefiles want
        w.record("青石县")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for ext, buf in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            z.writestr(f"territory/qingshi.{ext}", buf.getvalue())
        z.writestr("territory/qingshi.prj", UTM50)
        z.writestr("territory/qingshi.cpg", "UTF-8")
    return out.getvalue()


def write_county(folder: Path, customers: int = 300, as_of: date = date(2026, 11, 30)) -> dict:
    """Write the county's files into ``folder``; returns what a test needs to know."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    area = service_area()
    (folder / "territory.zip").write_bytes(_zipped_shapefile(area))
    (folder / "bank.csv").write_text(
        "银行代码,银行名称\nQSRCB,青石农村商业银行\n", encoding="utf-8"
    )
    points = village_points(area)
    town_of = [TOWNS[0]] * 4 + [TOWNS[1]] * 4 + [TOWNS[2]] * 4
    villages = []
    lines = ["村社区代码,村社区名称,乡镇街道代码,乡镇街道名称,经度,纬度,坐标系"]
    for i, ((x, y), name, (tcode, tname)) in enumerate(
        zip(points, VILLAGE_NAMES, town_of, strict=False)
    ):
        code = f"{tcode}{(1 if i % 4 == 0 else 200 + i):03d}"
        gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
        lines.append(f"{code},{name},{tcode},{tname},{gx[0]:.6f},{gy[0]:.6f},GCJ02")
        villages.append({"code": code, "name": name, "lon": x, "lat": y, "town": tname})
    (folder / "villages.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    wb = Workbook()
    ws = wb.active
    ws.append(["机构号", "机构名称", "经度", "纬度"])
    for (code, name), v in zip(BRANCHES, (villages[0], villages[5], villages[9]), strict=False):
        ws.append([code, name, round(v["lon"] + 0.002, 6), round(v["lat"] + 0.001, 6)])
    buf = io.BytesIO()
    wb.save(buf)
    (folder / "branches.xlsx").write_bytes(buf.getvalue())

    staff = [("柜员号", "员工姓名", "所属机构", "岗位", "手机号", "在职")]
    staff.append(("H001", "周总行", "QSRCB", "总行", "13900000001", "是"))
    staff.append(("B001", "吴行长", "QS001", "支行行长", "13900000002", "是"))
    managers = []
    for i, (branch, _name) in enumerate(
        [BRANCHES[0], BRANCHES[0], BRANCHES[1], BRANCHES[1], BRANCHES[2], BRANCHES[2]]
    ):
        code = f"K{i + 1:03d}"
        managers.append(code)
        staff.append((code, f"客户经理{i + 1}", branch, "客户经理", f"1390000{i + 10:04d}", "是"))
    (folder / "staff.txt").write_bytes(
        "\n".join("|".join(r) for r in staff).encode("gb18030") + b"\n"
    )

    rows = [
        "客户号,客户类型,客户名称,证件号码,手机号码,地址,村社区代码,经度,纬度,开户日期,归属客户经理工号"
    ]
    holdings = ["客户号,产品类别,余额(元),到期日"]
    balances = ["客户号,月份,存款余额(元),贷款余额(元)"]
    visits = ["客户号,工号,走访时间,方式,结果"]
    numbers = []
    for i in range(customers):
        v = villages[i % len(villages)]
        cust = f"QC{i + 1:07d}"
        numbers.append(cust)
        born = date(1950, 1, 1) + timedelta(days=int(rng.integers(0, 20000)))
        ident = id_number(COUNTY, born, int(rng.integers(1, 999)))
        x = v["lon"] + rng.normal(0, 0.004)
        y = v["lat"] + rng.normal(0, 0.004)
        opened = as_of - timedelta(days=int(rng.integers(30, 3000)))
        if i % 10 == 3:  # no coordinates: placed at its village's point
            xs, ys = "", ""
        else:
            xs, ys = f"{x:.6f}", f"{y:.6f}"
        village_code = v["code"]
        address = f"{v['town']}{v['name'][:3]}{i % 9 + 1}组"
        if i % 25 == 7:  # neither coordinates nor code: the village named in the address
            xs, ys, village_code = "", "", ""
        rows.append(
            f"{cust},个人,客户{i + 1},{ident},138{i:08d},{address},{village_code},{xs},{ys},"
            f"{opened:%Y-%m-%d},{managers[i % len(managers)]}"
        )
        deposit = round(float(rng.lognormal(10, 1)), 2)
        holdings.append(f"{cust},活期存款,{deposit:.2f},")
        if i % 4 == 0:
            holdings.append(f"{cust},定期存款,{deposit * 2:.2f},{as_of + timedelta(days=40)}")
        if i % 6 == 0:
            holdings.append(f"{cust},贷款,{100000:.2f},{as_of + timedelta(days=300)}")
        for m in range(1, 13):
            month = date(as_of.year, m, 1)
            if month <= as_of:
                balances.append(f"{cust},{month:%Y-%m},{deposit * (0.8 + m / 60):.2f},0")
        if i % 3 == 0:
            visits.append(
                f"{cust},{managers[i % len(managers)]},{as_of - timedelta(days=i % 50)} 10:00,上门,建档"
            )
    (folder / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    (folder / "holdings.csv").write_text("\n".join(holdings) + "\n", encoding="utf-8")
    (folder / "balances.csv").write_text("\n".join(balances) + "\n", encoding="utf-8")
    (folder / "visits.csv").write_text("\n".join(visits) + "\n", encoding="utf-8")
    return {
        "area": area,
        "villages": villages,
        "customers": numbers,
        "managers": managers,
        "geojson": json.dumps(mapping(area)),
    }
