"""Every text a user reads, in Chinese (default) and English.

``t(key, lang)`` looks a key up; a missing key raises, and ``tests/test_i18n.py`` checks that
every key has both languages and that every ``t("...")`` in the code exists here.
"""
from __future__ import annotations

LANGUAGES = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # frame
    "app.title": ("农商行网格化营销管理", "Grid marketing for rural commercial banks"),
    "app.demo_banner": ("演示数据:人物均为虚构,村级区域为示意", "Demo data: all people are "
                        "fictitious; village areas are illustrative"),
    "nav.overview": ("总览", "Overview"),
    "sidebar.language": ("语言 / Language", "Language / 语言"),
    "sidebar.sign_out": ("退出登录", "Sign out"),
    "sidebar.org": ("所属机构", "Org unit"),
    "role.hq": ("总行", "Head office"),
    "role.branch": ("支行行长", "Branch leader"),
    "role.manager": ("客户经理", "Customer manager"),
    "org.bank": ("全行", "Whole bank"),
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.demo_hint": ("演示账号:hq(总行)、branch(支行行长)、manager(客户经理),密码均为 demo",
                         "Demo accounts: hq (head office), branch (branch leader), manager "
                         "(customer manager); password demo"),
    "signin.unknown_user": ("用户名不存在,请检查后重试。", "Unknown username. Check it and try "
                            "again."),
    "signin.wrong_password": ("密码错误,请重试。", "Wrong password. Try again."),
    "signin.inactive_user": ("该账号已停用,请联系总行管理员。", "This account is deactivated. "
                             "Contact the head-office administrator."),
    "signin.demo_disabled": ("演示账号已关闭。", "Demo accounts are turned off."),
    "signin.empty": ("请输入用户名和密码。", "Enter a username and a password."),
    "signin.signed_out": ("已退出登录。", "You have signed out."),
    # overview
    "overview.title": ("总览", "Overview"),
    "overview.caption": ("{org} · 数据截至今日 · 金额单位:万元", "{org} · as of today · amounts "
                         "in 万元 (10,000 yuan)"),
    "overview.customers": ("客户总数", "Customers"),
    "overview.existing": ("存量客户", "Existing"),
    "overview.potential": ("潜在客户", "Potential"),
    "overview.in_grid_rate": ("入格率", "In-grid rate"),
    "overview.in_grid_help": ("在二级网格内的客户占全部客户的比例", "Share of customers that sit "
                              "in a second-level grid"),
    "overview.filing_rate": ("建档率", "Filing rate"),
    "overview.filing_help": ("已建档客户占网格内已知成年常住人口的比例", "Filed customers against "
                             "the adults known to live in the grids"),
    "overview.deposits": ("存款余额(万元)", "Deposits (万元)"),
    "overview.loans": ("贷款余额(万元)", "Loans (万元)"),
    "overview.managers": ("客户经理", "Managers"),
    "overview.grids": ("一级/二级网格", "Grids L1/L2"),
    "overview.by_branch": ("分支行明细", "By branch"),
    "overview.by_manager": ("客户经理明细", "By manager"),
    "overview.by_grid": ("网格明细", "By grid"),
    "overview.chart": ("存贷款余额对比(万元)", "Deposits and loans (万元)"),
    "overview.empty": ("当前范围内暂无客户数据。", "No customers in your scope yet."),
    "col.name.branch": ("支行", "Branch"),
    "col.name.manager": ("客户经理", "Manager"),
    "col.name.grid": ("网格", "Grid"),
    "col.customers": ("客户数", "Customers"),
    "col.existing": ("存量", "Existing"),
    "col.potential": ("潜在", "Potential"),
    "col.in_grid_pct": ("入格率(%)", "In-grid (%)"),
    "col.filing_pct": ("建档率(%)", "Filing rate (%)"),
    "col.deposits_wan": ("存款(万元)", "Deposits (万元)"),
    "col.loans_wan": ("贷款(万元)", "Loans (万元)"),
    "col.mobile_pct": ("手机银行渗透率(%)", "Mobile banking (%)"),
    "unit.wan": ("万元", "万元"),
    # map
    "nav.map": ("网格地图", "Grid map"),
    "map.title": ("网格地图", "Grid map"),
    "map.caption": ("{org} · 一级网格为支行辖区,二级网格为客户经理责任田 · 村级边界为示意",
                    "{org} · level 1: branch jurisdictions, level 2: managers' grids · village "
                    "boundaries are illustrative"),
    "map.metric": ("着色指标", "Colour by"),
    "map.metric.customers": ("客户数", "Customers"),
    "map.metric.deposits_wan": ("存款(万元)", "Deposits (万元)"),
    "map.metric.in_grid_pct": ("入格率(%)", "In-grid (%)"),
    "map.metric.filing_pct": ("建档率(%)", "Filing rate (%)"),
    "map.metric.mobile_pct": ("手机银行渗透率(%)", "Mobile banking (%)"),
    "map.metric.other_bank_wan": ("他行资金(万元)", "Other-bank funds (万元)"),
    "map.metric.visits_90d": ("近90天走访", "Visits, last 90 days"),
    "map.legend": ("二级网格着色:{metric}", "Level-2 colours: {metric}"),
    "map.hint": ("点击网格查看网格卡片", "Click a grid to open its card"),
    "map.customers_heat": ("客户分布为热力图(按约1公里方格汇总)", "Customers as a heat map "
                           "(counted per ~1 km square)"),
    "map.customers_points": ("客户分布为聚合点,放大后显示单个客户", "Customers as clusters that "
                             "split into single customers as you zoom in"),
    "card.level": ("级别", "Level"),
    "card.level1": ("一级网格(支行辖区)", "Level 1 (branch jurisdiction)"),
    "card.level2": ("二级网格(客户经理责任田)", "Level 2 (manager's grid)"),
    "card.branch": ("所属支行", "Branch"),
    "card.manager_a": ("A岗客户经理", "Manager, post A"),
    "card.manager_b": ("B岗客户经理", "Manager, post B"),
    "card.households": ("户数(常住)", "Households"),
    "card.customers": ("已建档客户", "Filed customers"),
    "card.deposits": ("存款(万元)", "Deposits (万元)"),
    "card.other_bank": ("他行资金(万元)", "Other-bank funds (万元)"),
    "card.liaisons": ("网格联络员", "Liaison persons"),
    "card.opportunities": ("重点营销机会(他行资金最多)", "Top opportunities (most money at "
                           "other banks)"),
    "card.none": ("—", "—"),
    "col.liaison_name": ("姓名", "Name"),
    "col.liaison_role": ("身份", "Role"),
    "col.phone": ("电话", "Phone"),
    "col.customer": ("客户", "Customer"),
    "col.deposit_wan": ("本行存款(万元)", "Deposits here (万元)"),
    "col.other_bank_wan": ("他行存款(万元)", "At other banks (万元)"),
    "error.database": ("数据库暂时无法访问,请稍后重试或联系管理员。", "The database cannot be "
                       "reached. Try again later or contact the administrator."),
}


def t(key: str, lang: str = "zh", **values) -> str:
    """Return the text for ``key`` in ``lang`` with ``{placeholders}`` filled.

    Examples
    --------
    >>> t("overview.customers", "en")
    'Customers'
    """
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
