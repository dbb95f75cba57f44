"""Session-state keys of the dashboard: every key lives here, nowhere else.

Widget keys double as session-state keys (Streamlit stores a widget's value under its
``key=``). Pages and tests import these constants instead of spelling strings.
"""

from __future__ import annotations

# --- app-wide ---------------------------------------------------------------------------
#: Interface language, ``"zh"`` (default) or ``"en"``; the sidebar radio's key.
LANG = "lang"
#: Presentation mode for the KPI page (projector): wide, large type, no editing controls.
PRESENTATION = "presentation_mode"
#: The user's own dataset once accepted on the data page (``dashboard.services.data.Dataset``);
#: absent or ``None`` means the built-in demo city.
USER_DATASET = "user_dataset"
#: Reach mode the user chose (覆盖口径): ``"radius"`` (default) or ``"road"``; the sidebar
#: radio's key. Applies only when the dataset has a road layer (else the radius is used).
REACH_MODE = "reach_mode"
#: Options of :data:`REACH_MODE`.
REACH_MODES: tuple[str, ...] = ("radius", "road")

# --- map page ---------------------------------------------------------------------------
MAP_MEASURE = "map_measure"
MAP_COUNTY = "map_county"
MAP_LAYERS = "map_layers"
MAP_BASEMAP = "map_basemap"
MAP_TIANDITU_KEY = "map_tianditu_key"
#: True once the map was drawn in road mode (its road network layer was switched on once).
MAP_ROADS_SEEN = "map_roads_seen"
#: Key prefix of the map's component (``dashboard.map.view.draw`` adds a digest of the base
#: map, so a new base map gets a new iframe; the map returns nothing).
MAP_WIDGET = "map_widget"

# --- KPI page ---------------------------------------------------------------------------
KPI_PRESENTATION_TOGGLE = "kpi_presentation_toggle"
KPI_EXIT_PRESENTATION = "kpi_exit_presentation"
#: Saved scenario shown against the loaded data (its name; ``KPI_BASE`` for none). Kept
#: across pages and into presentation mode.
KPI_SCENARIO = "kpi_scenario"
#: Option value of ``KPI_SCENARIO`` standing for the loaded data itself (no scenario).
KPI_BASE = "__base__"
#: Containers of the headline and by-type cards (their rows wrap on narrow pages).
KPI_CARDS = "kpi_cards"
KPI_TYPE_CARDS = "kpi_type_cards"

# --- data page --------------------------------------------------------------------------
#: Prefix of the per-layer uploader keys: ``UPLOAD_PREFIX + layer`` (e.g. ``upload_townships``).
UPLOAD_PREFIX = "upload_"
#: Prefix of the per-layer column-mapping selectboxes: ``COLMAP_PREFIX + layer + "_" + column``.
COLMAP_PREFIX = "colmap_"
DATA_COORD_SYSTEM = "data_coord_system"
#: The user says the data lies outside China (the China-only checks step aside).
DATA_OUTSIDE_CHINA = "data_outside_china"
#: The problem table (identical problems once) and the download of every problem.
DATA_PROBLEMS_TABLE = "data_problems_table"
DATA_PROBLEMS_DOWNLOAD = "data_problems_download"
DATA_CITY_NAME = "data_city_name"
DATA_CHECK = "data_check"
DATA_USE = "data_use"
DATA_BACK_TO_DEMO = "data_back_to_demo"
#: Result of the last check on the data page (``dashboard.services.importer.CheckResult``).
DATA_CHECK_RESULT = "data_check_result"
#: Key of the preview map on the data page.
DATA_PREVIEW_MAP = "data_preview_map"
#: Tables of the road network summary on the data page (classes; places off the network).
DATA_ROADS_CLASSES = "data_roads_classes"
DATA_ROADS_OFF = "data_roads_off"
#: Toggle: show the road network summary of the data in use.
DATA_ROADS_SHOW = "data_roads_show"

