"""Streamlit glue: the pages' only door to the data (``from core import ui``).

``core.ui`` is the only package in core/ that imports streamlit. ``frame`` holds the session
state, language, text and the signed-in user; ``sign_in`` and ``sidebar`` the frame's pages and
parts; one module per page group holds that group's cached reads (keyed by scope and data
version) and the writes that clear what they stale. Everything a page needs is re-exported
here, so a page reads ``ui.<name>`` and imports nothing below ``core.ui``.
"""
from core.masking import name_search_exact  # noqa: F401  (head office's exact-name search)
from core.ui.frame import (STATE_DEFAULTS, begin_session, client, current_user,  # noqa: F401
                           database_url, engine, flush_cookie, init_state, landing, lang,
                           lang_column, md, md_code, page_user, pick, reset_state, run_page, tr,
                           tr_md)
from core.ui.sign_in import change_password_page, sign_in_page, sign_out  # noqa: F401
from core.ui.sidebar import org_name, sidebar  # noqa: F401
from core.ui.overview import breakdown, headline  # noqa: F401
from core.problems import ProblemError  # noqa: F401  (what a write raises with its problems)
from core.ui.errors import error_key, problem_text, show_problems, user_errors  # noqa: F401
from core.ui.downloads import logged_download  # noqa: F401
from core.ui.customers import (customer_money_markdown, customer_profile_markdown,  # noqa: F401
                               customer_tables, customer_view, find_customers)
from core.ui.grids import (county_proposals, grid_card, grid_map, grid_version,  # noqa: F401
                           grids_of_scope, map_data, map_layers, propose_change, review_change)
from core.ui.progress import (PROGRESS_FORMATS, plan_columns, progress_columns,  # noqa: F401
                              progress_data, progress_forecast, progress_tables,
                              progress_version, saved, target_plan)
from core.ui.visits import (apply_position, checkin_position, coverage_map,  # noqa: F401
                            checkin_from_form, flag_details, manager_picker, managers_for,
                            new_visit, now_minute,
                            optional_number, picked, plan_editor, planner, planner_filters,
                            route_section, set_picked, visit_checks, visit_token)
from core.ui.users import (audit_filters, audit_table, create_user_form,  # noqa: F401
                           manage_user_form, user_table)
from core.ui.segments import (FILTER_KEYS, branch_names, customer_table,  # noqa: F401
                              customer_table_columns, customer_table_download,
                              explorer_context, explorer_filters,
                              explorer_frame, explorer_grid_options, latest_segment_run,
                              load_filters_into_widgets, managers_of, plain_grid_map,
                              profile_version, rerun_segments, save_list_form,
                              save_tag_thresholds, saved_lists, segment_table, segments,
                              selection_layers, tag_counts, tags)
from core.ui.sso import sso_sign_in, sso_sign_out  # noqa: F401
