"""The PostgreSQL/PostGIS store: the workspace's tables in a database several servers share.

``PostgisStore(url)`` (:mod:`.store`); connections and errors :mod:`.connection`, tables
:mod:`.schema`. Opened by :func:`analysis.workspace.api.open_store` for a ``postgresql://``
setting. Needs ``psycopg`` (3) and a database where ``CREATE EXTENSION postgis`` was run.
"""
