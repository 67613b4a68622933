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
    "load.customer_set_aside": (
        "客户“{value}”在客户文件中有问题(见该文件),本行随之不加载",
        "Customer '{value}' has a problem in the customers file (see there): this row waits for it",
    ),
    "load.other_bank": (
        "本数据库属于银行“{held}”,文件却是银行“{given}”的;一个数据库只存一家银行",
        "This database holds bank '{held}' but the files are bank '{given}''s; one bank per database",
    ),
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
    "load.read.unknown_kind": (
        "文件名“{name}”不是可读取的数据文件:表格文件名为“类型.csv / .txt / .xlsx”,"
        "面文件为“类型.geojson / .zip / .kml”,类型为 {names}",
        "'{name}' is no data file the loader reads: a table is named 'kind.csv / .txt / .xlsx', "
        "a polygon file 'kind.geojson / .zip / .kml', the kinds being {names}",
    ),
    "load.read.too_large": (
        "文件过大(上限 {limit} MB)",
        "The file is too large (limit {limit} MB)",
    ),
    "load.read.encoding": (
        "无法识别文件编码:请另存为 UTF-8 或 GB18030(GBK)编码的 CSV",
        "Unknown encoding: save the file as CSV in UTF-8 or GB18030 (GBK)",
    ),
    "load.read.empty": ("文件为空", "The file is empty"),
    "load.read.no_rows": ("只有表头,没有数据行", "The file has a header row but no data rows"),
    "load.read.missing": ("缺少必需的列“{header}”", "The required column '{header}' is missing"),
    "load.read.missing_close": (
        "缺少必需的列“{header}”(是否指“{close}”?)",
        "The required column '{header}' is missing (is '{close}' meant?)",
    ),
    "load.read.mapped_twice": (
        "表头重复对应:此列与“{other}”都对应到“{column}”",
        "Header mapped twice: this one and '{other}' both give the column '{column}'",
    ),
    "load.read.wrong_kind": (
        "这看起来是{looks}文件,而不是{kind}文件:请检查文件名",
        "This looks like a {looks} file, not {kind}: check the file's name",
    ),
    "load.read.mapping_key": (
        "映射方案中的“{given}”不是{kind}文件的列",
        "The mapping names '{given}', which is no column of a {kind} file",
    ),
    "load.read.field_count": (
        "应有 {expected} 个字段,实有 {found} 个(分隔符多余或缺失),此行未读取:{value}",
        "{expected} fields expected, {found} found (a stray or missing delimiter); "
        "the line is left out: {value}",
    ),
    "load.read.truncated": (
        "最后一行不完整(应有 {expected} 个字段,实有 {found} 个),文件可能在导出时被中断:{value}",
        "The last line is cut short ({expected} fields expected, {found} found); "
        "the export may have been interrupted: {value}",
    ),
    "load.read.formula": (
        "单元格是公式“{value}”,不读取:请复制后粘贴为数值",
        "The cell is a formula ('{value}') and is not read: paste it as values",
    ),
    "load.read.too_many_rows": (
        "行数过多(上限 {limit} 行)",
        "Too many rows (limit {limit})",
    ),
    "load.read.bad_csv": (
        "无法解析 CSV(引号不配对或字段过长)",
        "The CSV cannot be parsed (unbalanced quotes or a field too long)",
    ),
    "load.read.profile_name": (
        "映射方案名称须为 1 至 50 个字符",
        "A mapping profile's name has 1 to 50 characters",
    ),
    "load.read.profile_empty": ("映射方案没有任何对应", "The mapping profile maps nothing"),
    "load.read.profile_kind": ("“{stem}”不是表格文件的类型", "'{stem}' is no kind of table file"),
    "load.read.profile_header": (
        "表头须为 1 至 100 个字符",
        "A header has 1 to 100 characters",
    ),
    "load.read.profile_key": (
        "“{given}”不是{kind}文件的列",
        "'{given}' is no column of a {kind} file",
    ),
    "load.read.profile_twice": (
        "列“{column}”被对应了两次(“{header}”和“{other}”)",
        "The column '{column}' is mapped twice ('{header}' and '{other}')",
    ),
    "load.read.profile_same": (
        "表头“{header}”与“{other}”是同一个表头",
        "The header '{header}' is the same as '{other}'",
    ),
    "load.read.profile_unknown": (
        "没有名为“{name}”的映射方案",
        "There is no mapping profile named '{name}'",
    ),
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
    "template.type.text": ("文本", "Text"),
    "template.type.code": ("代码", "Code"),
    "template.type.village": ("12位村社区代码", "12-digit village code"),
    "template.type.township": ("9位乡镇街道代码", "9-digit township code"),
    "template.type.id_number": ("18位身份证号", "18-character ID number"),
    "template.type.mobile": ("11位手机号", "11-digit mobile number"),
    "template.type.date": ("日期", "Date"),
    "template.type.month": ("月份", "Month"),
    "template.type.datetime": ("日期时间", "Date and time"),
    "template.type.amount": ("金额(元)", "Amount (yuan)"),
    "template.type.number": ("数字", "Number"),
    "template.type.lon": ("经度", "Longitude"),
    "template.type.lat": ("纬度", "Latitude"),
    "template.type.flag": ("是/否", "Yes/no"),
    "template.type.choice": ("取值之一:{values}", "One of: {values}"),
    "template.type.crs": ("坐标系", "Coordinate system"),
    "template.example.code": (
        "字母、数字、- 和 _,如 C000000001;按文本填写,前导0保留",
        "Letters, digits, - and _, e.g. C000000001; entered as text, leading zeros kept",
    ),
    "template.example.village": ("如 522727104208", "e.g. 522727104208"),
    "template.example.township": ("如 522727104", "e.g. 522727104"),
    "template.example.id_number": (
        "如 52272719810724955X,末位可为X;按文本填写,勿让 Excel 变成 5.2273E+17",
        "e.g. 52272719810724955X, the last may be X; entered as text, never as 5.2273E+17",
    ),
    "template.example.mobile": ("如 13812345678", "e.g. 13812345678"),
    "template.example.date": (
        "如 2026-03-01,也可 2026/3/1、20260301",
        "e.g. 2026-03-01, also 2026/3/1 or 20260301",
    ),
    "template.example.month": (
        "如 2026-03,也可 202603、2026-03-01",
        "e.g. 2026-03, also 202603 or 2026-03-01",
    ),
    "template.example.datetime": ("如 2026-03-01 09:30", "e.g. 2026-03-01 09:30"),
    "template.example.amount": (
        "单位元,如 1,234.50;也可写 12.5万",
        "In yuan, e.g. 1,234.50; 12.5万 (ten-thousands) is read too",
    ),
    "template.example.number": ("如 120", "e.g. 120"),
    "template.example.lon": ("十进制度,如 107.316901", "Decimal degrees, e.g. 107.316901"),
    "template.example.lat": ("十进制度,如 25.838917", "Decimal degrees, e.g. 25.838917"),
    "template.example.flag": ("是 / 否(也可 Y/N、1/0)", "是 / 否 (also Y/N, 1/0)"),
    "template.example.crs": (
        "WGS84、GCJ02、CGCS2000 或 EPSG:xxxx",
        "WGS84, GCJ02, CGCS2000 or EPSG:xxxx",
    ),
    "template.must_have_value": ("每行必须有值。", "Every row needs a value."),
    "template.yes": ("是", "Yes"),
    "template.no": ("否", "No"),
    "template.sheet.fields": ("字段说明", "Fields"),
    "template.sheet.files": ("文件说明", "Files"),
    "template.col.file": ("文件", "File"),
    "template.col.title": ("中文名", "Name"),
    "template.col.field": ("字段", "Field"),
    "template.col.required": ("必填", "Required"),
    "template.col.type": ("类型", "Type"),
    "template.col.note": ("说明", "Notes"),
    "template.col.aliases": ("也认的表头", "Headers also read"),
    "template.col.row": ("每行是", "One row is"),
    "template.col.formats": ("格式", "Formats"),
    "template.col.headers": ("必填表头", "Required headers"),
    "template.format.table": (
        "CSV 或 TXT(UTF-8、带 BOM 的 UTF-8、GB18030/GBK;逗号、| 或制表符分隔),"
        "或 Excel .xlsx(第一个工作表)",
        "CSV or TXT (UTF-8, UTF-8 with BOM, GB18030/GBK; comma, | or tab), "
        "or Excel .xlsx (the first sheet)",
    ),
    "template.format.polygons": (
        "GeoJSON、压缩的 Shapefile(.zip)或 KML;坐标系取文件自带的,或用 --crs 指定",
        "GeoJSON, zipped Shapefile (.zip) or KML; in the file's own coordinate system or --crs",
    ),
    "template.row.bank": ("银行本身(只一行)", "The bank itself (one row)"),
    "template.row.territory": ("服务区域的一个面", "A polygon of the service area"),
    "template.row.township_areas": ("一个乡镇街道的范围", "A township's area"),
    "template.row.village_areas": ("一个村社区的范围", "A village's area"),
    "template.row.villages": ("一个行政村或社区", "A village or community"),
    "template.row.branches": ("一个网点(营业部、支行、分理处)", "An outlet (branch)"),
    "template.row.staff": ("一名员工", "An employee"),
    "template.row.customers": ("一个客户(含潜在客户)", "A customer (potential ones too)"),
    "template.row.holdings": ("一个客户持有的一个产品", "One product a customer holds"),
    "template.row.other_bank": ("调查到的一笔他行资金", "A surveyed other-bank fund"),
    "template.row.balances": ("一个客户一个月的月末余额", "A customer's month-end balances"),
    "template.row.visits": ("一次以往的走访", "A past visit"),
    "template.general": ("通用说明", "General"),
    "template.general.names": (
        "文件的种类由文件名(不含扩展名)决定,如 customers.csv、staff.xlsx、territory.geojson。"
        "表头用模板里的中文表头,也认英文别名;银行自己的表头在“数据”页映射一次,存为方案后重复使用。",
        "A file's kind is its name without the extension: customers.csv, staff.xlsx, "
        "territory.geojson. Headers are the templates' Chinese ones or their English aliases; "
        "a bank's own headers are mapped once on the data page and saved as a profile.",
    ),
    "template.general.encodings": (
        "文本文件:UTF-8、带 BOM 的 UTF-8、GB18030 或 GBK 编码;逗号、竖线 | 或制表符分隔;第一行是表头。",
        "Text files: UTF-8, UTF-8 with a BOM, GB18030 or GBK; comma, | or tab delimited; "
        "the first line holds the headers.",
    ),
    "template.general.excel": (
        "模板里代码、身份证号、手机号等列已设为文本格式:请保持文本,否则前导0会丢失、身份证号会变成 5.2273E+17。加粗的是必填表头。",
        "The templates' code, ID-number and mobile columns are formatted as text: keep them "
        "text, or leading zeros are lost and ID numbers become 5.2273E+17. Bold headers are "
        "required.",
    ),
    "template.general.coordinates": (
        "经纬度用十进制度;坐标系写在“坐标系”列,或加载时用 --crs 指定(WGS84、GCJ02、CGCS2000),都不给时按 WGS84。",
        "Coordinates in decimal degrees; their system in a 坐标系 column or with --crs "
        "(WGS84, GCJ02, CGCS2000); WGS84 when neither is given.",
    ),
    "template.general.updates": (
        "每次加载都是更新:按客户号、工号、机构号、村社区代码匹配;同一文件夹再加载一次不改变任何数据;"
        "全量客户文件中不再出现的客户标为销户,不删除。",
        "Every load is an update, keyed by customer, employee, branch and village code: loading "
        "a folder twice changes nothing; a customer missing from a full customers file is "
        "marked closed, never deleted.",
    ),
    "template.general.batch": (
        "夜间批量:核心系统每天在收件箱下建一个以日期命名的子文件夹(如 20260301),文件全部写完后,"
        "最后写入完成标记文件(20260301.flg 或 20260301.ok)。python -m core nightly 收件箱 只处理有完成标记的"
        "文件夹,按日期从早到晚,每个只处理一次。",
        "Nightly batches: the core system makes a dated sub-folder of the inbox each day "
        "(e.g. 20260301) and, once every file is written, writes the done-marker last "
        "(20260301.flg or 20260301.ok). python -m core nightly INBOX processes only folders "
        "with their marker, oldest first, each once.",
    ),
    # ---- the map's reference layer (territory.*) -----------------------------------------
    "territory.layer": ("乡镇/村社区", "Townships & villages"),
    "territory.illustrative": ("示意范围", "illustrative area"),
    "territory.note": ("村界为示意范围", "Village boundaries are illustrative"),
    # ---- the data page (data.*) ----------------------------------------------------------
    "data.title": ("数据加载", "Data loads"),
    "data.caption": (
        "上传本行的数据文件(文件名即类型:villages.csv、staff.txt、customers.xlsx、territory.zip……),"
        "先检查再加载;加载前不写入任何数据,加载过程和结果均有记录。大批量文件请用命令行 python -m core load。",
        "Upload the bank's data files (the name says the kind: villages.csv, staff.txt, "
        "customers.xlsx, territory.zip...), check, then load; nothing is written before the "
        "load, and every load is recorded. For very large files use python -m core load.",
    ),
    "data.tab.load": ("上传与加载", "Upload and load"),
    "data.tab.history": ("加载记录", "History"),
    "data.tab.profiles": ("映射方案", "Mapping profiles"),
    "data.tab.templates": ("模板下载", "Templates"),
    "data.files": ("数据文件(可多选)", "Data files (one or several)"),
    "data.files_help": (
        "表格:CSV/TXT(UTF-8 或 GBK,逗号、| 或制表符分隔)或 Excel .xlsx;区域:GeoJSON、"
        "压缩的 Shapefile(.zip)或 KML。每个文件最大 50 MB。",
        "Tables: CSV/TXT (UTF-8 or GBK; comma, | or tab) or Excel .xlsx; areas: GeoJSON, "
        "zipped Shapefile (.zip) or KML. At most 50 MB per file.",
    ),
    "data.as_of": ("数据日期", "Data as of"),
    "data.crs": ("默认坐标系", "Default coordinate system"),
    "data.max_bad": ("允许问题行比例(%)", "Bad rows allowed (%)"),
    "data.max_bad_help": (
        "0 表示全部或全不:有任何问题行就不加载。大于 0 时,问题行不超过该比例则加载其余行,"
        "问题行隔离并列入问题清单。",
        "0 means all or nothing: any bad row stops the load. Above 0, when bad rows stay "
        "within this share the other rows are loaded and the bad ones set aside (listed).",
    ),
    "data.full": ("客户文件为全量", "Customers file is the full book"),
    "data.full_help": (
        "勾选:客户文件包含全部客户,文件中没有的客户标为销户(不删除)。不勾选:只包含变动的客户。",
        "Checked: the customers file holds every customer; those missing from it are marked "
        "closed (never deleted). Unchecked: it holds only the changes.",
    ),
    "data.empty": (
        "请先上传数据文件。还没有文件?在“模板下载”中下载空白模板和字段说明。",
        "Upload data files first. None yet? The Templates tab has empty templates and the "
        "field guide.",
    ),
    "data.mapping": ("列对应", "Header mapping"),
    "data.profile": ("映射方案", "Mapping profile"),
    "data.profile_none": ("(不使用,按文件自身表头)", "(none: the files' own headers)"),
    "data.profile_help": (
        "本行导出文件的表头与模板不同时,把每一列对应到我们的列,保存为映射方案,下次上传或命令行 "
        "--profile 直接使用。",
        "When the bank's exports have headers of their own, map each to one of ours and save "
        "the mapping as a profile, reused by the next upload and the command line (--profile).",
    ),
    "data.map.title": ("{file}(类型:{kind})", "{file} (kind: {kind})"),
    "data.map.caption": (
        "有必填列没有找到:请为每个表头选择对应的列(带 * 的为必填),不需要的列选“不导入”。",
        "A required column was not found: choose our column for each header (* = required); "
        "choose 'not loaded' for the ones not needed.",
    ),
    "data.map.caption_ok": (
        "表头均已识别;如需调整,可为表头重新选择对应的列。",
        "Every required header was found; you may still choose another column for a header.",
    ),
    "data.map.ignore": ("(不导入)", "(not loaded)"),
    "data.map.sample": ("示例值:{value}", "Example: {value}"),
    "data.map.problems": ("表头仍有问题:", "The header row still has problems:"),
    "data.map.none": (
        "没有表格文件需要对应表头(区域文件按原样读取)。",
        "No table file to map (area files are read as they are).",
    ),
    "data.profile_save_title": ("保存为映射方案", "Save as a mapping profile"),
    "data.profile_name": ("方案名称", "Profile name"),
    "data.profile_save": ("保存方案", "Save the profile"),
    "data.profile_saved": (
        "映射方案“{name}”已保存,并已选用。",
        "Mapping profile '{name}' saved and picked.",
    ),
    "data.run_title": ("检查与加载", "Check and load"),
    "data.check": ("检查(不写入)", "Check (writes nothing)"),
    "data.load": ("加载", "Load"),
    "data.check_first": (
        "先检查:当前文件和选项检查通过后才能加载。",
        "Check first: the load opens once these files and options have passed a check.",
    ),
    "data.progress": ("准备中……", "Starting..."),
    "data.progress_done": ("完成", "Done"),
    "data.result_stale": (
        "文件或选项已改变,请重新检查。",
        "The files or options changed: check again.",
    ),
    "data.result.checked": (
        "检查通过,没有发现问题,数据库未改动。可以加载。",
        "Checked: no problem found, nothing written. Ready to load.",
    ),
    "data.result.checked_some": (
        "检查完成:{n} 个问题,在允许的比例之内;加载时这些行将被隔离。",
        "Checked: {n} problems, within the share allowed; the load will set those rows aside.",
    ),
    "data.result.failed": (
        "发现 {n} 个问题,未加载,数据库未改动。请按下表修改文件后重新检查。",
        "{n} problems found: nothing loaded, nothing written. Mend the files as listed "
        "below and check again.",
    ),
    "data.result.done": ("加载完成(加载记录 #{run})。", "Loaded (load #{run})."),
    "data.result.quarantined": (
        "{n} 行有问题,已隔离未加载(见下方问题清单)。",
        "{n} bad rows were set aside, not loaded (listed below).",
    ),
    "data.result.grids": (
        "本行尚无网格:已按网点和客户经理生成首版网格 {n} 个,请在“网格管理”和“四定审计”中审核。",
        "The bank had no grids: {n} first grids were made from the outlets and managers; "
        "review them in Grid management and the audit.",
    ),
    "data.result.segments": (
        "标签已重算,客群已重新聚类(k = {k})。",
        "Tags recomputed and segments fitted anew (k = {k}).",
    ),
    "data.result.tags": ("标签已重算,客群沿用。", "Tags recomputed; segments kept."),
    "data.problems": ("问题({n})", "Problems ({n})"),
    "data.problems_more": (
        "页面显示前 {shown} 个,共 {n} 个;完整清单请下载问题报告。",
        "The first {shown} of {n} are shown; the report holds them all.",
    ),
    "data.notes": ("提示({n}):已加载,供核对", "Notes ({n}): loaded, for review"),
    "data.report": (
        "下载问题报告(Excel,将记录)",
        "Download the problem report (Excel, logged)",
    ),
    "data.col.kind": ("数据类型", "Kind"),
    "data.col.file": ("文件", "File"),
    "data.col.more": ("其他", "Also"),
    "data.count.read": ("读取行数", "Rows read"),
    "data.count.bad": ("问题行", "Bad rows"),
    "data.count.inserted": ("新增", "Inserted"),
    "data.count.updated": ("更新", "Updated"),
    "data.count.unchanged": ("未变", "Unchanged"),
    "data.count.closed": ("销户", "Closed"),
    "data.count.accounts_created": ("新建账号(未启用)", "Accounts created (inactive)"),
    "data.count.deactivated": ("离职停用", "Departed, deactivated"),
    "data.count.assigned": ("分配入格", "Assigned to grids"),
    "data.count.replaced": ("客户持有产品更新", "Customers' products replaced"),
    "data.count.illustrative_villages": ("示意村界", "Illustrative village areas"),
    "data.count.placed_own": ("自有坐标", "Own coordinates"),
    "data.count.placed_village": ("村点位(近似)", "Village point (approximate)"),
    "data.count.placed_address": ("按地址定村", "Village from the address"),
    "data.count.placed_none": ("未能定位", "Not placed"),
    "data.run.done": ("已加载", "Loaded"),
    "data.run.dry_run": ("仅检查", "Checked only"),
    "data.run.failed": ("未加载", "Not loaded"),
    "data.history.empty": ("还没有加载记录。", "No load yet."),
    "data.history.id": ("编号", "No."),
    "data.history.at": ("时间", "When"),
    "data.history.source": ("来源", "Source"),
    "data.history.batch": ("批次", "Batch"),
    "data.history.upload": ("页面上传", "Browser upload"),
    "data.history.as_of": ("数据日期", "As of"),
    "data.history.status": ("状态", "Status"),
    "data.history.seconds": ("用时(秒)", "Seconds"),
    "data.history.problems": ("问题", "Problems"),
    "data.history.quarantined": ("隔离", "Set aside"),
    "data.history.files": ("文件数", "Files"),
    "data.history.rows": ("行数", "Rows"),
    "data.history.summary": ("各文件", "Per file"),
    "data.history.pick": ("查看某次加载的问题", "Problems of one load"),
    "data.history.run": ("第 {id} 次 · {at} · {status}", "No. {id} · {at} · {status}"),
    "data.history.no_problems": ("这次加载没有问题。", "This load had no problem."),
    "data.profiles.empty": (
        "还没有映射方案。在“上传与加载”中对应表头后即可保存。",
        "No mapping profile yet. Map the headers under Upload and load, then save one.",
    ),
    "data.profiles.name": ("方案名称", "Name"),
    "data.profiles.updated_at": ("保存时间", "Saved"),
    "data.profiles.kinds": ("数据类型", "Kinds"),
    "data.profiles.pick": ("查看方案", "Profile"),
    "data.profiles.stem": ("文件类型", "File kind"),
    "data.profiles.header": ("本行表头", "Their header"),
    "data.profiles.column": ("对应列", "Our column"),
    "data.profiles.delete": ("删除该方案", "Delete this profile"),
    "data.profiles.deleted": ("映射方案“{name}”已删除。", "Mapping profile '{name}' deleted."),
    "data.templates.caption": (
        "空白模板(每类表格一个 .xlsx,必填列加粗,编码和证件号列为文本格式)和中文字段说明,打包为一个 zip。",
        "Empty templates (one .xlsx per kind of table, required columns in bold, codes and ID "
        "numbers as text) and the field guide in Chinese, as one zip.",
    ),
    "data.templates.download": (
        "下载模板和字段说明(zip,将记录)",
        "Download the templates and field guide (zip, logged)",
    ),
}