#: Layers offered for upload, in page order (``population`` is the township population table).
UPLOAD_LAYERS: tuple[str, ...] = (
    "townships",
    "villages",
    "contact_points",
    "collection_sites",
    "homes",
    "roads",
    "population",
    "population_raster",
)
#: The use of an uploaded population raster: ``"totals"`` or ``"cells"`` (also the demand).
DATA_RASTER_USE = "data_raster_use"
#: The planner chose the snap-and-clean step of the township boundaries.
DATA_CLEAN_BOUNDARIES = "data_clean_boundaries"
#: The table of overlaps and gaps between township boundaries on the data page.
DATA_BOUNDARY_TABLE = "data_boundary_table"
DATA_BOUNDARY_MAP = "data_boundary_map"
#: Re-check with the candidates chosen for the ambiguous rows of sheets placed by name: the
#: button, and the flag its callback sets for the next run.
DATA_MATCH_APPLY = "data_match_apply"
DATA_MATCH_PENDING = "data_match_pending"
#: Prefix of the per-row candidate select boxes: ``MATCH_PREFIX + layer + "_" + row``.
MATCH_PREFIX = "match_"


def upload_key(layer: str) -> str:
    """Return the uploader key for ``layer``."""
    return UPLOAD_PREFIX + layer


def match_key(layer: str, row: int) -> str:
    """Return the key of the select box choosing the place of ``row`` of ``layer``."""
    return f"{MATCH_PREFIX}{layer}_{row}"


def unmatched_key(layer: str) -> str:
    """Return the key of the table of rows of ``layer`` placed by name that were not found."""
    return f"{MATCH_PREFIX}{layer}_unmatched"


def colmap_key(layer: str, column: str) -> str:
    """Return the key of the selectbox mapping ``column`` of ``layer``."""
    return f"{COLMAP_PREFIX}{layer}_{column}"


