"""The semantic layer's metrics agree with independent SQL over the marts of the demo warehouse.

MetricFlow runs in-process (its engine, over the semantic manifest `dbt build` wrote, with a small
DuckDB client below) and through the `mf` CLI exactly as a user types it. Every figure is checked
against SQL written here from fct_orders (and fct_customer_clv, fct_customer_churn,
rpt_partner_summary, rpt_retention_cohorts): the definitions of docs/semantic-layer.md.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from metricflow.data_table.mf_table import MetricFlowDataTable
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup
from metricflow_semantics.sql.sql_bind_parameters import SqlBindParameterSet

from conftest import PROJECT_DIR

pytestmark = pytest.mark.slow

CENT = 0.005  # MetricFlow hands DECIMAL results back as floats: money agrees to half a cent
MONEY = {"revenue": "gross", "discounts": "discount", "fees": "fee", "refunds": "refund", "net_revenue": "net",
         "partner_share": "partner_share", "platform_commission": "platform_commission"}


class DuckDbClient:
    """MetricFlow's SqlClient protocol over one DuckDB connection (what the `mf` CLI does through dbt's adapter)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._renderer = DuckDbSqlPlanRenderer()

    @property
    def sql_engine_type(self) -> SqlEngine:
        return SqlEngine.DUCKDB

    @property
    def sql_plan_renderer(self) -> DuckDbSqlPlanRenderer:
        return self._renderer

    @staticmethod
    def _no_binds(sql_bind_parameter_set: SqlBindParameterSet) -> None:
        if sql_bind_parameter_set.param_dict:
            raise NotImplementedError("bind parameters are not used by these tests")

    def query(self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = SqlBindParameterSet()) -> MetricFlowDataTable:
        self._no_binds(sql_bind_parameter_set)
        cursor = self._con.execute(stmt)
        columns = [d[0] for d in cursor.description]
        return MetricFlowDataTable.create_from_rows(column_names=columns, rows=cursor.fetchall())

    def execute(self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = SqlBindParameterSet()) -> None:
        self._no_binds(sql_bind_parameter_set)
        self._con.execute(stmt)

    def dry_run(self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = SqlBindParameterSet()) -> None:
        self._no_binds(sql_bind_parameter_set)
        self._con.execute(f"explain {stmt}")

    def close(self) -> None:
        self._con.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


def semantic_manifest_path(duckdb_path: Path) -> Path:
    """Where conftest.run_dbt put the target/ of the build into `duckdb_path`."""
    return duckdb_path.parent / f"{duckdb_path.stem}_dbt" / "target" / "semantic_manifest.json"


@pytest.fixture(scope="module")
def con(demo_warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def engine(demo_warehouse, con) -> MetricFlowEngine:
    manifest = parse_manifest_from_dbt_generated_manifest(
        manifest_json_string=semantic_manifest_path(demo_warehouse.duckdb_path).read_text())
    return MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(manifest),
                            sql_client=DuckDbClient(con.cursor()))


def mf_query(engine: MetricFlowEngine, metrics: list[str] | None = None, group_by: list[str] | None = None,
             saved_query: str | None = None, where: list[str] | None = None) -> list[dict]:
    request = MetricFlowQueryRequest.create(metric_names=metrics, group_by_names=group_by,
                                            saved_query_name=saved_query, where_constraints=where)
    table = engine.query(request).result_df
    return [dict(zip(table.column_names, row)) for row in table.rows]


def sql_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def by_key(rows: list[dict], *keys: str) -> dict:
    def normal(value):
        return value.date() if isinstance(value, datetime) else value
    return {tuple(normal(row[k]) for k in keys): row for row in rows}


def assert_same(mf_rows: list[dict], sql: list[dict], mf_keys: tuple[str, ...], sql_keys: tuple[str, ...],
                columns: dict[str, str], tolerance: float = 0.0) -> None:
    """Every (key) row of MetricFlow equals the SQL row: same keys, and each metric = its SQL column."""
    got, want = by_key(mf_rows, *mf_keys), by_key(sql, *sql_keys)
    assert sorted(got, key=str) == sorted(want, key=str), "MetricFlow and SQL return different groups"
    mismatches = []
    for key, expected in want.items():
        for metric, column in columns.items():
            value, reference = got[key][metric], expected[column]
            if reference is None or value is None or isinstance(reference, str):
                ok = reference == value
            else:
                ok = abs(float(value) - float(reference)) <= tolerance
            if not ok:
                mismatches.append((key, metric, value, reference))
    assert mismatches == [], f"{len(mismatches)} differences, first: {mismatches[:5]}"


