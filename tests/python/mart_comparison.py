"""Compare the marts of two warehouses built from the same landing data in different ways.

Customer ids are opaque and history-dependent by design (a customer keeps their id across runs;
a merge keeps the id most records carry), so an incremental build and a fresh full build of the same
data may name a customer differently. The comparison maps every customer id to its customer's
smallest source record id and every partner customer key to (partner, that record id), then
requires every mart to hold the same rows. Timing columns (fit_seconds, loaded_at) are left out.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

IGNORED_COLUMNS = {"fit_seconds", "iterations", "message", "loaded_at"}


def _canonical_ids(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    customers = dict(con.sql("""
        select ids.customer_id, min(ids.customer_record_id)
        from intermediate.int_customer_ids as ids
        inner join intermediate.int_customer_components as current using (customer_record_id)
        group by ids.customer_id""").fetchall())
    keys = {key: f"{partner}:{customers[customer]}" for partner, customer, key in con.sql(
        "select partner_id, customer_id, customer_key from intermediate.int_partner_customer_keys").fetchall()}
    return customers, keys


def _table(con: duckdb.DuckDBPyConnection, table: str, customers: dict, keys: dict) -> pd.DataFrame:
    frame = con.sql(f"select * from marts.{table}").df()
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


def compare_marts(left: Path, right: Path) -> dict[str, str]:
    """Differences per mart table ({} when every mart holds the same rows)."""
    differences: dict[str, str] = {}
    with duckdb.connect(str(left), read_only=True) as a, duckdb.connect(str(right), read_only=True) as b:
        tables = sorted(r[0] for r in a.sql(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall())
        other = sorted(r[0] for r in b.sql(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall())
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
