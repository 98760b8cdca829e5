"""Build the warehouse on Apache Spark or PostgreSQL (docs/engines.md).

    warehouse build-on-engine --target spark      # make build-spark
    warehouse build-on-engine --target postgres   # make build-postgres

--target names an output of profiles.yml whose type is spark or postgres.

dbt-spark and dbt-postgres cannot run dbt Python models (dbt-spark only on Databricks), so the
build runs in three steps, in this one process:

1. `dbt build` of everything except the Python models and what depends on them;
2. the Python models (tag python_model), each model's own file imported, in dependency order:
   - on Spark (in-process, or a cluster through Spark Connect with SPARK_REMOTE set) in the cluster,
     src/warehouse_tools/spark_python_models.py: summaries grouped there, fits on the driver, per-row scores
     and partner keys on the executors with mapInPandas, results written by the cluster;
   - on Postgres on the driver: `model(dbt, session)` called with a small stand-in for dbt's
     object, whose `ref()` reads the referenced table into an in-memory DuckDB relation (the
     models use DuckDB's relation API, as they do on DuckDB); the returned DataFrame is written
     to the model's table;
3. `dbt build` of what depends on the Python models (and the Python models' data tests).

The same code computes the same results: customer_key stays an HMAC keyed with
PARTNER_HASH_SECRET (read here, never written to SQL), and the CLV fits run on the same summaries.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse_tools import source_registry
from warehouse_tools.project import ROOT

PYTHON_TAG = "python_model"
ENGINES = ("spark", "postgres")


class EngineBuildError(RuntimeError):
    """A step of the build failed; the message names the step and carries dbt's last log lines."""


def _dbt(args: Sequence[str], dbt_options: Sequence[str], log: Callable[[str], None]):
    from dbt.cli.main import dbtRunner

    messages: list[str] = []

    def collect(event) -> None:
        text = event.info.msg
        if text and event.info.level in ("info", "warn", "error"):
            messages.append(text)

    defaults = {"--project-dir": str(ROOT), "--profiles-dir": os.environ.get("DBT_PROFILES_DIR", str(ROOT))}
    full_args = [*args, *dbt_options]
    for option, value in defaults.items():
        if option not in dbt_options:
            full_args += [option, value]
    result = dbtRunner(callbacks=[collect]).invoke(full_args)
    if not result.success:
        tail = "\n".join(messages[-60:])
        raise EngineBuildError(f"dbt {' '.join(args)} failed ({result.exception!r}):\n{tail}")
    return result


