"""Schemas of the input layers: canonical columns, types, and accepted header aliases.

Every layer, once read and validated, is a GeoDataFrame in EPSG:4326 whose columns
carry the canonical English names below (plus ``geometry``). Headers found in user
files are matched case-insensitively against the name and its aliases (Chinese
headers from Excel exports included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LayerName = Literal["townships", "villages", "contact_points", "collection_sites", "homes"]
LAYER_NAMES: tuple[LayerName, ...] = (
    "townships",
    "villages",
    "contact_points",
    "collection_sites",
    "homes",
)
#: The road layer: lines, read like the others but not one of the city's LAYER_NAMES (see
#: :mod:`geodata.road_schema`).
RoadsLayerName = Literal["roads"]
#: Any layer a file can hold.
InputLayerName = LayerName | RoadsLayerName

ColumnKind = Literal[
    "str", "int", "float", "bool", "kind", "point_type", "road_class", "oneway", "level"
]

#: Contact point types (speech: urban community, rural, enterprise, industry association;
#: schools appear for collection sites).
POINT_TYPES: tuple[str, ...] = (
    "urban_community",
    "rural",
    "enterprise",
    "association",
    "school",
    "other",
)
#: Accepted spellings of each point type (values, not headers).
POINT_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "urban_community": ("城市社区", "社区", "城市", "urban", "community", "urban community"),
    "rural": ("农村", "乡村", "村", "rural", "village"),
    "enterprise": ("企业", "enterprise", "company"),
    "association": ("行业协会", "协会", "association", "industry association"),
    "school": ("学校", "school"),
    "other": ("其他", "机关", "other"),
}
#: Road classes of a road layer (canonical codes), highest grade first: national highway
#: grades (高速公路, 国道, 省道, 县道, 乡道, 村道/专用公路) then urban road grades (城市快速路,
#: 主干路, 次干路, 支路). ``expressway`` and ``urban_expressway`` are limited-access roads:
#: joined to other roads only at interchanges, never walked.
ROAD_CLASSES: tuple[str, ...] = (
    "expressway",
    "national",
    "provincial",
    "county",
    "township",
    "village",
    "urban_expressway",
    "arterial",
    "secondary",
    "branch",
)
#: Limited-access road classes.
MOTORWAY_CLASSES: tuple[str, ...] = ("expressway", "urban_expressway")
#: Urban/rural kind of a township or village (村委会 = rural, 社区居委会 = urban).
KINDS: tuple[str, ...] = ("urban", "rural")
#: The statistics bureau's 城乡分类代码 (111 ... 220) are mapped by
#: :func:`geodata.admin.codes.class_code_kinds` (a documented, overridable assumption).
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "urban": ("城市", "城镇", "城区", "社区", "居委会", "社区居委会", "街道", "urban", "u"),
    "rural": ("农村", "乡村", "村", "村委会", "乡", "镇", "rural", "r"),
}

#: Header aliases of the urban/rural ``kind`` column (townships and villages).
_KIND_HEADERS: tuple[str, ...] = (
    "类型",
    "城乡类型",
    "城乡",
    "城乡属性",
    "城乡类别",
    "城乡分类",
    "城乡分类代码",
    "城乡划分",
    "性质",
    "kind",
    "type",
    "urban_rural",
    "urban/rural",
    "urban-rural",
    "urbanrural",
    "rural_urban",
    "urban_rural_type",
)

#: Header aliases for longitude/latitude columns in tabular point files.
LON_ALIASES: tuple[str, ...] = ("lon", "lng", "long", "longitude", "x", "经度", "东经")
LAT_ALIASES: tuple[str, ...] = ("lat", "latitude", "y", "纬度", "北纬")


@dataclass(frozen=True)
class Column:
    """One canonical column of a layer."""

    name: str
    kind: ColumnKind
    required: bool
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class LayerSchema:
    """Schema of one layer."""

    name: InputLayerName
    geometry: Literal["polygon", "point", "line"]
    id_column: str
    columns: tuple[Column, ...]
    title_zh: str
    title_en: str

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)


_NAME = Column("name", "str", True, ("名称", "名字", "name", "mc"), "Name")
_COUNTY = Column(
    "county",
    "str",
    False,
    ("县区", "县", "区县", "县(区)", "县市区", "county", "district"),
    "County/district name",
)

SCHEMAS: dict[LayerName, LayerSchema] = {
    "townships": LayerSchema(
        name="townships",
        geometry="polygon",
        id_column="code",
        title_zh="乡镇(街道)",
        title_en="Townships / sub-districts",
        columns=(
            Column(
                "code",
                "str",
                True,
                ("编码", "代码", "区划代码", "统计用区划代码", "乡镇编码", "乡镇代码", "code"),
                "9-digit township code (统计用区划代码)",
            ),
            _NAME,
            Column("county", "str", True, _COUNTY.aliases, "County/district name"),
            Column(
                "county_code",
                "str",
                False,
                ("县区编码", "县区代码", "县编码", "county_code"),
                "6-digit county code",
            ),
            Column(
                "population",
                "int",
                True,
                ("人口", "总人口", "常住人口", "户籍人口", "population", "pop"),
                "Resident population",
            ),
            Column(
                "rural_population",
                "int",
                False,
                ("农村人口", "乡村人口", "rural_population", "rural_pop"),
                "Rural population; if absent, derived from kind",
            ),
            Column(
                "kind",
                "kind",
                False,
                _KIND_HEADERS,
                "urban (街道) or rural (乡/镇)",
            ),
        ),
    ),
    "villages": LayerSchema(
        name="villages",
        geometry="point",
        id_column="code",
        title_zh="村(社区)",
        title_en="Villages / communities",
        columns=(
            Column(
                "code",
                "str",
                True,
                ("编码", "代码", "区划代码", "统计用区划代码", "村编码", "村代码", "code"),
                "12-digit village/community code",
            ),
            _NAME,
            Column(
                "township_code",
                "str",
                True,
                ("乡镇编码", "乡镇代码", "所属乡镇编码", "乡镇", "township_code", "township"),
                "9-digit code of the township it belongs to",
            ),
            Column(
                "population",
                "int",
                True,
                ("人口", "总人口", "常住人口", "户籍人口", "population", "pop"),
                "Resident population",
            ),
            Column(
                "kind",
                "kind",
                True,
                _KIND_HEADERS,
                "rural (村委会) or urban (社区居委会)",
            ),
            Column(
                "is_township_seat",
                "bool",
                False,
                ("乡镇驻地", "是否驻地", "驻地", "is_township_seat"),
                "True for the village/community where the township government sits",
            ),
        ),
    ),
    "contact_points": LayerSchema(
        name="contact_points",
        geometry="point",
        id_column="id",
        title_zh="基层立法联系点",
        title_en="Legislative contact points",
        columns=(
            Column("id", "str", True, ("编号", "编码", "代码", "序号", "id"), "Unique id"),
            _NAME,
            Column(
                "type",
                "point_type",
                True,
                ("类型", "类别", "联系点类型", "type", "category"),
                "urban_community | rural | enterprise | association | school | other",
            ),
            _COUNTY,
            Column(
                "opinions_collected",
                "int",
                False,
                ("收集意见", "意见建议数", "征集意见数", "收集意见数", "opinions_collected"),
                "Legislative opinions collected",
            ),
            Column(
                "opinions_adopted",
                "int",
                False,
                ("采纳意见", "采纳数", "采纳意见数", "opinions_adopted"),
                "Opinions adopted",
            ),
            Column(
                "area_m2",
                "float",
                False,
                ("面积", "面积(平方米)", "面积㎡", "area_m2", "area"),
                "Room area in m²",
            ),
            Column(
                "staff",
                "int",
                False,
                ("专职人员", "联络员", "人员", "staff"),
                "Full-time liaison staff",
            ),
        ),
    ),
    "collection_sites": LayerSchema(
        name="collection_sites",
        geometry="point",
        id_column="id",
        title_zh="立法信息采集点",
        title_en="Collection sites",
        columns=(
            Column("id", "str", True, ("编号", "编码", "代码", "序号", "id"), "Unique id"),
            _NAME,
            Column(
                "contact_point_id",
                "str",
                False,
                ("所属联系点", "联系点编号", "联系点", "contact_point_id"),
                "Id of the contact point it reports to",
            ),
            Column(
                "site_type",
                "str",
                False,
                ("采集点类型", "类型", "site_type"),
                "village, community, enterprise, school ...",
            ),
            Column(
                "informants",
                "int",
                False,
                ("信息员", "信息员人数", "informants"),
                "Volunteer informants",
            ),
        ),
    ),
    "homes": LayerSchema(
        name="homes",
        geometry="point",
        id_column="id",
        title_zh="代表之家",
        title_en="Representative homes",
        columns=(
            Column("id", "str", True, ("编号", "编码", "代码", "序号", "id"), "Unique id"),
            _NAME,
            _COUNTY,
            Column(
                "area_m2",
                "float",
                False,
                ("面积", "面积(平方米)", "面积㎡", "area_m2", "area"),
                "Room area in m²",
            ),
            Column("administrators", "int", False, ("管理员", "administrators"), "Administrators"),
            Column("volunteers", "int", False, ("志愿者", "volunteers"), "Volunteers"),
            Column(
                "activities_last_year",
                "int",
                False,
                ("活动次数", "年活动次数", "activities_last_year"),
                "Activities held last year",
            ),
        ),
    ),
}
