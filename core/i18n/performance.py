"""Progress, targets and the Excel templates."""

TEXT: dict[str, tuple[str, str]] = {
    "sheet.title": ("走访清单 · {manager} · {week} 周", "Field sheet · {manager} · week of {week}"),
    "sheet.excel": ("下载走访清单(Excel)", "Download the field sheet (Excel)"),
    "sheet.print": ("打印版走访清单", "Printable field sheet"),
    "sheet.col.day": ("日期", "Day"),
    "sheet.col.seq": ("顺序", "Order"),
    "sheet.col.cust_no": ("客户号", "Customer no."),
    "sheet.col.name": ("客户", "Customer"),
    "sheet.col.phone": ("电话", "Phone"),
    "sheet.col.address": ("地址", "Address"),
    "sheet.col.grid": ("网格", "Grid"),
    "sheet.col.offers": ("营销建议", "What to offer"),
    "sheet.col.notes": ("走访记录(手填)", "Notes (by hand)"),
    "progress.title": ("业绩进度", "Progress against targets"),
    "progress.caption": (
        "{org} · 数据截至 {as_of} · 序时进度:全年 {year},本季 {quarter},本月 "
        "{month} · 金额单位:万元",
        "{org} · data as of {as_of} · time progress: "
        "year {year}, quarter {quarter}, month {month} · amounts in 万元",
    ),
    "progress.empty": ("当前范围内尚未设定目标。", "No targets set in your scope yet."),
    "progress.period": ("考核期", "Period"),
    "progress.branch": ("支行", "Branch"),
    "progress.manager": ("客户经理", "Manager"),
    "progress.all": ("(全部)", "(all)"),
    "progress.by_metric": ("{unit} · 各项指标完成情况", "{unit} · every metric"),
    "progress.metric": ("指标", "Metric"),
    "progress.ranked": ("{unit} · 下级排名:{metric}", "{unit} · units below, ranked: {metric}"),
    "progress.trend": ("{unit} · 趋势:{metric}", "{unit} · trend: {metric}"),
    "progress.forecast_title": ("按当前进度预测年末(年化进度)", "Run-rate forecast to year end"),
    "progress.lags": ("滞后预警(落后序时进度)", "Lag warnings (behind time progress)"),
    "progress.lags_help": (
        "完成率低于序时进度超过 {band} 个百分点即预警;不良率等越低越好的指标反向判断。",
        "Warned when completion is more than {band} points behind time "
        "progress; for lower-is-better metrics (NPL ratio) the other way "
        "round.",
    ),
    "progress.lag_line": (
        "**{who}** · {metric}:完成 {done}%,应达 {due}%,落后 {behind} 个百分点(约 {amount})",
        "**{who}** · {metric}: {done} % done of {due} % due, "
        "{behind} points behind (about {amount})",
    ),
    "progress.lag_line_rate": (
        "**{who}** · {metric}:实际 {actual}%,目标 {target}%,差 {gap} 个百分点",
        "**{who}** · {metric}: {actual} % against a target of {target} %, {gap} points off",
    ),
    "progress.lags_all": ("全部滞后项({n} 项)", "All lagging items ({n})"),
    "progress.no_lags": ("当前范围内没有滞后的指标。", "Nothing lags in your scope."),
    "progress.process": ("过程指标", "Process indicators"),
    "progress.visits": ("走访完成 / 全年计划", "Visits against the year's plan"),
    "progress.visits_help": (
        "走访记录次数对比走访计划(走访次数目标);箭头为领先(+)或落后(-)序时进度的百分点",
        "Visits recorded against the visits target; the arrow: points "
        "ahead (+) or behind (-) time progress",
    ),
    "progress.high_end_coverage": ("高端客户走访覆盖率 / 目标", "High-end visit coverage / target"),
    "progress.high_end_coverage_help": (
        "近30天内走访过的高端客户(AUM达到 GM_TIER_AUM 高端门槛)占比",
        "Share of high-end customers (AUM at the GM_TIER_AUM "
        "threshold or more) visited in the last 30 days",
    ),
    "progress.marketing_success_rate": ("营销成功率 / 目标", "Marketing success / target"),
    "progress.marketing_success_rate_help": (
        "本月走访中结果为正面(建档、意向、开户、存款、签约等,非“无结果”)的比例",
        "Share of this month's visits with a positive outcome (anything but none)",
    ),
    "progress.lead": ("{lead} 个百分点", "{lead} points"),
    "progress.miss_in": (
        "按当前进度 {month}月起落后计划",
        "Behind plan from month {month} at this pace",
    ),
    "progress.on_course": ("可完成", "On course"),
    "progress.month_n": ("{month}月", "M{month}"),
    "progress.actual": ("实际", "Actual"),
    "progress.target": ("目标", "Target"),
    "progress.cum_target": ("累计目标", "Cumulative target"),
    "progress.cum_actual": ("累计实际", "Cumulative actual"),
    "progress.forecast": ("按当前进度预测", "Run-rate forecast"),
    "progress.chart_monthly": ("月度目标(线)与实际(柱)", "Monthly target (line) and actual (bars)"),
    "progress.chart_cumulative": ("累计目标与累计实际", "Running totals"),
    "progress.chart_path": ("月末目标与实际", "Month-end target and actual"),
    "targets.title": ("目标管理", "Targets"),
    "targets.caption.hq": (
        "总行设定全行年度目标,分解到各支行与各月(支行再分解到客户经理)",
        "Head office sets the bank's annual targets and splits them to "
        "branches and months (branches split on to their managers)",
    ),
    "targets.caption.branch": (
        "把总行下达的本支行目标分解到客户经理与各月",
        "Split your branch's targets (set by head office) to your managers and months",
    ),
    "targets.year": ("年度", "Year"),
    "targets.tab.split": ("分解", "Split"),
    "targets.tab.excel": ("Excel 导入导出", "Excel"),
    "targets.tab.history": ("变更记录", "Changes"),
    "targets.tab.actuals": ("实际值", "Actuals"),
    "targets.metric": ("指标", "Metric"),
    "targets.bank_value": ("全行年度目标({unit})", "The bank's annual target ({unit})"),
    "targets.branch_value": (
        "本支行年度目标(总行下达)",
        "Your branch's annual target (set by head office)",
    ),
    "targets.no_branch_target": (
        "总行尚未下达本支行该指标的目标。",
        "Head office has not set this target for your branch yet.",
    ),
    "targets.method": ("分解方法", "Split by"),
    "targets.months": ("分月方式", "Months"),
    "targets.rate_note": (
        "比率类指标不分解:各下级与各月均为同一目标水平,可选“手工填写”逐个修改。",
        "A rate is not split: every unit and month gets the same level; choose Manual to set each.",
    ),
    "targets.stock_note": (
        "余额类指标分解的是较上年末的增量,各下级再加上自己的上年末余额。",
        "For a balance the increase over last year-end is split; each unit adds its own base.",
    ),
    "targets.sum": ("分解合计", "Children total"),
    "targets.diff": ("差额", "Difference"),
    "targets.save": ("保存目标", "Save targets"),
    "targets.saved": (
        "已保存:{n} 个目标单元变更,已记录操作人与原值。",
        "Saved: {n} target cells changed, each recorded with who and the old value.",
    ),
    "targets.blocked": (
        "合计与上级目标不一致,不能保存:",
        "The total differs from the parent's target; cannot save:",
    ),
    "targets.months_title": ("分月目标预览", "Monthly targets"),
    "targets.download": ("下载目标模板(含现有目标)", "Download the targets template"),
    "targets.upload": ("上传目标文件(.xlsx)", "Upload a targets file (.xlsx)"),
    "targets.import": ("检查并导入", "Check and import"),
    "targets.imported": ("已导入:{n} 个目标单元变更。", "Imported: {n} target cells changed."),
    "targets.problems": (
        "文件有以下问题,未导入任何数据:",
        "The file has these problems; nothing was imported:",
    ),
    "targets.history_empty": ("暂无变更记录。", "No changes recorded yet."),
    "targets.recompute": ("按当前数据重新计算实际值", "Recompute actuals from the data"),
    "targets.recomputed": (
        "已重新计算 {rows} 行实际值,截至 {as_of},用时 {seconds} 秒。",
        "Recomputed {rows} actual rows as of {as_of} in {seconds} s.",
    ),
    "targets.actual_download": (
        "下载实际值模板(导入类指标)",
        "Download the actuals template (imported metrics)",
    ),
    "targets.actual_upload": ("上传实际值文件(.xlsx)", "Upload an actuals file (.xlsx)"),
    "targets.actual_imported": ("已导入 {n} 行实际值。", "Imported {n} actual rows."),
}
