"""The same warehouse on PostgreSQL and Apache Spark as on DuckDB (docs/engines.md).

Each engine builds the demo landing data with src/warehouse_tools/build_on_engine.py (dbt build, the dbt Python
models on the driver, then what depends on them, every data and unit test included) and its marts
must equal DuckDB's row for row (tests/python/engine_marts.py: money to the cent, floats to 1e-9).
A second run of the incremental identity models must keep every customer id.

PostgreSQL runs in `make test` against a server the test starts itself (pgserver, PostgreSQL 16).
Spark (marker `spark`) runs in `make test-spark`: the test starts a real cluster endpoint on 127.0.0.1
(standalone master, worker, Spark Connect server; src/warehouse_tools/spark_cluster.py) and builds through Spark
Connect, several minutes, too long for every `make test`.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from warehouse_tools.build_on_engine import build
from conftest import PROJECT_DIR, environment as _environment, run_dbt
from engine_marts import MART_KEYS, compare_marts, read_duckdb_marts, read_postgres_marts, read_spark_marts


def _dbt_options(work_dir: Path) -> list[str]:
    return ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]


@pytest.fixture(scope="session")
def duckdb_marts(demo_warehouse) -> dict:
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as connection:
        return read_duckdb_marts(connection)


def test_every_mart_has_a_key_to_compare_on(duckdb_marts):
    assert sorted(duckdb_marts) == sorted(MART_KEYS)


def test_every_landing_table_names_its_files():
    """Every source table that lands as files names them once, in meta.landing_files (what the
    on-run-start hook reads on every engine), as JSON Lines or CSV; no engine-specific location."""
    checked = 0
    for path in sorted(PROJECT_DIR.glob("models/staging/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            if source["name"] == "landing":
                continue
            for table in source["tables"]:
                config = table.get("config") or {}
                assert "external_location" not in config, f"{source['name']}.{table['name']}"
                assert re.fullmatch(r"[a-z_]+/[^/]+\.(jsonl|csv)", config["meta"]["landing_files"]), \
                    f"{source['name']}.{table['name']}"
                checked += 1
    assert checked == 14


def test_the_comparison_finds_a_cent_a_float_and_a_row():
    """The comparison itself: equal marts pass; a cent, a float off by more than 1e-9, a missing
    row and a changed text are each reported."""
    from decimal import Decimal

    from engine_marts import Table

    def marts(share=Decimal("1.50"), rate=0.25, rows=2, name="a") -> dict:
        table = Table(["partner_id", "customer_key", "share", "rate", "name"],
                      [("p", f"k{i}", share, rate, name) for i in range(rows)])
        return {"rpt_partner_customers": table}

    assert compare_marts(marts(), marts(share=Decimal("1.5"), rate=0.25 + 1e-12)) == []
    for other, column in [(marts(share=Decimal("1.51")), "share"), (marts(rate=0.25 + 1e-8), "rate"),
                          (marts(name="b"), "name")]:
        (problem,) = compare_marts(marts(), other)
        assert f"'{column}': 2" in problem
    (problem,) = compare_marts(marts(), marts(rows=1))
    assert "keys only in reference: [('p', 'k1')]" in problem


# --- PostgreSQL ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def postgres_build(demo_landing, tmp_path_factory) -> Iterator[dict]:
    """The demo warehouse built on a throwaway PostgreSQL 16; yields its marts and settings."""
    import pgserver
    import psycopg2

    from warehouse_tools.local_postgres import create_database, environment

    root = tmp_path_factory.mktemp("postgres")
    # the server reads the landing files itself, as its own OS user (pgserver runs it as `pgserver`
    # when started by root): pytest's folders are private, so the files go to a readable copy
    readable = Path(tempfile.mkdtemp(prefix="landing-"))
    readable.chmod(0o755)
    raw_dir = shutil.copytree(demo_landing[0], readable / "raw")
    for folder, _, files in os.walk(raw_dir):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    started = time.perf_counter()
    server = pgserver.get_server(root / "data", cleanup_mode="stop")
    try:
        create_database(server)
        settings = environment(server, root / "data")
        startup = time.perf_counter() - started
        with _environment(**settings, RAW_DATA_DIR=str(raw_dir)):
            started = time.perf_counter()
            timings = build("postgres", _dbt_options(root), log=lambda _: None)
            seconds = time.perf_counter() - started
            connection = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                          user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DB"])
            try:
                marts = read_postgres_marts(connection)
            finally:
                connection.close()
            print(f"\nPostgreSQL: server up in {startup:.1f} s, demo built in {seconds:.0f} s {timings}")
            yield {"marts": marts, "settings": settings, "work_dir": root, "raw_dir": raw_dir}
    finally:
        server.cleanup()
        shutil.rmtree(readable, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_marts_equal_duckdbs(postgres_build, duckdb_marts):
    problems = compare_marts(duckdb_marts, postgres_build["marts"])
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_incremental_run_keeps_every_customer_id(postgres_build):
    import psycopg2

    settings = postgres_build["settings"]

    def ids() -> dict:
        connection = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                      user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DB"])
        try:
            with connection.cursor() as cursor:
                cursor.execute("select customer_record_id, customer_id, previous_customer_id "
                               "from intermediate.int_customer_ids")
                records = {row[0]: row[1:] for row in cursor.fetchall()}
                cursor.execute("select count(*) from intermediate.int_customer_identity_changes")
                return {"records": records, "changes": cursor.fetchone()[0]}
        finally:
            connection.close()

    _assert_second_run_keeps_ids(ids, "postgres", postgres_build["work_dir"], postgres_build["raw_dir"], settings)



@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_incremental_run_reloads_files_rewritten_in_place(postgres_build):
    """Order files rewritten in place under their own names (an amount changed, an order removed, one
    added) and a deleted extract reach fct_orders on an incremental run on PostgreSQL too: the
    anti-joins on row_hash and the post-hooks that delete (docs/orders.md). test_five_extracts compares
    the same changes with a full build on DuckDB."""
    import psycopg2

    from rewritten_exports import TICKET_TAILOR_DELETED, land_deleted_extract, order_sk, rewrite_in_place

    settings, raw_dir = postgres_build["settings"], postgres_build["raw_dir"]

    def fct_orders() -> tuple[dict, int]:
        connection = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                      user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DB"])
        try:
            with connection.cursor() as cursor:
                cursor.execute("select order_sk, cast(gross_amount as double precision) from marts.fct_orders")
                rows = dict(cursor.fetchall())
                cursor.execute("select count(distinct loaded_at) from intermediate.int_orders_identified")
                return rows, cursor.fetchone()[0]
        finally:
            connection.close()

    before, _ = fct_orders()
    after_deletion = land_deleted_extract(raw_dir, raw_dir)
    _run_order_chain("postgres", postgres_build["work_dir"], raw_dir, settings)
    # new orders only: the customer totals recompute the affected customers (no orders left anyone)
    assert _customer_totals_off_by(settings) == (0, 2)
    expected = rewrite_in_place(raw_dir, raw_dir) | after_deletion
    (raw_dir / TICKET_TAILOR_DELETED).unlink()
    _run_order_chain("postgres", postgres_build["work_dir"], raw_dir, settings)
    # orders removed: the count no longer balances and every customer is recomputed
    assert _customer_totals_off_by(settings) == (0, 1)
    after, batches = fct_orders()
    assert {key: after.get(order_sk(key)) for key in expected} == expected
    # the build's batch and the second run's (it reloaded or deleted every row the first run loaded):
    # nothing was rebuilt in full
    assert batches == 2
    # each rewritten file lost one order and gained one; the deleted extract's new order is gone again
    assert len(after) == len(before)


def _customer_totals_off_by(settings: dict) -> tuple[int, int]:
    """Rows of intermediate.int_customer_order_totals that differ from the same sums written here over
    int_orders_identified (EXCEPT ALL both ways), and how many run stamps its customers carry."""
    import psycopg2

    connection = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                  user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DB"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("""
                with expected as (
                    select customer_id, count(*) as order_rows,
                        sum(case when transaction_type = 'sale' then 1 else 0 end) as orders,
                        sum(case when is_paid then 1 else 0 end) as paid_orders,
                        coalesce(sum(case when counts_toward_revenue then net_amount_reporting end), 0) as spent,
                        min(ordered_at) as first_order_at,
                        max(case when is_paid then ordered_at end) as last_paid_order_at
                    from intermediate.int_orders_identified where customer_id is not null group by customer_id
                ),
                actual as (
                    select customer_id, order_rows, orders, paid_orders, total_spent_reporting, first_order_at,
                        last_paid_order_at
                    from intermediate.int_customer_order_totals
                )
                select
                    (select count(*) from ((select * from expected except all select * from actual)
                        union all (select * from actual except all select * from expected)) as differing),
                    (select count(distinct loaded_at) from intermediate.int_customer_order_totals)""")
            return cursor.fetchone()
    finally:
        connection.close()


def _run_order_chain(target: str, work_dir: Path, raw_dir: Path, settings: dict) -> None:
    from conftest import DbtCommandError
    from dbt.cli.main import dbtRunner

    with _environment(**settings, RAW_DATA_DIR=str(raw_dir)):
        result = dbtRunner().invoke(["run", "--target", target, "--select", "+fct_orders",
                                     "+int_customer_order_totals", "--project-dir",
                                     str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), *_dbt_options(work_dir)])
    if not result.success:
        raise DbtCommandError(f"incremental run on {target} failed: {result.exception!r}")

def _assert_second_run_keeps_ids(read_ids, target: str, work_dir: Path, raw_dir: Path, settings: dict) -> None:
    from conftest import DbtCommandError
    from dbt.cli.main import dbtRunner

    before = read_ids()
    with _environment(**settings, RAW_DATA_DIR=str(raw_dir)):
        result = dbtRunner().invoke(["run", "--target", target, "--select", "int_customer_ids",
                                     "int_customer_identity_changes", "--project-dir", str(PROJECT_DIR),
                                     "--profiles-dir", str(PROJECT_DIR), *_dbt_options(work_dir)])
    if not result.success:
        raise DbtCommandError(f"incremental run on {target} failed: {result.exception!r}")
    after = read_ids()
    assert len(after["records"]) == len(before["records"]) > 0
    assert {record: values[0] for record, values in after["records"].items()} == \
        {record: values[0] for record, values in before["records"].items()}
    # each record carried its id into the second run, and nothing was merged or split
    assert all(previous == customer for customer, previous in after["records"].values())
    assert after["changes"] == before["changes"] == 0


# --- Apache Spark --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark_build(demo_landing, tmp_path_factory) -> Iterator[dict]:
    """The demo warehouse built on a real Spark cluster this fixture starts on 127.0.0.1 (a standalone
    master and worker and a Spark Connect server, src/warehouse_tools/spark_cluster.py, on free ports), reached
    through Spark Connect (target spark_connect); yields its marts. The three processes are stopped by
    their ids afterwards, also when the build fails."""
    from warehouse_tools.spark_cluster import running_cluster
    from warehouse_tools.spark_python_models import CollectMeter

    raw_dir, _ = demo_landing
    root = tmp_path_factory.mktemp("spark")
    started = time.perf_counter()
    with running_cluster(root / "spark") as cluster:
        startup = time.perf_counter() - started
        settings = {"SPARK_REMOTE": cluster.remote, "SPARK_LOCAL_IP": "127.0.0.1"}
        with _environment(**settings, RAW_DATA_DIR=str(raw_dir)):
            started = time.perf_counter()
            meter = CollectMeter()
            timings = build("spark_connect", _dbt_options(root), log=lambda _: None, meter=meter)
            seconds = time.perf_counter() - started
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
            assert spark.conf.get("spark.master") == f"spark://127.0.0.1:{cluster.master_port}"
            marts = read_spark_marts(spark)
            print(f"\nSpark cluster: up in {startup:.0f} s, demo built in {seconds:.0f} s {timings}")
            yield {"marts": marts, "spark": spark, "settings": settings, "work_dir": root, "cluster": cluster,
                   "meter": meter}
            spark.stop()
    # the cluster's processes are gone, and everything Spark wrote stays under its work folder
    assert not any(_running(pid) for pid in cluster.pids.values())
    assert not (PROJECT_DIR / "derby.log").exists() and not (PROJECT_DIR / "metastore_db").exists()
    assert (root / "spark" / "derby.log").exists() and (root / "spark" / "metastore_db").exists()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.spark
def test_spark_marts_equal_duckdbs(spark_build, duckdb_marts):
    problems = compare_marts(duckdb_marts, spark_build["marts"])
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_incremental_run_keeps_every_customer_id(spark_build, demo_landing):
    spark = spark_build["spark"]

    def ids() -> dict:
        rows = spark.sql("select customer_record_id, customer_id, previous_customer_id "
                         "from intermediate.int_customer_ids").collect()
        changes = spark.sql("select count(*) as n from intermediate.int_customer_identity_changes").collect()[0].n
        return {"records": {row[0]: (row[1], row[2]) for row in rows}, "changes": changes}

    _assert_second_run_keeps_ids(ids, "spark_connect", spark_build["work_dir"], demo_landing[0],
                                 spark_build["settings"])


@pytest.mark.slow
@pytest.mark.spark
def test_spark_python_models_bring_no_customer_rows_to_the_driver(spark_build):
    """The code path: collecting a per-customer table's rows raises, its grouped rows come; every Python
    model ran in the build without such a collect: the per-row models with nothing but an empty batch's
    schema on the driver, the grouped ones with one summary row per group."""
    from warehouse_tools.spark_python_models import CollectMeter, PerCustomerCollect, SparkRelation

    spark, meter = spark_build["spark"], CollectMeter()
    summary = SparkRelation.table(spark, "intermediate", "int_customer_clv_summary", "int_customer_clv_scores", meter)
    with pytest.raises(PerCustomerCollect, match="int_customer_clv_scores: reads every row of the per-customer"):
        summary.df()
    with pytest.raises(PerCustomerCollect):
        summary.filter("x > 0").order("customer_id").fetchnumpy()
    customers = spark.table("intermediate.int_customer_clv_summary").count()
    grouped = summary.aggregate("x, t_x, t_age, count(*) as weight", "x, t_x, t_age").fetchnumpy()
    assert 0 < len(grouped["weight"]) < customers and grouped["weight"].sum() == customers

    collected = spark_build["meter"].rows
    python_models = {path.stem for path in PROJECT_DIR.glob("models/**/*.py")}
    assert set(collected) == python_models
    for model in ("int_customer_clv_scores", "int_customer_clv_holdout_scores", "int_customer_clv_holdout_tracking",
                  "int_subscription_contract_scores", "int_partner_customer_keys", "int_subscription_holdout_scores"):
        assert collected[model] < 100, (model, collected[model])  # small tables and parameters only
    # the grouped models: their small inputs (fits, maps) and one summary row per group
    scores = spark.sql("select count(distinct score_name) from intermediate.int_customer_clv_holdout_scores").first()[0]
    assert collected["int_customer_clv_model_comparison"] < 100 + scores + 3
    assert collected["int_customer_clv_recalibration"] == 2 * 6  # two periods, three models, two maps
    assert collected["int_subscription_retention_tracking"] < 100
    # the fits collect exactly the grouped rows, counted here by Spark itself: per period the distinct
    # (x, t_x, T) once for the three purchase models and the distinct contract groups; Gamma-Gamma's
    # (x, zbar) rows stay in the cluster, and each optimiser step brings one row per distinct x
    grouped, spend_xs = [], set()
    for summary_table, contracts_table in (("int_customer_clv_summary", "int_subscription_contracts"),
                                           ("int_customer_clv_calibration", "int_subscription_contracts_calibration")):
        grouped.append(spark.sql(f"select count(distinct x, t_x, t_age) from intermediate.{summary_table}").first()[0])
        grouped.append(spark.sql(f"select count(*) from (select distinct billing_interval, renewal_points, is_active, "
                                 f"renewals from intermediate.{contracts_table})").first()[0])
        spend_xs.add(spark.sql(f"select count(distinct x) from intermediate.{summary_table} "
                               "where x > 0 and mean_repeat_value > 0").first()[0])
    steps = list(spark_build["meter"].collects["int_customer_clv_fits"])
    for rows in grouped:
        steps.remove(rows)
    assert len(steps) > 10 and set(steps) <= spend_xs, (steps, spend_xs)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_partner_keys_on_the_executors_keep_the_secret_out_of_plans_and_logs(spark_build):
    """The partner keys computed on the executors are the HMAC (hashlib's, computed here) of a secret
    that appears in no plan of the query and in no log of the cluster or of dbt."""
    import contextlib
    import hashlib
    import hmac
    import importlib.util
    import io
    import secrets

    from warehouse_tools.spark_python_models import CollectMeter, per_row_frame

    spark, secret = spark_build["spark"], "test-" + secrets.token_hex(16)
    path = PROJECT_DIR / "models/intermediate/partners/int_partner_customer_keys.py"
    spec = importlib.util.spec_from_file_location("keys_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with _environment(PARTNER_HASH_SECRET=secret):
        frame = per_row_frame(module, None, spark, "intermediate.int_partner_customers", CollectMeter(),
                              "int_partner_customer_keys")
    plans = io.StringIO()
    with contextlib.redirect_stdout(plans):
        frame.explain(mode="extended")
        frame.explain(mode="formatted")
    rows = frame.orderBy("partner_id", "customer_id").limit(50).collect()
    assert rows and "customer_key" in plans.getvalue() and secret not in plans.getvalue()
    for row in rows:
        expected = hmac.new(secret.encode(), f"{row.partner_id}:{row.customer_id}".encode(), hashlib.sha256)
        assert row.customer_key == expected.hexdigest() and row.key_secret_source == "environment"
    logs = [path for folder in (spark_build["work_dir"] / "spark", spark_build["work_dir"] / "logs")
            for path in folder.rglob("*") if path.is_file() and path.suffix in (".log", "") and path.stat().st_size < 50e6]
    assert any(path.name == "connect.log" for path in logs)
    assert not [path for path in logs if secret.encode() in path.read_bytes()]


@pytest.mark.slow
@pytest.mark.spark
def test_spark_stops_on_a_landing_table_that_reads_no_file_where_files_are_expected(spark_build, demo_landing,
                                                                                     tmp_path):
    """A misnamed extract (the orders under a name the pattern misses, beside the events) stops the
    cluster build in the landing hook, with the table and RAW_DATA_DIR named; nothing is built empty."""
    from dbt.cli.main import dbtRunner

    raw_dir = Path(shutil.copytree(demo_landing[0], tmp_path / "raw"))
    for path in raw_dir.glob("humanitix/orders_*.jsonl"):
        path.rename(path.with_name(path.name.replace("orders_", "order-export-")))
    messages: list[str] = []
    with _environment(**spark_build["settings"], RAW_DATA_DIR=str(raw_dir)):
        result = dbtRunner(callbacks=[lambda event: messages.append(event.info.msg)]).invoke(
            ["run", "--target", "spark_connect", "--select", "base_humanitix__orders", "--project-dir", str(PROJECT_DIR),
             "--profiles-dir", str(PROJECT_DIR), *_dbt_options(tmp_path)])
    assert not result.success
    expected = f"source humanitix.orders: no landing file matches {raw_dir}/humanitix/orders_*.jsonl"
    assert any(expected in str(text) for text in [result.exception, *messages]), (result.exception, messages[-5:])


@pytest.mark.slow
@pytest.mark.spark
def test_spark_unnest_json_array_equals_the_json_modules_rows(spark_build, tmp_path):
    """Macro unnest_json_array's Spark form (posexplode of from_json as array<string>), compiled by
    dbt-spark for the cluster endpoint and run there, against the rows of Python's json module
    (tests/python/test_unnest_json_array.py, which runs DuckDB's and Postgres' forms). Here, because
    after this module's Spark Connect session the process cannot start the in-process session the
    spark target would compile with (PySparkRuntimeError)."""
    from test_unnest_json_array import check_rows, inline_sql

    with _environment(**spark_build["settings"]):
        result = run_dbt(["compile", "--target", "spark_connect", "--inline", inline_sql()], tmp_path / "unused.duckdb")
    sql = result.result.results[0].node.compiled_code
    assert "posexplode" in sql
    check_rows([tuple(row) for row in spark_build["spark"].sql(sql).collect()])
