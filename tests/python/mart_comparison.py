"""Compare the marts of two warehouses built from the same landing data in different ways.

Customer ids are opaque and history-dependent by design (a customer keeps their id across runs;
a merge keeps the id most records carry), so an incremental build and a fresh full build of the same
data may name a customer differently. The comparison maps every customer id to its customer's
smallest source record id and every partner customer key to (partner, that record id), then
requires every mart to hold the same rows. Timing columns (fit_seconds, loaded_at) are left out.
Both warehouses are on the same engine: two DuckDB files, or two PostgreSQL databases read through
a function that runs a query and returns a DataFrame. A Spark warehouse is compared as a DuckDB copy
of what the comparison reads (`copy_spark_warehouse`): one Spark Connect server holds one catalog, so
the two Spark warehouses are built one after the other and each is copied out before the next.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

IGNORED_COLUMNS = {"fit_seconds", "iterations", "message", "loaded_at"}
# the intermediate tables the comparison reads besides the marts (customer ids through their records)
IDENTITY_TABLES = ("int_customer_ids", "int_customer_components", "int_partner_customer_keys")

Reader = Callable[[str], pd.DataFrame]


def _canonical_ids(read: Reader) -> tuple[dict, dict]:
    customers = dict(read("""
        select ids.customer_id, min(ids.customer_record_id)
        from intermediate.int_customer_ids as ids
        inner join intermediate.int_customer_components as current using (customer_record_id)
        group by ids.customer_id""").itertuples(index=False, name=None))
    # a customer id no current record carries (a stale id) stays as it is: a difference, not a KeyError
    keys = {key: f"{partner}:{customers.get(customer, customer)}" for partner, customer, key in read(
        "select partner_id, customer_id, customer_key from intermediate.int_partner_customer_keys"
    ).itertuples(index=False, name=None)}
    return customers, keys


def _table(read: Reader, table: str, customers: dict, keys: dict) -> pd.DataFrame:
    frame = read(f"select * from marts.{table}")
    frame = frame.drop(columns=[c for c in frame.columns if c in IGNORED_COLUMNS])
    if "customer_id" in frame:
        frame["customer_id"] = frame["customer_id"].map(lambda v: customers.get(v, v) if isinstance(v, str) else v)
    if "customer_key" in frame:
        frame["customer_key"] = frame["customer_key"].map(keys)
    for column in frame.columns:  # DECIMAL -> float, so both sides compare alike
        if frame[column].dtype == object and frame[column].map(type).eq(type(None)).all() is False:
            if frame[column].dropna().map(lambda v: type(v).__name__ == "Decimal").any():
                frame[column] = frame[column].astype(float)
    return frame.sort_values(list(frame.columns), kind="stable", na_position="first").reset_index(drop=True)


def copy_spark_warehouse(spark, path: Path) -> Path:
    """Every table of Spark's schema `marts` (listed by its catalog: Spark has no information_schema)
    and the identity tables, copied through Arrow into a new DuckDB file `path`, for compare_marts."""
    tables = [("marts", row.tableName) for row in spark.sql("show tables in marts").collect() if not row.isTemporary]
    tables += [("intermediate", table) for table in IDENTITY_TABLES]
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        for schema, table in tables:
            data = spark.table(f"{schema}.{table}").toArrow()  # noqa: F841  (DuckDB reads the local name)
            con.sql(f"create schema if not exists {schema}")
            con.sql(f"create table {schema}.{table} as select * from data")
    return path


def duckdb_reader(stack: contextlib.ExitStack, path: Path) -> Reader:
    """Queries on a DuckDB file, opened read-only until `stack` closes."""
    con = stack.enter_context(duckdb.connect(str(path), read_only=True))
    return lambda sql: con.sql(sql).df()


def compare_marts(left: Path | Reader, right: Path | Reader) -> dict[str, str]:
    """Differences per mart table ({} when every mart holds the same rows); each side a DuckDB file
    or a Reader."""
    differences: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        a, b = (duckdb_reader(stack, side) if isinstance(side, Path) else side for side in (left, right))
        list_marts = "select table_name from information_schema.tables where table_schema = 'marts'"
        tables = sorted(a(list_marts)["table_name"])
        other = sorted(b(list_marts)["table_name"])
        if tables != other:
            return {"(tables)": f"{tables} != {other}"}
        ids_a, keys_a = _canonical_ids(a)
        ids_b, keys_b = _canonical_ids(b)
        for table in tables:
            fa, fb = _table(a, table, ids_a, keys_a), _table(b, table, ids_b, keys_b)
            if list(fa.columns) != list(fb.columns) or len(fa) != len(fb):
                differences[table] = f"shape {fa.shape} != {fb.shape}"
                continue
            for column in fa.columns:
                x, y = fa[column], fb[column]
                if pd.api.types.is_float_dtype(x) and pd.api.types.is_float_dtype(y):
                    same = np.allclose(x.to_numpy(float), y.to_numpy(float), rtol=1e-6, atol=1e-9, equal_nan=True)
                else:
                    same = x.astype(str).equals(y.astype(str))
                if not same:
                    bad = (x.astype(str) != y.astype(str)).to_numpy().nonzero()[0][:3]
                    differences[table] = f"{column}: {[(x[i], y[i]) for i in bad]}"
                    break
    return differences