# --- simulation, scenarios, export (pages by the simulation engineer) ---
# 方案模拟 page: the working scenario (not widgets; kept across pages)
#: ``analysis.plan.edits.EditHistory`` of the working scenario; ``.current`` is shown.
SIM_HISTORY = "sim_history"
#: Dataset id the history belongs to (a new dataset restores/starts another scenario).
SIM_DATASET = "sim_dataset_id"
#: ``updated_at`` of the version saved in the workspace ("" when not saved yet): the
#: optimistic-concurrency token passed to ``WorkspaceStore.save``.
SIM_SAVED = "sim_saved"
#: One-shot message for the next run (``dashboard.simulate.messages.Flash``).
SIM_MESSAGE = "sim_message"
#: Value of the simulation map (st_folium copies its return value here).
SIM_MAP = "sim_map"
#: Key of the editor fragment (KPIs, map, edit panel, rule table, optimiser).
SIM_EDITOR = "sim_editor"
#: ``(last_clicked, last_object_clicked)`` signatures of the last map click handled.
SIM_LAST_CLICK = "sim_last_click"
#: True when the name and author boxes must be set to the working scenario's before they
#: are drawn next (the scenario changed from inside the editor fragment; see
#: ``dashboard.simulate.state.sync_name_boxes``).
SIM_NAME_SYNC = "sim_name_sync"
#: Container of the last action's message (fixed height: it never moves the map).
SIM_NOTICE = "sim_notice"
#: Container of the site-rule warnings of new and moved points (fixed height).
SIM_SITE_WARNINGS = "sim_site_warnings"
# 方案模拟 page: widgets
SIM_NAME = "sim_name"
SIM_AUTHOR = "sim_author"
SIM_APPLY_NAME = "sim_apply_name"
SIM_PICK = "sim_pick"
SIM_OPEN = "sim_open"
SIM_SAVE_AS_NAME = "sim_save_as_name"
SIM_SAVE_AS = "sim_save_as"
SIM_NEW = "sim_new"
SIM_DELETE_SCENARIO = "sim_delete_scenario"
#: Click mode: ``"add"``, ``"select"`` or ``"move"``.
SIM_MODE = "sim_click_mode"
#: What a click adds: a contact point type, ``"collection_sites"`` or ``"homes"``.
SIM_ADD_KIND = "sim_add_kind"
#: Selected point as ``"layer:id"`` (``""`` for none).
SIM_SELECTED = "sim_selected"
SIM_UNDO = "sim_undo"
SIM_REDO = "sim_redo"
SIM_MOVE = "sim_move"
SIM_DELETE = "sim_delete"
SIM_RESTORE = "sim_restore"
SIM_COORD_SYSTEM = "sim_coord_system"
SIM_COORD_LON = "sim_coord_lon"
SIM_COORD_LAT = "sim_coord_lat"
SIM_COORD_NAME = "sim_coord_name"
SIM_COORD_ADD = "sim_coord_add"
SIM_UPLOAD = "sim_upload"
SIM_UPLOAD_LAYER = "sim_upload_layer"
SIM_UPLOAD_COORDS = "sim_upload_coords"
SIM_UPLOAD_ADD = "sim_upload_add"
#: Language the simulation page's select boxes were last drawn in (a switch redraws them).
SIM_LANG = "sim_lang"
#: Container of the KPI cards (lets the row of cards wrap on narrow pages).
SIM_CARDS = "sim_cards"
SIM_RULES = "sim_rules_table"
SIM_TABS = "sim_tabs"
SIM_FACTS = "sim_solve_facts"
SIM_CHANGES = "sim_changes_table"
# 方案模拟 page: optimiser panel
OPT_RURAL = "opt_rural"
OPT_ENTERPRISE = "opt_enterprise"
OPT_ASSOCIATION = "opt_association"
OPT_RURAL_WEIGHT = "opt_rural_weight"
#: What the optimiser maximises (``analysis.optimise.model.objective.OBJECTIVES``).
OPT_OBJECTIVE = "opt_objective"
OPT_TIME_LIMIT = "opt_time_limit"
#: How to resolve rule conflicts: ``"as_is"``, ``"opt:<i>"`` (option i) or ``"relaxed"``.
OPT_RESOLUTION = "opt_resolution"
OPT_PREVIEW = "opt_preview"
OPT_SOLVE = "opt_solve"
OPT_CANCEL = "opt_cancel"
OPT_SECOND_TIER = "opt_second_tier"
#: Button: compute the trade-off curve (total against rural coverage).
OPT_TRADEOFF = "opt_tradeoff"
#: The last trade-off computation (``SolveJob`` with ``.result`` a ``Tradeoff``).
OPT_TRADEOFF_RESULT = "opt_tradeoff_result"
#: Select box: the plan of the trade-off picked (its index).
OPT_TRADEOFF_PICK = "opt_tradeoff_pick"
#: Button: show the picked trade-off plan as the proposal (to adopt it).
OPT_TRADEOFF_USE = "opt_tradeoff_use"
#: Table of the trade-off plans.
OPT_TRADEOFF_TABLE = "opt_tradeoff_table"
#: Name of the scenario this session last adopted from the optimiser.
OPT_ADOPTED = "opt_adopted"
#: The running solve (``dashboard.simulate.optimise.SolveJob``); absent when none runs.
OPT_JOB = "opt_job"
#: The last finished solve (``SolveJob`` with ``.result`` a ``Proposal``).
OPT_RESULT = "opt_result"
#: Key of the optimiser panel's fragment: its buttons rerun the panel alone, not the editor
#: (the proposal's points reach the map through :data:`OPT_MAP_SYNC`).
OPT_PANEL = "opt_panel"
#: Container of the script that draws the proposal's points on the map in place.
OPT_MAP_SYNC = "opt_map_sync"
#: Hidden button of the panel the progress fragment presses (from the page) when the
#: solve ended: the panel reruns with the proposal, not the page.
OPT_PICKUP = "opt_pickup"
#: When (``time.monotonic()``) the progress fragment pressed it.
OPT_PICKED_AT = "opt_picked_at"
#: Key of the fragment drawing a running solve's progress (a press of 求解 reruns it alone).
OPT_POLL = "opt_poll"
#: ``"inline"`` while the page (or the press) draws the polling fragment within a larger
#: run: it then does not wait; absent in its own polls.
OPT_POLL_MODE = "opt_poll_mode"
OPT_TABLE = "opt_points_table"
#: Container of the proposal's KPI cards.
OPT_CARDS = "opt_cards"
OPT_APPLY_NAME = "opt_apply_name"
OPT_APPLY = "opt_apply"
#: Capacities and township minimum of the optimiser (off by default): the switch, the people
#: a point of each type can serve (``OPT_CAP_POPULATION[type]``), villages per point.
OPT_CAP_ON = "opt_cap_on"
OPT_CAP_POPULATION: dict[str, str] = {
    "urban_community": "opt_cap_pop_urban_community",
    "rural": "opt_cap_pop_rural",
    "enterprise": "opt_cap_pop_enterprise",
    "association": "opt_cap_pop_association",
}
OPT_CAP_SITES = "opt_cap_sites"
OPT_TOWN_MIN_ON = "opt_town_min_on"
#: Township minimum as a percentage (0-100) of its people.
OPT_TOWN_MIN_PERCENT = "opt_town_min_percent"
#: Table of the townships below the minimum (result).
OPT_TOWN_TABLE = "opt_town_table"
# 方案比较 page
CMP_PICK = "cmp_pick"
CMP_TABLE = "cmp_table"
#: Prefix of the small map keys: ``CMP_MAP_PREFIX + str(i)``.
CMP_MAP_PREFIX = "cmp_map_"
#: Prefix of the per-scenario rule table keys.
CMP_RULES_PREFIX = "cmp_rules_"
# 导出 page
EXP_SCENARIO = "exp_scenario"
EXP_COORDS = "exp_coords"
EXP_FORMATS = "exp_formats"
EXP_BUILD = "exp_build"
#: Built files: ``{"files": {fmt: (file name, bytes)}, "errors": [...], ...}``.
EXP_FILES = "exp_files"
#: Prefix of the download buttons: ``EXP_DOWNLOAD_PREFIX + fmt``.
EXP_DOWNLOAD_PREFIX = "exp_download_"
# --- 运行评估 review page ---------------------------------------------------------------
#: Records uploaded on the page (``dashboard.services.review.Records``, for the dataset
#: they were checked against); absent: the demo city's own records, or none.
REVIEW_RECORDS = "review_records"
REVIEW_UPLOAD = "review_upload"
REVIEW_USE = "review_use"
REVIEW_RESET = "review_reset"
REVIEW_TEMPLATE = "review_template"
#: Problems of the last upload that was refused (``tuple[Problem, ...]``), shown until the
#: next try.
REVIEW_UPLOAD_PROBLEMS = "review_upload_problems"
REVIEW_PROBLEMS_TABLE = "review_problems_table"
#: Point whose quarters the trend chart shows (its id).
REVIEW_POINT = "review_point"
#: Standards table: only the checks that fail.
REVIEW_FAILED_ONLY = "review_failed_only"
REVIEW_RANKING_TABLE = "review_ranking_table"
REVIEW_STANDARDS_TABLE = "review_standards_table"
REVIEW_COUNTY_TABLE = "review_county_table"
REVIEW_RELOCATION_TABLE = "review_relocation_table"
#: Button: compute the relocation proposal of the flagged contact points.
REVIEW_RELOCATE = "review_relocate"
#: ``(dataset id, records digest)`` the planner asked a relocation proposal for.
REVIEW_RELOCATION = "review_relocation"
REVIEW_ADOPT_NAME = "review_adopt_name"
REVIEW_ADOPT = "review_adopt"
#: One-shot message of the page: ``(kind, text)`` with kind success/info/error.
REVIEW_MESSAGE = "review_message"

