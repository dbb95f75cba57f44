"""Schema of the road layer: canonical columns, header aliases and accepted values.

The road layer is a line layer, read by :func:`geodata.io.readers.read_layer` with
``layer="roads"`` but kept out of :data:`geodata.schema.LAYER_NAMES` (the point/polygon
layers that the workspace, the upload form and the demo iterate over). After reading, a
road layer has the columns of :data:`ROAD_SCHEMA` in EPSG:4326:

``name`` (str, ``""`` when absent), ``road_class`` (one of
:data:`geodata.schema.ROAD_CLASSES`, or ``None`` when the row has only a speed),
``speed_kmh`` (float, NaN when absent), ``oneway`` (int8: 0 both ways, 1 only in the
digitised direction, -1 only against it), ``level`` (int64: 0 on the ground; a bridge or a
tunnel is on another level and does not meet the roads it passes over or under).

Road class values are matched like headers (case, spaces and full-width forms ignored).
Route numbers follow GB/T 917-2017 (公路路线标识规则和国道编号): the first letter is the
administrative grade (G 国道, S 省道, X 县道, Y 乡道, C 村道, Z 专用公路); ordinary roads are
the letter and three digits (G107, S212, X031); national expressways are G and one or two
digits (main lines, G30) or four digits (ring, link and parallel lines, G1501); provincial
expressway main lines are S and one or two digits (S15).
"""

from __future__ import annotations

from geodata.schema import (
    LAYER_NAMES,
    SCHEMAS,
    Column,
    InputLayerName,
    LayerSchema,
    RoadsLayerName,
)

#: Name of the road layer (``read_layer(path, ROADS_LAYER)``; the demo GeoPackage's layer).
ROADS_LAYER: RoadsLayerName = "roads"
#: Every layer a file can hold: the city's point/polygon layers and the road lines.
INPUT_LAYER_NAMES: tuple[InputLayerName, ...] = (*LAYER_NAMES, ROADS_LAYER)

#: Speeds above this (km/h) are refused: no road in China allows more than 120 km/h, and a
#: number above 150 is a typing error or another unit.
MAX_ROAD_SPEED_KMH: float = 150.0
#: Largest |level| accepted (OSM's ``layer`` runs from -5 to 5).
MAX_ROAD_LEVEL: int = 9

#: Chinese names of the road classes (for messages and documentation).
ROAD_CLASS_NAMES_ZH: dict[str, str] = {
    "expressway": "高速公路",
    "national": "国道",
    "provincial": "省道",
    "county": "县道",
    "township": "乡道",
    "village": "村道",
    "urban_expressway": "城市快速路",
    "arterial": "主干路",
    "secondary": "次干路",
    "branch": "支路",
}

#: Accepted spellings of each road class (values, not headers); the canonical code itself is
#: always accepted. English words include OpenStreetMap's ``highway``/``fclass`` values
#: (``*_link`` ramps take their road's class). The urban codes equal OSM's
#: ``highway:CN:urban`` values (expressway aside), so ``secondary`` is the urban 次干路.
ROAD_CLASS_ALIASES: dict[str, tuple[str, ...]] = {
    "expressway": (
        *("高速公路", "高速", "高速路", "国家高速", "国家高速公路", "省级高速", "省级高速公路"),
        *("motorway", "motorway_link", "freeway"),
    ),
    "national": (
        *("国道", "一般国道", "普通国道"),
        *("trunk", "trunk_link", "national road", "national highway"),
    ),
    "provincial": (
        *("省道", "一般省道", "普通省道"),
        *("primary", "primary_link", "provincial road", "provincial highway"),
    ),
    "county": ("县道", "县级公路", "county road"),
    "township": (
        "乡道",
        "乡级公路",
        "乡镇道路",
        "乡镇公路",
        "tertiary",
        "tertiary_link",
        "township road",
    ),
    # 专用公路 (forest, mine, port roads) are slow roads of one owner: village speed.
    "village": (
        *("村道", "村级公路", "村路", "专用公路", "专用道路"),
        *("village road", "unclassified", "track", "special road"),
    ),
    "urban_expressway": (
        "城市快速路",
        "快速路",
        "城市高速路",
        "urban expressway",
        "city expressway",
    ),
    "arterial": ("主干路", "主干道", "城市主干路", "城市主干道", "main road", "major road"),
    "secondary": ("次干路", "次干道", "城市次干路", "城市次干道", "secondary_link", "collector"),
    "branch": (
        *("支路", "城市支路", "街巷", "巷道"),
        *("residential", "living_street", "service", "local road", "minor road"),
    ),
}

