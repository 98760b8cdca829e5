"""Benchmark the full warehouse build at scale: where the time goes, the floor, memory, and an incremental run.

    warehouse benchmark-build                          # 100k, 1M and 10M orders
    warehouse benchmark-build 100000 1000000 --keep    # keep the landing data and warehouses

For each size: the scale generator (`--scale`) writes landing data into a temporary folder; then
  1. two floors, each one DuckDB query over every landing file: the scan floor reads JSON Lines as lines and
     CSV as text; the parse floor parses the JSON and types the CSV columns (issue 17's honest floor);
  2. `dbt build` (seeds, models, tests) into a new DuckDB file, as a child process, with its wall time
     and peak resident memory (os.wait4), and per-node times from dbt's run_results.json summed per
     layer (seeds, staging, audit, intermediate, marts, tests) with the heaviest models;
  3. 1% new data: the next day's Kajabi transactions extract, with 1% as many rows as the run has orders (new
     transactions of existing customers, made the day after the newest order), then `dbt build` again: the incremental run's wall time as a
     fraction of the full build, its test node time (data tests check only the new batch where
     configured, docs/orders.md) and the node time of its base models (base_*: the landing files parsed,
     docs/sources.md "Ingest once"), and its heaviest models;
  4. `dbt build` once more with nothing new: what any incremental run costs at least (dbt's work per node,
     the tests, the customer scores at the as-of date).
`--select` builds only part of the project both times (`--select +path:models/staging`: the base models and
what they need, to time ingestion alone). `--project-dir` builds another checkout of the project with this script (main, to compare a branch with
it: `git worktree add /tmp/main main`, then `--project-dir /tmp/main`).
Prints and appends a table to docs/benchmarks.md and, between consecutive sizes, how node time grew
in all and for the nodes that grew the most (what grows faster than the data). Figures from one run; the machine is shared, so
compare the ratios within a row rather than seconds across runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as dt_time
from pathlib import Path

import duckdb

from warehouse_tools import source_registry
from warehouse_tools.project import ROOT
from warehouse_tools.demo_data.kajabi import KAJABI_TIME
from warehouse_tools.demo_data.scale import generate_scale

DBT = ROOT / ".venv" / "bin" / "dbt"
LAYERS = ["seed", "staging", "audit", "intermediate", "marts", "test"]


def floor_seconds(raw: Path, parse: bool = False) -> tuple[float, int]:
    """One query reading every landing file once and aggregating it.

    The scan floor (``parse=False``) reads JSON Lines as lines and CSV as text; the parse floor reads them
    as DuckDB would to use them, JSON parsed and CSV typed by its own detection, and hashes every typed
    row, so no column is skipped (rows that do not parse are skipped, as the build quarantines them).
    The build has at least the parse floor's work to do.
    """
    parts = []
    for path in sorted(raw.rglob("*")):
        if path.suffix == ".jsonl" and parse:
            parts.append(f"select count(*) as n, sum(hash(t)) as h from read_json('{path}', "
                         "format = 'newline_delimited', ignore_errors = true) as t")
        elif path.suffix == ".jsonl":
            parts.append(f"select count(*) as n, sum(length(line)) as h from read_csv('{path}', columns = "
                         "{'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, "
                         "auto_detect = false)")
        elif path.suffix == ".csv" and parse:
            parts.append(f"select count(*) as n, sum(hash(t)) as h from read_csv('{path}', header = true, "
                         "ignore_errors = true) as t")
        elif path.suffix == ".csv":
            parts.append(f"select count(*) as n, sum(length(cast(t as varchar))) as h from read_csv('{path}', "
                         "all_varchar = true, header = true) as t")
    query = "select sum(n), sum(h) from (" + " union all ".join(parts) + ")"
    started = time.perf_counter()
    with duckdb.connect() as con:
        rows = con.sql(query).fetchone()[0]
    return time.perf_counter() - started, int(rows)


def run_dbt(raw: Path, warehouse: Path, work: Path, label: str, project: Path = ROOT,
            select: list[str] | None = None) -> tuple[float, float, dict]:
    """`dbt build` of the checkout `project` as a child process: wall seconds, peak RSS (MiB) and run_results.json."""
    source_registry.write(project)  # what make does before dbt
    env = dict(os.environ, RAW_DATA_DIR=str(raw), DUCKDB_PATH=str(warehouse), DBT_PROFILES_DIR=str(project))
    target = work / f"target_{label}"
    command = [str(DBT), "build", "--target-path", str(target), "--log-path", str(work / f"logs_{label}"),
               *(["--select", *select, "--indirect-selection", "cautious"] if select else [])]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    last = ""
    for line in process.stdout:  # dbt's own progress lines, condensed to one updating line
        if " of " in line and ("OK" in line or "PASS" in line or "START" in line):
            last = line.strip()[-100:]
            print(f"\r    {label}: {last:<100}", end="", flush=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    print()
    if status != 0:
        raise SystemExit(f"dbt build ({label}) failed: see {work / f'logs_{label}'}/dbt.log")
    return elapsed, usage.ru_maxrss / 1024, json.loads((target / "run_results.json").read_text())


def per_layer(results: dict) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Node seconds summed per layer (by model name prefix), and the five heaviest models."""
    prefixes = {"stg_": "staging", "base_": "staging", "audit_": "audit", "int_": "intermediate"}
    layers = dict.fromkeys(LAYERS, 0.0)
    models = []
    for result in results["results"]:
        kind, _, name = result["unique_id"].split(".", 2)
        seconds = result["execution_time"]
        if kind == "model":
            model = name.split(".")[-1]
            layers[next((layer for prefix, layer in prefixes.items() if model.startswith(prefix)), "marts")] += seconds
            models.append((model, seconds))
        else:
            layers["seed" if kind == "seed" else "test"] += seconds
    return layers, sorted(models, key=lambda m: -m[1])[:5]


