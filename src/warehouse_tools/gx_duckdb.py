"""Great Expectations on a DuckDB file through SQLAlchemy: the one place that makes GX's SQL path work.

The problem (GX issue #11579, https://github.com/fivetran/great_expectations/issues/11579):
GX's `SqlAlchemyExecutionEngine.execute_query` runs a query inside `with engine.connect() as
connection:` and hands the result back after the block has returned the connection to the pool.
With duckdb-engine the unread rows do not survive the connection's return to the pool, so every
metric query comes back empty and every expectation fails with `MetricResolutionError: list index
out of range`. GX already keeps one persisted
connection for the dialects that need it (SQLite, SQL Server, BigQuery, Databricks: the private
`_PERSISTED_CONNECTION_DIALECTS`), but not for DuckDB.

The fix, through GX's own extension points rather than a patch of its module state:
`DuckDBExecutionEngine` overrides `get_connection` to open one connection and keep it for the
engine's life, as GX does for SQLite, and `DuckDBDatasource` is a fluent SQL datasource type
(registered with GX as type "duckdb_sqlalchemy") that uses that engine. `add_duckdb_datasource`
opens the file read-only, so validation can never change the warehouse, and `close_datasource`
releases the file when a run is done.

tests/python/test_gx_duckdb.py guards it: a trivially true expectation must pass and a trivially
false one must fail on a DuckDB table through exactly this path, and a strict xfail records that
GX's own SQL datasource still fails; when a GX upgrade fixes the bug that test passes, CI fails,
and this module can go (use `context.data_sources.add_sql` with a read-only URL instead).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, Type

import sqlalchemy as sa
from great_expectations.data_context import AbstractDataContext
from great_expectations.datasource.fluent import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine

DATASOURCE_TYPE = "duckdb_sqlalchemy"


class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """GX's SQLAlchemy engine with one connection kept open for all queries (GX issue #11579)."""

    _duckdb_connection: sa.Connection | None = None

    @contextmanager
    def get_connection(self) -> Iterator[sa.Connection]:
        if self._duckdb_connection is None or self._duckdb_connection.closed:
            self._duckdb_connection = self.engine.connect()
        try:
            yield self._duckdb_connection
        except Exception:
            # A statement that fails while running (a conversion error, say) aborts DuckDB's
            # transaction, and on a kept connection every later query would fail with "Current
            # transaction is aborted": roll back so that one bad query fails alone.
            self._duckdb_connection.rollback()
            raise

    def close(self) -> None:
        if self._duckdb_connection is not None:
            self._duckdb_connection.close()
            self._duckdb_connection = None
        super().close()


class DuckDBDatasource(SQLDatasource):
    """A fluent SQL datasource whose execution engine keeps its DuckDB connection."""

    type: Literal["duckdb_sqlalchemy"] = DATASOURCE_TYPE  # type: ignore[assignment]

    @property
    def execution_engine_type(self) -> Type[SqlAlchemyExecutionEngine]:
        return DuckDBExecutionEngine


def read_only_url(duckdb_path: str | Path) -> str:
    """SQLAlchemy URL of a DuckDB file opened read-only (duckdb-engine passes the query as config)."""
    url = sa.engine.URL.create(
        "duckdb", database=str(Path(duckdb_path).resolve()), query={"access_mode": "read_only"}
    )
    return url.render_as_string(hide_password=False)


def add_duckdb_datasource(context: AbstractDataContext, name: str, duckdb_path: str | Path) -> DuckDBDatasource:
    """Add a datasource reading the DuckDB file `duckdb_path` (read-only) to `context`."""
    path = Path(duckdb_path)
    if not path.is_file():
        raise FileNotFoundError(f"no DuckDB file at {path}")
    add = getattr(context.data_sources, f"add_{DATASOURCE_TYPE}")
    return add(name=name, connection_string=read_only_url(path))


def close_datasource(datasource: SQLDatasource) -> None:
    """Close the persisted connection and dispose of the engines, releasing the DuckDB file.

    Until then DuckDB refuses to open the file again in this process with another configuration
    (read-write, say), and another process cannot open it for writing.
    """
    datasource.get_execution_engine().close()
    datasource.get_engine().dispose()
