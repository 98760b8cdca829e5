"""The dbt Python models on Spark: the per-customer work in the cluster (docs/engines.md).

src/warehouse_tools/build_on_engine.py calls `run_model` for each Python model on a spark target (in-process
session or a cluster through Spark Connect). Three kinds of model:

- a model with PER_ROW_INPUT (scores of customers, contracts, partner pairs): `parameters(dbt)`
  runs once on the driver and reads small tables only (fits, maps, configuration); `score(frame,
  parameters)` runs on the executors with `mapInPandas` over batches of PER_ROW_INPUT (its decimals
  as doubles, as DuckDB's `.df()` gives them on the other engines), the parameters travelling
  inside the serialised function (Spark Connect has no broadcast variables; this is how a small
  value reaches every task). A model with SUM_BY returns per-batch sums, added up in the cluster.
  The result is written by the cluster; nothing per customer passes through the driver.
- a model with GROUPED_INPUTS ({table: group keys}; the holdout metrics, the inner-split
  recalibration, the retention tracking): `summarise(table, group, parameters)` runs on the
  executors once per group of each table (`applyInPandas`), with all of the group's rows, and
  returns a few rows; `finish(summaries, parameters)` makes the model's table from them on the
  driver. The same functions run on DuckDB and Postgres, over pandas' groups of the whole table.
- any other model (the fits, which group their summaries in the cluster through the relation API)
  runs on the driver as on DuckDB, its `dbt.ref()` being a `SparkRelation`. The fits collect the
  purchase models' grouped (x, t_x, T) rows; Gamma-Gamma's (x, zbar) rows do not group (zbar is a
  continuous mean), so they stay in the cluster (`chunks()`) and only per-x sums come back.

`SparkRelation` is the part of DuckDB's relation API the models use (`filter`, `aggregate`, `order`,
`df`, `fetchnumpy`), as SQL the cluster runs, plus `chunks()`: rows kept in the cluster for a function
summed per partition on the executors (the Gamma-Gamma likelihood, one Spark job per optimiser step).
Collecting rows of a per-customer table (one with a customer_id or contract_id column) that were not
aggregated first raises PerCustomerCollect, for every model. Every collect is counted (rows, Arrow bytes) in a CollectMeter.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyarrow as pa

PER_CUSTOMER_COLUMNS = ("customer_id", "contract_id")


class PerCustomerCollect(RuntimeError):
    """A Python model asked for a per-customer table's rows on the driver."""


@dataclass
class CollectMeter:
    """Rows and Arrow bytes collected to the driver, per model, and the rows of each collect."""

    rows: dict[str, int] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    collects: dict[str, list[int]] = field(default_factory=dict)

    def add(self, model: str, table: pa.Table) -> None:
        self.rows[model] = self.rows.get(model, 0) + table.num_rows
        self.bytes[model] = self.bytes.get(model, 0) + table.nbytes
        self.collects.setdefault(model, []).append(table.num_rows)


def _naive_utc(table: pa.Table) -> pa.Table:
    """Spark's timestamps are instants shown in the session zone (UTC): naive UTC, as on DuckDB."""
    columns = [column.cast(pa.timestamp("us")) if pa.types.is_timestamp(column.type) else column
               for column in table.columns]
    return pa.table(columns, names=table.column_names)


