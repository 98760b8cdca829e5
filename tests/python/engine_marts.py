"""Read every mart from DuckDB, Spark or PostgreSQL and compare them row for row (docs/engines.md).

Rows are matched on each mart's key (MART_KEYS). Values are equal when:
- both are exact numbers (integers, decimals) and equal: money to the cent, counts exactly;
- either is a float and they agree to 1e-9 relative (absolute below 1);
- otherwise (text, dates, timestamps, booleans, NULL) they are equal.
Columns in IGNORED_COLUMNS differ by nature (the time a fit took, the time a row was loaded).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

MART_KEYS = {
    "dim_customers": ("customer_id",),
    "fct_orders": ("order_key",),
    "fct_customer_rfm": ("customer_id",),
    "fct_customer_lifecycle": ("customer_id",),
    "fct_customer_insights": ("customer_id", "insight_type"),
    "rpt_retention_cohorts": ("source_system", "cohort_month", "months_since_first_order"),
    "rpt_event_retention": ("source_system", "event_id"),
    "rpt_data_quality": ("source_system", "source_table"),
    "fct_customer_clv": ("customer_id",),
    "fct_customer_churn": ("customer_id",),
    "rpt_clv_model_fit": ("model", "period"),
    "rpt_clv_holdout_validation": ("bucket_type", "bucket"),
    "rpt_churn_model_comparison": ("score_name",),
    "rpt_churn_calibration": ("decile",),
    "rpt_clv_tracking": ("score_name", "period_number"),
    "rpt_subscription_retention_tracking": ("billing_interval", "renewal_point"),
    "rpt_partner_summary": ("partner_id", "source_system", "asset_type", "asset_id", "order_month"),
    "rpt_partner_customers": ("partner_id", "customer_key"),
}
IGNORED_COLUMNS = {"rpt_clv_model_fit": {"fit_seconds"}, "fct_orders": {"loaded_at"}}
FLOAT_TOLERANCE = 1e-9


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple]


def _from_arrow(table: pa.Table) -> Table:
    columns = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            column = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us"))
        columns.append(column.to_pylist())
    return Table(list(table.column_names), list(zip(*columns)) if columns else [])


def read_duckdb_marts(connection) -> dict[str, Table]:
    names = [row[0] for row in connection.sql(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    return {name: _from_arrow(connection.sql(f"select * from marts.{name}").fetch_arrow_table()) for name in names}


def read_spark_marts(spark) -> dict[str, Table]:
    names = sorted(row.tableName for row in spark.sql("show tables in marts").collect() if not row.isTemporary)
    return {name: _from_arrow(spark.table(f"marts.{name}").toArrow()) for name in names}


def read_postgres_marts(connection) -> dict[str, Table]:
    marts = {}
    with connection.cursor() as cursor:
        cursor.execute("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'select * from marts."{name}"')
            marts[name] = Table([column.name for column in cursor.description], cursor.fetchall())
    return marts


def _exact(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def values_equal(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, float) or isinstance(right, float):
        if not (isinstance(left, (float, int, Decimal)) and isinstance(right, (float, int, Decimal))):
            return False
        left, right = float(left), float(right)
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return abs(left - right) <= FLOAT_TOLERANCE * max(1.0, abs(left), abs(right))
    if _exact(left) and _exact(right):
        return Decimal(left) == Decimal(right)
    if isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
        return left.replace(tzinfo=None) == right.replace(tzinfo=None)
    return left == right


def _key(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def compare_marts(reference: dict[str, Table], other: dict[str, Table], max_examples: int = 3) -> list[str]:
    """Differences between two engines' marts, as readable lines; [] when they are equal."""
    problems = []
    if sorted(reference) != sorted(other):
        problems.append(f"marts differ: only in reference {sorted(set(reference) - set(other))}, "
                        f"only in other {sorted(set(other) - set(reference))}")
    for name in sorted(set(reference) & set(other)):
        ref, oth = reference[name], other[name]
        if set(ref.columns) != set(oth.columns):
            problems.append(f"{name}: columns differ: only in reference {sorted(set(ref.columns) - set(oth.columns))}, "
                            f"only in other {sorted(set(oth.columns) - set(ref.columns))}")
            continue
        if name not in MART_KEYS:
            problems.append(f"{name}: no key in MART_KEYS to match its rows on")
            continue
        columns = [column for column in ref.columns if column not in IGNORED_COLUMNS.get(name, set())]

        def keyed(table: Table) -> dict:
            index = {column: position for position, column in enumerate(table.columns)}
            rows = {}
            for row in table.rows:
                key = tuple(_key(row[index[column]]) for column in MART_KEYS[name])
                rows.setdefault(key, []).append({column: row[index[column]] for column in columns})
            return rows

        ref_rows, oth_rows = keyed(ref), keyed(oth)
        duplicates = [key for rows in (ref_rows, oth_rows) for key, found in rows.items() if len(found) > 1]
        if duplicates:
            problems.append(f"{name}: key {MART_KEYS[name]} is not unique, e.g. {duplicates[:max_examples]}")
            continue
        missing, extra = sorted(set(ref_rows) - set(oth_rows)), sorted(set(oth_rows) - set(ref_rows))
        if missing or extra:
            problems.append(f"{name}: {len(ref.rows)} rows in reference, {len(oth.rows)} in other; keys only in "
                            f"reference: {missing[:max_examples]}, only in other: {extra[:max_examples]}")
        mismatched = []
        for key in sorted(set(ref_rows) & set(oth_rows)):
            left, right = ref_rows[key][0], oth_rows[key][0]
            differing = [(column, left[column], right[column]) for column in columns
                         if not values_equal(left[column], right[column])]
            if differing:
                mismatched.append((key, differing))
        if mismatched:
            counts = {}
            for _, differing in mismatched:
                for column, _, _ in differing:
                    counts[column] = counts.get(column, 0) + 1
            examples = "; ".join(f"{key}: " + ", ".join(f"{c}={a!r} vs {b!r}" for c, a, b in differing[:3])
                                 for key, differing in mismatched[:max_examples])
            problems.append(f"{name}: {len(mismatched)} of {len(ref.rows)} rows differ (columns: {counts}); {examples}")
    return problems
