"""A bank's own data: the loader's problems and notes (``load.*``), the data page
(``data.*``), the territory's reference layer on the map (``territory.*``)."""

TEXT: dict[str, tuple[str, str]] = {
    # ---- the loader (core.bank_data.load, nightly) -------------------------------------
    "status.closed": ("已销户", "Closed"),
    # ---- reading files (core.bank_data.read) --------------------------------------------
    # ---- checking values (core.bank_data.checks) ----------------------------------------
    "load.check.empty": ("必须填写", "must not be empty"),
    "load.check.too_long": (
        "“{value}”超过 {size} 个字符",
        "'{value}' is longer than {size} characters",
    ),
    "load.check.code": (
        "“{value}”只能含数字、字母、- 和 _",
        "'{value}' may hold only digits, letters, - and _",
    ),
    "load.check.village": (
        "“{value}”不是12位村社区代码",
        "'{value}' is not a 12-digit village code",
    ),
    "load.check.township": (
        "“{value}”不是9位乡镇街道代码",
        "'{value}' is not a 9-digit township code",
    ),
    "load.check.id_excel": (
        "“{value}”:Excel 把证件号码变成了数字,后几位已丢失;请把该列设为文本后重新导出",
        "'{value}': Excel turned the ID number into a number and lost its last digits; "
        "export it as text",
    ),
    "load.check.id_form": (
        "“{value}”不是18位身份证号(17位数字加一位数字或 X)",
        "'{value}' is not an 18-character ID number (17 digits and a digit or X)",
    ),
    "load.check.id_check": (
        "“{value}”校验位应为 {expected}",
        "'{value}': the check character should be {expected}",
    ),
    "load.check.id_birth": (
        "“{value}”中的出生日期不存在",
        "'{value}': the birth date in it does not exist",
    ),
    "load.check.id_birth_range": (
        "“{value}”中的出生日期 {birth} 不在 1900-01-01 至 {as_of} 之间",
        "'{value}': the birth date {birth} is not between 1900-01-01 and {as_of}",
    ),
    "load.check.id_code": (
        "“{value}”不是有效的证件号码(只能含数字、字母和 -)",
        "'{value}' is not a valid certificate number (digits, letters and - only)",
    ),
    "load.check.id_old": (
        "“{value}”是15位旧身份证号,已按原样保留",
        "'{value}' is an old 15-digit ID number, kept as it is",
    ),
    "load.check.id_taken": (
        "证件号码“{value}”已属于客户 {owner}",
        "ID number '{value}' already belongs to customer {owner}",
    ),
    "load.check.gender_differs": (
        "性别“{value}”与证件号码不符(证件号码为{expected})",
        "gender '{value}' differs from the ID number's ({expected})",
    ),
    "load.check.birth_differs": (
        "出生日期“{value}”与证件号码不符(证件号码为 {expected})",
        "birth date '{value}' differs from the ID number's ({expected})",
    ),
    "load.check.mobile": (
        "“{value}”不是手机号(11位数字,以1开头)",
        "'{value}' is not a mobile number (11 digits starting with 1)",
    ),
    "load.check.date": (
        "“{value}”不是日期(如 2026-03-01、2026/3/1、20260301)",
        "'{value}' is not a date (e.g. 2026-03-01, 2026/3/1, 20260301)",
    ),
    "load.check.date_impossible": ("日期“{value}”不存在", "the date '{value}' does not exist"),
    "load.check.date_range": (
        "“{value}”的年份不合理(应在 1900 至 2100 年之间)",
        "'{value}': the year is implausible (not between 1900 and 2100)",
    ),
    "load.check.date_future": (
        "“{value}”晚于数据日期 {as_of}",
        "'{value}' is after the data date {as_of}",
    ),
    "load.check.amount": (
        "“{value}”不是金额(如 1,234.50、12.5万)",
        "'{value}' is not an amount (e.g. 1,234.50 or 12.5万)",
    ),
    "load.check.negative": ("“{value}”不能为负数", "'{value}' cannot be negative"),
    "load.check.absurd": (
        "“{value}”金额过大(超过1万亿元)",
        "'{value}' is too large (over a trillion yuan)",
    ),
    "load.check.number": ("“{value}”不是数字", "'{value}' is not a number"),
    "load.check.coordinate": (
        "“{value}”不是经纬度(十进制度数)",
        "'{value}' is not a coordinate (decimal degrees)",
    ),
    "load.check.coordinate_half": (
        "经度和纬度须同时填写(“{lon}”, “{lat}”)",
        "longitude and latitude go together ('{lon}', '{lat}')",
    ),
    "load.check.outside_china": (
        "坐标({lon}, {lat})不在中国境内",
        "the point ({lon}, {lat}) is outside China",
    ),
    "load.check.swapped": (
        "坐标({lon}, {lat})不在中国境内:经纬度写反了",
        "the point ({lon}, {lat}) is outside China: longitude and latitude are swapped",
    ),
    "load.check.outside_area": (
        "坐标({lon}, {lat})不在本行服务区域内",
        "the point ({lon}, {lat}) is outside the bank's service area",
    ),
    "load.check.outside_area_crs": (
        "坐标({lon}, {lat})不在本行服务区域内;看起来是 {looks} 坐标却声明为 {declared}",
        "the point ({lon}, {lat}) is outside the bank's service area; looks like {looks} "
        "coordinates declared as {declared}",
    ),
    "load.check.point_outside": (
        "坐标({lon}, {lat})不在本行服务区域内,改用所在村社区的位置",
        "the point ({lon}, {lat}) is outside the bank's service area; the village's point "
        "is used instead",
    ),
    "load.check.point_outside_crs": (
        "坐标({lon}, {lat})不在本行服务区域内,改用所在村社区的位置;看起来是 {looks} 坐标却声明为 "
        "{declared}",
        "the point ({lon}, {lat}) is outside the bank's service area and the village's point "
        "is used instead; looks like {looks} coordinates declared as {declared}",
    ),
    "load.check.flag": ("“{value}”应为 是 或 否", "'{value}' should be 是 (yes) or 否 (no)"),
    "load.check.choice": (
        "“{value}”不是可选的值;可选:{allowed}",
        "'{value}' is not one of the allowed values: {allowed}",
    ),
    "load.check.crs": (
        "“{value}”不是支持的坐标系;可选:{allowed}",
        "'{value}' is not a supported coordinate system: {allowed}",
    ),
    "load.check.duplicate": (
        "“{value}”与第{first}行重复",
        "'{value}' repeats row {first}",
    ),
    "load.check.unknown_village": (
        "村社区代码“{value}”不存在",
        "there is no village with code '{value}'",
    ),
    "load.check.unknown_branch": (
        "机构号“{value}”不存在",
        "there is no branch with code '{value}'",
    ),
    "load.check.branch_needed": (
        "非总行员工须填写机构号",
        "staff outside head office need a branch code",
    ),
    "load.check.unknown_staff": ("工号“{value}”不存在", "there is no staff member '{value}'"),
    "load.check.unknown_manager": (
        "归属客户经理工号“{value}”不在员工中",
        "the core system's manager '{value}' is not among the staff",
    ),
    "load.check.unknown_customer": (
        "客户号“{value}”不存在(客户文件和数据库中都没有)",
        "there is no customer '{value}' (neither in the customers file nor in the database)",
    ),
    "load.check.town_mismatch": (
        "乡镇街道代码“{value}”与村社区代码的前9位不符",
        "the township code '{value}' differs from the village code's first 9 digits",
    ),
    "load.check.village_fuzzy": (
        "村社区“{value}”按名称匹配为 {name}({code}),相似度 {score}",
        "village '{value}' matched by name to {name} ({code}), similarity {score}",
    ),
    "load.check.village_ambiguous": (
        "村社区“{value}”有多个同名:{candidates};请填写村社区代码或乡镇街道名称",
        "village '{value}' has several of that name: {candidates}; give the village code or "
        "the township's name",
    ),
    "load.check.village_unknown": (
        "找不到村社区“{value}”;相近的有:{candidates}",
        "no village '{value}' found; the nearest: {candidates}",
    ),
    "load.check.report.problems": ("问题", "Problems"),
    "load.check.report.notes": ("提示", "Notes"),
    "load.check.report.file": ("文件", "File"),
    "load.check.report.row": ("行", "Row"),
    "load.check.report.field": ("列", "Column"),
    "load.check.report.value": ("值", "Value"),
    "load.check.report.reason": ("原因", "Reason"),
    # ---- templates and the field guide (core.bank_data.templates) ------------------------
    # ---- the map's reference layer (territory.*) -----------------------------------------
    # ---- the data page (data.*) ----------------------------------------------------------
}