def base_model_seconds(results: dict) -> float:
    """Node seconds of the base models (base_*), which parse the landing files."""
    return sum(result["execution_time"] for result in results["results"]
               if result["unique_id"].startswith("model.") and result["unique_id"].split(".")[-1].startswith("base_"))


def next_day(warehouse: Path, raw: Path) -> date:
    """The day after the newest order: the build's latest order date (int_orders_identified), or the Kajabi
    extracts' newest "Created At" when a `--select` build has no orders model."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.sql("select count(*) from information_schema.tables "
                        "where table_name = 'int_orders_identified'").fetchone()[0]
        if found:
            return con.sql("select max(order_date) from intermediate.int_orders_identified").fetchone()[0] + timedelta(1)
    days = []
    for path in (raw / "kajabi").glob("transactions*.csv"):
        with path.open(newline="") as fh:
            days += [made.date() for row in csv.DictReader(fh) if (made := _kajabi_time(row["Created At"]))]
    return max(days) + timedelta(1)


def _kajabi_time(text: str) -> datetime | None:
    """A Kajabi "Created At", or None for one the build quarantines (the generator plants some)."""
    try:
        return datetime.strptime(text, KAJABI_TIME)
    except ValueError:
        return None


def add_one_percent(raw: Path, orders: int, day: date) -> int:
    """A new Kajabi transactions extract: 1% of `orders` new transactions by existing customers, all made on
    `day` (the next day's extract: rows of the first extract with new ids, at their own time of day)."""
    existing = sorted((raw / "kajabi").glob("transactions*.csv"))[0]
    with existing.open(newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames
        rows = [row for _, row in zip(range(max(orders // 100, 1)), reader)]
    with (raw / "kajabi" / "transactions_9999-incremental.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for i, row in enumerate(rows):
            made = _kajabi_time(row["Created At"]) or datetime.combine(day, dt_time(12), timezone.utc)
            made = made.replace(year=day.year, month=day.month, day=day.day)
            writer.writerow(dict(row, ID=f"9{i:011d}", _extracted_at=f"{day + timedelta(1):%Y-%m-%d}T00:00:00Z",
                                 **{"Created At": made.strftime(KAJABI_TIME)}))
    return len(rows)


HEADER = """
## Full build at scale ({date:%Y-%m-%d}, 2 cores, shared)

`warehouse benchmark-build`: the scale generator's landing data, `dbt build` (seeds, models,
tests) as a child process; scan floor = DuckDB reading every landing file once in one query (lines, text);
parse floor = the same with the JSON parsed and the CSV typed (x floor is the full build over each); layers from
run_results.json (node times, which overlap on 2 threads); incremental = `dbt build` again after the
next day's extract: 1% as many new transactions as orders, made the day after the newest order; its tests = test node time of that run; its
base models = node time of the base_* models in that run (full build's in brackets); rerun = `dbt build` once
more with nothing new. Checkout: {project}.{selection}

| orders | landing rows | scan floor | parse floor | full build | x scan floor | x parse floor | rows/s | peak RSS | seeds | staging | audit | intermediate | marts | tests | heaviest models | +1% incremental | of full | its tests | its base models | its heaviest models | rerun, nothing new | of full |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|
"""


def table_row(r: dict) -> str:
    layer = r["layers"]
    heavy, incremental_heavy = (", ".join(f"{name} {seconds:.0f} s" for name, seconds in models[:3])
                                for models in (r["heavy"], r["incremental_heavy"]))
    return (f"| {r['orders']:,} | {r['landing_rows']:,} | {r['floor']:.1f} s | {r['parse_floor']:.1f} s | "
            f"{r['build']:.0f} s | {r['build'] / r['floor']:.1f}x | {r['build'] / r['parse_floor']:.1f}x | {r['landing_rows'] / r['build']:,.0f} | {r['peak'] / 1024:.1f} GiB | "
            + " | ".join(f"{layer[k]:.0f} s" for k in LAYERS)
            + f" | {heavy} | {r['incremental']:.0f} s | {r['incremental'] / r['build']:.0%} | {r['incremental_tests']:.0f} s"
            f" | {r['incremental_base']:.1f} s ({r['base']:.1f} s) | {incremental_heavy}"
            f" | {r['rerun']:.0f} s | {r['rerun'] / r['build']:.0%} |")


def growth_lines(smaller: dict, larger: dict, most: int = 5) -> list[str]:
    """How node time grew from one size to the next: in all, and the nodes that grew the most.

    Nodes under 1 s at the smaller size are left out of the ranking (their time is dbt's overhead,
    not the data's).
    """
    data = larger["orders"] / smaller["orders"]
    before, after = smaller["node_times"], larger["node_times"]
    total = sum(after.values()) / sum(before.values())
    grown = sorted(((after[n] / before[n], n, before[n], after[n]) for n in after if before.get(n, 0) >= 1.0),
                   reverse=True)[:most]
    return [f"\nFrom {smaller['orders']:,} to {larger['orders']:,} orders ({data:.0f}x the data): node time "
            f"{total:.1f}x, wall time {larger['build'] / smaller['build']:.1f}x. Grew the most: "
            + "; ".join(f"{name.split('.')[2]} {a:.1f} s to {b:.1f} s ({g:.1f}x)" for g, name, a, b in grown) + ".\n"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000, 10_000_000], metavar="ORDERS")
    parser.add_argument("--keep", action="store_true", help="keep the landing data and warehouses")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--select", nargs="+", metavar="SELECTOR",
                        help="build only these dbt selectors (both builds; tests whose parents are all "
                        "selected), e.g. +path:models/staging")
    parser.add_argument("--project-dir", type=Path, default=ROOT,
                        help="the checkout of the project to build (default this one)")
    args = parser.parse_args(argv)
    project = args.project_dir.resolve()
    revision = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%h %s"], capture_output=True,
                              text=True).stdout.strip()[:80] or str(project)
    with args.report.open("a") as fh:
        selection = f" Selection: `--select {' '.join(args.select)}`." if args.select else ""
        fh.write(HEADER.format(date=datetime.now(timezone.utc), project=f"`{revision}`", selection=selection))
    rows: list[dict] = []
    for orders in args.sizes:
        work = Path(tempfile.mkdtemp(prefix=f"build_benchmark_{orders}_"))
        try:
            print(f"==> {orders:,} orders in {work}", flush=True)
            counts = generate_scale(work / "raw", work / "truth", orders=orders, progress=lambda line: None)
            landing_rows = sum(counts.values())
            floor, floor_rows = floor_seconds(work / "raw")
            parse_floor, _ = floor_seconds(work / "raw", parse=True)
            print(f"    floors: {floor:.1f} s to scan {floor_rows:,} landing rows once, {parse_floor:.1f} s to parse "
                  "them into typed columns", flush=True)
            build, peak, results = run_dbt(work / "raw", work / "warehouse.duckdb", work, "full", project, args.select)
            layers, heavy = per_layer(results)
            added = add_one_percent(work / "raw", orders, next_day(work / "warehouse.duckdb", work / "raw"))
            incremental, _, incremental_results = run_dbt(work / "raw", work / "warehouse.duckdb", work, "incremental",
                                                          project, args.select)
            rerun, _, _ = run_dbt(work / "raw", work / "warehouse.duckdb", work, "rerun", project, args.select)
            incremental_layers, incremental_heavy = per_layer(incremental_results)
            incremental_tests = incremental_layers["test"]
            base, incremental_base = base_model_seconds(results), base_model_seconds(incremental_results)
            row = {"orders": orders, "landing_rows": landing_rows, "floor": floor, "parse_floor": parse_floor, "build": build, "peak": peak,
                   "layers": layers, "heavy": heavy, "incremental": incremental, "added": added,
                   "incremental_tests": incremental_tests, "incremental_heavy": incremental_heavy, "rerun": rerun,
                   "base": base, "incremental_base": incremental_base,
                   "node_times": {r["unique_id"]: r["execution_time"] for r in results["results"]}}
            rows.append(row)
            line = table_row(row)
            with args.report.open("a") as fh:  # each size as soon as it is measured
                fh.write(line + "\n")
            print(f"    full build {build:.0f} s ({build / floor:.1f}x the scan floor, {build / parse_floor:.1f}x the "
                  f"parse floor), peak {peak / 1024:.1f} GiB, "
                  f"{landing_rows / build:,.0f} landing rows/s; +{added:,} rows: incremental {incremental:.0f} s "
                  f"({incremental / build:.0%} of the full build), its tests {incremental_tests:.1f} s of node time "
                  f"(full build's {layers['test']:.1f} s), its base models {incremental_base:.1f} s "
                  f"(full build's {base:.1f} s); rerun with nothing new {rerun:.0f} s ({rerun / build:.0%})", flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    lines = [line for smaller, larger in zip(rows, rows[1:]) for line in growth_lines(smaller, larger)]
    if lines:
        with args.report.open("a") as fh:
            fh.writelines(line + "\n" for line in lines)
        print("".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
