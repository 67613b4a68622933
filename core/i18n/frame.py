"""The frame's texts: the app, navigation, sidebar, errors, downloads."""

TEXT: dict[str, tuple[str, str]] = {
    "app.title": ("农商行网格化营销管理", "Grid marketing for rural commercial banks"),
    "app.demo_banner": (
        "演示数据:人物均为虚构,村级区域为示意",
        "Demo data: all people are fictitious; village areas are illustrative",
    ),
    "nav.overview": ("总览", "Overview"),
    "sidebar.language": ("语言 / Language", "Language / 语言"),
    "sidebar.sign_out": ("退出登录", "Sign out"),
    "sidebar.org": ("所属机构", "Org unit"),
    "role.hq": ("总行", "Head office"),
    "role.branch": ("支行行长", "Branch leader"),
    "role.manager": ("客户经理", "Customer manager"),
    "org.bank": ("全行", "Whole bank"),
    # map
    "nav.map": ("网格地图", "Grid map"),
    # staffing
    "nav.staffing": ("定岗定员", "Staffing"),
    # grid management
    "nav.grids": ("网格管理", "Grid management"),
    "error.database": (
        "数据库暂时无法访问,请稍后重试或联系管理员。",
        "The database cannot be reached. Try again later or contact the administrator.",
    ),
    # audit (四定审计)
    "nav.audit": ("四定审计", "Four-fixes audit"),
    # segment explorer
    "nav.segments": ("客群探索", "Segment explorer"),
    # lists
    "nav.lists": ("名单", "Lists"),
    # customer view
    "nav.customer": ("客户视图", "Customer view"),
    # tags and segments (head office)
    "nav.tags": ("标签与客群", "Tags and segments"),
    # visit planner (走访计划)
    "nav.visits": ("走访计划", "Visit planner"),
    # visit log (走访登记)
    "nav.visit_log": ("走访登记", "Log a visit"),
    # visit checks (走访核查)
    "nav.visit_check": ("走访核查", "Visit checks"),
    # targets and progress (目标管理, 进度明)
    "nav.targets": ("目标管理", "Targets"),
    "nav.progress": ("业绩进度", "Progress"),
    "error.forbidden": ("无权进行此操作,已记录。", "You may not do this; the attempt was logged."),
    "error.busy": ("系统繁忙,请重试。", "The system is busy; please try again."),
    "error.unexpected": (
        "操作未完成,没有保存任何内容。请重试;仍不成功请联系总行系统管理员(错误已记录)。",
        "Nothing was saved. Please try again; if it keeps failing, tell head "
        "office's administrator (the error was logged).",
    ),
    "search.exact_name": (
        "按姓名查找须输入完整姓名(或输入客户号)。",
        "Searching by name needs the full name (or the customer number).",
    ),
    "download.customers": (
        "下载客户名单(Excel,已脱敏,将记录)",
        "Download the customers (Excel, masked, logged)",
    ),
    "download.sheet": ("客户名单", "Customers"),
    "download.logged": (
        "下载会记录下载人、时间、筛选条件和行数;文件首行带有导出人水印。",
        "Downloads are logged (who, when, filters, rows); the file's first "
        "line names who exported it.",
    ),
    "nav.users": ("用户管理", "Users"),
    "nav.audit_log": ("审计日志", "Audit log"),
    "nav.data": ("数据加载", "Data loads"),
}
