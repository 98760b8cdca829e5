#!/usr/bin/env python3
"""The dbt Python models on Spark at scale: bytes collected to the driver and wall time (issue 19).

    warehouse benchmark-spark-cluster 1000000        # customers; appends to docs/benchmarks.md

Synthetic customers (BG/NBD and Gamma-Gamma draws, src/customer_value/simulate.py) are generated
in Spark itself, as the tables the Python models read: int_customer_clv_summary and _calibration
(one row per customer), int_partner_customers (one pair per customer), and the small tables the
scores read (a model comparison choosing BG/NBD, no recalibration map, no contract). Then three
models run, the CLV fits, the CLV scores and the partner keys, each way:

- `cluster`: src/warehouse_tools/spark_python_models.py (grouped summaries, fit on the driver, scoring and keys
  with mapInPandas on the executors, the results written by the cluster);
- `driver`: the way build_on_engine.py ran them before: every table a model refs read whole into
  this process (Arrow), the model run on it, its result sent back with createDataFrame.

Each on a Spark cluster this script starts (src/warehouse_tools/spark_cluster.py, reached through Spark Connect)
and on an in-process session (`local[2]`, a subprocess of this script). Bytes collected are the
Arrow bytes that came to the driver; `sent` the bytes of the results sent from the driver.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from warehouse_tools.project import ROOT
SCHEMA = "bench"
MODELS = {"int_customer_clv_fits": "models/intermediate/customer_value/int_customer_clv_fits.py",
          "int_customer_clv_scores": "models/intermediate/customer_value/int_customer_clv_scores.py",
          "int_partner_customer_keys": "models/intermediate/partners/int_partner_customer_keys.py"}
CONFIG = {"horizon_months": 12, "monthly_discount_rate": 0.01, "churn_horizon_days": 365}


def _generate(spark, customers: int) -> None:
    """The per-customer tables, drawn on the executors (seeded per partition: the same on every run)."""
    def draw(batches):
        import numpy as np
        import pandas as pd

        from customer_value.simulate import simulate_bgnbd, simulate_gamma_gamma

        for batch in batches:
            ids = batch["id"].to_numpy()
            seed = int(ids[0]) if len(ids) else 0
            rng = np.random.default_rng(seed)
            age = rng.uniform(30, 730, len(ids)).round()
            x, t_x = simulate_bgnbd(age, 0.243, 30.9, 0.793, 2.43, seed=seed + 1)
            zbar = simulate_gamma_gamma(x, 6.25, 3.74, 15.44, seed=seed + 2)
            yield pd.DataFrame({"customer_id": [f"c{i:09d}" for i in ids], "x": x.astype("int32"),
                                "t_x": t_x.round().astype("int32"), "t_age": age.astype("int32"),
                                "mean_repeat_value": zbar,
                                "partner_id": np.where(ids % 3 == 0, "p1", "p2")})

    # the types of the warehouse's summaries (macro clv_summary: x, t_x and t_age are integers)
    schema = "customer_id string, x int, t_x int, t_age int, mean_repeat_value double, partner_id string"
    frame = spark.range(0, customers, 1, 8).mapInPandas(draw, schema)
    spark.sql(f"create database if not exists {SCHEMA}")
    frame.drop("partner_id").write.mode("overwrite").format("parquet").saveAsTable(f"{SCHEMA}.int_customer_clv_summary")
    spark.table(f"{SCHEMA}.int_customer_clv_summary").write.mode("overwrite").format("parquet") \
        .saveAsTable(f"{SCHEMA}.int_customer_clv_calibration")
    frame.select("partner_id", "customer_id").write.mode("overwrite").format("parquet") \
        .saveAsTable(f"{SCHEMA}.int_partner_customers")
    small = {
        "int_customer_clv_model_comparison": "select 'bg_nbd' as score_name, cast(1 as bigint) as model_rank",
        "int_customer_clv_recalibration": "select 'bg_nbd' as model, 'full' as period, 'failed' as status, "
                                          "0d as intercept, 0d as slope",
        "int_subscription_contracts": "select 'x' as contract_id, 'c' as customer_id, 'month' as billing_interval, "
                                      "cast(0 as bigint) as renewal_points, true as is_active, "
                                      "cast(0 as bigint) as renewals, 0d as mean_payment_value where false",
    }
    small["int_subscription_contracts_calibration"] = small["int_subscription_contracts"]
    for name, query in small.items():
        spark.sql(f"drop table if exists {SCHEMA}.{name}")
        spark.sql(f"create table {SCHEMA}.{name} using parquet as {query}")


def _manifest(names):
    return SimpleNamespace(nodes={name: SimpleNamespace(resource_type="model", name=name, schema=SCHEMA, alias=name,
                                                        config=SimpleNamespace(enabled=True)) for name in names})


def _load(path: str):
    spec = importlib.util.spec_from_file_location(f"bench_{Path(path).stem}", ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Config(dict):
    def __call__(self, *args, **kwargs):
        return None


def _run_cluster(spark, manifest) -> dict:
    from warehouse_tools.spark_python_models import CollectMeter, run_model

    meter, out = CollectMeter(), {}
    for name, path in MODELS.items():
        node = SimpleNamespace(name=name, schema=SCHEMA, alias=name)  # the scores read these fits
        started = time.perf_counter()
        run_model(_load(path), node, manifest, spark, meter, _Config(CONFIG))
        out[name] = {"seconds": time.perf_counter() - started, "collected": meter.bytes.get(name, 0), "sent": 0,
                     "collects": len(meter.collects.get(name, []))}
    return out


def _run_driver(spark, manifest) -> dict:
    """The former way: each ref read whole into this process, the model on it, its result sent back."""
    import duckdb
    import pyarrow as pa

    out = {}
    for name, path in MODELS.items():
        module, collected = _load(path), [0]
        started = time.perf_counter()
        with duckdb.connect() as con:
            def ref(table, *args, **kwargs):
                arrow = spark.table(f"{SCHEMA}.{table}").toArrow()
                collected[0] += arrow.nbytes
                return con.from_arrow(arrow)

            frame = module.model(SimpleNamespace(ref=ref, config=_Config(CONFIG)), None)
        result = pa.Table.from_pandas(frame, preserve_index=False)
        spark.createDataFrame(result).write.mode("overwrite").format("parquet") \
            .saveAsTable(f"{SCHEMA}.{name}_driver")
        out[name] = {"seconds": time.perf_counter() - started, "collected": collected[0], "sent": result.nbytes}
    return out


def _check_equal(spark) -> float:
    """Largest relative difference of the CLV scores between the two ways (same code, same rows)."""
    row = spark.sql(f"""
        select count(*) as n, max(abs(c.model_clv - d.model_clv) / greatest(abs(d.model_clv), 1e-12)) as clv,
               max(abs(c.p_alive - d.p_alive)) as p_alive,
               sum(case when k.customer_key <> kd.customer_key then 1 else 0 end) as keys
        from {SCHEMA}.int_customer_clv_scores c
        join {SCHEMA}.int_customer_clv_scores_driver d using (customer_id)
        join {SCHEMA}.int_partner_customer_keys k using (customer_id)
        join {SCHEMA}.int_partner_customer_keys_driver kd using (customer_id, partner_id)""").collect()[0]
    if row.keys or not (row.clv or 0) <= 1e-9 or not (row.p_alive or 0) <= 1e-12:
        raise SystemExit(f"the two ways differ: {row}")
    return float(row.clv or 0)


def measure(spark, customers: int) -> dict:
    started = time.perf_counter()
    _generate(spark, customers)
    generated = time.perf_counter() - started
    manifest = _manifest(["int_customer_clv_summary", "int_customer_clv_calibration", "int_partner_customers",
                          "int_customer_clv_model_comparison", "int_customer_clv_recalibration",
                          "int_subscription_contracts", "int_subscription_contracts_calibration", "int_customer_clv_fits"])
    _progress(f"{customers} customers generated in {generated:.0f} s")
    cluster = _run_cluster(spark, manifest)
    _progress(f"cluster path: {json.dumps(cluster)}")
    driver = _run_driver(spark, manifest)
    _progress(f"former driver path: {json.dumps(driver)}")
    return {"generate_seconds": generated, "cluster": cluster, "driver": driver, "max_clv_difference": _check_equal(spark)}


def _progress(line: str) -> None:
    """A stage's figures on stderr as soon as they are measured (a long run that is stopped keeps them)."""
    print(f"[{dt.datetime.now(dt.timezone.utc):%H:%M:%S}, load {os.getloadavg()[0]:.1f}] {line}", file=sys.stderr,
          flush=True)


