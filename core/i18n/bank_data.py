"""A bank's own data: the loader's problems and notes (``load.*``), the data page
(``data.*``), the territory's reference layer on the map (``territory.*``)."""

TEXT: dict[str, tuple[str, str]] = {
    # ---- the loader (core.bank_data.load, nightly) -------------------------------------
    "status.closed": ("已销户", "Closed"),
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
    # ---- templates and the field guide (core.bank_data.templates) ------------------------
    # ---- the map's reference layer (territory.*) -----------------------------------------
    # ---- the data page (data.*) ----------------------------------------------------------
}