# --- accounts (#15) -----------------------------------------------------------------------
#: The session's login token (:mod:`dashboard.services.access`); absent: not logged in.
AUTH_TOKEN = "auth_token"
#: Login form.
LOGIN_USERNAME = "login_username"
LOGIN_PASSWORD = "login_password"
LOGIN_SUBMIT = "login_submit"
LOGIN_FORM = "login_form"
#: The error of the last failed login (shown once on the next run).
LOGIN_ERROR = "login_error"
#: The session's login expired (said once on the login page).
LOGIN_EXPIRED = "login_expired"
#: Sidebar: who is logged in, and the logout button.
LOGOUT = "logout"
#: Scenario bar: 复制为我的方案, publish / withdraw.
SIM_COPY_MINE = "sim_copy_mine"
SIM_PUBLISH = "sim_publish"
#: Admin page: accounts and the audit log.
ADMIN_USERS_TABLE = "admin_users_table"
ADMIN_NEW_USERNAME = "admin_new_username"
ADMIN_NEW_DISPLAY = "admin_new_display"
ADMIN_NEW_ROLE = "admin_new_role"
ADMIN_NEW_PASSWORD = "admin_new_password"
ADMIN_NEW_COUNTIES = "admin_new_counties"
ADMIN_ADD_USER = "admin_add_user"
ADMIN_ADD_FORM = "admin_add_form"
ADMIN_PICK_USER = "admin_pick_user"
ADMIN_TOGGLE_ACTIVE = "admin_toggle_active"
ADMIN_SET_ROLE = "admin_set_role"
ADMIN_APPLY_ROLE = "admin_apply_role"
ADMIN_AUDIT_USER = "admin_audit_user"
ADMIN_AUDIT_ACTION = "admin_audit_action"
ADMIN_AUDIT_SINCE = "admin_audit_since"
ADMIN_AUDIT_UNTIL = "admin_audit_until"
ADMIN_AUDIT_TABLE = "admin_audit_table"
ADMIN_AUDIT_DOWNLOAD = "admin_audit_download"
ADMIN_MESSAGE = "admin_message"
