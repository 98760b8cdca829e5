"""Benchmark identity resolution against scipy's connected components on the same edges.

    warehouse benchmark-identity-resolution                    # 1M and 5M records
    warehouse benchmark-identity-resolution --records 200000   # a quick run

For each size it writes synthetic customer records (people with several records, second emails,
family phones shared by four people, placeholders) in the customer-record contract to a temporary
DuckDB file, runs the resolution models with dbt in-process, reads each model's time from dbt's
run results, then runs scipy.sparse.csgraph.connected_components on the edges the models built:
alone, and end to end doing the components model's whole job on the same file (its output checked
equal to the model's). Prints and appends to docs/benchmarks.md: model times, the components model
against scipy alone and against scipy end to end, all resolution models against scipy including
reading the edges, rounds, and peak memory. On a terminal each size shows a progress bar over its
five steps; otherwise one line per step; --quiet prints only the results.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from warehouse_tools.project import ROOT
from warehouse_tools.dbt_inprocess import run_dbt  # the in-process runner the tests use too
from warehouse_tools.progress_bar import StepProgress

# the rule seeds identity resolution reads (emails of the synthetic records avoid the reserved
# example.* domains, which the system-address patterns guard)
IDENTITY_SEEDS = ["blocklisted_identifiers", "identity_system_email_patterns", "identity_given_name_nicknames",
                  "identity_household_phone_prefixes"]
STEPS = 6  # records written, seeds loaded, resolution models run, scipy end to end, scipy on the same edges,
# the 1% extract
RESOLUTION_MODELS = ["int_customer_identifiers_unioned", "int_customer_record_keys",
                     "int_customer_identifiers_unpivoted", "int_customer_identifier_keys",
                     "int_customer_identifiers_keyed", "int_customer_identifiers_classified",
                     "int_customer_identity_edges", "int_customer_components"]


def write_records(con: duckdb.DuckDBPyConnection, records: int, first: int = 0, people: int | None = None) -> None:
    """Synthetic records: about three per person, hash-driven so a size always gives the same data.

    first > 0 appends records first .. first + records - 1 (a later extract) drawn from `people`
    people (default: a third of the records), so most of them join customers already there.
    """
    people = people or max(records // 3, 1)
    con.execute("create schema if not exists benchmark")
    into = ("insert into benchmark.customer_records" if first
            else "create or replace table benchmark.customer_records as")
    con.execute(f"""
        {into}
        with numbered as (
            select
                i,
                hash(i, 'person') % {people} as person,
                (hash(i, 'email') % 100) as email_roll,
                (hash(i, 'phone') % 100) as phone_roll
            from range({first}, {first + records}) as t(i)
        ),
        shaped as (
            select
                i,
                person,
                case
                    when email_roll < 2 then 'test@test.com'
                    when email_roll < 7 then null
                    when email_roll < 22 and hash(person, 'alt') % 5 = 0 then 'alt' || person || '@bench-alt.net'
                    else 'p' || person || '@bench-mail.com'
                end as email,
                case
                    when phone_roll < 50 then null
                    when phone_roll < 60 and hash(person, 'family') % 50 = 0
                        then '+6129' || lpad(cast(person // 4 % 10000000 as varchar), 7, '0')
                    else '+614' || lpad(cast(person % 100000000 as varchar), 8, '0')
                end as phone,
                'name' || (hash(person, 'name') % 5000) as first_name
            from numbered
        )
        select
            'bench__records:' || lpad(cast(i as varchar), 10, '0') as customer_record_id,
            'bench' as source_system,
            'records' as source_table,
            cast(i as varchar) as record_key,
            email,
            cast(null as varchar) as secondary_email,
            phone as phone_e164,
            cast(null as varchar) as secondary_phone_e164,
            first_name,
            'Smith' as last_name,
            'AU' as country_code,
            cast(null as varchar) as consent_method,
            cast(null as boolean) as marketing_opt_in,
            false as is_unsubscribed,
            timestamp '2025-01-01' + to_seconds(i % 1000000) as record_created_at,
            timestamp '2025-01-01' + to_seconds(i % 1000000) as record_updated_at
        from shaped
    """)


def model_times(target_dir: Path) -> dict[str, float]:
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}


def scipy_labels(edges: dict, record_count: int) -> tuple[int, np.ndarray]:
    """scipy's connected components of the (record_sk, identifier_sk) edges, both keys numbered from 1.

    Records 1..record_count are nodes 0..record_count - 1, identifiers follow them. Returns the
    number of components and each node's component.
    """
    a = edges["record_sk"].astype(np.int64) - 1
    b = edges["identifier_sk"].astype(np.int64) - 1 + record_count
    n = int(max(record_count, b.max(initial=-1) + 1))
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    return connected_components(graph, directed=False)


def scipy_components_model(db: Path) -> float:
    """Seconds scipy takes to do the components model's job end to end, on the same warehouse file.

    The same input and output as int_customer_components: read the edges and the record dictionary
    (a full build numbers records 1..R in customer_record_id order),
    label the graph (scipy.sparse.csgraph.connected_components), name each component after its
    smallest record, and write (customer_record_id, component_id) as a table. The table is checked
    against the model's, so the two sides are known to have done the same work.
    """
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        edges = con.execute("select record_sk, identifier_sk from intermediate.int_customer_identity_edges "
                            "where identifier_sk is not null").fetchnumpy()
        nodes = con.execute("select record_sk, customer_record_id from intermediate.int_customer_record_keys "
                            "order by record_sk").arrow().read_all()
        record_count = nodes.num_rows
        _, labels = scipy_labels(edges, record_count)
        record_labels = labels[:record_count]  # record_sk i + 1 at position i, in customer_record_id order
        _, first = np.unique(record_labels, return_index=True)  # a component's first record is its smallest
        anchor = np.empty(labels.max() + 1, dtype=np.int64)
        anchor[record_labels[first]] = first
        record_ids = nodes.column("customer_record_id")
        labelled = pa.table({"customer_record_id": record_ids,
                             "component_id": record_ids.take(pa.array(anchor[record_labels]))})
        con.register("labelled", labelled)
        con.execute("create or replace table main.scipy_components as select * from labelled")
        elapsed = time.perf_counter() - started
        differing = con.execute("""
            select count(*) from main.scipy_components as scipy
            full join intermediate.int_customer_components as model using (customer_record_id)
            where scipy.component_id is distinct from model.component_id
        """).fetchone()[0]
        con.execute("drop table main.scipy_components")
    assert differing == 0, f"scipy and the components model label {differing:,} records differently"
    return elapsed


def bench(records: int, workdir: Path, progress=print) -> dict:
    db = workdir / f"identity_{records}.duckdb"
    if db.exists():
        db.unlink()
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        write_records(con, records)
    progress(f"{records:,} records written in {time.perf_counter() - started:.1f} s")
    dbt_vars = json.dumps({"identity_benchmark": True, "customer_record_models": ["int_customer_records__benchmark"]})
    run_dbt(["seed", "--quiet", "--select", *IDENTITY_SEEDS, "--vars", dbt_vars], db)
    progress("identity seeds loaded")
    # the resolution models alone (the order chain also sits downstream of the customer records)
    run_dbt(["run", "--quiet", "--select", "int_customer_records__benchmark", *RESOLUTION_MODELS,
             "--vars", dbt_vars, "--threads", "1"], db)
    times = model_times(db.parent / f"{db.stem}_dbt" / "target")
    progress("resolution models done: " + ", ".join(f"{m} {times[m]:.1f} s" for m in RESOLUTION_MODELS))

    scipy_end_to_end = scipy_components_model(db)
    progress(f"scipy end to end (edges read, components, labelled records written): {scipy_end_to_end:.2f} s")

    t0 = time.perf_counter()
    with duckdb.connect(str(db), read_only=True) as con:
        edges = con.execute("select record_sk, identifier_sk from intermediate.int_customer_identity_edges"
                            ).fetchnumpy()
        rounds, ours = con.execute("select max(propagation_rounds), count(distinct component_id) "
                                   "from intermediate.int_customer_components").fetchone()
        record_nodes = con.execute("select count(*) from intermediate.int_customer_record_keys").fetchone()[0]
    t1 = time.perf_counter()
    count, labels = scipy_labels(edges, record_nodes)
    t2 = time.perf_counter()
    # components over record nodes only (identifier nodes always sit in a record's component)
    scipy_components = len(np.unique(labels[:record_nodes]))
    assert scipy_components == ours, f"partition sizes differ: scipy {scipy_components}, ours {ours}"
    progress(f"scipy: {count:,} components in {t2 - t1:.2f} s")
    resolution = sum(times[m] for m in RESOLUTION_MODELS[1:])

    # a 1% extract (records of the same people, so most join customers already there), run incrementally
    with duckdb.connect(str(db)) as con:
        write_records(con, max(records // 100, 1), first=records, people=max(records // 3, 1))
    run_dbt(["run", "--quiet", "--select", "int_customer_records__benchmark", *RESOLUTION_MODELS,
             "--vars", dbt_vars, "--threads", "1"], db)
    extract_times = model_times(db.parent / f"{db.stem}_dbt" / "target")
    with duckdb.connect(str(db), read_only=True) as con:
        relabelled = con.execute("""
            select count(*) from intermediate.int_customer_components
            where labelled_at = (select max(labelled_at) from intermediate.int_customer_components)
        """).fetchone()[0]
    scipy_components_model(db)  # the incremental components checked equal to scipy's on the final edges
    progress(f"1% extract: components {extract_times['int_customer_components']:.1f} s, "
             f"{relabelled:,} records relabelled")
    return {
        "records": records, "edges": len(edges["record_sk"]), "customers": ours, "rounds": rounds,
        "components_model_s": times["int_customer_components"], "resolution_models_s": resolution,
        "scipy_s": t2 - t1, "scipy_with_read_s": t2 - t0, "scipy_end_to_end_s": scipy_end_to_end,
        "ratio_components": times["int_customer_components"] / (t2 - t1),
        "ratio_components_end_to_end": times["int_customer_components"] / scipy_end_to_end,
        "ratio_end_to_end": resolution / (t2 - t0),
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2,
        "extract_components_s": extract_times["int_customer_components"],
        "extract_resolution_s": sum(extract_times[m] for m in RESOLUTION_MODELS[1:]),
        "extract_relabelled": relabelled,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or step lines, only the results")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.records:
            print(f"==> identity resolution on {size:,} records", flush=True)
            with StepProgress(STEPS, f"{size:,} records", quiet=args.quiet, stream=sys.stdout,
                              indent="  ") as progress:
                rows.append(bench(size, Path(tmp), progress=progress))
            r = rows[-1]
            print(f"  components model {r['components_model_s']:.1f} s vs scipy {r['scipy_s']:.1f} s "
                  f"({r['ratio_components']:.1f}x), vs scipy end to end {r['scipy_end_to_end_s']:.1f} s "
                  f"({r['ratio_components_end_to_end']:.1f}x); resolution models {r['resolution_models_s']:.1f} s vs scipy "
                  f"with reading the edges {r['scipy_with_read_s']:.1f} s ({r['ratio_end_to_end']:.1f}x); "
                  f"{r['rounds']} rounds; peak RSS {r['peak_rss_gb']:.1f} GB; 1% extract: components model "
                  f"{r['extract_components_s']:.1f} s, resolution models {r['extract_resolution_s']:.1f} s, "
                  f"{r['extract_relabelled']:,} records relabelled", flush=True)
    lines = [
        f"\n## Identity resolution ({datetime.now(timezone.utc):%Y-%m-%d}, {os.cpu_count()} cores)\n",
        "`warehouse benchmark-identity-resolution`: synthetic records, resolution models run by dbt in",
        "process (1 thread), scipy's connected_components on the same edges in the same run. scipy end to",
        "end: the components model's job done with scipy on the same file (edges and numbered records",
        "read, components, each named after its smallest record, the labelled records written as a table;",
        "checked equal to the model's). Resolution models: every model after the union, strings included.",
        "1% extract: a hundredth more records of the same people, run incrementally after the full build;",
        "its components checked equal to scipy's on the final edges.\n",
        "| records | edges | customers | rounds | components model | scipy | ratio | scipy end to end | ratio "
        "| resolution models | scipy + read edges | ratio | peak RSS | 1% extract: components model "
        "| 1% extract: resolution models | records relabelled |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['records']:,} | {r['edges']:,} | {r['customers']:,} | {r['rounds']} "
                     f"| {r['components_model_s']:.1f} s | {r['scipy_s']:.2f} s | {r['ratio_components']:.1f}x "
                     f"| {r['scipy_end_to_end_s']:.2f} s | {r['ratio_components_end_to_end']:.1f}x "
                     f"| {r['resolution_models_s']:.1f} s | {r['scipy_with_read_s']:.2f} s "
                     f"| {r['ratio_end_to_end']:.1f}x | {r['peak_rss_gb']:.1f} GB "
                     f"| {r['extract_components_s']:.1f} s | {r['extract_resolution_s']:.1f} s "
                     f"| {r['extract_relabelled']:,} |")
    with args.report.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"appended to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