def _in_process(customers: int, work_dir: Path) -> dict:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    # a former run's tables: this session's catalog is in memory, and would refuse their folders
    shutil.rmtree(work_dir / "warehouse", ignore_errors=True)
    spark = (SparkSession.builder.master("local[2]").config("spark.sql.warehouse.dir", str(work_dir / "warehouse"))
             .config("spark.driver.memory", "4g").config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work_dir}").getOrCreate())
    try:
        return measure(spark, customers)
    finally:
        spark.stop()


def _table(customers: int, results: dict) -> str:
    lines = ["| where | model | cluster path: collected to driver | time | former driver path: collected | sent back | time |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for where, result in results.items():
        for name in MODELS:
            c, d = result["cluster"][name], result["driver"][name]
            lines.append(f"| {where} | {name} | {c['collected'] / 1e6:.2f} MB ({c.get('collects', 0)} collects) | "
                         f"{c['seconds']:.1f} s | "
                         f"{d['collected'] / 1e6:.1f} MB | {d['sent'] / 1e6:.1f} MB | {d['seconds']:.1f} s |")
        total_c = sum(r["collected"] for r in result["cluster"].values())
        total_d = sum(r["collected"] + r["sent"] for r in result["driver"].values())
        lines.append(f"| {where} | **all three** | **{total_c / 1e6:.2f} MB** | "
                     f"{sum(r['seconds'] for r in result['cluster'].values()):.1f} s | "
                     f"{sum(r['collected'] for r in result['driver'].values()) / 1e6:.1f} MB | "
                     f"{sum(r['sent'] for r in result['driver'].values()) / 1e6:.1f} MB | "
                     f"{sum(r['seconds'] for r in result['driver'].values()):.1f} s |")
        lines.append(f"| {where} | (through the driver: {total_d / 1e6:.0f} MB before, {total_c / 1e6:.2f} MB now; "
                     f"largest CLV difference between the two ways {result['max_clv_difference']:.1e}) | | | | | |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("customers", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--in-process-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-docs", action="store_true", help="print the table, do not append it to docs/benchmarks.md")
    args = parser.parse_args(argv)
    work_dir = Path(os.environ.get("SPARK_WORK_DIR", "/tmp/customer_warehouse_spark")) / "benchmark"
    # the partner keys of synthetic customers: a secret of this run (the subprocess inherits it)
    os.environ.setdefault("PARTNER_HASH_SECRET", secrets.token_hex(32))
    if args.in_process_only:
        print(json.dumps(_in_process(args.customers, work_dir / "in_process")))
        return 0

    from warehouse_tools.spark_cluster import running_cluster

    results, started = {}, time.perf_counter()
    with running_cluster(work_dir / "cluster", worker_memory="3g", driver_memory="3g") as cluster:
        os.environ["SPARK_REMOTE"] = cluster.remote
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
        try:
            results["cluster (Spark Connect, 1 worker, 2 cores)"] = measure(spark, args.customers)
        finally:
            spark.stop()
            os.environ.pop("SPARK_REMOTE")
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED")}
    with tempfile.TemporaryFile("w+") as out:
        subprocess.run([sys.executable, __file__, str(args.customers), "--in-process-only"], stdout=out, env=env,
                       check=True)
        out.seek(0)
        results["in-process session (local[2])"] = json.loads(out.read().strip().splitlines()[-1])
    table = _table(args.customers, results)
    section = (f"\n## dbt Python models on Spark: cluster against driver (issue 19, {dt.date.today()}, 2 cores, shared)\n\n"
               f"`warehouse benchmark-spark-cluster {args.customers}`: {args.customers:,} synthetic customers "
               f"(one summary row and one partner pair each), the CLV fits, CLV scores and partner keys; total "
               f"{time.perf_counter() - started:.0f} s.\n\n{table}\n")
    print(section)
    if not args.no_docs:
        with (ROOT / "docs" / "benchmarks.md").open("a") as docs:
            docs.write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