def step_args(engine: str, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """The dbt selection of each step, leaving out `exclude` (dbt selectors). Spark skips the unit tests
    whose fixtures are SQL in the DuckDB/Postgres dialect (tag sql_fixture)."""
    skip = [*(["tag:sql_fixture"] if engine == "spark" else []), *exclude]
    return {
        "before": ["--exclude", f"tag:{PYTHON_TAG}+", *skip],
        "after": ["--select", f"tag:{PYTHON_TAG}+", "--exclude", f"tag:{PYTHON_TAG}", *skip],
    }


def build(target: str, dbt_options: Sequence[str] = (), log: Callable[[str], None] = print,
          meter=None, exclude: Sequence[str] = ()) -> dict[str, float]:
    """The three steps on the profile output `target`; returns the seconds each took. On Spark, `meter`
    (a spark_python_models.CollectMeter) counts what the Python models collected to the driver.
    `exclude`: dbt selectors the two dbt builds leave out (resource_type:test: the models only)."""
    engine = _target_type(target, dbt_options)
    if engine not in ENGINES:
        raise EngineBuildError(f"target {target} is a {engine} target: this builds on {' or '.join(ENGINES)}")
    if engine == "spark":
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # the Python workers of an in-process Spark: this interpreter, where make install put the numerics package
        # (a cluster's executors are configured by the cluster, src/warehouse_tools/spark_cluster.py)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # dbt-spark asks every session for Hive support; a Spark Connect server has its catalog already
        # and says so on every statement
        warnings.filterwarnings("ignore", message="Failed to set spark.sql.catalogImplementation")
    source_registry.write(ROOT)  # what make does before dbt: the registry macro from the sources' YAML
    options = ["--target", target, *dbt_options]
    selection = step_args(engine, exclude)
    timings = {}

    started = time.perf_counter()
    log(f"==> 1/3 dbt build on {target}, except the Python models and what depends on them")
    _dbt(["build", *selection["before"]], options, log)
    timings["dbt build"] = time.perf_counter() - started

    started = time.perf_counter()
    where = "in the cluster (per-row work on the executors)" if engine == "spark" else "on the driver"
    log(f"==> 2/3 the dbt Python models {where}, written to {target}")
    manifest = _dbt(["parse"], options, lambda _: None).result
    run_python_models(manifest, target, dbt_options, log, meter)
    timings["python models"] = time.perf_counter() - started

    started = time.perf_counter()
    log(f"==> 3/3 dbt build of what depends on the Python models on {target}")
    _dbt(["build", *selection["after"]], options, log)
    timings["dbt build after"] = time.perf_counter() - started
    return timings


# --- the Python models on the driver ---------------------------------------------------------

def python_models_in_order(manifest) -> list:
    """The enabled dbt Python models of this project, each after the Python models it refs."""
    nodes = {uid: node for uid, node in manifest.nodes.items()
             if node.resource_type == "model" and node.language == "python" and node.package_name == "customer_warehouse"}
    ordered, done = [], set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        for parent in nodes[uid].depends_on.nodes:
            if parent in nodes:
                visit(parent)
        done.add(uid)
        ordered.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return ordered


class _Config:
    """dbt.config in a Python model: a call sets configuration (already known from the manifest),
    .get() reads the model's configuration."""

    def __init__(self, config: dict[str, Any]):
        self._config = config

    def __call__(self, *args, **kwargs) -> None:
        return None

    def get(self, key: str, default: Any = None) -> Any:
        return self._config.get(key, default)


class _DbtStandIn:
    """The `dbt` argument of a Python model: ref() gives a DuckDB relation over the engine's table."""

    def __init__(self, node, manifest, engine: "_Engine", con: duckdb.DuckDBPyConnection):
        self.config = _Config(node.config.to_dict())
        self._manifest, self._engine, self._con = manifest, engine, con

    def ref(self, name: str, *args, **kwargs) -> duckdb.DuckDBPyRelation:
        target = ref_node(self._manifest, name)
        return self._con.from_arrow(self._engine.read(target.schema, target.alias))


def ref_node(manifest, name: str):
    """The enabled model or seed `ref(name)` points at."""
    matches = [node for node in manifest.nodes.values()
               if node.resource_type in ("model", "seed") and node.name == name and node.config.enabled]
    if len(matches) != 1:
        raise EngineBuildError(f"ref('{name}') matches {len(matches)} nodes")
    return matches[0]


def run_python_models(manifest, target: str, dbt_options: Sequence[str], log: Callable[[str], None],
                      meter=None) -> None:
    """Runs the Python models in dependency order: on Spark in the cluster (src/warehouse_tools/spark_python_models.py,
    `meter` counting what comes to the driver), on Postgres on the driver."""
    engine = _Engine.connect(target, dbt_options)
    try:
        spark = isinstance(engine, _SparkEngine)
        if spark and meter is None:
            from warehouse_tools.spark_python_models import CollectMeter

            meter = CollectMeter()
        for node in python_models_in_order(manifest):
            started = time.perf_counter()
            spec = importlib.util.spec_from_file_location(f"python_model_{node.name}", ROOT / node.original_file_path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if spark:
                from warehouse_tools.spark_python_models import run_model

                log("    " + run_model(module, node, manifest, engine.spark, meter, _Config(node.config.to_dict())))
                continue
            with duckdb.connect() as con:
                frame = module.model(_DbtStandIn(node, manifest, engine, con), None)
                if isinstance(frame, duckdb.DuckDBPyRelation):
                    frame = frame.df()
            engine.write(node.schema, node.alias, pa.Table.from_pandas(frame, preserve_index=False))
            log(f"    {node.schema}.{node.alias}: {len(frame)} rows ({time.perf_counter() - started:.1f} s)")
    finally:
        engine.close()


class _Engine:
    """Reads and writes whole tables on the target engine, as Arrow tables."""

    @staticmethod
    def connect(target: str, dbt_options: Sequence[str]) -> "_Engine":
        credentials = _profile_credentials(target, dbt_options)
        return _SparkEngine(credentials) if credentials.type == "spark" else _PostgresEngine(credentials)

    def close(self) -> None:
        pass


class _SparkEngine(_Engine):
    """The Python models' session: the in-process one dbt started (method session), or, with
    SPARK_REMOTE set, a Spark Connect session on the cluster dbt built on (its catalog)."""

    def __init__(self, credentials):
        from pyspark.sql import SparkSession

        # dbt ran in this process: its session (and the Derby metastore's lock) is the one to use
        builder = SparkSession.builder
        if not os.environ.get("SPARK_REMOTE"):
            builder = builder.enableHiveSupport()
        for key, value in credentials.server_side_parameters.items():
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate()


class _PostgresEngine(_Engine):
    TYPES = [(pa.types.is_boolean, "boolean"), (pa.types.is_integer, "bigint"), (pa.types.is_floating, "double precision"),
             (pa.types.is_timestamp, "timestamp"), (pa.types.is_date, "date"), (pa.types.is_decimal, "numeric"),
             (pa.types.is_string, "text"), (pa.types.is_large_string, "text")]

    def __init__(self, credentials):
        import psycopg2

        self.connection = psycopg2.connect(host=credentials.host, port=credentials.port, user=credentials.user,
                                           password=credentials.password, dbname=credentials.database)

    def read(self, schema: str, table: str) -> pa.Table:
        from psycopg2 import sql

        with self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("select * from {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
            names = [column.name for column in cursor.description]
            rows = cursor.fetchall()
        return pa.table({name: pa.array([row[i] for row in rows]) for i, name in enumerate(names)})

    def write(self, schema: str, table: str, data: pa.Table) -> None:
        from psycopg2 import sql
        from psycopg2.extras import execute_values

        columns = []
        for field in data.schema:
            sql_type = next((name for test, name in self.TYPES if test(field.type)), None)
            if sql_type is None:
                raise EngineBuildError(f"{schema}.{table}.{field.name}: no Postgres type for {field.type}")
            columns.append(sql.SQL("{} {}").format(sql.Identifier(field.name), sql.SQL(sql_type)))
        relation = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            cursor.execute(sql.SQL("drop table if exists {} cascade").format(relation))
            cursor.execute(sql.SQL("create table {} ({})").format(relation, sql.SQL(", ").join(columns)))
            rows = [tuple(row.values()) for row in data.to_pylist()]
            execute_values(cursor, sql.SQL("insert into {} values %s").format(relation).as_string(cursor), rows)

    def close(self) -> None:
        self.connection.close()


def _profiles_dir(dbt_options: Sequence[str]) -> str:
    options = list(dbt_options)
    if "--profiles-dir" in options:
        return options[options.index("--profiles-dir") + 1]
    return os.environ.get("DBT_PROFILES_DIR", str(ROOT))


def _target_type(target: str, dbt_options: Sequence[str]) -> str:
    """The adapter type of an output of profiles.yml (spark, postgres, duckdb)."""
    import yaml

    profiles = yaml.safe_load((Path(_profiles_dir(dbt_options)) / "profiles.yml").read_text())
    output = profiles["customer_warehouse"]["outputs"].get(target)
    if output is None:
        raise EngineBuildError(f"profiles.yml has no output {target!r}")
    return output["type"]


def _profile_credentials(target: str, dbt_options: Sequence[str]):
    """The target's credentials as dbt reads them from profiles.yml (env vars rendered); call it
    after a dbt command ran in this process (it needs dbt's flags)."""
    from dbt.adapters.factory import load_plugin
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(os.environ)  # what env_var() in profiles.yml reads
    load_plugin(_target_type(target, dbt_options))
    raw = read_profile(_profiles_dir(dbt_options))
    profile = Profile.from_raw_profiles(raw, "customer_warehouse", ProfileRenderer({}), target_override=target)
    return profile.credentials


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="an output of profiles.yml of type spark or postgres")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        timings = build(args.target)
    except EngineBuildError as error:
        print(error, file=sys.stderr)
        return 1
    steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    print(f"==> built on {args.target} in {time.perf_counter() - started:.0f} s ({steps})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