class SparkRelation:
    """A query on the cluster with DuckDB's relation methods; rows come to the driver only through
    df() and fetchnumpy(), and not those of a per-customer table that was not aggregated."""

    def __init__(self, spark, sql: str, name: str, per_customer: bool, model: str, meter: CollectMeter):
        self.spark, self.sql, self.name, self.per_customer = spark, sql, name, per_customer
        self.model, self.meter = model, meter

    @classmethod
    def table(cls, spark, schema: str, table: str, model: str, meter: CollectMeter) -> "SparkRelation":
        columns = spark.table(f"`{schema}`.`{table}`").columns
        return cls(spark, f"select * from `{schema}`.`{table}`", table,
                   any(name in columns for name in PER_CUSTOMER_COLUMNS), model, meter)

    def _derived(self, sql: str, per_customer: bool | None = None) -> "SparkRelation":
        return SparkRelation(self.spark, sql, self.name, self.per_customer if per_customer is None else per_customer,
                             self.model, self.meter)

    def filter(self, condition: str) -> "SparkRelation":
        return self._derived(f"select * from ({self.sql}) where {condition}")

    def aggregate(self, expressions: str, groups: str) -> "SparkRelation":
        return self._derived(f"select {expressions} from ({self.sql}) group by {groups}", per_customer=False)

    def order(self, keys: str) -> "SparkRelation":
        return self._derived(f"select * from ({self.sql}) order by {keys}")

    def _collect(self) -> pa.Table:
        if self.per_customer:
            raise PerCustomerCollect(
                f"{self.model}: reads every row of the per-customer table {self.name} into the driver; group it "
                "in the cluster (aggregate) or work on it on the executors (PER_ROW_INPUT, GROUPED_INPUTS, "
                "docs/engines.md)")
        table = self.spark.sql(self.sql).toArrow()
        self.meter.add(self.model, table)
        return _naive_utc(table)

    def df(self):
        return self._collect().to_pandas()

    def chunks(self, columns: tuple[str, ...], chunk_by: str) -> "ClusterChunks":
        """This relation's rows kept in the cluster, for a function applied on the executors per chunk."""
        return ClusterChunks(self, columns, chunk_by)

    def fetchnumpy(self) -> dict:
        table = self._collect()
        return {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}


class ClusterChunks:
    """A relation's rows cached in the cluster, split into chunks that each hold every row of some
    values of `chunk_by`, sorted by `columns`: calling it with (function, *args) runs
    function(*column arrays, *args) on the executors once per chunk and returns the outputs stacked
    (a 2-D array of doubles; only those come to the driver, counted by the meter). The Gamma-Gamma
    fit's `over_rows` (customer_value.SpendRows): one Spark job per optimiser step. close() frees
    the cache."""

    def __init__(self, relation: SparkRelation, columns: tuple[str, ...], chunk_by: str):
        spark = relation.spark
        partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
        self.columns, self.model, self.meter = columns, relation.model, relation.meter
        self.frame = spark.sql(relation.sql).repartition(partitions, chunk_by).sortWithinPartitions(*columns).persist()

    def __call__(self, function, *args):
        import numpy as np

        columns = self.columns
        width = function(*(np.empty(0) for _ in columns), *args).shape[1]
        names = [f"v{i}" for i in range(width)]

        def run(batches):
            import numpy as np
            import pandas as pd

            chunk = [batch for batch in batches if len(batch)]
            if chunk:
                rows = pd.concat(chunk, ignore_index=True)
                out = function(*(rows[name].to_numpy(np.float64) for name in columns), *args)
                yield pd.DataFrame(out, columns=names)

        table = self.frame.mapInPandas(run, ", ".join(f"{name} double" for name in names)).toArrow()
        self.meter.add(self.model, table)
        return np.column_stack([table.column(name).to_numpy() for name in names]) if table.num_rows \
            else np.empty((0, width))

    def close(self) -> None:
        self.frame.unpersist()


class _ClusterDbt:
    """The `dbt` argument of a Python model on Spark: ref() is a SparkRelation."""

    def __init__(self, node, manifest, spark, meter: CollectMeter, config):
        self.config = config
        self._node, self._manifest, self._spark, self._meter = node, manifest, spark, meter

    def ref(self, name: str, *args, **kwargs) -> SparkRelation:
        from warehouse_tools.build_on_engine import ref_node

        target = ref_node(self._manifest, name)
        return SparkRelation.table(self._spark, target.schema, target.alias, self._node.name, self._meter)


def _spark_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type):
        return "bigint"
    if pa.types.is_floating(arrow_type):
        return "double"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_date(arrow_type):
        return "date"
    return "string"  # text, and an empty column of text (Arrow's null type)


def _output_schema(sample, source_schema) -> str:
    """The DDL of score()'s output: a column passed through keeps the source's type, a new one the
    type of the output on an empty batch (text when Arrow cannot tell)."""
    source_types = {field.name: field.dataType.simpleString() for field in source_schema.fields}
    arrow = pa.Schema.from_pandas(sample, preserve_index=False)
    return ", ".join(f"`{name}` {source_types.get(name) or _spark_type(arrow.field(name).type)}"
                     for name in sample.columns)