#: Administrative grade letters (GB/T 917-2017) -> class of an ordinary road of that grade.
ROUTE_LETTER_CLASSES: dict[str, str] = {
    "g": "national",
    "s": "provincial",
    "x": "county",
    "y": "township",
    "c": "village",
    "z": "village",
}

#: One-way values -> 0 (both ways), 1 (digitised direction only), -1 (against it). ``F``/``T``
#: are read as false/true unless the column also holds ``B``: then it is the Geofabrik/OSM
#: shapefile convention (F forward, T backward, B both), see :data:`ONEWAY_LETTERS`.
ONEWAY_VALUES: dict[str, int] = {
    **dict.fromkeys(("", "0", "否", "不是", "no", "n", "false", "f", "双向", "双行", "both"), 0),
    **dict.fromkeys(("1", "+1", "是", "yes", "y", "true", "t", "√", "单行", "单向"), 1),
    **dict.fromkeys(("ft", "forward", "正向", "顺向", "顺行"), 1),
    **dict.fromkeys(("-1", "tf", "backward", "reverse", "反向", "逆向", "逆行"), -1),
}
#: Geofabrik's one-way letters, used when a column holds ``B``.
ONEWAY_LETTERS: dict[str, int] = {"b": 0, "f": 1, "t": -1}

_NAME_ALIASES = ("名称", "名字", "路名", "道路名称", "道路名", "路线名称", "name", "mc")
#: Class headers, the class names first, route numbers last (a file with both uses the name).
_CLASS_ALIASES = (
    *(
        "道路等级",
        "行政等级",
        "公路等级",
        "等级",
        "道路类型",
        "道路类别",
        "公路类型",
        "类型",
        "类别",
    ),
    *("class", "fclass", "highway", "roadclass", "road_type", "roadtype", "type", "kind"),
    *("路线编号", "路线代码", "线路编号", "编号", "route", "ref"),
)
#: Speed headers, average and posted speeds before design and maximum speeds.
_SPEED_ALIASES = (
    *("平均速度", "平均车速", "通行速度", "速度", "时速", "车速", "speed"),
    *("设计时速", "设计速度", "限速", "最高限速", "maxspeed", "max_speed", "speed_limit"),
    *("speedlimit", "spd"),
)
_ONEWAY_ALIASES = (
    *("单行", "单向", "单行道", "是否单行", "是否单向", "通行方向", "方向"),
    *("oneway", "one_way", "direction", "dir"),
)
_LEVEL_ALIASES = ("层级", "层", "z_level", "zlevel", "z-level", "layer", "lvl")

ROAD_SCHEMA = LayerSchema(
    name=ROADS_LAYER,
    geometry="line",
    id_column="",
    title_zh="道路",
    title_en="Roads",
    columns=(
        Column("name", "str", False, _NAME_ALIASES, "Road name"),
        Column(
            "road_class",
            "road_class",
            False,
            _CLASS_ALIASES,
            "Road class (高速公路 … 支路, a route number such as G107, or an English name); "
            "a class or a speed is needed",
        ),
        Column("speed_kmh", "float", False, _SPEED_ALIASES, "Driving speed, km/h"),
        Column("oneway", "oneway", False, _ONEWAY_ALIASES, "One-way: 0 both, 1 forward, -1 back"),
        Column("level", "level", False, _LEVEL_ALIASES, "Z-level: 0 ground, bridges/tunnels not"),
        # Input only: folded into ``level`` (bridge 1, tunnel -1) and dropped.
        Column(
            "bridge",
            "bool",
            False,
            ("桥梁", "是否桥梁", "桥", "bridge", "is_bridge"),
            "Bridge flag",
        ),
        Column("tunnel", "bool", False, ("隧道", "是否隧道", "tunnel", "is_tunnel"), "Tunnel flag"),
    ),
)
#: Canonical columns of a read road layer (``bridge``/``tunnel`` are folded into ``level``).
ROAD_COLUMNS: tuple[str, ...] = ("name", "road_class", "speed_kmh", "oneway", "level")


def schema_for(layer: InputLayerName) -> LayerSchema:
    """Schema of any input layer, the road layer included."""
    return ROAD_SCHEMA if layer == ROADS_LAYER else SCHEMAS[layer]
