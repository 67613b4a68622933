"""What a bank's data folder holds: the kinds of file, their template headers and what each
column's values must be.

A file's kind is its name's stem (``customers.csv``, ``staff.xlsx``, ``territory.geojson``).
Each table kind has template headers in Chinese (what ``python -m core template`` writes);
English aliases and a bank's own headers (through a mapping profile) are read as the same
column. Every column has a ``key`` (what the loader calls it) and a ``type`` that the checks
(:mod:`core.bank_data.checks`) know how to read and verify:

``text``       any text (trimmed; at most ``size`` characters)
``code``       an identifier: digits, letters, ``-`` and ``_`` (customer, staff, branch numbers)
``village``    a 12-digit village / community code (NBS statistical code)
``township``   a 9-digit township code
``id_number``  an ID number: 18 characters checked by GB 11643 (check digit, birth date) for
               individuals; other customers' certificates (统一社会信用代码...) are ``code``-like
``mobile``     11 digits starting with 1
``date``       a day (2026-03-01, 2026/3/1, 20260301, an Excel serial)
``month``      a month (2026-03, 202603, 2026-03-01)
``datetime``   a day and a time
``amount``     money in yuan (thousands separators, full-width digits, a ``万`` suffix read)
``number``     a count or area (households, residents)
``lon``/``lat`` coordinates (decimal degrees) in the row's or file's coordinate system
``flag``       是 / 否 (Y/N, 1/0, true/false)
``choice``     one of ``choices``: {what the file says: what we store}
``crs``        a coordinate system name: WGS84 / GCJ02 / CGCS2000 / EPSG:xxxx
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

YES = ("是", "Y", "y", "1", "true", "True", "TRUE", "yes", "Yes")
NO = ("否", "N", "n", "0", "false", "False", "FALSE", "no", "No")


@dataclass(frozen=True)
class Column:
    """One column of a kind of file."""

    key: str  # what the loader calls it
    header: str  # the template header (Chinese)
    type: str
    required: bool = False  # the header must be there (a value may still be empty)
    aliases: tuple[str, ...] = ()  # English and common bank headers read as this column
    choices: MappingProxyType | None = None  # for type "choice": {in the file: stored}
    size: int = 100  # longest text kept
    must_have_value: bool = False  # an empty cell is a problem
    note: str = ""  # the field guide's explanation (Chinese)


@dataclass(frozen=True)
class FileKind:
    """A kind of file in a bank's data folder: its stem and its columns (tables) or that it
    holds polygons (areas)."""

    stem: str
    title: str  # what the field guide and the messages call it (Chinese)
    title_en: str
    key: str | None = None  # the column a row is known by (None: no key)
    columns: tuple[Column, ...] = ()
    polygons: bool = False  # GeoJSON / zipped Shapefile / KML instead of a table
    note: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _choices(**pairs) -> MappingProxyType:
    return MappingProxyType(pairs)


def _c(key, header, type_="text", *aliases, **kw) -> Column:
    return Column(key, header, type_, aliases=tuple(aliases), **kw)


def _r(key, header, type_="text", *aliases, **kw) -> Column:
    return Column(key, header, type_, required=True, aliases=tuple(aliases), **kw)


CUSTOMER_KINDS = _choices(
    **{"个人": "individual", "个体工商户": "merchant", "企业": "corporate", "对公": "corporate"}
)
CUSTOMER_STATUSES = _choices(
    **{
        "正常": "active",
        "有效": "active",
        "休眠": "dormant",
        "睡眠": "dormant",
        "潜在": "potential",
    }
)
GENDERS = _choices(**{"男": "M", "女": "F"})
OCCUPATIONS = _choices(
    **{
        "务农": "farmer",
        "农民": "farmer",
        "外出务工": "migrant",
        "公职人员": "public",
        "企业职工": "employee",
        "个体经营": "self_employed",
        "学生": "student",
        "退休": "retiree",
        "企业": "enterprise",
    }
)
POSTS = _choices(**{"总行": "hq", "支行行长": "branch", "客户经理": "manager"})
PRODUCTS = _choices(
    **{
        "活期存款": "current_deposit",
        "定期存款": "time_deposit",
        "理财": "wealth",
        "贷款": "loan",
        "授信": "credit_line",
    }
)
CHANNELS = _choices(**{"上门": "onsite", "电话": "phone", "网点": "outlet", "微信": "wechat"})
OUTCOMES = _choices(
    **{
        "建档": "filed",
        "有意向": "interested",
        "开户": "account",
        "存款": "deposit",
        "手机银行": "mobile_banking",
        "收单": "acquiring",
        "贷款申请": "loan_application",
        "无": "none",
        "未成功": "none",
    }
)
CUSTOMER_NO = Column(  # how every per-customer file names its customer
    "cust_no",
    "客户号",
    "code",
    required=True,
    aliases=("cust_no", "customer_no"),
    size=20,
    must_have_value=True,
)
CRS_NOTE = "WGS84(GPS)、GCJ02(高德/腾讯/微信)或 CGCS2000;不填时取 --crs 或 WGS84"

KINDS: tuple[FileKind, ...] = (
    FileKind(
        "bank",
        "银行",
        "Bank",
        "code",
        (
            _r("code", "银行代码", "code", "bank_code", must_have_value=True),
            _r("name", "银行名称", "text", "bank_name", must_have_value=True),
        ),
        note="可选;一行。县(区)代码取自村社区代码的前6位。",
    ),
    FileKind(
        "territory",
        "服务区域",
        "Service area",
        polygons=True,
        note="面文件(GeoJSON、压缩的 Shapefile 或 KML):本行的服务区域,一个或多个面。",
    ),
    FileKind(
        "township_areas",
        "乡镇街道边界",
        "Township areas",
        polygons=True,
        note="可选面文件,属性“乡镇街道代码”(code);没有时乡镇范围由其村社区拼成。",
    ),
    FileKind(
        "village_areas",
        "村社区边界",
        "Village areas",
        polygons=True,
        note="可选面文件,属性“村社区代码”(code);没有边界的村社区按点生成示意范围。",
    ),
    FileKind(
        "villages",
        "村社区",
        "Villages",
        "code",
        (
            _r("code", "村社区代码", "village", "village_code", "村居代码", must_have_value=True),
            _r("name", "村社区名称", "text", "village_name", "村居名称", must_have_value=True),
            _r("town_code", "乡镇街道代码", "township", "town_code", must_have_value=True),
            _r("town_name", "乡镇街道名称", "text", "town_name", must_have_value=True),
            _r("lon", "经度", "lon", "lon", "longitude"),
            _r("lat", "纬度", "lat", "lat", "latitude"),
            _c("kind", "类型", "text", "kind", note="村委会 / 居委会(社区);不填按名称判断"),
            _c(
                "short_name",
                "简称",
                "text",
                "short_name",
                "村社区简称",
                size=50,
                note="如 金星村;客户文件按名称给村社区时也按简称匹配",
            ),
            _c("households", "户数", "number", "households"),
            _c("residents", "人口", "number", "residents"),
            _c("crs", "坐标系", "crs", "crs", note=CRS_NOTE),
        ),
        note="12位统计用区划代码;经纬度为村委会或村中心位置,可空(有边界时取边界内一点)。",
    ),
    FileKind(
        "branches",
        "网点",
        "Branches",
        "code",
        (
            _r("code", "机构号", "code", "branch_code", "机构代码", must_have_value=True),
            _r("name", "机构名称", "text", "branch_name", "网点名称", must_have_value=True),
            _r("lon", "经度", "lon", "lon", "longitude", must_have_value=True),
            _r("lat", "纬度", "lat", "lat", "latitude", must_have_value=True),
            _c("town_code", "乡镇街道代码", "township", "town_code"),
            _c("is_county_town", "城区网点", "flag", "county_town"),
            _c("crs", "坐标系", "crs", "crs", note=CRS_NOTE),
        ),
    ),
    FileKind(
        "staff",
        "员工",
        "Staff",
        "code",
        (
            _r("code", "工号", "code", "staff_code", "employee_no", "柜员号", must_have_value=True),
            _r("name", "姓名", "text", "name", "员工姓名", must_have_value=True, size=50),
            _r("branch_code", "机构号", "code", "branch_code", "所属机构"),
            _r("post", "岗位", "choice", "post", choices=POSTS, must_have_value=True),
            _r("phone", "手机号", "mobile", "phone", "mobile"),
            _r("active", "在职", "flag", "active", must_have_value=True),
            _c("email", "电子邮箱", "text", "email", size=254),
        ),
        note="总行人员的机构号填银行代码或留空;新员工的登录账号建为停用,由总行在用户管理中启用。",
    ),
    FileKind(
        "customers",
        "客户",
        "Customers",
        "cust_no",
        (
            CUSTOMER_NO,
            _r("kind", "客户类型", "choice", "kind", choices=CUSTOMER_KINDS, must_have_value=True),
            _r("name", "客户名称", "text", "name", "客户姓名", must_have_value=True),
            _r("id_number", "证件号码", "id_number", "id_number", "身份证号", size=18),
            _r("phone", "手机号码", "mobile", "phone", "mobile", "联系电话", "联系手机", "手机号"),
            _r("address", "地址", "text", "address", "联系地址", "联系住址", "住址", size=200),
            _c("village_code", "村社区代码", "village", "village_code", "所属村居代码"),
            _r("lon", "经度", "lon", "lon", "longitude"),
            _r("lat", "纬度", "lat", "lat", "latitude"),
            _r("opened_on", "开户日期", "date", "opened_on", "建档日期"),
            _c("village_name", "村社区名称", "text", "village_name", "所属村居"),
            _c("town_name", "乡镇街道名称", "text", "town_name", "所属乡镇"),
            _c("status", "客户状态", "choice", "status", choices=CUSTOMER_STATUSES),
            _c("gender", "性别", "choice", "gender", choices=GENDERS, note="不填时由身份证号推出"),
            _c("birth_date", "出生日期", "date", "birth_date", note="不填时由身份证号推出"),
            _c("occupation", "职业", "choice", "occupation", choices=OCCUPATIONS),
            _c("industry", "行业", "text", "industry", size=30),
            _c("household_no", "户号", "number", "household_no"),
            _c("is_migrant", "外出务工", "flag", "is_migrant"),
            _c("credit_line", "授信额度(元)", "amount", "credit_line"),
            _c("has_debit_card", "借记卡", "flag", "debit_card"),
            _c("mobile_banking_on", "手机银行签约日期", "date", "mobile_banking_on"),
            _c("acquiring_on", "收单签约日期", "date", "acquiring_on"),
            _c("etc_on", "ETC签约日期", "date", "etc_on"),
            _c("last_txn_on", "最近交易日期", "date", "last_txn_on"),
            _c("core_manager", "归属客户经理工号", "code", "core_manager", "管户经理工号"),
            _c("crs", "坐标系", "crs", "crs", note=CRS_NOTE),
        ),
        note="每行一个客户(含潜在客户);全量文件中不再出现的客户标为销户,不删除。",
    ),
    FileKind(
        "holdings",
        "持有产品",
        "Holdings",
        None,
        (
            CUSTOMER_NO,
            _r("product", "产品类别", "choice", "product", choices=PRODUCTS, must_have_value=True),
            _r("balance", "余额(元)", "amount", "balance", must_have_value=True),
            _r("matures_on", "到期日", "date", "matures_on"),
            _c("opened_on", "起息日", "date", "opened_on", "开户日期"),
            _c("npl", "不良", "flag", "npl", note="五级分类为次级、可疑、损失的贷款填“是”"),
        ),
        note="每个客户的全部产品;一个客户出现时,他的旧产品记录整体替换。",
    ),
    FileKind(
        "other_bank",
        "他行资金",
        "Other-bank funds",
        None,
        (
            CUSTOMER_NO,
            _r("deposit", "他行存款(元)", "amount", "other_bank_deposit"),
            _r("loan", "他行贷款(元)", "amount", "other_bank_loan"),
            _r("noted_on", "调查日期", "date", "noted_on", must_have_value=True),
            _c("bank_name", "他行名称", "text", "bank_name", size=50),
        ),
    ),
    FileKind(
        "balances",
        "月末余额",
        "Month-end balances",
        None,
        (
            CUSTOMER_NO,
            _r("month", "月份", "month", "month", must_have_value=True),
            _r("deposit", "存款余额(元)", "amount", "deposit_balance", must_have_value=True),
            _r("loan", "贷款余额(元)", "amount", "loan_balance", must_have_value=True),
            _c("wealth", "理财余额(元)", "amount", "wealth_balance"),
        ),
    ),
    FileKind(
        "visits",
        "走访记录",
        "Past visits",
        None,
        (
            CUSTOMER_NO,
            _r("staff_code", "工号", "code", "staff_code", must_have_value=True),
            _r("visited_at", "走访时间", "datetime", "visited_at", must_have_value=True),
            _r("channel", "方式", "choice", "channel", choices=CHANNELS, must_have_value=True),
            _r("outcome", "结果", "choice", "outcome", choices=OUTCOMES, must_have_value=True),
            _c("lon", "经度", "lon", "lon"),
            _c("lat", "纬度", "lat", "lat"),
            _c("amount", "金额(元)", "amount", "amount", note="走访促成的存款、贷款等金额"),
            _c("notes", "备注", "text", "notes", size=500),
        ),
    ),
)

BY_STEM: MappingProxyType = MappingProxyType({k.stem: k for k in KINDS})
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
POLYGON_SUFFIXES = (".geojson", ".json", ".zip", ".kml")
DONE_MARKERS = (".flg", ".ok")  # a core system's "the batch is complete" file


def kind_of(filename: str) -> FileKind | None:
    """The kind a file's name says (its stem, case-insensitive), or None.

    Examples
    --------
    >>> kind_of("Customers.CSV").stem, kind_of("territory.geojson").polygons
    ('customers', True)
    >>> kind_of("notes.docx") is None, kind_of("loans.csv") is None
    (True, True)
    """
    name = filename.rsplit("/", 1)[-1].lower()
    stem, _, suffix = name.rpartition(".")
    kind = BY_STEM.get(stem)
    if kind is None:
        return None
    allowed = POLYGON_SUFFIXES if kind.polygons else TABLE_SUFFIXES
    return kind if f".{suffix}" in allowed else None


# the order a folder is loaded in: what later kinds refer to comes first
LOAD_ORDER = tuple(k.stem for k in KINDS)


@dataclass
class Table:
    """A table file as read (:func:`core.bank_data.read.read_table`), before its values are
    checked: every cell is text (stripped; "" when empty), columns named by ``Column.key``."""

    kind: FileKind
    file: str  # the file's base name, for messages
    frame: object  # pandas.DataFrame of text (str objects, or Arrow strings from a CSV), one
    # column per key found (required ones always)
    rows: object  # numpy int array: each frame row's line (CSV) or sheet row (Excel), header = 1
    headers: dict  # {key: the header as the file wrote it} for messages
    ignored: list = field(default_factory=list)  # the file's headers that no column takes