def _executor_input(spark, source: str):
    """The table `source` as the executors' functions see it: decimals as doubles, as DuckDB's
    `.df()` gives them on the other engines."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DecimalType

    frame = spark.table(source)
    return frame.select(*[F.col(f"`{f.name}`").cast("double").alias(f.name) if isinstance(f.dataType, DecimalType)
                          else F.col(f"`{f.name}`") for f in frame.schema.fields])


def _on_executors(function, frame, meter: CollectMeter, model: str) -> tuple:
    """`function` (pandas frame -> pandas frame) wrapped for the executors, and the DDL of its output
    (from its output on an empty frame: the only rows the driver collects)."""
    empty = frame.limit(0).toArrow()
    meter.add(model, empty)
    schema = _output_schema(function(empty.to_pandas()), frame.schema)

    def run(batch):
        import pandas as pd

        out = function(batch)
        # pandas 3's Arrow-backed text columns as Python strings: PySpark 4.3 converts those
        # (it expects pandas < 3 and fails on a chunked Arrow column)
        text = [name for name, dtype in out.dtypes.items() if isinstance(dtype, pd.StringDtype)]
        return out.astype({name: object for name in text}) if text else out

    return run, schema


def per_row_frame(module, dbt, spark, source: str, meter: CollectMeter, model: str):
    """The model's result as a Spark DataFrame computed on the executors (not yet run)."""
    from pyspark.sql import functions as F

    params = module.parameters(dbt)
    frame = _executor_input(spark, source)
    score = module.score
    run, schema = _on_executors(lambda batch: score(batch, params), frame, meter, model)

    def batches(frames):
        for batch in frames:
            yield run(batch)

    result = frame.mapInPandas(batches, schema)
    if hasattr(module, "SUM_BY"):
        keys = list(module.SUM_BY)
        result = result.groupBy(*keys).agg(*[F.sum(name).alias(name) for name in result.columns if name not in keys])
    return result


def grouped_summaries(module, dbt, spark, manifest, meter: CollectMeter, model: str):
    """finish() of the summaries that summarise() made on the executors, one call per group of each
    of GROUPED_INPUTS; only the summaries come to the driver."""
    from warehouse_tools.build_on_engine import ref_node

    params = module.parameters(dbt) if hasattr(module, "parameters") else {}
    summarise = module.summarise
    summaries = {}
    for name, keys in module.GROUPED_INPUTS.items():
        source = ref_node(manifest, name)
        frame = _executor_input(spark, f"`{source.schema}`.`{source.alias}`")
        run, schema = _on_executors(lambda group, name=name: summarise(name, group, params), frame, meter, model)
        table = frame.groupBy(*keys).applyInPandas(run, schema).toArrow()
        meter.add(model, table)
        summaries[name] = _naive_utc(table).to_pandas()
    return module.finish(summaries, params)


def run_model(module, node, manifest, spark, meter: CollectMeter, config) -> str:
    """Runs one Python model on Spark and writes its table; returns a line saying where it ran."""
    from warehouse_tools.build_on_engine import ref_node

    started = time.perf_counter()
    dbt = _ClusterDbt(node, manifest, spark, meter, config)
    target = f"`{node.schema}`.`{node.alias}`"
    if hasattr(module, "PER_ROW_INPUT"):
        source_node = ref_node(manifest, module.PER_ROW_INPUT)
        frame = per_row_frame(module, dbt, spark, f"`{source_node.schema}`.`{source_node.alias}`", meter, node.name)
        frame.write.mode("overwrite").format("parquet").saveAsTable(target)
        rows = spark.table(target).count()
        where = f"on the executors over {module.PER_ROW_INPUT}"
    else:
        if hasattr(module, "GROUPED_INPUTS"):
            frame = grouped_summaries(module, dbt, spark, manifest, meter, node.name)
            where = "on the executors per group of " + ", ".join(module.GROUPED_INPUTS) + ", finished on the driver"
        else:
            frame, where = module.model(dbt, None), "on the driver"
        spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False)) \
            .write.mode("overwrite").format("parquet").saveAsTable(target)
        rows = len(frame)
    return (f"{node.schema}.{node.alias}: {rows} rows {where}, {meter.bytes.get(node.name, 0) / 1e6:.2f} MB "
            f"collected ({time.perf_counter() - started:.1f} s)")
