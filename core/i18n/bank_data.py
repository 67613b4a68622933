"""A bank's own data: the loader's problems and notes (``load.*``), the data page
(``data.*``), the territory's reference layer on the map (``territory.*``)."""

TEXT: dict[str, tuple[str, str]] = {
    # ---- the loader (core.bank_data.load, nightly) -------------------------------------
    "status.closed": ("已销户", "Closed"),
    "load.ignored_file": (
        "不是可识别的数据文件,已忽略(文件名应为 customers.csv、staff.xlsx 等)",
        "Not a known data file, ignored (name files customers.csv, staff.xlsx, ...)",
    ),
    "load.twice": (
        "同一类数据({kind})出现了两个文件,请只保留一个",
        "Two files of the same kind ({kind}): keep only one",
    ),
    "load.nothing": ("文件夹中没有可加载的数据文件", "The folder holds no data file to load"),
    "load.busy": (
        "另一次数据加载正在进行,本次未写入;请稍后再试",
        "Another load is running; nothing was written, try again later",
    ),
    "load.manager_without_branch": (
        "客户经理“{value}”没有所属机构号",
        "Customer manager '{value}' has no branch code",
    ),
    "load.not_a_manager": (
        "工号“{value}”不是客户经理,走访记录须记在客户经理名下",
        "Staff number '{value}' is no customer manager; visits belong to managers",
    ),
    # ---- reading files (core.bank_data.read) --------------------------------------------
    # ---- checking values (core.bank_data.checks) ----------------------------------------
    # ---- templates and the field guide (core.bank_data.templates) ------------------------
    # ---- the map's reference layer (territory.*) -----------------------------------------
    # ---- the data page (data.*) ----------------------------------------------------------
}
