"""Translations of data and analysis problems by their stable ``code``.

Every code of :data:`geodata.problems.codes.PROBLEM_CODES` has a sentence (a test checks it),
and so has every analysis code; file, row, column and value show in their own columns.
"""

from __future__ import annotations

from dashboard.i18n.problems_accounts import ACCOUNT_PROBLEMS
from dashboard.i18n.problems_inputs import INPUT_PROBLEM_TEXT
from dashboard.i18n.problems_plans import PLAN_PROBLEM_TEXT
from dashboard.i18n.problems_records import RECORDS_PROBLEM_TEXT
from dashboard.i18n.problems_roads import ROAD_PROBLEM_TEXT
from dashboard.i18n.problems_solver import SOLVER_PROBLEM_TEXT
from dashboard.i18n.problems_store import STORE_PROBLEM_TEXT

PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    # Files and formats
    "file_not_found": ("找不到文件。", "The file was not found."),
    "not_a_file": ("这是一个文件夹，不是文件。", "This is a folder, not a file."),
    "empty_file": ("文件是空的（0 字节）。", "The file is empty (0 bytes)."),
    "file_too_large": (
        "文件超过大小上限，请拆分或压缩后再上传。",
        "The file is larger than the limit; split or compress it.",
    ),
    "unsupported_format": (
        "不支持的文件类型。请使用 GeoPackage、Shapefile 压缩包(.zip)、GeoJSON、KML/KMZ、CSV 或 Excel(.xlsx)。",
        "File type not supported. Use GeoPackage, zipped Shapefile, GeoJSON, KML/KMZ, CSV or Excel (.xlsx).",
    ),
    "wrong_extension": (
        "文件扩展名与内容不符，请检查文件格式。",
        "The extension does not match the content.",
    ),
    "shapefile_not_zipped": (
        "Shapefile 需将 .shp、.shx、.dbf、.prj 一起打包为 .zip 后上传。",
        "Zip the Shapefile's .shp, .shx, .dbf and .prj together and upload the .zip.",
    ),
    "unreadable_file": (
        "文件损坏、不完整，或与其扩展名所示格式不符。",
        "The file is damaged, truncated or not in the format its name says.",
    ),
    "no_geometry": ("矢量文件中没有几何(空间)列。", "The vector file has no geometry column."),
    "no_layer": ("GeoPackage 中没有图层。", "The GeoPackage has no layers."),
    "no_features": ("文件中没有数据行或要素。", "The file has no rows or features."),
    "too_many_features": ("要素数量超过上限。", "More features than the limit."),
    "empty_table": ("表格既无表头也无数据。", "The table has no header and no data."),
    "ragged_rows": (
        "CSV 某行的单元格多于表头列数（可能含未加引号的逗号）。",
        "A CSV row has more cells than the header (an unquoted comma?).",
    ),
    "table_for_polygon_layer": (
        "乡镇边界必须是面数据（GeoPackage、Shapefile、GeoJSON），不能是 CSV/Excel 表格。人口可用“乡镇人口表”另行上传。",
        "Township boundaries must be polygons (GeoPackage, Shapefile, GeoJSON), not a CSV/Excel table. Upload populations as the population table.",
    ),
    "unknown_layer": ("未知的图层名称。", "Unknown layer name."),
    "layer_not_inferred": (
        "无法从文件名或列名判断这是哪个图层。",
        "The layer could not be told from the file name or columns.",
    ),
    # Archives
    "corrupt_archive": ("压缩包损坏或不完整。", "The zip archive is damaged or truncated."),
    "unsafe_archive_entry": (
        "压缩包中含有不安全的路径（../ 或绝对路径），已拒绝。",
        "An archive entry has an unsafe path (../ or absolute); refused.",
    ),
    "archive_bomb": (
        "压缩包中某文件的压缩比异常（疑似压缩炸弹），已拒绝。",
        "An archive entry's compression ratio is abnormal (zip bomb); refused.",
    ),
    "archive_too_large": (
        "压缩包解压后超过大小上限。",
        "The archive expands beyond the size limit.",
    ),
    "archive_too_many_entries": (
        "压缩包中的文件数量超过上限。",
        "The archive holds too many entries.",
    ),
    "archive_without_layer": (
        "压缩包中没有 .shp（zip）或 .kml（kmz）文件。",
        "The archive holds no .shp (zip) or .kml (kmz).",
    ),
    "archive_several_layers": (
        "压缩包中有多个 .shp/.kml 文件，请每个压缩包只放一个图层。",
        "The archive holds several .shp/.kml files; put one layer per archive.",
    ),
    "shapefile_incomplete": (
        "Shapefile 压缩包缺少 .shx 或 .dbf 文件。",
        "The zipped Shapefile lacks its .shx or .dbf.",
    ),
    # Text encodings
    "not_text": ("表格文件中含有二进制数据，不是文本。", "The table file holds binary data."),
    "mixed_encoding": (
        "文件中混有 UTF-8 和 GBK 编码的行，请统一另存为 UTF-8。",
        "UTF-8 and GBK lines are mixed; save the file again as UTF-8.",
    ),
    "unknown_encoding": (
        "无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）。",
        "Neither UTF-8 nor GBK/GB18030.",
    ),
    # Columns
    "missing_column": (
        "缺少必需的列。请检查表头，或在“列对应”中指定对应列。",
        "A required column is missing. Check the headers or map the column.",
    ),
    "missing_kind_or_rural_population": (
        "乡镇数据既没有“城乡类型”列，也没有“农村人口”列，至少需要其一。",
        "Townships have neither a kind (urban/rural) nor a rural population column; one is needed.",
    ),
    "column_map_unknown_header": (
        "列对应中指定的列在文件中不存在。",
        "The column mapping names a header that is not in the file.",
    ),
    "column_map_unknown_target": (
        "列对应指向了未知的目标列。",
        "The column mapping names an unknown column.",
    ),
    "missing_coordinates": (
        "点位表中没有经度/纬度列。",
        "The point table has no longitude/latitude columns.",
    ),
    # Coordinates and CRS
    "missing_coordinate": ("经度或纬度为空。", "An empty longitude or latitude."),
    "bad_coordinate": (
        "经度或纬度不是十进制数字（如 116.39）。",
        "A longitude or latitude that is not a decimal number (e.g. 116.39).",
    ),
    "swapped_lat_lon": (
        "经度和纬度似乎填反了，请交换两列。",
        "Longitude and latitude look swapped; swap the two columns.",
    ),
    "projected_coordinates": (
        "坐标似乎是投影坐标（米），而不是经纬度（度）。",
        "The coordinates look like projected metres, not degrees.",
    ),
    "missing_crs_assumed": (
        "文件未声明坐标系，已按 WGS84 经纬度处理。",
        "No coordinate system declared; WGS84 degrees assumed.",
    ),
    "bad_crs": (
        "文件声明的坐标系无法转换为 WGS84。",
        "The declared coordinate system cannot be converted to WGS84.",
    ),
    "unknown_coord_system": (
        "坐标系应为 WGS84、GCJ-02 或 BD-09。",
        "The coordinate system must be WGS84, GCJ-02 or BD-09.",
    ),
    "outside_china": (
        "要素位于中国范围之外，请检查坐标或坐标系。如果数据确实不在中国境内，请勾选上方的“数据不在中国境内”。",
        "A feature lies outside China; check the coordinates or the coordinate system. If the data really lies outside China, tick “Data outside China” above.",
    ),
    "invalid_lonlat": (
        "坐标不是有效的经纬度（经度应在 ±180 之内，纬度应在 ±90 之内），请检查坐标，或以 WGS84 经纬度导出。",
        "Not valid longitude/latitude (longitude within ±180, latitude within ±90); check the coordinates or export in WGS84.",
    ),
    "coord_system_outside_china": (
        "GCJ-02、BD-09 只用于中国境内的网络地图；境外数据请选择 WGS84。",
        "GCJ-02 and BD-09 exist only for web maps of China; choose WGS84 for data outside China.",
    ),
    # Geometries
    "empty_geometry": ("要素没有几何图形。", "A feature without geometry."),
    "wrong_geometry_type": (
        "几何类型不对：乡镇应为面，点位图层应为点，道路应为线。",
        "Wrong geometry: townships must be polygons, point layers points, roads lines.",
    ),
    "repaired_geometry": ("无效的几何图形已自动修复。", "An invalid geometry was repaired."),
    "dropped_z_m": ("已去除高程(Z)/测量(M)值。", "Z/M values were dropped."),
    # Values
    "missing_value": ("必填单元格为空。", "A required cell is empty."),
    "duplicate_id": (
        "编号/代码重复，每个编号只能出现一次。",
        "Ids/codes appear more than once; each must be unique.",
    ),
    "code_scientific_notation": (
        "代码被 Excel 显示为科学计数法（如 3.7e+11），请将该列设为“文本”格式后重新导出。",
        "A code was shortened by Excel to scientific notation; format the column as text and export again.",
    ),
    "not_a_number": ("应为数字，却是文字。", "Text where a number is expected."),
    "nan_value": ("应为数字，却是 NaN。", "NaN where a number is expected."),
    "infinite_value": ("应为数字，却是无穷大。", "Infinity where a number is expected."),
    "negative_value": ("人口或数量不能为负数。", "A population or count cannot be negative."),
    "implausible_value": (
        "数值大得不合常理，请检查单位或多余的零。",
        "An implausibly large number; check units or extra zeros.",
    ),
    "rounded_value": ("人数/数量带小数，已四舍五入。", "A fractional count was rounded."),
    "unknown_kind": (
        "城乡类型无法识别（应为“城镇/城市/街道”或“农村/乡/镇”）。",
        "Urban/rural kind not recognised (use urban or rural).",
    ),
    "unknown_type": (
        "联系点类型无法识别（应为：城市社区、农村、企业、行业协会、学校、其他）。",
        "Contact point type not recognised (urban community, rural, enterprise, association, school, other).",
    ),
    "bad_boolean": ("应为“是/否”。", "A yes/no value is expected."),
    "rural_exceeds_total": ("农村人口大于总人口。", "Rural population larger than the total."),
    "adopted_exceeds_collected": (
        "采纳意见数多于收集意见数。",
        "More opinions adopted than collected.",
    ),
    # Across layers
    "outside_study_area": (
        "点位不在任何乡镇边界内，请检查坐标或坐标系。",
        "Points outside every township; check coordinates or the coordinate system.",
    ),
    "unknown_township_code": (
        "村(社区)所属乡镇代码在乡镇边界中找不到。",
        "Villages whose township code matches no township.",
    ),
    "population_mismatch": (
        "各村人口之和与所属乡镇人口相差超过 5%。",
        "Villages' population differs from the township's by more than 5%.",
    ),
    "unknown_contact_point": (
        "采集点所属的联系点编号不存在。",
        "Collection sites name an unknown contact point.",
    ),
    # Population table
    "population_table_format": (
        "乡镇人口表必须是 CSV 或 Excel(.xlsx) 文件。",
        "The population table must be a CSV or Excel (.xlsx) file.",
    ),
    "population_unmatched": (
        "人口表与乡镇边界无法一一对应：请使两边的乡镇代码或完整名称一致。",
        "The population table and the boundaries do not match one to one: make codes or full names identical.",
    ),
    "population_duplicate_key": (
        "人口表中同一乡镇出现多次，每个乡镇只保留一行。",
        "A township appears more than once in the population table.",
    ),
    "population_no_join_key": (
        "人口表与乡镇边界之间没有可用于匹配的代码或名称。",
        "No code or name to join the population table on.",
    ),
    "population_join_unavailable": (
        "暂时无法合并人口表。",
        "The population table cannot be joined.",
    ),
    # Analysis
    "standards_not_found": ("找不到规划标准文件。", "The planning standards file was not found."),
    "standards_unreadable": (
        "规划标准文件无法读取。",
        "The planning standards file cannot be read.",
    ),
    "standards_bad_toml": (
        "规划标准文件格式错误（TOML）。",
        "The planning standards file is not valid TOML.",
    ),
    "standards_bad_value": (
        "规划标准中的某个数值无效。",
        "A planning standard has an invalid value.",
    ),
    "standards_unknown_key": (
        "规划标准中有未知的设置项。",
        "Unknown setting in the planning standards.",
    ),
    "unknown_point_type": (
        "联系点类型未知，无法确定服务半径。",
        "Unknown contact point type: no service radius.",
    ),
    "standards_unknown_point_type": (
        "规划标准中有未知的联系点类型。",
        "The planning standards name an unknown contact point type.",
    ),
    "standards_missing_radius": (
        "规划标准缺少某类联系点的服务半径。",
        "The planning standards have no radius for a contact point type.",
    ),
    "no_townships": (
        "没有乡镇(街道)边界：覆盖分析需要乡镇区域。",
        "No townships: coverage needs them.",
    ),
    "unknown_township": (
        "有 {count} 个村(社区)的乡镇编码在乡镇图层中找不到，请核对乡镇编码。",
        "{count} village(s) name a township code not in the township layer; check the codes.",
    ),
    "duplicate_township_code": (
        "乡镇编码重复：每个乡镇(街道)的编码应唯一。",
        "Township codes appear more than once; each township needs its own code.",
    ),
    "bad_population": (
        "乡镇人口无效，应为不小于 0 的整数。",
        "The township's population is not a whole number >= 0.",
    ),
    "not_a_point": ("该要素不是点，点位图层只能包含点。", "This feature is not a point."),
    "missing_layer": ("缺少必需的图层。", "A required layer is missing."),
    "not_wgs84": ("图层不是 WGS84 经纬度坐标。", "A layer is not in WGS84 degrees."),
    "no_coordinates": ("点位没有坐标。", "Points without coordinates."),
    "unknown_coords": ("无法识别坐标。", "Coordinates not recognised."),
    "demo_unavailable": ("示例数据不可用。", "The demo data is not available."),
    # Coverage
    "township_without_villages": (
        "部分有人口的乡镇没有村（社区）数据，其人口按网格平均分布估算。",
        "Some townships with population have no village; their population is spread over a grid.",
    ),
    "township_raster_cells": (
        "部分有人口的乡镇没有村（社区）数据，其人口按人口栅格逐格分布。",
        "Some townships with population have no village; their population is placed on the population raster's cells.",
    ),
    "point_population_skipped": (
        "村点与联系点配对过多，未逐点计算各联系点覆盖人口（覆盖率等指标完整）。",
        "Too many village-point pairs: per-point covered population was not computed (coverage figures are complete).",
    ),
    # Optimiser
    "no_candidates": (
        "排除后没有可用的候选点位。",
        "No candidate site is left after the exclusions.",
    ),
    "candidate_without_id": ("候选点位表需要“编号”列。", "The candidate list needs an id column."),
    "no_candidate_villages": (
        "布设采集点需要村（社区）图层。",
        "Collection sites need a village layer.",
    ),
    "bad_candidate_source": ("未知的候选点位来源。", "Unknown candidate source."),
    "bad_request": (
        "优化请求有误：点位类型未知、数量为负或农村权重为负。",
        "Unknown point types, negative counts or a negative rural weight in the request.",
    ),
    "bad_objective": (
        "优化目标未知：请选择 population（总人口）、rural（农村人口）、townships（乡镇全覆盖）或 balanced（均衡）。",
        "Unknown objective: choose population, rural, townships or balanced.",
    ),
    "rules_infeasible": (
        "求解器证明：没有任何方案能同时满足全部规则，请放宽规则或调整数量。",
        "The solver proved that no plan meets every rule; relax a rule or change the numbers.",
    ),
    # Export
    "unknown_format": ("未知的导出格式。", "Unknown export format."),
    "missing_cjk_font": (
        "未找到中文字体 Noto Sans CJK，请安装 Debian 软件包 fonts-noto-cjk。",
        "The Chinese font Noto Sans CJK was not found; install the Debian package fonts-noto-cjk.",
    ),
}
PROBLEM_TEXT.update({**PLAN_PROBLEM_TEXT, **ROAD_PROBLEM_TEXT, **STORE_PROBLEM_TEXT})
PROBLEM_TEXT.update({**RECORDS_PROBLEM_TEXT, **SOLVER_PROBLEM_TEXT, **INPUT_PROBLEM_TEXT})
PROBLEM_TEXT.update(ACCOUNT_PROBLEMS)  # accounts and ownership (#15)
