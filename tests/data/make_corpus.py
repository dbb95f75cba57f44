"""Generate the good samples and the bad-input corpus of the data layer's tests.

Run ``python tests/data/make_corpus.py`` from the repository root; the generated files are
committed so tests never depend on regeneration. Every bad file is named for its fault
(with a layer word in the name so ``python -m geodata check`` infers the layer).
A fictional 2 x 2 block of townships around 104.6°E, 35.6°N is the base of everything.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from shapely.geometry import box

HERE = Path(__file__).resolve().parent
GOOD = HERE / "good"
BAD = HERE / "bad"
CROSS = BAD / "cross"

TOWNSHIPS = [
    # code, name, county, population, kind, lon0, lat0
    ("620102001", "东风街道", "示范区", 8000, "urban", 104.5, 35.5),
    ("620102002", "西湖街道", "示范区", 6000, "urban", 104.6, 35.5),
    ("620123101", "柳泉镇", "示范县", 4500, "rural", 104.5, 35.6),
    ("620123201", "石门乡", "示范县", 3000, "rural", 104.6, 35.6),
]


def townships_gdf() -> gpd.GeoDataFrame:
    """The four sample townships (0.1° squares) with canonical columns."""
    rows = [
        {
            "code": c,
            "name": n,
            "county": k,
            "population": p,
            "kind": kind,
            "geometry": box(x, y, x + 0.1, y + 0.1),
        }
        for c, n, k, p, kind, x, y in TOWNSHIPS
    ]
    return gpd.GeoDataFrame(rows, crs=4326)


def villages_df() -> pd.DataFrame:
    """Three villages per township whose populations sum to the township's."""
    rows = []
    for code, name, _county, pop, kind, x, y in TOWNSHIPS:
        shares = (0.5, 0.3, 0.2)
        for i, share in enumerate(shares, start=1):
            rows.append(
                {
                    "code": f"{code}{i:03d}",
                    "name": f"{name[:2]}{'一二三'[i - 1]}{'社区' if kind == 'urban' else '村'}",
                    "township_code": code,
                    "population": int(pop * share),
                    "kind": "社区居委会" if kind == "urban" else "村委会",
                    "lon": round(x + 0.02 * i, 6),
                    "lat": round(y + 0.05 + 0.01 * i, 6),
                }
            )
    return pd.DataFrame(rows)


CONTACT_POINTS = [
    # id, name, type, lon, lat, collected, adopted
    ("CP01", "东风社区联系点", "城市社区", 104.55, 35.55, 40, 12),
    ("CP02", "柳泉镇联系点", "农村", 104.55, 35.65, 25, 7),
    ("CP03", "示范化工企业联系点", "企业", 104.65, 35.55, 10, 3),
    ("CP04", "建筑行业协会联系点", "行业协会", 104.65, 35.65, 8, 2),
]


def contact_points_df() -> pd.DataFrame:
    """Sample contact points with Chinese headers and type values."""
    return pd.DataFrame(
        [
            {"编号": i, "名称": n, "类型": t, "经度": x, "纬度": y, "收集意见": c, "采纳意见": a}
            for i, n, t, x, y, c, a in CONTACT_POINTS
        ]
    )


def write_csv(path: Path, frame: pd.DataFrame, encoding: str = "utf-8") -> None:
    path.write_bytes(frame.to_csv(index=False).encode(encoding))


def write_xlsx(path: Path, frame: pd.DataFrame) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    wb.save(path)


def zip_files(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def shapefile_zip(
    path: Path, gdf: gpd.GeoDataFrame, *, encoding: str, keep: tuple[str, ...]
) -> None:
    """Write ``gdf`` as a Shapefile and zip the parts whose suffix is in ``keep``."""
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "layer.shp"
        gdf.to_file(shp, engine="pyogrio", encoding=encoding)
        files = {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir()) if p.suffix in keep}
    zip_files(path, files)


def kml(placemarks: list[str]) -> str:
    body = "\n".join(placemarks)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>layer</name>\n{body}\n</Document></kml>\n"
    )


def placemark(name: str, lon: float, lat: float, data: dict[str, object]) -> str:
    extended = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in data.items())
    return (
        f"<Placemark><name>{name}</name><ExtendedData>{extended}</ExtendedData>"
        f"<Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"
    )


