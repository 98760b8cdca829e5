"""Where `make build` left its results: the warehouse file, the Data Docs site and the marts.

    warehouse build-summary --duckdb-path warehouse.duckdb

Prints the DuckDB file and its size, each table of the marts (and the audit tables) with its row
count, the expectation suites' report (offline) and Data Docs site, and how to query the warehouse. Opens the
file read-only, after dbt and the suites have closed it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from warehouse_tools.warehouse_lock import WarehouseUnavailable, connect

from warehouse_tools.project import ROOT
DATA_DOCS = ROOT / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
VALIDATION_REPORT = ROOT / "gx" / "uncommitted" / "validation_report.html"  # validate_marts.REPORT_FILE

CV_REPORT = ROOT / "reports" / "customer_value.html"  # warehouse_tools/customer_value_report.py
# the tables most people start from, listed first (docs/customer-marts.md, docs/orders.md)
MAIN_MARTS = ["dim_customers", "fct_orders", "fct_customer_rfm", "fct_customer_lifecycle", "fct_customer_clv",
              "fct_customer_churn", "rpt_retention_cohorts", "rpt_partner_summary"]


def summary(duckdb_path: Path, data_docs: Path = DATA_DOCS, report: Path = VALIDATION_REPORT) -> list[str]:
    with connect(duckdb_path) as con:
        tables = con.execute("""
            select schema_name, table_name from duckdb_tables()
            where schema_name in ('marts', 'audit') order by schema_name desc, table_name
        """).fetchall()
        counts = {(schema, table): con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
                  for schema, table in tables}
    order = {name: i for i, name in enumerate(MAIN_MARTS)}
    marts = sorted((t for s, t in tables if s == "marts"), key=lambda t: (order.get(t, len(order)), t))
    audit = [t for s, t in tables if s == "audit"]
    width = max((len(t) for _, t in tables), default=0) + 2
    size = duckdb_path.stat().st_size / 2**20
    lines = [f"warehouse    {duckdb_path}  ({size:,.0f} MiB, DuckDB {duckdb.__version__})"]
    lines.append("marts        " + (f"{len(marts)} tables in schema marts, main ones first:" if marts else "none built"))
    lines += [f"               marts.{t:<{width}} {counts[('marts', t)]:>10,} rows" for t in marts]
    lines += [f"audit          audit.{t:<{width}} {counts[('audit', t)]:>10,} rows" for t in audit]
    if report.exists():
        lines.append(f"checks       {report.as_uri()}  (the expectation suites' results: one page, opens offline)")
    else:
        lines.append(f"checks       not written (expected at {report}: make validate)")
    if data_docs.exists():
        lines.append(f"Data Docs    {data_docs.as_uri()}  (GX's site: its styles and run list need internet)")
    else:
        lines.append(f"Data Docs    not written (expected at {data_docs})")
    if CV_REPORT.exists():
        lines.append(f"CLV report   {CV_REPORT.as_uri()}")
    query = ("select count(*) from marts.dim_customers" if "dim_customers" in marts else "show all tables")
    lines.append(f'query        .venv/bin/python -c "import duckdb; '
                 f"print(duckdb.connect('{os.path.relpath(duckdb_path)}', read_only=True).sql('{query}'))\"")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duckdb-path", type=Path, default=Path(os.environ.get("DUCKDB_PATH", ROOT / "warehouse.duckdb")))
    parser.add_argument("--data-docs", type=Path, default=DATA_DOCS, help="index.html of the Data Docs site")
    parser.add_argument("--report", type=Path, default=VALIDATION_REPORT, help="the suites' validation report")
    args = parser.parse_args(argv)
    if not args.duckdb_path.exists():
        print(f"no warehouse at {args.duckdb_path}: run make build", file=sys.stderr)
        return 1
    try:
        print("\n".join(summary(args.duckdb_path.resolve(), args.data_docs, args.report)))
    except WarehouseUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
