"""Problems (core.problems.Problem keys), uploads and names refused at input."""

TEXT: dict[str, tuple[str, str]] = {
    "uploads.too_large": ("文件过大(上限 {limit} MB)", "The file is too large (limit {limit} MB)"),
    "uploads.extension": (
        "不支持的文件类型 {ext}(请上传 {accepted})",
        "Unsupported file type {ext} (upload {accepted})",
    ),
    "uploads.empty": ("文件为空或没有要素", "The file is empty or has no features"),
    "uploads.mismatch": (
        "文件内容与扩展名 {ext} 不符:不是 {kind} 文件",
        "The content does not match the extension {ext}: this is not a {kind} file",
    ),
    "uploads.bad_zip": (
        "不是有效的 zip 压缩包(已损坏或不完整)",
        "Not a valid zip archive (damaged or incomplete)",
    ),
    "uploads.zip_too_many": (
        "压缩包内文件过多(上限 {limit} 个)",
        "The zip archive holds too many files (limit {limit})",
    ),
    "uploads.zip_encrypted": (
        "压缩包已加密,请上传未加密的压缩包",
        "The zip archive is encrypted; upload it without a password",
    ),
    "uploads.zip_method": (
        "压缩包使用了不支持的压缩方式,请用普通 zip 重新压缩",
        "The zip archive uses an unsupported compression; zip it again with plain zip",
    ),
    "uploads.zip_too_large": ("压缩包解压后过大", "The zip archive is too large when unpacked"),
    "uploads.zip_no_shp": ("压缩包中没有 .shp 文件", "The zip archive contains no .shp file"),
    "uploads.shp_parts": (
        "Shapefile 缺少 .shx 或 .dbf 文件",
        "The shapefile lacks its .shx or .dbf file",
    ),
    "uploads.shp_bad_part": (
        "压缩包中的 {part} 不是有效的 Shapefile 文件",
        "The {part} in the zip archive is not a valid Shapefile part",
    ),
    "uploads.bad_prj": (
        "无法识别 .prj 中的坐标系",
        "The coordinate system in the .prj is not recognised",
    ),
    "uploads.encoding": (
        "文字编码无法识别(请使用 UTF-8,Shapefile 可附 .cpg)",
        "The text encoding is not recognised (use UTF-8; a shapefile may add a .cpg)",
    ),
    "uploads.bad_json": (
        "不是有效的 GeoJSON 文本(JSON 格式错误)",
        "Not valid GeoJSON text (malformed JSON)",
    ),
    "uploads.not_geojson": (
        "不是 GeoJSON:应为 FeatureCollection、Feature 或几何对象",
        "Not GeoJSON: expected a FeatureCollection, a Feature or a geometry",
    ),
    "uploads.bad_crs": (
        "不支持文件声明的坐标系(crs),请去掉 crs 或使用 EPSG 编码",
        "The "
        "coordinate system the file declares (crs) is not supported; remove "
        "it or use an EPSG code",
    ),
    "uploads.bad_geometry": (
        "几何无法读取(坐标格式错误或不是有限数值)",
        "The geometry cannot be read (malformed or non-finite coordinates)",
    ),
    "uploads.bad_properties": ("属性(properties)不是键值对象", "The properties are not an object"),
    "uploads.bad_kml": (
        "不是有效的 KML 文件(XML 格式错误)",
        "Not a valid KML file (malformed XML)",
    ),
    "uploads.xml_doctype": (
        "文件含 DOCTYPE/ENTITY 声明,出于安全原因不予读取",
        "The file contains a DOCTYPE/ENTITY declaration and is refused for safety",
    ),
    "uploads.bad_xlsx": (
        "不是有效的 Excel 文件(.xlsx),文件可能已损坏",
        "Not a valid Excel file (.xlsx); it may be damaged",
    ),
    "uploads.not_workbook": (
        "压缩包不是 Excel 工作簿(.xlsx),请使用导出的模板",
        "The zip archive is not an Excel workbook (.xlsx); use the exported template",
    ),
    "uploads.macro_workbook": (
        "含宏的工作簿不能导入,请另存为 .xlsx 工作簿",
        "Workbooks with macros cannot be imported; save it as an .xlsx workbook",
    ),
    "uploads.too_many_rows": (
        "工作表行数过多(上限 {limit} 行)",
        "The sheet has too many rows (limit {limit})",
    ),
    "uploads.formula": (
        "单元格含公式或以“=”开头,请改为数值(选择性粘贴→数值)",
        "The cell holds a formula or starts with '='; enter the value (paste special → values)",
    ),
    "uploads.not_finite": ("“{value}”不是有效的数值", "'{value}' is not a valid number"),
    "uploads.code_taken": (
        "编码“{code}”已属于其他支行或其他层级的网格,请改用新编码",
        "Code '{code}' belongs to a grid of another branch or level; use a new code",
    ),
    "uploads.code_long": (
        "网格编码“{code}”过长(最多 {limit} 个字符)",
        "Grid code '{code}' is too long (at most {limit} characters)",
    ),
    "name.empty": ("{field}不能为空。", "{field} is empty."),
    "name.too_long": (
        "{field}不能超过{max}个字符(现为{n}个)。",
        "{field} has at most {max} characters (now {n}).",
    ),
    "name.control": (
        "{field}含有换行、方向控制符等不可见字符,请删除后重试。",
        "{field} holds invisible characters (line breaks, direction marks...); "
        "remove them and try again.",
    ),
    "name.field.grid_name": ("网格名称", "The grid name"),
    "name.field.grid_code": ("网格编码", "The grid code"),
    "name.field.liaison_name": ("联络员姓名", "The liaison's name"),
    "name.field.list_name": ("名单名称", "The list name"),
    "name.field.list_note": ("名单说明", "The list note"),
    "name.field.visit_notes": ("走访备注", "The visit notes"),
    # where a problem is (core.problems.Problem.where)
    "problem.where.file": ("文件 {file}", "File {file}"),
    "problem.where.row": ("第{row}行", "row {row}"),
    "problem.where.feature": ("第 {row} 个要素", "feature {row}"),
    # values in a file or form
    "problem.value.number": ("“{value}”不是数字", "'{value}' is not a number"),
    "problem.value.negative": ("不能为负数", "cannot be negative"),
    # Excel sheets (core.files.sheets)
    "problem.sheet.missing": (
        "缺少工作表“{sheet}”(请使用导出的模板)",
        "There is no sheet named '{sheet}' (use the exported template)",
    ),
    "problem.sheet.blank_header": (
        "第{column}列没有表头(请使用导出的模板)",
        "Column {column} has no header (use the exported template)",
    ),
    "problem.sheet.unknown_header": (
        "未知的表头(请使用导出的模板)",
        "unknown header (use the exported template)",
    ),
    "problem.sheet.missing_column": ("缺少该列", "column missing"),
    "problem.sheet.no_rows": ("工作表“{sheet}”没有数据行", "The sheet '{sheet}' has no data rows"),
    # targets: splits (core.performance.targets) and the target / actual workbooks
    "problem.target.number": ("请填写数字目标", "enter a number"),
    "problem.target.negative": ("目标不能为负数", "a target cannot be negative"),
    "problem.target.whole": ("须为整数(元或个)", "must be whole yuan or units"),
    "problem.target.rate_over": ("比率不能超过100%", "a rate cannot exceed 100 %"),
    "problem.target.total": (
        "分解合计 {total} 与上级目标 {parent} 不一致(差 {diff})",
        "the children add up to {total}, not the parent's {parent} (off by {diff})",
    ),
    "problem.target.not_below": (
        "不属于该机构的下级:{units}",
        "not a unit below this one: {units}",
    ),
    "problem.target.set_by_hq": (
        "支行目标由总行下达,请先由总行设定",
        "head office sets the branch's own target",
    ),
    "problem.target.decimals": (
        "金额最多4位小数(精确到元),数量须为整数",
        "money to 4 decimals (whole yuan), counts whole",
    ),
    "problem.target.level": (
        "层级须为 总行/支行/客户经理",
        "level must be 总行/支行/客户经理 (bank/branch/manager)",
    ),
    "problem.target.unknown_unit": (
        "未知的{level}编码“{code}”",
        "{level} code '{code}' is unknown",
    ),
    "problem.target.outside_scope": (
        "“{code}”不在您的管理范围内",
        "'{code}' is outside your scope",
    ),
    "problem.target.unknown_metric": ("未知的指标编码“{code}”", "unknown metric code '{code}'"),
    "problem.target.year": ("年度须为四位整数", "a four-digit year"),
    "problem.target.years": (
        "文件只能包含一个年度(发现 {years})",
        "one year per file (found {years})",
    ),
    "problem.target.duplicate": ("与第{other}行重复", "duplicates row {other}"),
    "problem.target.no_annual": ("请填写全年目标", "enter the year's target"),
    "problem.target.some_months": ("月份须全部填写或全部留空", "fill all twelve months or none"),
    "problem.target.months_total": (
        "12个月合计 {months} 与全年 {annual} 不一致",
        "the months add up to {months}, not {annual}",
    ),
    "problem.target.december": (
        "余额类指标12月须等于全年(年末余额)",
        "for a balance, December must equal the year",
    ),
    "problem.target.branch_target": (
        "支行目标由总行下达,不能在此修改",
        "head office sets the branch's own target",
    ),
    "problem.target.children_total": (
        "{unit}({metric})下级合计 {total} 与其目标 {target} 不一致",
        "{unit} ({metric}): the units below add up to {total}, not {target}",
    ),
    "problem.target.month": ("月份须为1-12", "month must be 1-12"),
    "problem.target.computed": (
        "“{metric}”由系统计算,不能导入",
        "{metric} is computed, not imported",
    ),
    "problem.target.no_actual": ("请填写实际值", "enter the actual"),
    "problem.target.branch_sum": (
        "支行值与其客户经理合计 {sum} 不一致",
        "the branch differs from its managers' sum ({sum})",
    ),
    # grid polygons from a file (geo.io)
    "problem.geometry.no_polygons": (
        "文件中只有点/线要素({kinds}),没有面",
        "Only points/lines were found ({kinds}), no polygons",
    ),
    "problem.geometry.no_geometry": (
        "文件中没有任何几何,没有面",
        "No geometry was found, no polygons",
    ),
    "problem.geometry.not_lonlat": (
        "坐标不是经纬度(投影坐标缺少 .prj?)",
        "Coordinates are not longitude/latitude (projected data without a .prj?)",
    ),
    "problem.geometry.missing": ("缺少几何", "The geometry is missing"),
    "problem.geometry.not_polygon": ("不是面({kind})", "Not a polygon ({kind})"),
    "problem.geometry.invalid": ("几何无效:{reason}", "Invalid polygon: {reason}"),
    "problem.geometry.invalid_at": (
        "几何无效:{reason}(位于 {point} 附近)",
        "Invalid polygon: {reason} at or near point {point}",
    ),
    "problem.geometry.reason.self_intersection": ("自相交", "Self-intersection"),
    "problem.geometry.reason.ring_self_intersection": ("环自相交", "Ring Self-intersection"),
    "problem.geometry.reason.too_few_points": ("点数过少", "Too few points"),
    "problem.geometry.reason.disconnected": ("内部不连通", "Interior is disconnected"),
    "problem.geometry.reason.hole_outside": ("内环在外环之外", "Hole lies outside shell"),
    "problem.geometry.reason.nested_holes": ("内环相互嵌套", "Nested holes"),
    "problem.geometry.reason.nested_shells": ("外环相互嵌套", "Nested shells"),
    "problem.geometry.reason.duplicate_rings": ("环重复", "Duplicate Rings"),
    "problem.geometry.reason.invalid_coordinate": ("坐标无效", "Invalid Coordinate"),
    "problem.geometry.reason.not_closed": ("环未闭合", "Ring is not closed"),
    "problem.geometry.outside": (
        "网格大部分在本行服务区域之外(仅 {pct}% 在内)",
        "The polygon lies mostly outside the service area (only {pct}% inside)",
    ),
    "problem.geometry.outside_swapped": (
        "网格大部分在本行服务区域之外(仅 {pct}% 在内);看起来是 {looks} 坐标却声明为 {declared}",
        "The polygon lies mostly "
        "outside the service area (only {pct}% inside); looks like "
        "{looks} coordinates declared as {declared}",
    ),
    "problem.geometry.no_name_field": ("找不到名称字段“{name}”", "Name field '{name}' not found"),
    "problem.geometry.duplicate_name": (
        "名称“{name}”与第 {other} 个要素重复",
        "Name '{name}' duplicates feature {other}",
    ),
    # grid changes (core.grids.changes)
    "problem.grid.no_grids": ("变更中没有任何网格", "the change holds no grid"),
    "problem.grid.duplicate_code": ("网格编码重复", "duplicate grid code"),
    "problem.grid.invalid": ("多边形无效:{reason}", "invalid polygon: {reason}"),
    "problem.grid.overlap": ("与网格 {other} 重叠", "overlaps grid {other}"),
    "problem.grid.other_branch": ("不属于本支行", "belongs to another branch"),
    "problem.grid.outside_parent": (
        "有 {share} 的面积在所属一级网格之外",
        "{share} of its area lies outside its first-level grid",
    ),
    "problem.grid.no_branch": ("找不到对应支行", "no branch of that name or code"),
    # posts and liaisons (core.grids.staffing)
    "problem.staff.post_a": ("请选择本支行的A岗客户经理", "choose a post-A manager of this branch"),
    "problem.staff.post_b": ("B岗须为本支行客户经理", "post B must be a manager of this branch"),
    "problem.staff.same_person": ("A岗与B岗不能是同一人", "posts A and B must be different people"),
    "problem.staff.liaisons": (
        "联络员须为2-5人(现为{n}人)",
        "2-5 liaison persons needed (now {n})",
    ),
    "problem.staff.role": ("身份须为:{roles}", "role must be one of {roles}"),
    "problem.staff.phone_full": ("请填写完整手机号", "enter the full phone"),
    "problem.staff.phone_format": (
        "手机号须为11位数字,以1开头",
        "phone must be 11 digits starting with 1",
    ),
    # customer lists (core.customers.lists)
    "problem.list.manager_hands": ("客户经理不能下发名单", "managers cannot hand lists"),
    "problem.list.kind": ("未知类型 {kind}", "unknown kind {kind}"),
    "problem.list.no_filter": ("请至少设置一个筛选条件", "set at least one filter"),
    "problem.list.grid_filter": (
        "行业/族群网格不能再按网格筛选",
        "an industry or group grid cannot filter by grid",
    ),
    "problem.list.needs_manager": (
        "行业/族群网格须指定负责的客户经理",
        "an industry or group grid needs its manager",
    ),
    "problem.list.own_branch": ("只能下发给本支行", "only to your own branch"),
    "problem.list.no_manager": ("客户经理不存在或已停用", "no such active manager"),
    "problem.list.manager_branch": (
        "该客户经理不属于所选支行",
        "that manager is not of the chosen branch",
    ),
    "problem.list.choose_branch": ("请选择下发的支行", "choose a branch"),
    # a logged visit (core.visits.visit_log)
    "problem.visit.channel": ("未知的走访方式 {channel}", "unknown channel {channel}"),
    "problem.visit.outcome": ("未知的走访结果 {outcome}", "unknown outcome {outcome}"),
    "problem.visit.products": ("未知的产品 {products}", "unknown products {products}"),
    "problem.visit.future": ("走访时间不能晚于现在", "the visit cannot be in the future"),
    "problem.visit.too_old": ("只能补登31天内的走访", "only visits of the last 31 days"),
    "problem.visit.amount": ("金额不能为负数", "the amount cannot be negative"),
    "problem.visit.checkin_pair": ("签到经纬度须同时填写", "give both longitude and latitude"),
    "problem.visit.checkin_outside": (
        "签到位置 ({lon}, {lat}) 不在本行服务区域内",
        "check-in ({lon}, {lat}) is outside the bank's service area",
    ),
    "problem.visit.checkin_missing": ("上门走访须签到位置", "an on-site visit needs its check-in"),
    "problem.visit.token": ("表单已失效,请刷新后重试", "the form expired; reload it"),
    "problem.visit.customer": ("该客户不存在", "no such customer"),
    # a week's plan (core.visits.planner)
    "problem.plan.capacity": (
        "本周计划 {n} 户,超过每周上限 {capacity} 户",
        "{n} visits planned, more than the week's {capacity}",
    ),
    "problem.plan.customer": ("客户编号 {id} 不存在", "no customer with id {id}"),
}