# --- money and orders -------------------------------------------------------------------------------

MONTHLY_ORDERS_SQL = f"""
    select
        order_month,
        {", ".join(f"sum({column}_amount_reporting) filter (where counts_toward_revenue) as {metric}"
                   for metric, column in MONEY.items())},
        count(*) filter (where counts_toward_revenue and transaction_type = 'sale') as orders,
        count(*) filter (where is_paid) as paid_orders
    from marts.fct_orders
    group by order_month
"""


def test_revenue_by_month_is_the_gross_of_rows_counting_toward_revenue(engine, con):
    """The issue's query, `--metrics revenue --group-by metric_time__month`, and the money beside it."""
    sql = sql_rows(con, MONTHLY_ORDERS_SQL)
    rows = mf_query(engine, [*MONEY, "orders", "paid_orders"], ["metric_time__month"])
    assert len(rows) == len(sql) > 60  # six years of months
    assert_same(rows, sql, ("metric_time__month",), ("order_month",), {m: m for m in MONEY}, tolerance=CENT)
    assert_same(rows, sql, ("metric_time__month",), ("order_month",), {"orders": "orders", "paid_orders": "paid_orders"})


def test_revenue_splits_into_discounts_fees_refunds_and_net(engine):
    """revenue = discounts + fees + refunds + net revenue holds on every order in its own currency; converted,
    each amount is rounded to the cent on its own, so in the reporting currency the split holds within
    two cents an order. net revenue = partner share + platform commission holds to the cent."""
    for row in mf_query(engine, [*MONEY, "orders"], ["metric_time__year"]):
        parts = row["discounts"] + row["fees"] + row["refunds"] + row["net_revenue"]
        assert abs(row["revenue"] - parts) <= 0.02 * row["orders"], row
        assert abs(row["net_revenue"] - row["partner_share"] - row["platform_commission"]) <= CENT, row


def test_revenue_excludes_pending_failed_and_cancelled_orders(engine, con):
    (total_gross, counted_gross), = con.execute(
        "select sum(gross_amount_reporting), sum(gross_amount_reporting) filter (where counts_toward_revenue)"
        " from marts.fct_orders").fetchall()
    assert total_gross > counted_gross  # the demo data has orders that do not count
    (row,) = mf_query(engine, ["revenue"])
    assert abs(row["revenue"] - float(counted_gross)) <= CENT


def test_revenue_by_source_system_and_year(engine, con):
    sql = sql_rows(con, """
        select source_system, date_trunc('year', order_date) as order_year,
               sum(gross_amount_reporting) filter (where counts_toward_revenue) as revenue,
               sum(net_amount_reporting) filter (where counts_toward_revenue) as net_revenue
        from marts.fct_orders group by all""")
    rows = mf_query(engine, ["revenue", "net_revenue"], ["metric_time__year", "order__source_system"])
    assert_same(rows, sql, ("metric_time__year", "order__source_system"), ("order_year", "source_system"),
                {"revenue": "revenue", "net_revenue": "net_revenue"}, tolerance=CENT)


def test_average_order_value_is_net_revenue_per_order(engine, con):
    sql = sql_rows(con, """
        select order_month,
               sum(net_amount_reporting) filter (where counts_toward_revenue)
               / count(*) filter (where counts_toward_revenue and transaction_type = 'sale') as aov
        from marts.fct_orders group by order_month""")
    rows = mf_query(engine, ["average_order_value"], ["metric_time__month"])
    assert_same(rows, sql, ("metric_time__month",), ("order_month",), {"average_order_value": "aov"}, tolerance=1e-6)


# --- customers ----------------------------------------------------------------------------------------