def geojson(features: list[dict[str, object]], crs: str | None = None) -> str:
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc, ensure_ascii=False)


def feature(props: dict[str, object], geometry: dict[str, object] | None) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def square(x: float, y: float, z: float | None = None) -> dict[str, object]:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    if z is not None:
        ring = [[*c, z] for c in ring]
    return {"type": "Polygon", "coordinates": [ring]}


def town_props(i: int, **override: object) -> dict[str, object]:
    c, n, k, p, kind, _x, _y = TOWNSHIPS[i]
    props: dict[str, object] = {"code": c, "name": n, "county": k, "population": p, "kind": kind}
    props.update(override)
    return props


def make_good() -> None:
    GOOD.mkdir(parents=True, exist_ok=True)
    towns = townships_gdf()
    (GOOD / "townships.geojson").write_text(towns.to_json(ensure_ascii=False), encoding="utf-8")
    zh = (
        towns.rename(
            columns={"code": "编码", "name": "名称", "county": "县区", "population": "人口"}
        )
        .assign(农村人口=[0, 0, 4500, 3000])
        .drop(columns="kind")
    )
    shapefile_zip(
        GOOD / "townships_gbk_no_cpg.zip",
        zh.to_crs(4544),
        encoding="GB18030",
        keep=(".shp", ".shx", ".dbf", ".prj"),
    )
    shapefile_zip(
        GOOD / "townships_utf8_cpg.zip",
        zh.rename(columns={"农村人口": "rural_pop"}).set_crs(4490, allow_override=True),
        encoding="UTF-8",
        keep=(".shp", ".shx", ".dbf", ".prj", ".cpg"),
    )
    shapefile_zip(
        GOOD / "townships_no_prj_degrees_warn.zip",
        towns,
        encoding="UTF-8",
        keep=(".shp", ".shx", ".dbf", ".cpg"),
    )
    gpkg = GOOD / "townships.gpkg"
    gpkg.unlink(missing_ok=True)
    towns.iloc[:1].to_file(gpkg, layer="aaa_other", engine="pyogrio")
    towns.to_file(gpkg, layer="townships", engine="pyogrio")
    feats = [feature(town_props(i), square(t[5], t[6], z=1500.0)) for i, t in enumerate(TOWNSHIPS)]
    (GOOD / "townships_3d_warn.geojson").write_text(geojson(feats), encoding="utf-8")
    bow = {
        "type": "Polygon",
        "coordinates": [
            [[104.5, 35.5], [104.6, 35.6], [104.6, 35.5], [104.5, 35.6], [104.5, 35.5]]
        ],
    }
    feats = [feature(town_props(0), bow)]
    (GOOD / "townships_self_intersection_warn.geojson").write_text(geojson(feats), encoding="utf-8")

    vil = villages_df()
    zh_vil = vil.rename(
        columns={
            "code": "编码",
            "name": "名称",
            "township_code": "乡镇编码",
            "population": "人口",
            "kind": "类型",
            "lon": "经度",
            "lat": "纬度",
        }
    )
    write_csv(GOOD / "villages_gbk.csv", zh_vil, "gbk")
    (GOOD / "villages_gb18030_tab.txt").write_bytes(
        zh_vil.to_csv(index=False, sep="\t").encode("gb18030")
    )
    xl = vil.rename(columns={"lon": "lng"}).assign(
        code=vil["code"].astype(float), township_code=vil["township_code"].astype(int)
    )
    write_xlsx(GOOD / "villages.xlsx", xl)

    cps = contact_points_df()
    write_csv(GOOD / "contact_points.csv", cps)
    from geodata.coords import wgs84_to_bd09, wgs84_to_gcj02

    gx, gy = wgs84_to_gcj02(cps["经度"].to_numpy(), cps["纬度"].to_numpy())
    write_csv(GOOD / "contact_points_gcj02.csv", cps.assign(经度=gx.round(8), 纬度=gy.round(8)))
    bx, by = wgs84_to_bd09(cps["经度"].to_numpy(), cps["纬度"].to_numpy())
    write_csv(GOOD / "contact_points_bd09.csv", cps.assign(经度=bx.round(8), 纬度=by.round(8)))
    hostile = cps.assign(
        名称=[
            '<script>alert("x")</script>',
            '<img src=x onerror="alert(1)">',
            '=HYPERLINK("http://x")',
            "正常名称 & <b>粗体</b>",
        ]
    )
    write_csv(GOOD / "contact_points_html_names.csv", hostile)
    pms = [
        placemark(n, x, y, {"id": i, "type": t, "opinions_collected": c})
        for i, n, t, x, y, c, _a in CONTACT_POINTS
    ]
    (GOOD / "contact_points.kml").write_text(kml(pms), encoding="utf-8")

    sites = pd.DataFrame(
        [
            {
                "id": f"S{i:02d}",
                "name": f"采集点{i}",
                "contact_point_id": f"CP0{1 + i % 4}",
                "lon": 104.52 + 0.04 * (i % 4),
                "lat": 35.52 + 0.04 * (i // 4),
            }
            for i in range(8)
        ]
    )
    write_csv(GOOD / "collection_sites_utf8_bom.csv", sites, "utf-8-sig")

    homes = [("H01", "东风代表之家", 104.56, 35.56, 80), ("H02", "柳泉代表之家", 104.56, 35.66, 50)]
    pms = [placemark(n, x, y, {"id": i, "area_m2": a}) for i, n, x, y, a in homes]
    zip_files(GOOD / "homes.kmz", {"doc.kml": kml(pms).encode("utf-8")})
    feats = [
        feature({"编号": i, "名称": n, "面积": a}, {"type": "Point", "coordinates": [x, y]})
        for i, n, x, y, a in homes
    ]
    (GOOD / "homes_cgcs2000.geojson").write_text(
        geojson(feats, "urn:ogc:def:crs:EPSG::4490"), encoding="utf-8"
    )
    pop = pd.DataFrame(
        {"乡镇名称": [t[1] for t in TOWNSHIPS], "常住人口": [9000, 6100, 4400, 2900]}
    )
    write_csv(GOOD / "township_population_by_name_gbk.csv", pop, "gbk")
    write_xlsx(
        GOOD / "township_population_by_code.xlsx",
        pd.DataFrame(
            {
                "区划代码": [int(t[0]) for t in TOWNSHIPS],
                "人口": [1, 2, 3, 4],
                "农村人口": [0, 0, 3, 4],
            }
        ),
    )


def make_bad() -> None:
    if BAD.exists():
        shutil.rmtree(BAD)
    CROSS.mkdir(parents=True)
    rng = random.Random(20261129)
    garbage = bytes(rng.randrange(256) for _ in range(2048))
    good_geojson = (GOOD / "townships.geojson").read_bytes()
    good_gpkg = (GOOD / "townships.gpkg").read_bytes()
    good_zip = (GOOD / "townships_utf8_cpg.zip").read_bytes()
    good_xlsx = (GOOD / "villages.xlsx").read_bytes()

    def put(name: str, data: bytes | str) -> None:
        (BAD / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    # Empty, garbage, truncated, wrong extension, unsupported.
    put("villages_empty.csv", b"")
    put("townships_empty.geojson", b"")
    put("townships_garbage.geojson", garbage)
    put("townships_truncated.geojson", good_geojson[: len(good_geojson) // 2])
    put("townships_garbage.gpkg", b"SQLite format 3\x00" + garbage)
    put("townships_truncated.gpkg", good_gpkg[: len(good_gpkg) // 3])
    put("townships_truncated.zip", good_zip[: len(good_zip) // 2])
    put("villages_garbage.xlsx", garbage)
    put("villages_truncated.xlsx", good_xlsx[: len(good_xlsx) // 2])
    put("villages_csv_named_xlsx.xlsx", (GOOD / "villages_gbk.csv").read_bytes())
    put("townships_zip_named_geojson.geojson", good_zip)
    put("villages_binary_named_csv.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + garbage)
    put("villages_old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + garbage)
    put("villages_word_document.docx", good_xlsx)
    put("townships_shapefile_alone.shp", garbage)
    put("townships_json_array.geojson", "[1, 2, 3]")
    put("townships_not_geojson.geojson", '{"hello": "world"}')
    put("contact_points_broken_xml.kml", "<kml><Document><Placemark><name>x</name>")
    put("villages_header_only.csv", "编码,名称,乡镇编码,人口,类型,经度,纬度\n")
    put(
        "villages_ragged_rows.csv",
        "code,name,township_code,population,kind,lon,lat\n"
        "620102001001,a,620102001,10,rural,104.55,35.55,extra,more\n",
    )
    # Archives.
    zip_files(BAD / "townships_zip_without_shp.zip", {"readme.txt": b"no layer here"})
    with (
        zipfile.ZipFile(BAD / "townships_zip_missing_dbf.zip", "w") as zf,
        zipfile.ZipFile(GOOD / "townships_utf8_cpg.zip") as src,
    ):
        for n in src.namelist():
            if not n.endswith(".dbf"):
                zf.writestr(n, src.read(n))
    zip_files(BAD / "townships_zip_slip.zip", {"../../evil.shp": b"x", "layer.dbf": b"x"})
    zip_files(BAD / "townships_zip_absolute_path.zip", {"/tmp/evil.shp": b"x"})
    with zipfile.ZipFile(BAD / "townships_zip_bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("layer.shp", b"\x00" * (30 * 1024 * 1024))
    with zipfile.ZipFile(BAD / "homes_kmz_bomb.kmz", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", b" " * (30 * 1024 * 1024))
    zip_files(BAD / "homes_kmz_without_kml.kmz", {"doc.txt": b"nothing"})
    with (
        zipfile.ZipFile(GOOD / "villages.xlsx") as src,
        zipfile.ZipFile(BAD / "villages_xlsx_bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for n in src.namelist():
            zf.writestr(n, src.read(n))
        zf.writestr("xl/media/padding.bin", b"\x00" * (30 * 1024 * 1024))
    zip_files(
        BAD / "townships_two_layers.zip",
        {
            **{
                n: zipfile.ZipFile(GOOD / "townships_utf8_cpg.zip").read(n)
                for n in zipfile.ZipFile(GOOD / "townships_utf8_cpg.zip").namelist()
            },
            "other.shp": b"x",
            "other.shx": b"x",
            "other.dbf": b"x",
        },
    )
    towns = townships_gdf()
    shapefile_zip(
        BAD / "townships_projected_no_prj.zip",
        towns.to_crs(4544),
        encoding="UTF-8",
        keep=(".shp", ".shx", ".dbf", ".cpg"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "layer.shp"
        towns.to_file(shp, engine="pyogrio", encoding="UTF-8")
        shp.with_suffix(".prj").write_text('LOCAL_CS["unnamed",UNIT["metre",1]]')
        zip_files(
            BAD / "townships_local_crs.zip",
            {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())},
        )
        attr = Path(tmp) / "attr.gpkg"
        pyogrio.write_dataframe(pd.DataFrame({"code": ["1"]}), attr, layer="townships")
        (BAD / "townships_attributes_only.gpkg").write_bytes(attr.read_bytes())
        db = Path(tmp) / "db.gpkg"
        with sqlite3.connect(db) as con:
            con.execute("create table t(a)")
        (BAD / "townships_plain_sqlite.gpkg").write_bytes(db.read_bytes())
    # Encodings.
    utf8 = (
        "code,name,township_code,population,kind,lon,lat\n"
        "620102001001,东风一社区,620102001,10,社区,104.55,35.55\n"
    )
    gbk = "620102001002,东风二社区,620102001,10,社区,104.56,35.56\n".encode("gbk")
    put("villages_mixed_encoding.csv", utf8.encode("utf-8") + gbk)
    # Columns and values (tables).
    vil = villages_df()
    write_csv(BAD / "villages_missing_columns.csv", vil.drop(columns=["population", "kind"]))
    write_csv(BAD / "villages_no_coordinates.csv", vil.drop(columns=["lon", "lat"]))
    write_xlsx(BAD / "villages_no_coordinates.xlsx", vil.drop(columns=["lon", "lat"]))
    write_csv(
        BAD / "villages_swapped_lat_lon.csv", vil.rename(columns={"lon": "lat", "lat": "lon"})
    )
    write_csv(
        BAD / "villages_projected_in_lonlat.csv",
        vil.assign(lon=500000 + vil.index * 1000.0, lat=3940000 + vil.index * 1000.0),
    )
    write_csv(BAD / "villages_outside_china.csv", vil.assign(lon=-104.6))
    write_csv(BAD / "villages_text_coordinates.csv", vil.assign(lon="一百零四度"))
    write_csv(BAD / "villages_blank_coordinates.csv", vil.assign(lat=""))
    write_csv(BAD / "villages_negative_population.csv", vil.assign(population=-5))
    write_csv(BAD / "villages_non_numeric_population.csv", vil.assign(population="约一千"))
    write_csv(BAD / "villages_nan_population.csv", vil.assign(population="NaN"))
    write_csv(BAD / "villages_inf_population.csv", vil.assign(population="inf"))
    write_csv(BAD / "villages_huge_population.csv", vil.assign(population="1e12"))
    write_csv(BAD / "villages_unknown_kind.csv", vil.assign(kind="城乡结合部"))
    write_csv(BAD / "villages_blank_township_code.csv", vil.assign(township_code=""))
    write_csv(BAD / "villages_code_scientific_notation.csv", vil.assign(code="6.20102E+11"))
    write_csv(BAD / "villages_bad_seat_flag.csv", vil.assign(is_township_seat="maybe"))
    cps = contact_points_df()
    write_csv(
        BAD / "contact_points_duplicate_ids.csv", cps.assign(编号=["CP01", "CP01", "CP02", "CP02"])
    )
    write_csv(BAD / "contact_points_unknown_type.csv", cps.assign(类型="政府机构"))
    write_csv(BAD / "contact_points_negative_opinions.csv", cps.assign(收集意见=-3))
    write_xlsx(BAD / "homes_empty_sheet.xlsx", pd.DataFrame())
    # Geometries.
    t = TOWNSHIPS

    def tfile(name: str, feats: list[dict[str, object]]) -> None:
        put(name, geojson(feats))

    tfile(
        "townships_empty_geometry.geojson",
        [feature(town_props(0), None), feature(town_props(1), square(t[1][5], t[1][6]))],
    )
    tfile(
        "townships_wrong_geometry_type.geojson",
        [
            feature(town_props(i), {"type": "Point", "coordinates": [104.55, 35.55]})
            for i in range(2)
        ],
    )
    tfile(
        "townships_mixed_geometry.geojson",
        [
            feature(town_props(0), square(t[0][5], t[0][6])),
            feature(
                town_props(1), {"type": "LineString", "coordinates": [[104.6, 35.5], [104.7, 35.6]]}
            ),
        ],
    )
    tfile(
        "townships_duplicate_codes.geojson",
        [feature(town_props(i, code="620102001"), square(x[5], x[6])) for i, x in enumerate(t)],
    )
    tfile(
        "townships_rural_exceeds_total.geojson",
        [feature(town_props(0, rural_population=99999), square(t[0][5], t[0][6]))],
    )
    tfile(
        "townships_no_kind_or_rural.geojson",
        [
            feature(
                {k: v for k, v in town_props(0).items() if k != "kind"}, square(t[0][5], t[0][6])
            )
        ],
    )
    tfile(
        "townships_missing_code_column.geojson",
        [
            feature(
                {k: v for k, v in town_props(0).items() if k != "code"}, square(t[0][5], t[0][6])
            )
        ],
    )
    tfile(
        "townships_projected_declared_wgs84.geojson",
        [
            feature(
                town_props(0),
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[500000, 3900000], [510000, 3900000], [510000, 3910000], [500000, 3900000]]
                    ],
                },
            )
        ],
    )
    tfile(
        "townships_swapped_lat_lon.geojson",
        [
            feature(
                town_props(0),
                {
                    "type": "Polygon",
                    "coordinates": [[[35.5, 104.5], [35.5, 104.6], [35.6, 104.6], [35.5, 104.5]]],
                },
            )
        ],
    )
    tfile(
        "townships_3d_with_bad_population.geojson",
        [feature(town_props(0, population="many"), square(t[0][5], t[0][6], z=10.0))],
    )
    tfile(
        "townships_unknown_kind.geojson",
        [feature(town_props(0, kind="郊区"), square(t[0][5], t[0][6]))],
    )
    # Cross-layer cases: each is checked together with good/townships.geojson.
    write_csv(
        CROSS / "contact_points_outside_study_area.csv",
        cps.assign(经度=[104.55, 104.9, 104.65, 105.2]),
    )
    write_csv(CROSS / "villages_unknown_township_code.csv", vil.assign(township_code="620199999"))


if __name__ == "__main__":
    make_good()
    make_bad()
    print(f"good: {len(list(GOOD.iterdir()))} files, bad: {len(list(BAD.glob('*.*')))} files")
