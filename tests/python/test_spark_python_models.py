"""The Python models' Spark path without Spark (src/warehouse_tools/spark_python_models.py, docs/engines.md).

SparkRelation only writes SQL and asks `spark.sql(query).toArrow()` for rows; here a DuckDB
connection answers that (the SQL these models write is the same in both dialects), so the guard
against collecting a per-customer table, and the per-row split that lets `score()` run on batches,
are checked in `make test`. The cluster itself is checked in test_engines.py (`make test-spark`).
"""

from __future__ import annotations

import importlib.util

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_DIR
from warehouse_tools.spark_python_models import CollectMeter, PerCustomerCollect, SparkRelation


class _DuckDBAsSpark:
    """spark.sql(query).toArrow() answered by DuckDB (backticks become double quotes), and the few
    DataFrame methods of SparkRelation.chunks(): rows hashed into partitions by a column, sorted within
    them, and mapInPandas over each partition in batches of 500 rows. `mapped` keeps the row count of
    every mapInPandas result the driver collected."""

    conf = type("Conf", (), {"get": lambda _, key: {"spark.sql.shuffle.partitions": "3"}[key]})()

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.mapped: list[int] = []

    def sql(self, query: str):
        return _Frame(self, self.connection.sql(query.replace("`", '"')).fetch_arrow_table())


class _Frame:
    def __init__(self, spark: _DuckDBAsSpark, rows, partitions: list | None = None):
        self.spark, self.rows, self.partitions = spark, rows, partitions

    def toArrow(self):
        return self.rows

    def repartition(self, count: int, column: str):
        rows = self.rows.to_pandas()
        owner = (rows[column].to_numpy().astype(np.int64) * 2654435761) % count
        return _Frame(self.spark, self.rows, [rows[owner == part] for part in range(count)][::-1])

    def sortWithinPartitions(self, *columns):
        return _Frame(self.spark, self.rows, [part.sort_values(list(columns)) for part in self.partitions])

    def persist(self):
        return self

    def unpersist(self):
        self.partitions = None

    def mapInPandas(self, function, schema: str):
        import pyarrow as pa

        out = [frame for part in self.partitions
               for frame in function(iter([part.iloc[start:start + 500] for start in range(0, len(part), 500)]))]
        names = [column.split()[0] for column in schema.split(", ")]
        rows = pd.concat(out, ignore_index=True) if out else pd.DataFrame({name: [] for name in names}, dtype=float)
        self.spark.mapped.append(len(rows))
        return _Frame(self.spark, pa.Table.from_pandas(rows, preserve_index=False))