CUSTOMERS_SQL = """
    with paid as (
        select customer_id, date_trunc('{grain}', order_date) as period
        from marts.fct_orders where is_paid and customer_id is not null
    ),
    first_period as (
        select customer_id, min(period) as first_period from paid group by customer_id
    ),
    active as (
        select distinct paid.customer_id, paid.period, first_period.first_period
        from paid inner join first_period using (customer_id)
    )
    select
        period,
        count(*) as customers,
        count(*) filter (where first_period = period) as new_customers,
        count(*) filter (where first_period < period) as repeat_customers,
        count(*) filter (where first_period < period) / count(*) as repeat_rate
    from active group by period
"""


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_customers_new_repeat_and_repeat_rate(engine, con, grain):
    """Distinct customers are counted per period at every grain (not summed from finer ones)."""
    sql = sql_rows(con, CUSTOMERS_SQL.format(grain=grain))
    rows = mf_query(engine, ["customers", "new_customers", "repeat_customers", "repeat_rate"], [f"metric_time__{grain}"])
    columns = {"customers": "customers", "new_customers": "new_customers", "repeat_customers": "repeat_customers"}
    assert_same(rows, sql, (f"metric_time__{grain}",), ("period",), columns)
    assert_same(rows, sql, (f"metric_time__{grain}",), ("period",), {"repeat_rate": "repeat_rate"}, tolerance=1e-9)
    assert any(row["repeat_rate"] > 0.3 for row in rows)  # the demo has repeat buyers


def test_new_customers_are_the_retention_cohorts(engine, con):
    sql = sql_rows(con, """
        select cohort_month, cohort_customers from marts.rpt_retention_cohorts
        where source_system = 'all' and months_since_first_order = 0""")
    rows = mf_query(engine, ["new_customers"], ["metric_time__month"])
    assert_same(rows, sql, ("metric_time__month",), ("cohort_month",), {"new_customers": "cohort_customers"})


def test_customers_by_marketing_consent(engine, con):
    """Customer metrics group by dim_customers' attributes through the customer entity."""
    sql = sql_rows(con, """
        select d.has_marketing_consent, count(distinct o.customer_id) filter (where o.is_paid) as customers
        from marts.fct_orders as o left join marts.dim_customers as d using (customer_id)
        group by all""")  # NULL: the anonymous orders of erased customers, 0 customers
    rows = mf_query(engine, ["customers"], ["customer__has_marketing_consent"])
    assert_same(rows, sql, ("customer__has_marketing_consent",), ("has_marketing_consent",), {"customers": "customers"})


# --- customer value -----------------------------------------------------------------------------------

def test_clv_and_churn_probability(engine, con):
    (expected,) = sql_rows(con, """
        select clv.as_of_date, avg(clv.clv_reporting) as clv, sum(clv.clv_reporting) as total_clv,
               avg(churn.churn_probability) as churn_probability,
               count(*) filter (where churn.churn_risk_band = 'high') as high_risk
        from marts.fct_customer_clv as clv inner join marts.fct_customer_churn as churn using (customer_id)
        group by all""")
    (row,) = mf_query(engine, ["clv", "total_clv", "churn_probability", "high_churn_risk_customers"],
                      ["metric_time__day"])
    assert row["metric_time__day"].date() == expected["as_of_date"]
    assert abs(row["clv"] - float(expected["clv"])) <= 1e-6
    assert abs(row["total_clv"] - float(expected["total_clv"])) <= CENT
    assert abs(row["churn_probability"] - expected["churn_probability"]) <= 1e-9
    assert row["high_churn_risk_customers"] == expected["high_risk"] > 0


def test_churn_probability_by_lifecycle_segment(engine, con):
    sql = sql_rows(con, """
        select l.lifecycle_segment, avg(c.churn_probability) as churn_probability
        from marts.fct_customer_churn as c inner join marts.fct_customer_lifecycle as l using (customer_id)
        group by all""")
    rows = mf_query(engine, ["churn_probability"], ["customer__lifecycle_segment"])
    assert_same(rows, sql, ("customer__lifecycle_segment",), ("lifecycle_segment",),
                {"churn_probability": "churn_probability"}, tolerance=1e-9)


# --- the partner report -------------------------------------------------------------------------------

