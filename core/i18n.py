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
    "map.metric.target_pct": ("存款增量目标完成率(%)", "Deposit-increase target done (%)"),
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
    "card.none": ("(空缺)", "(vacant)"),
    # staffing
    "nav.staffing": ("定岗定员", "Staffing"),
    "staffing.title": ("定岗定员", "Posts and liaisons"),
    "staffing.caption": ("每个二级网格设A、B岗客户经理,配2-5名网格联络员;网格客户随A岗经理",
                         "Each level-2 grid has post A and B managers and 2-5 liaison "
                         "persons; its customers follow the post-A manager"),
    "staffing.empty": ("当前范围内没有二级网格。", "No level-2 grids in your scope."),
    "staffing.grid": ("网格", "Grid"),
    "staffing.none": ("(空缺)", "(vacant)"),
    "staffing.liaison_hint": ("电话已脱敏,不修改则保留原号码", "Phones are masked; leave one "
                              "unchanged to keep the stored number"),
    "staffing.save": ("保存", "Save"),
    "staffing.saved": ("已保存。", "Saved."),
    "staffing.row": ("第{row}行 ", "Row {row} "),
    "staffing.field.A": ("A岗", "Post A"),
    "staffing.field.B": ("B岗", "Post B"),
    "staffing.field.liaisons": ("联络员", "Liaisons"),
    "staffing.field.name": ("姓名", "Name"),
    "staffing.field.role": ("身份", "Role"),
    "staffing.field.phone": ("电话", "Phone"),
    # grid management
    "nav.grids": ("网格管理", "Grid management"),
    "grids.title": ("网格管理", "Grid management"),
    "grids.caption.hq": ("总行维护一级网格(支行辖区)", "Head office maintains level-1 grids "
                         "(branch jurisdictions)"),
    "grids.caption.branch": ("支行维护本行二级网格(客户经理责任田)", "The branch maintains its "
                             "level-2 grids (managers' grids)"),
    "grids.tab.import": ("导入", "Import"),
    "grids.tab.draw": ("绘制", "Draw"),
    "grids.tab.propose": ("自动方案", "Proposal"),
    "grids.tab.versions": ("版本", "Versions"),
    "grids.file": ("边界文件(GeoJSON、Shapefile压缩包或KML)", "Boundary file (GeoJSON, zipped "
                   "Shapefile or KML)"),
    "grids.crs": ("文件坐标系", "Coordinate system of the file"),
    "grids.read": ("读取并检查", "Read and check"),
    "grids.import_problem": ("第{row}个要素 [{field}]:{message}", "Feature {row} [{field}]: "
                             "{message}"),
    "grids.file_problem": ("文件 [{field}]:{message}", "File [{field}]: {message}"),
    "grids.unknown_branch": ("找不到对应支行(名称或编码应与支行一致)", "no branch of that name "
                             "or code"),
    "grids.draw_hint": ("用左侧工具画出多边形,然后选择用途", "Draw a polygon with the tools on "
                        "the left, then choose what it is"),
    "grids.draw_mode": ("所画多边形用于", "Use the drawn polygon to"),
    "grids.draw_new": ("新增网格", "add a new grid"),
    "grids.draw_replace": ("重画已有网格的边界", "redraw an existing grid"),
    "grids.draw_name": ("新网格名称", "Name of the new grid"),
    "grids.draw_target": ("要重画的网格", "Grid to redraw"),
    "grids.draw_none": ("尚未画出多边形。", "Nothing drawn yet."),
    "grids.draw_use": ("生成变更", "Prepare the change"),
    "grids.propose_l1": ("按网点就近生成一级网格方案", "Propose level-1 grids from outlets"),
    "grids.propose_l2": ("按工作量均衡生成本行二级网格方案", "Propose this branch's level-2 "
                         "grids balanced by workload"),
    "grids.balance": ("均衡情况(与平均值的最大偏差)", "Balance (largest deviation from the "
                      "mean)"),
    "grids.dev_workload": ("工作量偏差", "Workload"),
    "grids.dev_customers": ("客户数偏差", "Customers"),
    "grids.dev_deposits": ("存款偏差", "Deposits"),
    "grids.compactness": ("紧凑度", "Compactness"),
    "grids.best_possible": ("整村划分下工作量偏差至少为 {value}", "With whole villages the "
                            "workload deviation cannot go below {value}"),
    "grids.county_l2": ("全县二级网格方案参考(不直接生效)", "County-wide level-2 proposals "
                        "(for reference)"),
    "grids.county_l2_run": ("计算全县方案", "Compute for the whole county"),
    "grids.versions_empty": ("还没有应用过的变更。", "No change applied yet."),
    "grids.restore": ("恢复到所选版本之前的状态", "Restore the grids as before the selected "
                      "version"),
    "grids.change_title": ("待确认的变更", "Change to confirm"),
    "grids.change_grids": ("变更涉及 {n} 个网格", "The change holds {n} grids"),
    "grids.problems": ("以下问题需先修正,未作任何保存:", "Fix these first; nothing was saved:"),
    "grids.impact_customers": ("换网格或换经理的客户", "Customers changing grid or manager"),
    "grids.impact_deposits": ("涉及存款(万元)", "Their deposits (万元)"),
    "grids.impact_households": ("涉及户数", "Households"),
    "grids.impact_branch": ("换支行的客户", "Customers changing branch"),
    "grids.impact_blind": ("盲区客户 变更前→后", "Blind-spot customers before → after"),
    "grids.confirm": ("确认应用", "Apply"),
    "grids.cancel": ("放弃", "Discard"),
    "grids.applied": ("已应用为版本 {version},{moved} 名客户重新分配。", "Applied as version "
                      "{version}; {moved} customers re-assigned."),
    "col.version": ("版本", "Version"),
    "col.time": ("时间", "Time"),
    "col.action": ("操作", "Action"),
    "col.note": ("说明", "Note"),
    "col.moved": ("重新分配客户", "Customers re-assigned"),
    "col.liaison_name": ("姓名", "Name"),
    "col.liaison_role": ("身份", "Role"),
    "col.phone": ("电话", "Phone"),
    "col.customer": ("客户", "Customer"),
    "col.deposit_wan": ("本行存款(万元)", "Deposits here (万元)"),
    "col.other_bank_wan": ("他行存款(万元)", "At other banks (万元)"),
    "error.database": ("数据库暂时无法访问,请稍后重试或联系管理员。", "The database cannot be "
                       "reached. Try again later or contact the administrator."),
    # audit (四定审计)
    "nav.audit": ("四定审计", "Four-fixes audit"),
    "audit.title": ("四定审计", "Four-fixes audit (四定)"),
    "audit.caption": ("{org} · 定格:客户和区域都在网格中;定岗:每个二级网格有A/B岗;定员:每个二级网格"
                      "2-5名联络员", "{org} · fix the grid: every customer and every area in a "
                      "grid; fix the post: posts A/B in every level-2 grid; fix the people: 2-5 "
                      "liaison persons per level-2 grid"),
    "audit.metric.blind_spot_customers": ("盲区客户", "Blind-spot customers"),
    "audit.metric.gaps": ("网格空白", "Gaps"),
    "audit.metric.overlaps": ("网格重叠", "Overlaps"),
    "audit.metric.outside_parent": ("超出上级网格", "Outside parent grid"),
    "audit.metric.missing_post": ("缺A/B岗网格", "Grids missing post A/B"),
    "audit.metric.few_liaisons": ("联络员不足网格", "Grids short of liaisons"),
    "audit.tab.grid": ("定格", "Fix the grid"),
    "audit.tab.staff": ("定岗定员", "Posts and people"),
    "audit.tab.rate": ("入格率", "In-grid rate"),
    "audit.blind": ("营销盲区:未入二级网格的客户(按村)", "Blind spots: customers in no level-2 "
                    "grid, by village"),
    "audit.unknown_village": ("未知村", "Unknown village"),
    "audit.coverage": ("网格空白与重叠", "Gaps and overlaps"),
    "audit.coverage_help": ("一级网格对照县域边界,二级网格对照所属一级网格;小于 {km2} 平方公里的碎片不计。",
                            "Level 1 against the county boundary, level 2 against its level-1 "
                            "grid; slivers under {km2} km² are ignored."),
    "audit.outside": ("超出上级网格的二级网格(超出面积>1%)", "Level-2 grids outside their "
                      "level-1 grid (more than 1 % of their area)"),
    "audit.staffing": ("定岗定员问题(二级网格)", "Post and liaison problems (level-2 grids)"),
    "audit.level1": ("一级网格", "Level 1"),
    "audit.level2": ("二级网格", "Level 2"),
    "audit.kind.gap": ("空白", "Gap"),
    "audit.kind.overlap": ("重叠", "Overlap"),
    "audit.problem.no_a": ("缺A岗", "No post A"),
    "audit.problem.no_b": ("缺B岗", "No post B"),
    "audit.problem.few_liaisons": ("联络员少于2名", "Fewer than 2 liaisons"),
    "audit.problem.many_liaisons": ("联络员多于5名", "More than 5 liaisons"),
    "audit.by": ("统计口径", "Count by"),
    "audit.by.grid": ("按二级网格", "By level-2 grid"),
    "audit.by.village": ("按村(社区)", "By village"),
    "audit.in_grid_rate": ("入格率", "In-grid rate"),
    "audit.rate_help": ("入格率 = 已入二级网格的客户 / 全部客户;建档率 = 已建档客户 / 常住人口。",
                        "In-grid rate = customers in a level-2 grid / all customers; filing "
                        "rate = filed customers / residents."),
    "audit.none": ("未发现问题。", "No problems found."),
    "audit.show_on_map": ("在地图上查看", "Show on the map"),
    "audit.col.village": ("村(社区)", "Village"),
    "audit.col.town": ("乡镇", "Town"),
    "audit.col.level": ("层级", "Level"),
    "audit.col.kind": ("类型", "Kind"),
    "audit.col.grid": ("网格", "Grid"),
    "audit.col.other_grid": ("相关网格", "Other grid"),
    "audit.col.branch": ("支行", "Branch"),
    "audit.col.area_km2": ("面积(平方公里)", "Area (km²)"),
    "audit.col.villages": ("所在村(社区)", "Villages"),
    "audit.col.lon": ("经度", "Longitude"),
    "audit.col.lat": ("纬度", "Latitude"),
    "audit.col.parent": ("上级网格", "Parent grid"),
    "audit.col.outside_km2": ("超出面积(平方公里)", "Outside (km²)"),
    "audit.col.outside_pct": ("超出比例(%)", "Outside (%)"),
    "audit.col.problem": ("问题", "Problem"),
    "audit.col.posts": ("在岗A/B岗数", "Posts held"),
    "audit.col.liaisons": ("联络员数", "Liaisons"),
    "audit.col.in_grid": ("已入格客户", "In a grid"),
    "audit.col.residents": ("常住人口", "Residents"),
    # targets and progress (目标管理, 进度明)
    "nav.targets": ("目标管理", "Targets"),
    "nav.progress": ("业绩进度", "Progress"),
    "level.bank": ("总行", "Bank"),
    "level.branch": ("支行", "Branch"),
    "level.manager": ("客户经理", "Manager"),
    "unit.yuan": ("万元", "万元"),
    "unit.count": ("个", "units"),
    "unit.pct": ("百分比", "%"),
    "unit.points": ("个百分点", " points"),
    "status.ahead": ("领先", "Ahead"),
    "status.on_track": ("正常", "On track"),
    "status.lagging": ("滞后", "Lagging"),
    "status.serious": ("严重滞后", "Seriously lagging"),
    "period.year": ("全年", "Year"),
    "period.quarter": ("本季", "Quarter"),
    "period.month": ("本月", "Month"),
    "progress.title": ("业绩进度", "Progress against targets"),
    "progress.caption": ("{org} · 数据截至 {as_of} · 序时进度:全年 {year},本季 {quarter},本月 "
                         "{month} · 金额单位:万元", "{org} · data as of {as_of} · time progress: "
                         "year {year}, quarter {quarter}, month {month} · amounts in 万元"),
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
    "progress.lags_help": ("完成率低于序时进度超过 {band} 个百分点即预警;不良率等越低越好的指标反向判断。",
                           "Warned when completion is more than {band} points behind time "
                           "progress; for lower-is-better metrics (NPL ratio) the other way "
                           "round."),
    "progress.lag_line": ("**{who}** · {metric}:完成 {done}%,应达 {due}%,落后 {behind} 个百分点"
                          "(约 {amount})", "**{who}** · {metric}: {done} % done of {due} % due, "
                          "{behind} points behind (about {amount})"),
    "progress.lag_line_rate": ("**{who}** · {metric}:实际 {actual}%,目标 {target}%,差 {gap} 个百分点",
                               "**{who}** · {metric}: {actual} % against a target of {target} "
                               "%, {gap} points off"),
    "progress.lags_all": ("全部滞后项({n} 项)", "All lagging items ({n})"),
    "progress.no_lags": ("当前范围内没有滞后的指标。", "Nothing lags in your scope."),
    "progress.process": ("过程指标", "Process indicators"),
    "progress.visits": ("走访完成 / 全年计划", "Visits against the year's plan"),
    "progress.visits_help": ("走访记录次数对比走访计划(走访次数目标);箭头为领先(+)或落后(-)序时进度的百分点",
                             "Visits recorded against the visits target; the arrow: points "
                             "ahead (+) or behind (-) time progress"),
    "progress.high_end_coverage": ("高端客户走访覆盖率 / 目标", "High-end visit coverage / "
                                   "target"),
    "progress.high_end_coverage_help": ("近30天内走访过的高端客户(AUM达到 GM_TIER_AUM 高端门槛)占比",
                                        "Share of high-end customers (AUM at the GM_TIER_AUM "
                                        "threshold or more) visited in the last 30 days"),
    "progress.marketing_success_rate": ("营销成功率 / 目标", "Marketing success / target"),
    "progress.marketing_success_rate_help": ("本月走访中结果为正面(建档、意向、开户、存款、签约等,"
                                             "非“无结果”)的比例", "Share of this month's visits "
                                             "with a positive outcome (anything but none)"),
    "progress.lead": ("{lead} 个百分点", "{lead} points"),
    "progress.miss_in": ("按当前进度 {month}月起落后计划", "Behind plan from month {month} at "
                         "this pace"),
    "progress.on_course": ("可完成", "On course"),
    "progress.month_n": ("{month}月", "M{month}"),
    "progress.actual": ("实际", "Actual"),
    "progress.target": ("目标", "Target"),
    "progress.cum_target": ("累计目标", "Cumulative target"),
    "progress.cum_actual": ("累计实际", "Cumulative actual"),
    "progress.forecast": ("按当前进度预测", "Run-rate forecast"),
    "progress.chart_monthly": ("月度目标(线)与实际(柱)", "Monthly target (line) and actual "
                               "(bars)"),
    "progress.chart_cumulative": ("累计目标与累计实际", "Running totals"),
    "progress.chart_path": ("月末目标与实际", "Month-end target and actual"),
    "col.metric": ("指标", "Metric"),
    "col.unit": ("单位", "Unit"),
    "col.target": ("目标", "Target"),
    "col.actual": ("实际", "Actual"),
    "col.completion_pct": ("完成率(%)", "Done (%)"),
    "col.time_pct": ("序时进度(%)", "Time progress (%)"),
    "col.gap": ("缺口", "Gap"),
    "col.status": ("状态", "Status"),
    "col.rank": ("排名", "Rank"),
    "col.who": ("机构/人员", "Who"),
    "col.behind_pts": ("落后序时(百分点)", "Behind time (points)"),
    "col.behind": ("落后序时(数量)", "Behind time (amount)"),
    "col.year_end": ("年末预测", "Year-end forecast"),
    "col.forecast_pct": ("预测完成率(%)", "Forecast (%)"),
    "col.miss": ("预警", "Warning"),
    "col.last_year": ("上年实际", "Last year"),
    "col.weight": ("权重(%)", "Weight (%)"),
    "col.current": ("现目标", "Current"),
    "col.new_target": ("新目标", "New target"),
    "col.month": ("月份", "Month"),
    "col.old": ("原值", "Old"),
    "col.new": ("新值", "New"),
    "col.user": ("操作人", "By"),
    "col.at": ("时间", "When"),
    "col.source": ("方式", "How"),
    "col.org": ("机构", "Unit"),
    "targets.title": ("目标管理", "Targets"),
    "targets.caption.hq": ("总行设定全行年度目标,分解到各支行与各月(支行再分解到客户经理)",
                           "Head office sets the bank's annual targets and splits them to "
                           "branches and months (branches split on to their managers)"),
    "targets.caption.branch": ("把总行下达的本支行目标分解到客户经理与各月", "Split your "
                               "branch's targets (set by head office) to your managers and "
                               "months"),
    "targets.year": ("年度", "Year"),
    "targets.tab.split": ("分解", "Split"),
    "targets.tab.excel": ("Excel 导入导出", "Excel"),
    "targets.tab.history": ("变更记录", "Changes"),
    "targets.tab.actuals": ("实际值", "Actuals"),
    "targets.metric": ("指标", "Metric"),
    "targets.bank_value": ("全行年度目标({unit})", "The bank's annual target ({unit})"),
    "targets.branch_value": ("本支行年度目标(总行下达)", "Your branch's annual target (set by "
                             "head office)"),
    "targets.no_branch_target": ("总行尚未下达本支行该指标的目标。", "Head office has not set "
                                 "this target for your branch yet."),
    "targets.method": ("分解方法", "Split by"),
    "method.last_year": ("按上年占比", "Last year's share"),
    "method.equal": ("平均分配", "Equal"),
    "method.potential": ("按网格潜力(户数×渗透缺口×他行资金)", "Grid potential (households × "
                         "penetration gap × other-bank funds)"),
    "method.manual": ("手工填写", "Manual"),
    "targets.months": ("分月方式", "Months"),
    "months.seasonal": ("季节曲线(含开门红)", "Seasonal curve (开门红 Q1)"),
    "months.even": ("平均分月", "Even"),
    "targets.rate_note": ("比率类指标不分解:各下级与各月均为同一目标水平,可选“手工填写”逐个修改。",
                          "A rate is not split: every unit and month gets the same level; "
                          "choose Manual to set each."),
    "targets.stock_note": ("余额类指标分解的是较上年末的增量,各下级再加上自己的上年末余额。",
                           "For a balance the increase over last year-end is split; each unit "
                           "adds its own base."),
    "targets.sum": ("分解合计", "Children total"),
    "targets.diff": ("差额", "Difference"),
    "targets.save": ("保存目标", "Save targets"),
    "targets.saved": ("已保存:{n} 个目标单元变更,已记录操作人与原值。", "Saved: {n} target cells "
                      "changed, each recorded with who and the old value."),
    "targets.blocked": ("合计与上级目标不一致,不能保存:", "The total differs from the parent's "
                        "target; cannot save:"),
    "targets.months_title": ("分月目标预览", "Monthly targets"),
    "targets.download": ("下载目标模板(含现有目标)", "Download the targets template"),
    "targets.upload": ("上传目标文件(.xlsx)", "Upload a targets file (.xlsx)"),
    "targets.import": ("检查并导入", "Check and import"),
    "targets.imported": ("已导入:{n} 个目标单元变更。", "Imported: {n} target cells changed."),
    "targets.problems": ("文件有以下问题,未导入任何数据:", "The file has these problems; nothing "
                         "was imported:"),
    "source.seed": ("年初下达(演示)", "Set at the start of the year (demo)"),
    "source.split": ("页面分解", "Split on the page"),
    "source.import": ("Excel 导入", "Excel import"),
    "targets.history_empty": ("暂无变更记录。", "No changes recorded yet."),
    "targets.recompute": ("按当前数据重新计算实际值", "Recompute actuals from the data"),
    "targets.recomputed": ("已重新计算 {rows} 行实际值,截至 {as_of},用时 {seconds} 秒。",
                           "Recomputed {rows} actual rows as of {as_of} in {seconds} s."),
    "targets.actual_download": ("下载实际值模板(导入类指标)", "Download the actuals template "
                                "(imported metrics)"),
    "targets.actual_upload": ("上传实际值文件(.xlsx)", "Upload an actuals file (.xlsx)"),
    "targets.actual_imported": ("已导入 {n} 行实际值。", "Imported {n} actual rows."),
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
