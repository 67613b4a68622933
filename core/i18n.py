"""Every text a user reads, in Chinese (default) and English.

``t(key, lang)`` looks a key up; a missing key raises, and ``tests/test_i18n.py`` checks that
every key has both languages and that every ``t("...")`` in the code exists here.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # frame
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
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.demo_hint": (
        "演示账号:hq(总行)、branch(支行行长)、manager(客户经理),密码均为 demo",
        "Demo accounts: hq (head office), branch (branch leader), manager "
        "(customer manager); password demo",
    ),
    "signin.empty": ("请输入用户名和密码。", "Enter a username and a password."),
    "signin.signed_out": ("已退出登录。", "You have signed out."),
    # overview
    "overview.title": ("总览", "Overview"),
    "overview.caption": (
        "{org} · 数据截至今日 · 金额单位:万元",
        "{org} · as of today · amounts in 万元 (10,000 yuan)",
    ),
    "overview.customers": ("客户总数", "Customers"),
    "overview.existing": ("存量客户", "Existing"),
    "overview.potential": ("潜在客户", "Potential"),
    "overview.in_grid_rate": ("入格率", "In-grid rate"),
    "overview.in_grid_help": (
        "在二级网格内的客户占全部客户的比例",
        "Share of customers that sit in a second-level grid",
    ),
    "overview.filing_rate": ("建档率", "Filing rate"),
    "overview.filing_help": (
        "已建档客户占网格内已知成年常住人口的比例",
        "Filed customers against the adults known to live in the grids",
    ),
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
    "map.caption": (
        "{org} · 一级网格为支行辖区,二级网格为客户经理责任田 · 村级边界为示意",
        "{org} · level 1: branch jurisdictions, level 2: managers' grids · village "
        "boundaries are illustrative",
    ),
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
    "map.customers_heat": (
        "客户分布为热力图(按约1公里方格汇总)",
        "Customers as a heat map (counted per ~1 km square)",
    ),
    "map.customers_points": (
        "客户分布为聚合点,放大后显示单个客户",
        "Customers as clusters that split into single customers as you zoom in",
    ),
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
    "card.opportunities": (
        "重点营销机会(他行资金最多)",
        "Top opportunities (most money at other banks)",
    ),
    "card.none": ("(空缺)", "(vacant)"),
    # staffing
    "nav.staffing": ("定岗定员", "Staffing"),
    "staffing.title": ("定岗定员", "Posts and liaisons"),
    "staffing.caption": (
        "每个二级网格设A、B岗客户经理,配2-5名网格联络员;网格客户随A岗经理",
        "Each level-2 grid has post A and B managers and 2-5 liaison "
        "persons; its customers follow the post-A manager",
    ),
    "staffing.empty": ("当前范围内没有二级网格。", "No level-2 grids in your scope."),
    "staffing.grid": ("网格", "Grid"),
    "staffing.none": ("(空缺)", "(vacant)"),
    "staffing.liaison_hint": (
        "电话已脱敏,不修改则保留原号码",
        "Phones are masked; leave one unchanged to keep the stored number",
    ),
    "staffing.save": ("保存", "Save"),
    "staffing.saved": ("已保存。", "Saved."),
    "staffing.field.A": ("A岗", "Post A"),
    "staffing.field.B": ("B岗", "Post B"),
    "staffing.field.liaisons": ("联络员", "Liaisons"),
    "staffing.field.name": ("姓名", "Name"),
    "staffing.field.role": ("身份", "Role"),
    "staffing.field.phone": ("电话", "Phone"),
    # grid management
    "nav.grids": ("网格管理", "Grid management"),
    "grids.title": ("网格管理", "Grid management"),
    "grids.caption.hq": (
        "总行维护一级网格(支行辖区)",
        "Head office maintains level-1 grids (branch jurisdictions)",
    ),
    "grids.caption.branch": (
        "支行维护本行二级网格(客户经理责任田)",
        "The branch maintains its level-2 grids (managers' grids)",
    ),
    "grids.tab.import": ("导入", "Import"),
    "grids.tab.draw": ("绘制", "Draw"),
    "grids.tab.propose": ("自动方案", "Proposal"),
    "grids.tab.versions": ("版本", "Versions"),
    "grids.file": (
        "边界文件(GeoJSON、Shapefile压缩包或KML)",
        "Boundary file (GeoJSON, zipped Shapefile or KML)",
    ),
    "grids.crs": ("文件坐标系", "Coordinate system of the file"),
    "grids.read": ("读取并检查", "Read and check"),
    "grids.no_file": (
        "请先选择文件,待文件上传完成后再点“读取并检查”",
        "Choose a file first and wait until it has uploaded, then press Read and check",
    ),
    "grids.import_problem": (
        "第{row}个要素 [{field}]:{message}",
        "Feature {row} [{field}]: {message}",
    ),
    "grids.file_problem": ("文件 [{field}]:{message}", "File [{field}]: {message}"),
    "grids.unknown_branch": (
        "找不到对应支行(名称或编码应与支行一致)",
        "no branch of that name or code",
    ),
    "grids.draw_hint": (
        "用左侧工具画出多边形,然后选择用途",
        "Draw a polygon with the tools on the left, then choose what it is",
    ),
    "grids.draw_mode": ("所画多边形用于", "Use the drawn polygon to"),
    "grids.draw_new": ("新增网格", "add a new grid"),
    "grids.draw_replace": ("重画已有网格的边界", "redraw an existing grid"),
    "grids.draw_name": ("新网格名称", "Name of the new grid"),
    "grids.draw_target": ("要重画的网格", "Grid to redraw"),
    "grids.draw_none": ("尚未画出多边形。", "Nothing drawn yet."),
    "grids.draw_use": ("生成变更", "Prepare the change"),
    "grids.propose_l1": ("按网点就近生成一级网格方案", "Propose level-1 grids from outlets"),
    "grids.propose_l2": (
        "按工作量均衡生成本行二级网格方案",
        "Propose this branch's level-2 grids balanced by workload",
    ),
    "grids.balance": ("均衡情况(与平均值的最大偏差)", "Balance (largest deviation from the mean)"),
    "grids.dev_workload": ("工作量偏差", "Workload"),
    "grids.dev_customers": ("客户数偏差", "Customers"),
    "grids.dev_deposits": ("存款偏差", "Deposits"),
    "grids.compactness": ("紧凑度", "Compactness"),
    "grids.best_possible": (
        "整村划分下工作量偏差至少为 {value}",
        "With whole villages the workload deviation cannot go below {value}",
    ),
    "grids.county_l2": (
        "全县二级网格方案参考(不直接生效)",
        "County-wide level-2 proposals (for reference)",
    ),
    "grids.county_l2_run": ("计算全县方案", "Compute for the whole county"),
    "grids.versions_empty": ("还没有应用过的变更。", "No change applied yet."),
    "grids.restore": (
        "恢复到所选版本之前的状态",
        "Restore the grids as before the selected version",
    ),
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
    "grids.applied": (
        "已应用为版本 {version},{moved} 名客户重新分配。",
        "Applied as version {version}; {moved} customers re-assigned.",
    ),
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
    "error.database": (
        "数据库暂时无法访问,请稍后重试或联系管理员。",
        "The database cannot be reached. Try again later or contact the administrator.",
    ),
    # audit (四定审计)
    "nav.audit": ("四定审计", "Four-fixes audit"),
    "audit.title": ("四定审计", "Four-fixes audit (四定)"),
    "audit.caption": (
        "{org} · 定格:客户和区域都在网格中;定岗:每个二级网格有A/B岗;定员:每个二级网格2-5名联络员",
        "{org} · fix the grid: every customer and every area in a "
        "grid; fix the post: posts A/B in every level-2 grid; fix the people: 2-5 "
        "liaison persons per level-2 grid",
    ),
    "audit.metric.blind_spot_customers": ("盲区客户", "Blind-spot customers"),
    "audit.metric.gaps": ("网格空白", "Gaps"),
    "audit.metric.overlaps": ("网格重叠", "Overlaps"),
    "audit.metric.outside_parent": ("超出上级网格", "Outside parent grid"),
    "audit.metric.missing_post": ("缺A/B岗网格", "Grids missing post A/B"),
    "audit.metric.few_liaisons": ("联络员不足网格", "Grids short of liaisons"),
    "audit.tab.grid": ("定格", "Fix the grid"),
    "audit.tab.staff": ("定岗定员", "Posts and people"),
    "audit.tab.rate": ("入格率", "In-grid rate"),
    "audit.blind": (
        "营销盲区:未入二级网格的客户(按村)",
        "Blind spots: customers in no level-2 grid, by village",
    ),
    "audit.unknown_village": ("未知村", "Unknown village"),
    "audit.coverage": ("网格空白与重叠", "Gaps and overlaps"),
    "audit.coverage_help": (
        "一级网格对照县域边界,二级网格对照所属一级网格;小于 {km2} 平方公里的碎片不计。",
        "Level 1 against the county boundary, level 2 against its level-1 "
        "grid; slivers under {km2} km² are ignored.",
    ),
    "audit.outside": (
        "超出上级网格的二级网格(超出面积>1%)",
        "Level-2 grids outside their level-1 grid (more than 1 % of their area)",
    ),
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
    "audit.rate_help": (
        "入格率 = 已入二级网格的客户 / 全部客户;建档率 = 已建档客户 / 常住人口。",
        "In-grid rate = customers in a level-2 grid / all customers; filing "
        "rate = filed customers / residents.",
    ),
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
    # vocabulary shared by the explorer, lists and the customer view
    "kind.individual": ("个人", "Individual"),
    "kind.merchant": ("个体工商户", "Merchant"),
    "kind.corporate": ("企业", "Corporate"),
    "status.active": ("有效客户", "Active"),
    "status.dormant": ("休眠客户", "Dormant"),
    "status.potential": ("潜在客户", "Potential"),
    "occupation.farmer": ("务农", "Farmer"),
    "occupation.migrant": ("外出务工", "Migrant worker"),
    "occupation.public": ("公职人员", "Public sector"),
    "occupation.employee": ("企业职工", "Employee"),
    "occupation.self_employed": ("个体经营", "Self-employed"),
    "occupation.student": ("学生", "Student"),
    "occupation.retiree": ("退休", "Retired"),
    "occupation.enterprise": ("企业", "Enterprise"),
    "product.debit_card": ("借记卡", "Debit card"),
    "product.mobile_banking": ("手机银行", "Mobile banking"),
    "product.acquiring": ("收单(POS/扫码)", "Acquiring (POS/QR)"),
    "product.etc": ("ETC(不停车收费)", "ETC"),
    "product.time_deposit": ("定期存款", "Time deposit"),
    "product.current_deposit": ("活期存款", "Current deposit"),
    "product.wealth": ("理财", "Wealth product"),
    "product.loan": ("贷款", "Loan"),
    "product.credit_line": ("授信", "Credit line"),
    "product.renewal": ("到期续存", "Renewal at maturity"),
    "visit.channel.onsite": ("上门", "On site"),
    "visit.channel.phone": ("电话", "Phone"),
    "visit.channel.outlet": ("网点", "At the outlet"),
    "visit.channel.wechat": ("微信", "WeChat"),
    "visit.outcome.filed": ("建档", "Filed"),
    "visit.outcome.interested": ("有意向", "Interested"),
    "visit.outcome.account": ("开户", "Account opened"),
    "visit.outcome.deposit": ("存款", "Deposit"),
    "visit.outcome.mobile_banking": ("开通手机银行", "Mobile banking"),
    "visit.outcome.acquiring": ("开通收单", "Acquiring"),
    "visit.outcome.loan_application": ("贷款申请", "Loan application"),
    "visit.outcome.none": ("无结果/拒绝", "None / refused"),
    # segment explorer
    "nav.segments": ("客群探索", "Segment explorer"),
    "explorer.title": ("客群探索", "Segment explorer"),
    "explorer.caption": (
        "{org} · 筛选条件即时生效 · 金额单位:万元",
        "{org} · filters apply at once · amounts in 万元",
    ),
    "explorer.empty": ("当前范围内暂无客户。", "No customers in your scope."),
    "explorer.loading": (
        "正在载入客户数据(全行百万客户首次约需十秒,之后筛选即时生效)……",
        "Loading customers (about ten seconds the first time for a bank of a "
        "million; filters are instant after that)…",
    ),
    "explorer.filters": ("筛选条件", "Filters"),
    "explorer.any": ("不限", "Any"),
    "explorer.branch": ("支行", "Branch"),
    "explorer.grid": ("网格(区域/行业/族群)", "Grid (region / industry / group)"),
    "explorer.segment": ("客群", "Segment"),
    "explorer.tags": ("标签(同时满足)", "Tags (all of)"),
    "explorer.tier": ("客户分层", "Tier"),
    "explorer.lifecycle": ("生命周期", "Lifecycle"),
    "explorer.kind": ("客户类型", "Customer type"),
    "explorer.occupation": ("职业", "Occupation"),
    "explorer.industry": ("行业", "Industry"),
    "explorer.held": ("已持有产品", "Products held"),
    "explorer.missing": ("未持有产品", "Products missing"),
    "explorer.age": ("年龄", "Age"),
    "explorer.aum_min": ("AUM下限(万元)", "AUM from (万元)"),
    "explorer.aum_max": ("AUM上限(万元)", "AUM up to (万元)"),
    "explorer.aum_max_help": ("0 表示不限", "0 means no limit"),
    "explorer.bad_filter": ("筛选条件无法使用:{error}", "The filter cannot be used: {error}"),
    "explorer.customers": ("客户数", "Customers"),
    "explorer.deposits": ("存款(万元)", "Deposits (万元)"),
    "explorer.deposit_share": ("占本范围存款", "Share of scope's deposits"),
    "explorer.top20": ("前20%客户存款占比", "Held by the top 20 %"),
    "explorer.top20_help": (
        "存款最多的20%客户持有的存款比例(二八定律)",
        "Share of deposits held by the 20 % of customers with the most (the 80/20 rule)",
    ),
    "explorer.bottom50": ("后50%客户存款占比", "Held by the bottom 50 %"),
    "explorer.bottom50_help": (
        "存款较少的一半客户合计持有的比例(长尾)",
        "Share held by the half of customers with the least (the long tail)",
    ),
    "explorer.none_selected": ("没有客户符合当前筛选条件。", "No customer matches the filters."),
    "explorer.view": ("查看", "View"),
    "explorer.view.segments": ("客群规模", "Segments"),
    "explorer.view.pareto": ("二八分布", "80/20 curve"),
    "explorer.view.penetration": ("产品渗透", "Product penetration"),
    "explorer.view.map": ("网格分布", "Where they live"),
    "explorer.view.customers": ("客户名单", "Customers"),
    "explorer.no_segment": ("未分群", "No segment"),
    "explorer.segment_title": (
        "各客群客户数(右侧为存款占比)",
        "Customers per segment (share of deposits at the right)",
    ),
    "explorer.col.code": ("编号", "Code"),
    "explorer.col.segment": ("客群", "Segment"),
    "explorer.col.share": ("存款占比(%)", "Deposit share (%)"),
    "explorer.col.age": ("平均年龄", "Mean age"),
    "explorer.col.mobile": ("手机银行(%)", "Mobile banking (%)"),
    "explorer.col.products": ("人均产品数", "Products per customer"),
    "explorer.col.village": ("乡村客户(%)", "In villages (%)"),
    "explorer.col.cust_no": ("客户号", "Customer no."),
    "explorer.col.deposit": ("存款(万元)", "Deposits (万元)"),
    "explorer.col.aum": ("AUM(万元)", "AUM (万元)"),
    "explorer.col.other_bank_deposit": ("他行存款(万元)", "At other banks (万元)"),
    "explorer.bank_average": (
        "全行平均:年龄 {age} 岁,手机银行 {mobile}%,人均产品 {products} 个,乡村客户 {village}%",
        "Bank average: age {age}, mobile "
        "banking {mobile} %, {products} products each, {village} % in "
        "villages",
    ),
    "explorer.pareto_title": (
        "存款集中度:前x%客户持有的存款比例",
        "Deposit concentration: share held by the top x % of customers",
    ),
    "explorer.pareto_x": ("客户(按存款从多到少)", "Customers (most deposits first)"),
    "explorer.pareto_y": ("累计存款占比", "Cumulative share of deposits"),
    "explorer.pareto_curve": ("筛选客户", "Selected customers"),
    "explorer.pareto_equal": ("完全均等", "Perfect equality"),
    "explorer.pareto_hover": (
        "前 %{x:.0f}% 客户持有 %{y:.1f}% 存款",
        "Top %{x:.0f}% hold %{y:.1f}% of deposits",
    ),
    "explorer.pareto_note": (
        "前20%客户持有 {top} 的存款;后50%客户合计持有 {tail}——长尾同样需要服务。",
        "The top 20 % hold {top} of deposits; the bottom "
        "half together hold {tail}: the long tail needs service too.",
    ),
    "explorer.penetration_title": ("各客群产品持有率", "Products held, by segment"),
    "explorer.map_note": (
        "二级网格按筛选客户数着色,一级网格按所在支行汇总",
        "Level-2 grids coloured by selected customers; level 1 by branch",
    ),
    "explorer.table_note": (
        "显示AUM最高的 {shown} 名客户(共 {total} 名);姓名、电话已脱敏",
        "Showing the {shown} customers with the most AUM (of {total}); names and phones masked",
    ),
    "explorer.open_customer": ("查看所选客户", "Open the selected customer"),
    # lists
    "nav.lists": ("名单", "Lists"),
    "lists.title": ("名单与行业/族群网格", "Lists and industry / group grids"),
    "lists.caption": (
        "{org} · 总行、支行下发的名单,及客户经理负责的行业网格、族群网格",
        "{org} · lists handed down, and the industry and group grids managers own",
    ),
    "lists.empty": (
        "暂无名单。在客群探索中设置筛选条件后可保存为名单。",
        "No lists yet. Save one from the segment explorer.",
    ),
    "lists.save_title": ("保存为名单并下发", "Save as a list and hand it down"),
    "lists.name": ("名称", "Name"),
    "lists.kind": ("类型", "Kind"),
    "lists.kind.list": ("名单", "List"),
    "lists.kind.industry": ("行业网格", "Industry grid"),
    "lists.kind.group": ("族群网格", "Group grid"),
    "lists.branch": ("下发支行", "Branch"),
    "lists.whole_bank": ("全行", "Whole bank"),
    "lists.manager": ("客户经理", "Manager"),
    "lists.no_manager": ("(不指定)", "(none)"),
    "lists.note": ("说明", "Note"),
    "lists.save": ("保存", "Save"),
    "lists.problems": ("未保存,请先修正:", "Not saved; fix these first:"),
    "lists.saved": ("已保存「{name}」,当前 {n} 名客户。", "Saved “{name}”: {n} customers now."),
    "lists.col.saved": ("保存时客户数", "Customers when saved"),
    "lists.col.members": ("当前本范围客户数", "In your scope now"),
    "lists.col.created": ("保存时间", "Saved"),
    "lists.members_note": (
        "名单保存的是筛选条件:客户数随数据更新,且只计您权限范围内的客户",
        "A list keeps its filter: its members follow the data, counted within your own scope",
    ),
    "lists.open_in_explorer": ("在客群探索中打开", "Open in the explorer"),
    "lists.withdraw": ("撤回", "Withdraw"),
    "lists.cannot_withdraw": ("无权撤回该名单。", "You may not withdraw this list."),
    # customer view
    "nav.customer": ("客户视图", "Customer view"),
    "customer.title": ("客户视图", "Customer view"),
    "customer.search": ("查找客户(客户号或姓名)", "Find a customer (number or name)"),
    "customer.search_hint": ("例如 C000000123", "e.g. C000000123"),
    "customer.pick": ("选择客户", "Pick a customer"),
    "customer.not_found": ("权限范围内没有符合的客户。", "No matching customer in your scope."),
    "customer.hint": (
        "输入客户号或姓名查找,或从客群探索、走访计划中打开客户。",
        "Search by number or name, or open a customer from the explorer or the visit planner.",
    ),
    "customer.out_of_scope": ("该客户不在您的权限范围内。", "This customer is outside your scope."),
    "customer.segment": ("所属客群:{code} {name}", "Segment: {code} {name}"),
    "customer.grid_card": (
        "- 二级网格:{grid2}\n- 一级网格:{grid1}\n- 支行:{branch}\n- 管户经理:"
        "{manager}\n- A岗:{post_a} · B岗:{post_b}",
        "- Level-2 grid: "
        "{grid2}\n- Level-1 grid: {grid1}\n- Branch: {branch}\n- Manager: "
        "{manager}\n- Post A: {post_a} · post B: {post_b}",
    ),
    "customer.offers": ("推荐产品", "What to offer next"),
    "customer.no_offers": ("暂无推荐。", "Nothing to recommend now."),
    "customer.trend": ("近12个月月末余额(万元)", "Month-end balances, last 12 months (万元)"),
    "customer.deposits": ("存款", "Deposits"),
    "customer.time_deposits": ("其中定期", "of which time"),
    "customer.loans": ("贷款", "Loans"),
    "customer.wealth": ("理财", "Wealth"),
    "customer.credit_line": ("授信额度", "Credit line"),
    "customer.other_bank_deposit": ("他行存款", "Deposits at other banks"),
    "customer.other_bank_loan": ("他行贷款", "Loans at other banks"),
    "customer.products_held": ("已开通", "Holds"),
    "customer.age": ("年龄", "Age"),
    "customer.occupation": ("职业", "Occupation"),
    "customer.id_number": ("证件号", "ID number"),
    "customer.address": ("地址", "Address"),
    "customer.opened": ("开户日期", "Opened"),
    "customer.last_txn": ("最近交易", "Last transaction"),
    "customer.last_visit": ("最近走访", "Last visit"),
    "customer.holdings": ("本行持有", "Held here"),
    "customer.other_banks": ("他行资金", "At other banks"),
    "customer.visits": ("走访记录", "Visits"),
    "customer.col.product": ("产品", "Product"),
    "customer.col.matures": ("到期日", "Matures"),
    "customer.col.npl": ("不良", "NPL"),
    "customer.col.bank": ("银行", "Bank"),
    "customer.col.kind": ("类别", "Kind"),
    "customer.col.noted": ("登记日期", "Noted"),
    "customer.col.channel": ("方式", "Channel"),
    "customer.col.outcome": ("结果", "Outcome"),
    "customer.col.products": ("营销产品", "Products"),
    "customer.other.deposit": ("存款", "Deposit"),
    "customer.other.loan": ("贷款", "Loan"),
    "customer.privacy": (
        "证件号始终脱敏;电话、地址仅对管户客户经理完整显示;查看记录留痕。",
        "ID numbers are always masked; phone and address are shown in full "
        "only to the customer's own manager; every view is logged.",
    ),
    "customer.contact_shown": ("(您是该客户的管户经理)", "(you are this customer's manager)"),
    # tags and segments (head office)
    "nav.tags": ("标签与客群", "Tags and segments"),
    "tags.title": ("标签与客群", "Tags and segments"),
    "tags.caption": (
        "标签规则与阈值由总行维护,保存后全量重算;客群由聚类得出,重算时保持编号与名称",
        "Head office keeps the tag rules and thresholds; saving recomputes "
        "every customer. Segments come from clustering and keep their code "
        "and name across runs",
    ),
    "tags.tags": ("标签", "Tags"),
    "tags.category.tier": ("客户分层", "Tier"),
    "tags.category.lifecycle": ("生命周期", "Lifecycle"),
    "tags.category.flag": ("特征标签", "Flag"),
    "tags.col.category": ("类别", "Category"),
    "tags.col.tag": ("标签", "Tag"),
    "tags.col.rule": ("规则", "Rule"),
    "tags.col.param": ("阈值", "Threshold"),
    "tags.col.value": ("取值", "Value"),
    "tags.thresholds": ("阈值设置", "Thresholds"),
    "tags.param.min_aum": ("AUM不低于(元)", "AUM at least (yuan)"),
    "tags.param.max_days": ("天数不超过", "At most days"),
    "tags.param.min_days": ("天数不少于", "At least days"),
    "tags.param.min_drop_pct": ("6个月存款降幅不低于(%)", "Six-month fall at least (%)"),
    "tags.param.min_balance": ("原余额不低于(元)", "From a balance of at least (yuan)"),
    "tags.param.min_idle_days": ("无交易天数不少于", "Days without a transaction at least"),
    "tags.param.min_age": ("年龄不低于", "Age at least"),
    "tags.param.min_amount": ("金额不低于(元)", "Amount at least (yuan)"),
    "tags.param.max_used_pct": ("用信比例不超过(%)", "Share drawn at most (%)"),
    "tags.save": ("保存并重算全部客户标签", "Save and recompute every customer's tags"),
    "tags.recomputing": ("正在重算……", "Recomputing…"),
    "tags.problems": ("未保存,请先修正:", "Not saved; fix these first:"),
    "tags.saved": (
        "已保存,全部客户标签已重算(用时 {seconds} 秒)。",
        "Saved; every customer's tags recomputed in {seconds} s.",
    ),
    "tags.segments": ("客群", "Segments"),
    "tags.no_segments": ("尚未分群。", "No segments yet."),
    "tags.last_run": (
        "最近一次分群:{at},k={k}({how}),轮廓系数 {silhouette},{customers} 名客户,用时 {seconds} 秒",
        "Last run: {at}, k = {k} ({how}), silhouette "
        "{silhouette}, {customers} customers, {seconds} s",
    ),
    "tags.k_by.silhouette": ("按轮廓系数自动选择", "chosen by silhouette"),
    "tags.k_by.analyst": ("分析员指定", "set by the analyst"),
    "tags.k_auto": ("自动选择客群数", "Choose k automatically"),
    "tags.k": ("客群数 k", "Number of segments k"),
    "tags.run": ("重新计算标签与客群", "Recompute tags and segments"),
    "tags.run_done": (
        "已完成:k={k},用时 {seconds} 秒,{changed} 名客户换了客群。",
        "Done: k = {k} in {seconds} s; {changed} customers changed segment.",
    ),
    # visit authenticity (走访真实性)
    "flag.rule.far_checkin": ("签到偏离客户", "Check-in far from customer"),
    "flag.rule.speed": ("移动速度异常", "Implausible speed"),
    "flag.rule.burst": ("短时密集走访", "Many visits in minutes"),
    "flag.rule.same_spot": ("多客户同一签到点", "One check-in point, several customers"),
    "flag.far_checkin": (
        "签到位置距客户 {distance} 米(阈值 {threshold} 米)",
        "Check-in {distance} m from the customer (limit {threshold} m)",
    ),
    "flag.speed": (
        "距上一次现场走访 {km} 公里、间隔 {minutes} 分钟,时速 {speed} 公里(阈值 {threshold} 公里)",
        "{km} km from the previous on-site visit in "
        "{minutes} min: {speed} km/h (limit {threshold} km/h)",
    ),
    "flag.burst": (
        "{start} 至 {end} 共 {count} 次走访(阈值:{window} 分钟内 {threshold} 次)",
        "{count} visits from {start} to {end} (limit: {threshold} within {window} min)",
    ),
    "flag.same_spot": (
        "签到坐标({lon}, {lat})与另外 {others} 位客户的走访签到完全相同",
        "Check-in ({lon}, {lat}) identical to visits of {others} other customer(s)",
    ),
    # visit priority (走访优先级)
    "tier.high": ("高端客户", "high-end"),
    "tier.core": ("核心客户", "core"),
    "tier.basic": ("基础客户", "basic"),
    "freq.monthly": ("每月一次", "monthly"),
    "freq.quarterly": ("每季度一次", "quarterly"),
    "freq.half_yearly": ("每半年一次", "half-yearly"),
    "freq.yearly": ("每年一次", "yearly"),
    "freq.per_year": ("每年 {n} 次", "{n} times a year"),
    "reason.overdue": (
        "逾期走访 {days} 天({tier}{freq})",
        "visit overdue {days} days ({tier}: {freq})",
    ),
    "reason.never_visited": ("从未走访({tier}{freq})", "never visited ({tier}: {freq})"),
    "reason.maturity": (
        "定期/理财 {days} 天后到期",
        "time deposit or wealth product matures in {days} days",
    ),
    "reason.spring_festival": ("春节返乡({date} 春节)", "home for Spring Festival ({date})"),
    "reason.other_bank": ("他行存款 {wan} 万元", "{wan} 万元 at other banks"),
    "reason.value": ("资产 {wan} 万元", "AUM {wan} 万元"),
    "reason.no_mobile_banking": ("未开通手机银行", "no mobile banking"),
    "reason.no_acquiring": ("商户未开通收单", "merchant without acquiring"),
    "reason.unused_credit": ("授信未用 {wan} 万元", "{wan} 万元 of credit line unused"),
    "reason.no_debit_card": ("未办借记卡", "no debit card"),
    "reason.no_etc": ("未办ETC", "no ETC"),
    "reason.dormant": ("睡眠客户待激活", "dormant: to reactivate"),
    "reason.campaign": ("营销活动客户", "in a campaign"),
    # visit planner (走访计划)
    "nav.visits": ("走访计划", "Visit planner"),
    "visits.title": ("走访计划", "Visit planner"),
    "visits.caption": (
        "计划周自 {week}(周一)起 · 每周上限 {capacity} 户 · 得分越高越应走访",
        "Week of {week} (Monday) · at most {capacity} visits a week · the higher "
        "the score, the more a visit is due",
    ),
    "visits.manager": ("客户经理", "Manager"),
    "visits.no_manager": ("没有可查看的客户经理。", "No manager to show."),
    "visits.week": ("计划周(任选该周一天)", "Week (pick any day of it)"),
    "visits.view.plan": ("选择客户", "Choose customers"),
    "visits.view.route": ("路线与清单", "Route and sheet"),
    "visits.no_customers": ("该客户经理名下暂无客户。", "This manager has no customers."),
    "visits.filters": ("筛选", "Filters"),
    "visits.grid": ("网格", "Grid"),
    "visits.village": ("村/社区", "Village"),
    "visits.campaign": ("营销活动", "Campaign"),
    "visits.source": ("客户来源", "Customers from"),
    "visits.my_grids": ("我的网格(全部)", "My grids (all)"),
    "visits.overdue_only": ("只看逾期未访", "Overdue only"),
    "visits.picked": ("本周已选", "Picked this week"),
    "visits.picked_help": ("当前列表 {shown} 户(共 {total} 户)", "{shown} shown of {total}"),
    "visits.top": ("按得分选满", "Fill by score"),
    "visits.clear": ("清空", "Clear"),
    "visits.save": ("保存计划并排路线", "Save and route"),
    "visits.problems": ("计划未保存:", "The plan was not saved:"),
    "visits.saved": (
        "已保存 {week} 周计划({n} 户),路线已按天排好。",
        "Saved the week of {week} ({n} visits), routed into days.",
    ),
    "visits.col.pick": ("本周走访", "This week"),
    "visits.col.place": ("村 · 网格", "Village · grid"),
    "visits.col.score": ("优先级", "Priority"),
    "visits.col.reasons": ("理由", "Why"),
    "visits.col.offers": ("推荐产品", "Offer"),
    "visits.col.overdue": ("逾期天数", "Days overdue"),
    "visits.tier.high": ("高端", "High-end"),
    "visits.tier.core": ("核心", "Core"),
    "visits.tier.basic": ("基础", "Basic"),
    "visits.no_plan": (
        "本周尚未保存计划。先在“选择客户”中勾选并保存。",
        "No plan saved for this week yet: tick customers under “Choose customers” and save.",
    ),
    "visits.logged": ("本周已登记", "Logged this week"),
    "visits.total_km": ("全周里程(公里,直线)", "Week's distance (km, straight line)"),
    "visits.col.day": ("日期", "Day"),
    "visits.col.stops": ("走访户数", "Visits"),
    "visits.col.done": ("已登记", "Logged"),
    "visits.col.km": ("里程(公里)", "km"),
    "visits.unlocated": (
        "{n} 户没有位置,未排入路线。",
        "{n} customers have no position and are not on the route.",
    ),
    "visits.day.1": ("周一", "Monday"),
    "visits.day.2": ("周二", "Tuesday"),
    "visits.day.3": ("周三", "Wednesday"),
    "visits.day.4": ("周四", "Thursday"),
    "visits.day.5": ("周五", "Friday"),
    "visits.day.6": ("周六", "Saturday"),
    "visits.day.7": ("周日", "Sunday"),
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
    # visit log (走访登记)
    "nav.visit_log": ("走访登记", "Log a visit"),
    "visit.title": ("走访登记", "Log a visit"),
    "visit.managers_only": (
        "走访由客户经理本人登记。",
        "Visits are logged by the manager who made them.",
    ),
    "visit.other": ("登记计划外客户(客户号或姓名)", "A customer outside the plan (number or name)"),
    "visit.no_customers": (
        "本周计划为空;可在上方查找自己的客户。",
        "This week's plan is empty; search your customers above.",
    ),
    "visit.customer": ("客户", "Customer"),
    "visit.date": ("走访日期", "Date"),
    "visit.time": ("时间", "Time"),
    "visit.channel": ("方式", "Channel"),
    "visit.outcome": ("结果", "Outcome"),
    "visit.offered": ("营销产品", "Products offered"),
    "visit.signed": ("成功签约", "Products signed"),
    "visit.amount": ("金额(万元)", "Amount (万元)"),
    "visit.lon": ("签到经度", "Check-in longitude"),
    "visit.lat": ("签到纬度", "Check-in latitude"),
    "visit.notes": ("备注", "Notes"),
    "visit.save": ("保存走访", "Save the visit"),
    "visit.locate": ("用浏览器定位签到", "Check in with the browser's position"),
    "visit.checkin_help": (
        "上门走访须签到:点“用浏览器定位签到”(需 https 或本机访问)或手填经纬度(WGS-84)。",
        "An on-site visit needs its check-in: use the browser's "
        "position (https or this machine only) or type it (WGS-84).",
    ),
    "visit.problems": ("走访未保存:", "The visit was not saved:"),
    "visit.saved": ("已保存走访记录(编号 {id})。", "Visit saved (no. {id})."),
    "visit.already": (
        "这条走访已保存过(编号 {id}),未重复保存。",
        "This visit was saved already (no. {id}); nothing stored twice.",
    ),
    "visit.next": ("登记下一次走访", "Log the next visit"),
    "visit.field.channel": ("方式", "Channel"),
    "visit.field.outcome": ("结果", "Outcome"),
    "visit.field.offered": ("营销产品", "Products offered"),
    "visit.field.signed": ("成功签约", "Products signed"),
    "visit.field.visited_at": ("走访时间", "Time"),
    "visit.field.amount": ("金额", "Amount"),
    "visit.field.checkin": ("签到位置", "Check-in"),
    "visit.field.notes": ("备注", "Notes"),
    "visit.field.token": ("表单", "Form"),
    "visit.field.customer": ("客户", "Customer"),
    # visit checks (走访核查)
    "nav.visit_check": ("走访核查", "Visit checks"),
    "check.title": ("走访核查", "Visit checks"),
    "check.caption": (
        "{org} · 签到偏离客户超过 {limit} 米、相邻上门走访时速超过 {speed} 公里、"
        "短时密集走访、多客户同一签到点均提示核实",
        "{org} · flagged: check-ins more "
        "than {limit} m from the customer, over {speed} km/h between on-site "
        "visits, bursts of visits, one check-in point for several customers",
    ),
    "check.period": ("时间范围", "Period"),
    "check.days": ("近 {n} 天", "last {n} days"),
    "check.no_visits": ("该时间范围内没有走访记录。", "No visits in this period."),
    "check.by_manager": ("各客户经理", "By manager"),
    "check.col.visits": ("走访次数", "Visits"),
    "check.col.flagged": ("存疑走访", "Flagged visits"),
    "check.col.flagged_pct": ("存疑占比(%)", "Flagged (%)"),
    "check.flags": ("存疑明细", "Flags"),
    "check.col.rule": ("类型", "Rule"),
    "check.col.detail": ("说明", "Detail"),
    "check.coverage": ("网格走访覆盖率", "Visit coverage by grid"),
    "check.coverage_legend": (
        "二级网格按近 {days} 天走访覆盖率(走访过的客户/客户)着色:",
        "Level-2 grids coloured by coverage in the last {days} days "
        "(customers visited / customers):",
    ),
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
    "method.last_year": ("按上年占比", "Last year's share"),
    "method.equal": ("平均分配", "Equal"),
    "method.potential": (
        "按网格潜力(户数×渗透缺口×他行资金)",
        "Grid potential (households × penetration gap × other-bank funds)",
    ),
    "method.manual": ("手工填写", "Manual"),
    "targets.months": ("分月方式", "Months"),
    "months.seasonal": ("季节曲线(含开门红)", "Seasonal curve (开门红 Q1)"),
    "months.even": ("平均分月", "Even"),
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
    "source.seed": ("年初下达(演示)", "Set at the start of the year (demo)"),
    "source.split": ("页面分解", "Split on the page"),
    "source.import": ("Excel 导入", "Excel import"),
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
    # ---- errors and permissions (core checks, tracebacks) ----
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
    # ---- end of errors and permissions (core checks, tracebacks) ----
    # ---- uploads ----
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
    # ---- end of uploads ----
    # ---- escaping, names and downloads ----
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
    # ---- end of escaping, names and downloads ----
    # ---- sign-in, sessions, users and the audit log ----
    "signin.failed": (
        "登录失败:用户名或密码错误,或账号暂不可用。连续失败多次将被暂时锁定,如有疑问请联系"
        "总行管理员。",
        "Sign-in failed: wrong username or password, or the account "
        "is not available. Repeated failures lock it for a while; ask the "
        "head-office administrator if in doubt.",
    ),
    "signin.idle": (
        "长时间未操作,已自动退出登录,请重新登录。",
        "You were signed out after a period without activity. Sign in again.",
    ),
    "signin.ended": (
        "登录已失效(已过期、已在别处退出或账号已停用),请重新登录。",
        "Your sign-in "
        "has ended (expired, signed out elsewhere or the account was deactivated). "
        "Sign in again.",
    ),
    "pwchange.title": ("修改密码", "Change your password"),
    "pwchange.intro": (
        "{name},您正在使用一次性密码登录。请先设置自己的新密码,然后才能继续使用系统。",
        "{name}, you signed in with a one-time password. Choose your own new "
        "password before you continue.",
    ),
    "pwchange.rules": (
        "密码规则:至少 {n} 个字符,包含小写字母、大写字母、数字、其他符号中的至少 {k} 类,"
        "且不能包含用户名。",
        "Password rules: at least {n} characters, at least "
        "{k} of lower case, upper case, digits and other characters, and not "
        "containing the username.",
    ),
    "pwchange.current": ("当前密码(一次性密码)", "Current password (the one-time password)"),
    "pwchange.new": ("新密码", "New password"),
    "pwchange.repeat": ("再次输入新密码", "New password again"),
    "pwchange.submit": ("保存新密码", "Save the new password"),
    "pwchange.mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "pwchange.done": ("密码已修改。", "Your password has been changed."),
    "nav.users": ("用户管理", "Users"),
    "nav.audit_log": ("审计日志", "Audit log"),
    "users.title": ("用户管理", "Users"),
    "users.caption": (
        "账号从不删除:停用后无法登录,其会话在下一次点击时结束。新建或重置密码时生成一次性密码,"
        "用户首次登录须修改。所有操作记入审计日志。",
        "Accounts are never deleted: a "
        "deactivated account cannot sign in and its sessions end at its next "
        "click. Creating an account or resetting a password makes a one-time "
        "password the user must change at first sign-in. Every action is audited.",
    ),
    "users.col_username": ("用户名", "Username"),
    "users.col_display_name": ("姓名", "Name"),
    "users.col_role": ("角色", "Role"),
    "users.col_org": ("所属机构", "Org unit"),
    "users.col_email": ("电子邮箱", "E-mail"),
    "users.col_active": ("启用", "Active"),
    "users.col_locked": ("锁定中", "Locked"),
    "users.col_locked_until": ("锁定至", "Locked until"),
    "users.col_failures": ("连续失败次数", "Failures in a row"),
    "users.col_must_change": ("须改密码", "Must change password"),
    "users.col_last_sign_in": ("最近登录", "Last sign-in"),
    "users.col_demo": ("演示账号", "Demo account"),
    "users.create": ("新建账号", "New account"),
    "users.username_help": (
        "2-50 个字符:字母、数字及 . _ - @,以字母或数字开头。",
        "2-50 characters: letters, digits and . _ - @, starting with a letter or digit.",
    ),
    "users.org_branch": ("所属支行", "Branch"),
    "users.org_manager": ("对应客户经理", "Customer manager record"),
    "users.display_name": (
        "姓名(可选,默认取机构或客户经理姓名)",
        "Name (optional; default: from the branch or manager record)",
    ),
    "users.email": (
        "电子邮箱(可选,单点登录时用于匹配)",
        "E-mail (optional; single sign-on matches by it)",
    ),
    "users.create_submit": ("创建账号", "Create the account"),
    "users.otp_once": (
        "{name} 的一次性密码如下,只显示这一次。请通过安全渠道交给本人,首次登录须修改。",
        "The one-time password of {name}, shown only this once. Hand it over "
        "safely; it must be changed at the first sign-in.",
    ),
    "users.manage": ("管理账号", "Manage an account"),
    "users.pick": ("选择账号", "Account"),
    "users.reset": ("重置密码", "Reset password"),
    "users.deactivate": ("停用", "Deactivate"),
    "users.reactivate": ("重新启用", "Reactivate"),
    "users.unlock": ("解除锁定", "Unlock"),
    "users.reset_done": (
        "密码已重置,该账号的会话已全部结束。",
        "The password was reset and every session of the account ended.",
    ),
    "users.deactivate_done": (
        "账号已停用,其会话在下一次点击时结束。",
        "The account is deactivated; its sessions end at its next click.",
    ),
    "users.reactivate_done": ("账号已重新启用。", "The account is active again."),
    "users.unlock_done": ("已解除锁定。", "The account is unlocked."),
    "users.password_short": (
        "密码至少需要 {n} 个字符。",
        "The password needs at least {n} characters.",
    ),
    "users.password_classes": (
        "密码需包含小写字母、大写字母、数字、其他符号中的至少 {n} 类。",
        "The password needs at least {n} of lower case, upper case, digits and other characters.",
    ),
    "users.password_username": (
        "密码不能包含用户名。",
        "The password must not contain the username.",
    ),
    "users.password_chars": (
        "密码过长或含控制字符。",
        "The password is too long or holds control characters.",
    ),
    "users.unknown_user": ("没有用户名为 {name} 的账号。", "There is no account {name}."),
    "users.org_missing": (
        "支行行长须指定支行代码,客户经理须指定客户经理工号。",
        "A branch leader needs a branch code, a customer manager a manager code.",
    ),
    "users.unknown_branch": ("没有代码为 {code} 的支行。", "There is no branch with code {code}."),
    "users.unknown_manager": (
        "没有工号为 {code} 的在岗客户经理。",
        "There is no active customer manager with code {code}.",
    ),
    "users.bad_username": (
        "用户名须为 2-50 个字符:字母、数字及 . _ - @,以字母或数字开头。",
        "A username has 2-50 characters: letters, digits and . _ - @, "
        "starting with a letter or digit.",
    ),
    "users.bad_role": (
        "角色须为 hq(总行)、branch(支行行长)或 manager(客户经理)。",
        "The role is hq (head office), branch (branch leader) or manager (customer manager).",
    ),
    "users.bad_display_name": (
        "姓名最多 50 个字符,且不能含控制字符。",
        "A name has at most 50 characters and no control characters.",
    ),
    "users.bad_email": ("电子邮箱格式不正确。", "The e-mail address is not valid."),
    "users.exists": ("用户名 {name} 已存在。", "The username {name} is taken."),
    "users.email_exists": (
        "该电子邮箱已被其他账号使用。",
        "Another account uses this e-mail address.",
    ),
    "users.wrong_current": ("当前密码不正确。", "The current password is wrong."),
    "users.same_password": (
        "新密码不能与当前密码相同。",
        "The new password must differ from the current one.",
    ),
    "users.not_yourself": ("不能停用自己的账号。", "You cannot deactivate your own account."),
    "auditlog.title": ("审计日志", "Audit log"),
    "auditlog.caption": (
        "记录只增不改:登录与失败、退出、客户查看与搜索、越权尝试、下载、导入及各类变更。"
        "导出本身也会记入日志。",
        "Entries are only ever added: sign-ins and "
        "failures, sign-outs, customer views and searches, refused attempts, "
        "downloads, imports and every change. An export is logged too.",
    ),
    "auditlog.range": ("时间范围", "Time range"),
    "auditlog.user": ("用户", "User"),
    "auditlog.action": ("操作", "Action"),
    "auditlog.entity": ("对象", "Entity"),
    "auditlog.all": ("全部", "All"),
    "auditlog.system": ("系统(命令行或未知用户)", "System (command line or unknown user)"),
    "auditlog.total": (
        "共 {n} 条,第 {page}/{pages} 页(最新在前)",
        "{n} entries, page {page} of {pages} (newest first)",
    ),
    "auditlog.page": ("页码", "Page"),
    "auditlog.empty": ("没有符合条件的记录。", "No entries match."),
    "auditlog.col_at": ("时间", "Time"),
    "auditlog.col_entity_id": ("对象编号", "Entity id"),
    "auditlog.col_detail": ("详情", "Detail"),
    "auditlog.download": ("导出筛选结果(CSV)", "Export the filtered entries (CSV)"),
    "auditlog.action.sign_in": ("登录", "Signed in"),
    "auditlog.action.sign_in_failed": ("登录失败", "Sign-in failed"),
    "auditlog.action.sign_out": ("退出登录", "Signed out"),
    "auditlog.action.idle_sign_out": ("超时自动退出", "Signed out when idle"),
    "auditlog.action.account_locked": ("账号被锁定", "Account locked"),
    "auditlog.action.password_rehashed": ("密码哈希升级", "Password hash upgraded"),
    "auditlog.action.password_reset": ("重置密码", "Password reset"),
    "auditlog.action.password_changed": ("修改密码", "Password changed"),
    "auditlog.action.password_change_failed": ("修改密码失败", "Password change failed"),
    "auditlog.action.user_created": ("新建账号", "Account created"),
    "auditlog.action.user_deactivated": ("停用账号", "Account deactivated"),
    "auditlog.action.user_reactivated": ("重新启用账号", "Account reactivated"),
    "auditlog.action.user_unlocked": ("解除锁定", "Account unlocked"),
    "auditlog.action.denied": ("越权尝试(已拒绝)", "Refused (out of role or scope)"),
    "auditlog.action.download": ("下载文件", "Download"),
    "auditlog.action.view_customer": ("查看客户", "Customer viewed"),
    "auditlog.action.search_customer": ("搜索客户", "Customer search"),
    "auditlog.action.grid_change": ("网格变更", "Grid change"),
    "auditlog.action.tag_params": ("修改标签阈值", "Tag thresholds changed"),
    "auditlog.action.staffing": ("定岗定员变更", "Staffing changed"),
    "auditlog.action.targets": ("目标分解", "Targets split"),
    "auditlog.action.targets_import": ("目标导入", "Targets imported"),
    "auditlog.action.actuals_recompute": ("重算实际值", "Actuals recomputed"),
    "auditlog.action.actuals_import": ("实际值导入", "Actuals imported"),
    "auditlog.action.segment_run": ("标签与客群计算", "Tags and segments run"),
    "auditlog.action.save_plan": ("保存走访计划", "Visit plan saved"),
    "auditlog.action.log_visit": ("登记走访", "Visit logged"),
    "auditlog.action.save_list": ("保存名单", "List saved"),
    "auditlog.action.save_industry": ("保存行业网格", "Industry grid saved"),
    "auditlog.action.save_group": ("保存族群网格", "Group grid saved"),
    "auditlog.action.withdraw_list": ("撤回名单", "List withdrawn"),
    "auditlog.action.withdraw_industry": ("删除行业网格", "Industry grid removed"),
    "auditlog.action.withdraw_group": ("删除族群网格", "Group grid removed"),
    # ---- end of sign-in, sessions, users and the audit log ----
    # ---- single sign-on ----
    "sso.button": ("使用单点登录", "Sign in with SSO"),
    "sso.or_password": (
        "或使用本系统的用户名和密码登录:",
        "Or sign in with a username and password of this app:",
    ),
    "sso.unknown_user": (
        "您的单点登录账号未在本系统开通,无法登录,此次尝试已记录。请联系总行管理员"
        "开通账号,或使用本系统的用户名和密码登录。",
        "Your single sign-on "
        "account has no user in this app, so you cannot sign in; the attempt "
        "was logged. Ask head office to create your user, or sign in with a "
        "username and password of this app.",
    ),
    "sso.ambiguous": (
        "您的单点登录账号对应本系统中的多个用户,无法确定身份,此次尝试已记录。请联系总行管理员。",
        "Your single sign-on account matches several users of "
        "this app, so it cannot tell who you are; the attempt was logged. Contact "
        "head office.",
    ),
    "sso.no_claim": (
        "身份提供方未提供用于匹配的用户名或邮箱,无法登录,此次尝试已记录。请联系总行管理员。",
        "The identity provider sent no username or e-mail to match, "
        "so you cannot sign in; the attempt was logged. Contact head office.",
    ),
    "sso.email_unverified": (
        "身份提供方显示您的邮箱未经验证,无法登录,此次尝试已记录。请先验证邮箱或联系总行管理员。",
        "The identity provider says your e-mail "
        "is not verified, so you cannot sign in; the attempt was logged. "
        "Verify it or contact head office.",
    ),
    "sso.inactive_user": (
        "该账号已停用,无法登录,此次尝试已记录。请联系总行管理员。",
        "This account is deactivated, so you cannot sign in; the attempt was "
        "logged. Contact head office.",
    ),
    "sso.locked_user": (
        "该账号已锁定,无法登录,此次尝试已记录。请联系总行管理员解锁。",
        "This account is locked, so you cannot sign in; the attempt was logged. "
        "Ask head office to unlock it.",
    ),
    "sso.demo_disabled": (
        "演示账号已关闭,无法登录,此次尝试已记录。",
        "Demo accounts are turned off, so you cannot sign in; the attempt was logged.",
    ),
    "sso.misconfigured": (
        "单点登录配置不完整,暂时无法使用,请联系系统管理员;仍可使用用户名和密码登录。",
        "Single sign-on is not set up completely and cannot be used "
        "now; tell the administrator. You can still sign in with a username "
        "and password.",
    ),
    "auditlog.action.sso_sign_in": ("单点登录", "Single sign-on"),
    "auditlog.action.sso_refused": ("单点登录被拒绝", "Single sign-on refused"),
    # ---- end of single sign-on ----
    # ---- problems ----
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
        "网格大部分在县域之外(仅 {pct}% 在内)",
        "The polygon lies mostly outside the county (only {pct}% inside)",
    ),
    "problem.geometry.outside_swapped": (
        "网格大部分在县域之外(仅 {pct}% 在内);看起来是 {looks} 坐标却声明为 {declared}",
        "The polygon lies mostly "
        "outside the county (only {pct}% inside); looks like "
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
        "签到位置 ({lon}, {lat}) 不在本县范围内",
        "check-in ({lon}, {lat}) is outside the county",
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
    # ---- end of problems ----
}


def column(name: str, lang: str = "zh") -> str:
    """The column of a bilingual pair (``name_zh`` / ``name_en``) for ``lang``.

    Examples
    --------
    >>> column("name", "en")
    'name_en'
    """
    return f"{name}_en" if lang == "en" else f"{name}_zh"


def pick(zh: str, en: str, lang: str = "zh") -> str:
    """One of a pair of texts that came from data (a segment's name, a reason), for ``lang``."""
    return en if lang == "en" else zh


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