def test_partner_report_saved_query_equals_the_partner_summary(engine, con):
    """Money and orders per partner and month are rpt_partner_summary's, summed over the partner's assets;
    buyers are the distinct customers of the partner's orders that month."""
    sql = sql_rows(con, """
        with summary as (
            select partner_id, partner_name, order_month,
                   sum(orders) as orders, sum(gross_reporting) as revenue, sum(discounts_reporting) as discounts,
                   sum(platform_fees_reporting) as fees, sum(refunds_reporting) as refunds,
                   sum(net_reporting) as net_revenue, sum(partner_share_reporting) as partner_share,
                   sum(platform_commission_reporting) as platform_commission
            from marts.rpt_partner_summary group by all
        ),
        buyers as (
            select partner_id, order_month, count(distinct customer_id) as buyers
            from marts.fct_orders
            where partner_id is not null and counts_toward_revenue and transaction_type = 'sale'
            group by all
        )
        select summary.*, coalesce(buyers.buyers, 0) as buyers,
               summary.net_revenue / nullif(summary.orders, 0) as average_order_value,
               summary.partner_share / nullif(summary.net_revenue, 0) as partner_share_rate
        from summary left join buyers using (partner_id, order_month)""")
    rows = mf_query(engine, saved_query="partner_report_monthly")
    keys = ("partner", "metric_time__month")
    assert len(rows) == len(sql) > 100
    assert_same(rows, sql, keys, ("partner_id", "order_month"), {m: m for m in MONEY}, tolerance=CENT)
    assert_same(rows, sql, keys, ("partner_id", "order_month"),
                {"orders": "orders", "buyers": "buyers", "partner__partner_name": "partner_name"})
    assert_same(rows, sql, keys, ("partner_id", "order_month"),
                {"average_order_value": "average_order_value", "partner_share_rate": "partner_share_rate"},
                tolerance=1e-6)


def test_partner_report_by_source_saved_query(engine, con):
    sql = sql_rows(con, """
        select partner_id, source_system, order_month, sum(orders) as orders, sum(net_reporting) as net_revenue
        from marts.rpt_partner_summary group by all""")
    rows = mf_query(engine, saved_query="partner_report_by_source_monthly")
    assert_same(rows, sql, ("partner", "order__source_system", "metric_time__month"),
                ("partner_id", "source_system", "order_month"), {"orders": "orders"})
    assert_same(rows, sql, ("partner", "order__source_system", "metric_time__month"),
                ("partner_id", "source_system", "order_month"), {"net_revenue": "net_revenue"}, tolerance=CENT)


def test_dashboard_saved_queries_answer(engine):
    revenue = mf_query(engine, saved_query="revenue_monthly")
    health = mf_query(engine, saved_query="customer_health_monthly")
    assert len(revenue) == len(health) > 60
    assert {"revenue", "net_revenue", "orders"} <= set(revenue[0])
    assert {"customers", "new_customers", "repeat_customers", "repeat_rate"} <= set(health[0])


# --- the mf CLI -----------------------------------------------------------------------------------------

def test_mf_cli_answers_revenue_by_month(demo_warehouse, con, tmp_path):
    """`mf query --metrics revenue --group-by metric_time__month` as typed in the project root.

    mf reads target/semantic_manifest.json under the project root, so the test gives it a project root
    of its own (links to this repository's files, the demo build's manifest) and a copy of the demo
    warehouse (the module's read-only connection would lock a writer out of the original).
    """
    project = tmp_path / "project"
    project.mkdir()
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in {"target", "logs", ".git", ".venv"}:
            (project / entry.name).symlink_to(entry)
    (project / "target").mkdir()
    shutil.copy(semantic_manifest_path(demo_warehouse.duckdb_path), project / "target")
    warehouse = tmp_path / "copy" / demo_warehouse.duckdb_path.name  # relations are named after the file (its catalog)
    warehouse.parent.mkdir()
    shutil.copy(demo_warehouse.duckdb_path, warehouse)
    out = tmp_path / "revenue.csv"
    env = {**os.environ, "DUCKDB_PATH": str(warehouse), "DBT_PROFILES_DIR": str(project),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    mf = Path(sys.executable).parent / "mf"
    result = subprocess.run([str(mf), "query", "--metrics", "revenue", "--group-by", "metric_time__month",
                             "--csv", str(out)], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    with out.open() as handle:
        got = {date.fromisoformat(row["metric_time__month"][:10]): float(row["revenue"]) for row in csv.DictReader(handle)}
    want = dict(con.execute("select order_month, sum(gross_amount_reporting) filter (where counts_toward_revenue)"
                            " from marts.fct_orders group by order_month").fetchall())
    assert got.keys() == want.keys()
    assert all(abs(got[month] - float(want[month])) <= CENT for month in want)
