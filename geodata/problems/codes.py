"""Every :class:`~geodata.errors.Problem` code the data layer emits, with a short description.

The dashboard translates problems by code; it can check it has a Chinese text for each key
of :data:`PROBLEM_CODES`. A test keeps this table in step with the code that emits them.
"""

from __future__ import annotations

#: code -> short English description (severity in brackets when it is a warning).
PROBLEM_CODES: dict[str, str] = {
    # Files and formats
    "file_not_found": "No file at the given path",
    "not_a_file": "The path is a folder",
    "empty_file": "The file has 0 bytes",
    "file_too_large": "The file exceeds the input size limit",
    "unsupported_format": "File type not supported (e.g. .xls, .docx)",
    "wrong_extension": "The extension does not match the content",
    "shapefile_not_zipped": "A Shapefile part (.shp/.dbf...) given on its own, not zipped",
    "unreadable_file": "The file is damaged, truncated or not in the format its name says",
    "no_geometry": "A vector file without a geometry column",
    "no_features": "The file has no rows/features",
    "too_many_features": "More features than the limit",
    "empty_table": "The table has no header and no data",
    "ragged_rows": "A CSV row has more cells than the header",
    "table_for_polygon_layer": "A CSV/XLSX given for the township polygons",
    "table_for_line_layer": "A CSV/XLSX given for the road lines",
    "unknown_layer": "Unknown layer name",
    "layer_not_inferred": "The layer could not be told from the file name or columns",
    # Archives
    "corrupt_archive": "The zip archive is damaged or truncated",
    "unsafe_archive_entry": "An archive entry climbs out of its folder (../ or absolute path)",
    "archive_bomb": "An archive entry's compression ratio is beyond the limit (zip bomb)",
    "archive_too_large": "The archive expands beyond the uncompressed size limit",
    "archive_too_many_entries": "The archive holds more entries than the limit",
    "archive_without_layer": "The archive holds no .shp (zip) or .kml (kmz)",
    "archive_several_layers": "The archive holds several .shp/.kml files",
    "shapefile_incomplete": "The zipped Shapefile lacks its .shx or .dbf",
    # Text encodings
    "not_text": "A table file holds binary data",
    "mixed_encoding": "Lines in UTF-8 and in GBK mixed in one file",
    "unknown_encoding": "Neither UTF-8 nor GBK/GB18030",
    # Columns
    "missing_column": "A required column is missing (lists headers found and aliases accepted)",
    "missing_kind_or_rural_population": "Townships have neither kind nor rural_population",
    "column_map_unknown_header": "The column mapping names a header not in the file",
    "column_map_unknown_target": "The column mapping names an unknown canonical column",
    "missing_coordinates": "No longitude/latitude columns in a point table",
    # Coordinates and CRS
    "missing_coordinate": "An empty longitude or latitude cell",
    "bad_coordinate": "A longitude/latitude that is not a decimal number",
    "swapped_lat_lon": "Longitude and latitude are swapped",
    "projected_coordinates": "Projected metres where degrees are expected",
    "missing_crs_assumed": "(warning) No CRS declared; WGS84 degrees assumed",
    "bad_crs": "The declared CRS cannot be converted to WGS84",
    "unknown_coord_system": "coord_system is not wgs84, gcj02 or bd09",
    "outside_china": "A feature lies outside China's bounding box",
    "invalid_lonlat": "Data declared outside China: a longitude beyond ±180 or latitude beyond ±90",
    "coord_system_outside_china": "GCJ-02/BD-09 chosen for data declared outside China",
    # Geometries
    "empty_geometry": "A feature without geometry",
    "wrong_geometry_type": "Not a polygon (townships) / a point (point layers) / a line (roads)",
    "repaired_geometry": "(warning) An invalid geometry was repaired with make_valid",
    "dropped_z_m": "(warning) Z/M values were dropped",
    # Values
    "missing_value": "A required cell is empty",
    "duplicate_id": "Ids/codes that appear more than once (listed)",
    "code_scientific_notation": "A code shortened by Excel to scientific notation",
    "not_a_number": "Text where a number is expected",
    "nan_value": "NaN where a number is expected",
    "infinite_value": "inf where a number is expected",
    "negative_value": "A negative population or count",
    "implausible_value": "A number above the plausibility limit",
    "rounded_value": "(warning) A fractional count was rounded",
    "unknown_kind": "urban/rural kind value not recognised",
    "unknown_type": "Contact point type value not recognised",
    "bad_boolean": "A yes/no cell that is neither",
    "rural_exceeds_total": "rural_population larger than population",
    "adopted_exceeds_collected": "(warning) More opinions adopted than collected",
    # Roads
    "unknown_road_class": "Road class value not recognised (accepted values listed)",
    "road_without_class_or_speed": "A road (or the whole layer) with neither class nor speed",
    "road_speed_out_of_range": "A road speed <= 0 or above 150 km/h (0 with a class: warning)",
    "bad_oneway": "A one-way value that is not both/forward/backward",
    "bad_level": "A z-level that is not a whole number from -9 to 9",
    # Across layers
    "roads_outside_study_area": "No road of the road layer reaches the townships",
    "outside_study_area": "Points outside the union of the townships (ids listed)",
    "unknown_township_code": "Villages whose township_code matches no township",
    "population_mismatch": "(warning) Villages' population differs from the township's by >5%",
    "unknown_contact_point": "(warning) Collection sites naming an unknown contact point",
    # Population table
    "population_table_format": "The population table is not CSV/XLSX",
    "population_unmatched": "Townships/table rows without a partner in the join (both listed)",
    "population_duplicate_key": "A code/name repeated in the population table",
    "population_no_join_key": "Neither codes nor names to join on",
    # Records sheet (geodata.records)
    "records_format": "The records sheet is not CSV/XLSX",
    "records_bad_period": "A period that is neither a month (2025-03) nor a quarter (2025-Q1)",
    "records_unknown_point": "A record naming no contact point or home of the data in use",
    "records_duplicate_period": "A point twice in one period (or in a quarter and its month)",
    "records_answered_exceeds_collected": "(warning) More opinions answered than collected",
    # Statistics-bureau codes (geodata/admin/codes.py)
    "bad_admin_code": "Codes not 12-digit (villages) / 9-digit (townships) where they are read",
    "bad_kind_codes_setting": "The 城乡分类代码 override is not '3 digits=urban|rural'",
    # Points placed by name or address (geodata/match)
    "point_match_ambiguous": "(warning) A name/address matching several places (candidates)",
    "point_match_unmatched": "(warning) A name/address matching no village or township",
    # Population rasters (geodata/raster)
    "raster_unreadable": "The population raster is not a readable GeoTIFF",
    "raster_no_crs": "The GeoTIFF declares no coordinate system",
    "raster_no_overlap": "The raster does not overlap the townships",
    "raster_total_mismatch": "(warning) Raster people in the townships differ from the table",
    "raster_partial_overlap": "(warning) Townships partly outside the raster (undercounted)",
    # Township boundaries (geodata/boundaries)
    "township_overlap": "(warning) Township polygons overlapping (area, townships, geometry)",
    "township_gap": "(warning) Gaps between township polygons (area, townships, geometry)",
}