def _load(path: str):
    spec = importlib.util.spec_from_file_location(f"spark_path_{path.rsplit('/', 1)[-1][:-3]}", PROJECT_DIR / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def summary_connection() -> duckdb.DuckDBPyConnection:
    from customer_value.simulate import simulate_bgnbd, simulate_gamma_gamma

    rng = np.random.default_rng(7)
    age = rng.choice([91.0, 182.0, 364.0, 728.0], 3000)  # cohorts, and purchase times in weeks: summaries repeat
    x, t_x = simulate_bgnbd(age, 0.243, 30.9, 0.793, 2.43, seed=8)
    frame = pd.DataFrame({"customer_id": [f"c{i:05d}" for i in range(len(age))], "x": x, "t_x": (t_x / 7).round() * 7,
                          "t_age": age, "mean_repeat_value": simulate_gamma_gamma(x, 6.25, 3.74, 15.44, seed=9)})
    connection = duckdb.connect()
    connection.register("summary_frame", frame)
    connection.sql("create table int_customer_clv_summary as select * from summary_frame")
    connection.sql("create table int_customer_clv_calibration as select * from summary_frame")
    connection.sql("create table int_subscription_contracts as select 'k1' as contract_id, 'c1' as customer_id, "
                   "'month' as billing_interval, 3 as renewal_points, true as is_active, 3 as renewals")
    connection.sql("create table int_subscription_contracts_calibration as select * from int_subscription_contracts")
    return connection


def _relation(connection, table: str, model: str, meter: CollectMeter, spark=None) -> SparkRelation:
    columns = [row[0] for row in connection.sql(f"describe {table}").fetchall()]
    return SparkRelation(spark or _DuckDBAsSpark(connection), f"select * from {table}", table,
                         "customer_id" in columns or "contract_id" in columns, model, meter)


def test_a_per_customer_table_reaches_the_driver_only_grouped(summary_connection):
    meter = CollectMeter()
    summary = _relation(summary_connection, "int_customer_clv_summary", "int_customer_clv_scores", meter)
    with pytest.raises(PerCustomerCollect, match="int_customer_clv_scores: reads every row of the per-customer table "
                                                 "int_customer_clv_summary"):
        summary.df()
    with pytest.raises(PerCustomerCollect):
        summary.filter("x > 0").order("customer_id").fetchnumpy()
    grouped = summary.aggregate("x, count(*) as weight", "x").order("x").fetchnumpy()
    assert grouped["weight"].sum() == 3000 and len(grouped["x"]) < 100
    assert meter.rows == {"int_customer_clv_scores": len(grouped["x"])}
    # no model may read a per-customer table's rows: the ones that did (recalibration, comparison, subscription
    # holdout) are refused like any other
    for model in ("int_customer_clv_recalibration", "int_customer_clv_model_comparison",
                  "int_subscription_retention_tracking"):
        with pytest.raises(PerCustomerCollect):
            _relation(summary_connection, "int_customer_clv_summary", model, meter).df()


def test_every_python_model_works_on_per_customer_rows_only_in_the_cluster():
    """The code path on Spark (spark_python_models.run_model): a model either scores rows on the executors
    (PER_ROW_INPUT), summarises groups there (GROUPED_INPUTS), or runs model() on the driver with
    SparkRelation refs that refuse per-customer rows; the last kind is only the fits, which group first."""
    kinds = {}
    for path in sorted(PROJECT_DIR.glob("models/**/*.py")):
        module = _load(str(path.relative_to(PROJECT_DIR)))
        kinds[path.stem] = ("per_row" if hasattr(module, "PER_ROW_INPUT") else
                            "grouped" if hasattr(module, "GROUPED_INPUTS") else "driver")
        if kinds[path.stem] == "grouped":
            assert callable(module.summarise) and callable(module.finish)
    assert [name for name, kind in kinds.items() if kind == "driver"] == ["int_customer_clv_fits"]
    assert {name for name, kind in kinds.items() if kind == "grouped"} == {
        "int_customer_clv_recalibration", "int_customer_clv_model_comparison", "int_subscription_retention_tracking"}


def test_the_fits_model_runs_on_grouped_rows_and_the_scores_model_would_not(summary_connection):
    """The fits model as it runs on Spark (its refs SparkRelations) collects only grouped rows and, for
    Gamma-Gamma, per-x sums of the rows kept in the cluster, with the fits of the whole arrays; the
    scores model's whole-table model() would read the summary into the driver, and is refused: on
    Spark it runs as score() on the executors instead."""
    meter = CollectMeter()

    class Dbt:
        def __init__(self, model: str):
            self.model = model
            self.config = type("Config", (), {"__call__": lambda *a, **k: None,
                                               "get": lambda _, key, default=None: {"horizon_months": 12,
                                                   "monthly_discount_rate": 0.01, "churn_horizon_days": 365}[key]})()

        def ref(self, name: str) -> SparkRelation:
            return _relation(summary_connection, name, self.model, meter, spark)

    class DuckDB(Dbt):
        def ref(self, name: str):
            return summary_connection.table(name)

    spark = _DuckDBAsSpark(summary_connection)
    fits = _load("models/intermediate/customer_value/int_customer_clv_fits.py").model(Dbt("int_customer_clv_fits"), None)
    assert set(fits["status"]) <= {"fitted", "failed"} and (fits["model"] == "bg_nbd").any()
    # exactly the grouped rows: per period the distinct (x, t_x, T) once for the three purchase models, Gamma-Gamma
    # on distinct (x, zbar) of repeat buyers (both periods hold the same table), plus the one contract group
    # of each period
    purchase_groups = summary_connection.sql(
        "select count(*) from (select distinct x, t_x, t_age from int_customer_clv_summary)").fetchone()[0]
    spend_xs = summary_connection.sql("select count(distinct x) from int_customer_clv_summary "
                                      "where x > 0 and mean_repeat_value > 0").fetchone()[0]
    assert purchase_groups < 1000
    # Gamma-Gamma's (x, zbar) rows stay in the cluster: per optimiser step one row per distinct x comes back
    mapped = spark.mapped
    assert len(mapped) > 10 and set(mapped) == {spend_xs}
    assert meter.rows["int_customer_clv_fits"] == 2 * (purchase_groups + 1) + sum(mapped)
    # and the fits are those of the whole arrays (DuckDB's path), to the bit
    fits_model = _load("models/intermediate/customer_value/int_customer_clv_fits.py")
    on_duckdb = fits_model.model(DuckDB("int_customer_clv_fits"), None)
    pd.testing.assert_frame_equal(fits.drop(columns="fit_seconds"), on_duckdb.drop(columns="fit_seconds"),
                                  check_exact=True)
    assert (fits.loc[fits["model"] == "gamma_gamma", "status"] == "fitted").all()
    with pytest.raises(PerCustomerCollect):
        _load("models/intermediate/customer_value/int_customer_clv_scores.py").model(Dbt("int_customer_clv_scores"), None)


def test_scores_on_batches_equal_the_scores_of_the_whole_table(summary_connection):
    """What makes mapInPandas correct: score() of any split of the rows is score() of the whole table."""
    from customer_value import churn, fit_gamma_gamma

    scores = _load("models/intermediate/customer_value/int_customer_clv_scores.py")
    summary = summary_connection.sql("select * from int_customer_clv_summary order by customer_id").df()
    x, t_x, age, zbar = (summary[name].to_numpy(float) for name in ("x", "t_x", "t_age", "mean_repeat_value"))
    fit = churn.fit_model("bg_nbd", x, t_x, age)
    repeat = (x > 0) & (zbar > 0)
    params = {"horizon_months": 12, "discount_rate": 0.01, "churn_days": 365.0,
              "chosen": ("bg_nbd", "bg_nbd", fit, lambda p, *_: p),
              "gamma_gamma": fit_gamma_gamma(x[repeat], zbar[repeat])}
    whole = scores.score(summary, params)
    batches = pd.concat([scores.score(summary.iloc[start:start + 700], params) for start in range(0, 3000, 700)])
    pd.testing.assert_frame_equal(whole, batches.reset_index(drop=True))
    assert whole["clv_method"].eq("bg_nbd_gamma_gamma").mean() > 0.9


def _as_on_spark(module, dbt, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """What spark_python_models.grouped_summaries does, without Spark: summarise() per group, the
    groups' rows shuffled and the groups in reverse order, the summaries through Arrow (as the
    executors' output comes to the driver), then finish()."""
    import pyarrow as pa

    params = module.parameters(dbt) if hasattr(module, "parameters") else {}
    summaries = {}
    for name, keys in module.GROUPED_INPUTS.items():
        shuffled = tables[name].sample(frac=1.0, random_state=3).reset_index(drop=True)
        groups = [group for _, group in shuffled.groupby(list(keys))][::-1]
        parts = [module.summarise(name, group, params) for group in groups] + [module.summarise(name, shuffled.iloc[:0], params)]
        summaries[name] = pa.Table.from_pandas(pd.concat(parts, ignore_index=True), preserve_index=False).to_pandas()
    return module.finish(summaries, params)


def test_grouped_models_summarised_per_group_equal_the_whole_table(summary_connection):
    """What makes applyInPandas correct: summarise() of each group, whatever the order of the groups and
    of their rows, then finish(), is the model of the whole table, to the bit."""
    rng = np.random.default_rng(11)
    summary = summary_connection.sql("select * from int_customer_clv_summary").df()
    inner = pd.concat([summary.assign(period=period, inner_days=91,
                                      has_no_inner_purchase=rng.random(len(summary)) < share)
                       for period, share in (("calibration", 0.6), ("full", 0.5))], ignore_index=True)

    class Dbt:
        config = type("Config", (), {"__call__": lambda *a, **k: None})()

        def __init__(self, tables: dict):
            self.tables = tables

        def ref(self, name: str):
            return summary_connection.from_df(self.tables[name])

    recalibration = _load("models/intermediate/customer_value/int_customer_clv_recalibration.py")
    tables = {"int_customer_clv_inner_summary": inner}
    maps = recalibration.model(Dbt(tables), None)
    assert (maps["status"] == "fitted").sum() >= 8
    pd.testing.assert_frame_equal(_as_on_spark(recalibration, Dbt(tables), tables), maps, check_exact=True)

    # the comparison, on scores of the customers: one model, its two maps, a ranking and a probability baseline
    outcome = rng.random(len(summary)) < 0.55
    probability = np.clip(0.55 + 0.3 * (outcome - 0.5) + rng.normal(0, 0.2, len(summary)), 0.01, 0.99)
    scores = pd.concat([summary[["customer_id"]].assign(
        score_name=name, score_kind=kind, is_probability=is_probability, churn_score=values,
        predicted_purchases=np.where(is_probability, rng.poisson(1.0, len(summary)), np.nan).astype(float),
        holdout_purchases=rng.poisson(1.0, len(summary)), has_no_holdout_purchase=outcome)
        for name, kind, is_probability, values in (
            ("bg_nbd", "model", True, probability), ("bg_nbd_recalibrated", "model", True, probability ** 1.1),
            ("bg_nbd_stacked", "model", True, probability ** 0.9), ("recency", "baseline", False, -summary["x"]),
            ("rule", "baseline", True, np.full(len(summary), 0.5)))], ignore_index=True)
    contracts = scores[scores["score_name"].isin(["bg_nbd", "recency"])].groupby("score_name").head(200).rename(columns={
        "customer_id": "contract_id", "has_no_holdout_purchase": "has_lapsed_in_holdout",
        "holdout_purchases": "renewals_in_holdout", "predicted_purchases": "expected_renewals_in_holdout"})
    contracts["score_name"] = contracts["score_name"].map({"bg_nbd": "sbg", "recency": "contract_tenure"})
    fits = pd.DataFrame({"model": ["bg_nbd", "mbg_nbd", "pareto_nbd", "sbg_month"], "period": "calibration",
                         "status": ["fitted", "failed", "failed", "fitted"], "message": ["ok", "too few", "too few", ""]})
    recalibration_maps = maps[maps["period"] == "calibration"].reset_index(drop=True)
    tables = {"int_customer_clv_holdout_scores": scores, "int_subscription_holdout_scores": contracts,
              "int_customer_clv_fits": fits, "int_customer_clv_recalibration": recalibration_maps}
    comparison = _load("models/intermediate/customer_value/int_customer_clv_model_comparison.py")
    whole = comparison.model(Dbt(tables), None)
    assert whole["is_chosen"].sum() == 1 and whole["auc"].notna().sum() == 7
    pd.testing.assert_frame_equal(_as_on_spark(comparison, Dbt(tables), tables), whole, check_exact=True)
