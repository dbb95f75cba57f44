"""Records of how each contact point and representative home works, period by period.

:mod:`geodata.records.schema` (columns and header aliases), :mod:`geodata.records.periods`
(month and quarter labels), :mod:`geodata.records.read` (read and validate a sheet) and
:mod:`geodata.records.template` (the Excel template that round-trips).
"""
