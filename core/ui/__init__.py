"""Streamlit glue: the pages' only door to the data (``from core import ui``).

``core.ui`` is the only package in core/ that imports streamlit. ``frame`` holds the session
state, language, text and the signed-in user; ``sign_in`` and ``sidebar`` the frame's pages and
parts; one module per page group holds that group's cached reads (keyed by scope and data
version) and the writes that clear what they stale. Everything a page needs is re-exported
here, so a page reads ``ui.<name>`` and imports nothing below ``core.ui``.
"""

from core.masking import name_search_exact
from core.problems import ProblemError
from core.ui.audit import (
    AUDIT_MIN_AREA_KM2,
    audit_findings,
    finding_table,
    in_grid_rates,
    overall_in_grid_rate,
)
from core.ui.customers import (
    customer_money_markdown,
    customer_profile_markdown,
    customer_tables,
    customer_trend_chart,
    customer_view,
    find_customers,
)
from core.ui.data import (
    DATA_FILE_TYPES,
    data_files,
    data_notice,
    header_mapping,
    load_history,
    load_options,
    load_ready,
    profile_form,
    profile_picker,
    profiles_section,
    run_load,
    show_result,
    templates_download,
)
from core.ui.downloads import logged_download
from core.ui.errors import error_key, problem_text, show_problems, user_errors
from core.ui.explorer import (
    EXPLORER_VIEWS,
    FILTER_KEYS,
    count,
    customer_table,
    customer_table_columns,
    customer_table_download,
    explorer_filters,
    explorer_frame,
    load_filters_into_widgets,
    pareto_chart,
    pct,
    penetration_chart,
    plain_grid_map,
    profile_version,
    saved_lists,
    segment_chart,
    segment_names,
    segment_sizes,
    segment_table,
    segments,
    select_customers,
    selection_map,
    selection_summary,
    tags,
    wan,
)
from core.ui.frame import (
    STATE_DEFAULTS,
    begin_session,
    client,
    current_user,
    database_url,
    engine,
    flush_cookie,
    init_state,
    landing,
    lang,
    lang_column,
    md,
    md_code,
    page_user,
    pick,
    reset_state,
    run_page,
    tr,
    tr_md,
)
from core.ui.grids import (
    CRS_LABELS,
    MAP_METRICS,
    SUPPORTED_CRS,
    county_proposals,
    draw_map,
    drawn_grid,
    grid_labels,
    grid_map,
    grid_version,
    grid_versions,
    map_data,
    map_layers,
    propose_change,
    propose_drawing,
    propose_grid_file,
    propose_grids,
    propose_restore,
    remember_clicked_grid,
    review_change,
    show_grid_card,
    show_map_legend,
)
from core.ui.lists import list_table, save_list_form, withdraw_list
from core.ui.overview import breakdown, breakdown_chart, breakdown_level, headline
from core.ui.progress import (
    PERIODS,
    PROGRESS_FORMATS,
    bands,
    child_rows,
    forecast_rows,
    lag_lines,
    lag_rows,
    metric_name,
    metric_rows,
    process_indicators,
    progress_columns,
    progress_data,
    progress_forecast,
    progress_tables,
    progress_unit,
    progress_version,
    time_progress_pcts,
    trend_figures,
    unit_label,
    unit_name,
)
from core.ui.sidebar import org_name, show_sidebar
from core.ui.sign_in import change_password_page, sign_in_page, sign_out, signed_in_user
from core.ui.sso import sso_sign_in, sso_sign_out
from core.ui.staffing import LIAISON_ROLES, grid_staffing, save_staffing
from core.ui.tagging import (
    latest_segment_run,
    rerun_segments,
    save_tag_thresholds,
    segment_totals,
    tag_table,
)
from core.ui.targets import (
    MONTH_METHODS,
    SPLIT_METHODS,
    actual_template_download,
    annual_target,
    check_split,
    edited_targets,
    history_table,
    import_actuals,
    import_targets,
    month_path,
    plan_columns,
    plan_frame,
    recompute_actuals,
    save_split,
    split_parent,
    stored_value,
    target_plan,
    target_template_download,
    to_display,
)
from core.ui.users import audit_filters, audit_table, create_user_form, manage_user_form, user_table
from core.ui.visit_check import (
    check_caption,
    coverage_legend,
    coverage_map,
    flag_details,
    visit_checks,
)
from core.ui.visit_log import (
    OFFERABLE,
    VISIT_CHANNELS,
    VISIT_OUTCOMES,
    apply_position,
    checkin_position,
    customer_choices,
    log_visit,
    new_visit,
    now_minute,
    optional_number,
    plan_choices,
    visit_token,
)
from core.ui.visits import (
    manager_picker,
    pick_top,
    picked,
    plan_editor,
    planner,
    planner_filters,
    planner_shown,
    route_section,
    save_plan,
    set_picked,
    visits_per_week,
    week_of,
)
