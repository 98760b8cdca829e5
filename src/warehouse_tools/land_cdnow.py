"""CDNOW through the warehouse: land the real data set, build, and read the results from the marts.

    warehouse land-cdnow                     # CDNOW_sample.txt (2,357 customers)
    warehouse land-cdnow --data-set master   # CDNOW_master.txt (23,570 customers)

1. Lands the CDNOW transactions that ship in the `lifetimes` wheel (a test-time dependency; read
   with importlib.resources) as the generic transactions CSV (models/staging/transactions_csv) in a
   landing folder of their own; every other source's landing table gets an empty file (its header
   alone), so the build reads CDNOW only.
2. Builds the whole warehouse on it (`dbt build`, every test included) into its own DuckDB file,
   with the as-of date 1998-06-30 and a 273-day holdout: calibration is weeks 1-39 of 1997 (to
   1997-09-30, as in Fader, Hardie & Lee 2005) and the holdout weeks 40-78.
3. Reads the marts: the calibration fits of rpt_clv_model_fit in weeks beside the published
   estimates, and rpt_churn_model_comparison's scores of "no purchase in the holdout".

It prints a Markdown table (docs/customer-value.md holds its figures) and exits 1 when the build
fails. Nothing outside --work-dir is written.
"""

from __future__ import annotations

import argparse
import csv
import importlib.resources
import os
import secrets
import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

from warehouse_tools.project import ROOT

AS_OF_DATE = "1998-06-30"
HOLDOUT_DAYS = 273  # weeks 40-78: 1997-10-01 .. 1998-06-30
DBT_VARS = {"as_of_date": AS_OF_DATE, "clv_holdout_days": HOLDOUT_DAYS, "time_spine_start": "1996-01-01"}
# published maximum-likelihood estimates on the CDNOW sample's 39-week calibration, in weeks
# (Fader, Hardie & Lee 2005; Fader & Hardie's Pareto/NBD note; lifetimes' MBG/NBD; Fader & Hardie 2013)
PUBLISHED = {
    "bg_nbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "mbg_nbd": {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614},
    "pareto_nbd": {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67},
    "gamma_gamma": {"p": 6.25, "q": 3.74, "gamma": 15.44},
}
IN_DAYS = {"alpha", "beta"}  # scale parameters of the purchase models: days in the warehouse, weeks published
HEADER = ["customer_id", "transaction_date", "amount", "currency", "order_id"]


def cdnow_rows(data_set: str) -> list[list[str]]:
    """The CDNOW transactions as rows of the generic format (customer, ISO date, dollars, USD, no id)."""
    name = {"sample": "CDNOW_sample.txt", "master": "CDNOW_master.txt"}[data_set]
    text = (importlib.resources.files("lifetimes") / "datasets" / name).read_text()
    rows = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or not fields[0].isdigit():
            continue  # the master file's header
        # sample: master id, sample id, yyyymmdd, cds, dollars; master: id, yyyymmdd, cds, dollars
        customer, day, dollars = (fields[1], fields[2], fields[4]) if data_set == "sample" else (
            fields[0], fields[1], fields[3])
        rows.append([str(int(customer)), f"{day[:4]}-{day[4:6]}-{day[6:]}", dollars, "USD", ""])
    return rows


def land(data_set: str, raw_dir: Path) -> int:
    """Write the landing folder: CDNOW as the transactions CSV, every other landing table empty."""
    for path in sorted(ROOT.glob("models/staging/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                files = ((table.get("config") or {}).get("meta") or {}).get("landing_files")
                if not files or source["name"] == "transactions_csv":
                    continue
                target = raw_dir / files.replace("*", "empty")
                target.parent.mkdir(parents=True, exist_ok=True)
                columns = [c["name"] for c in table["columns"] if c["name"] != "filename"]
                target.write_text("" if files.endswith(".jsonl") else ",".join(columns) + "\n", encoding="utf-8")
    rows = cdnow_rows(data_set)
    target = raw_dir / "transactions_csv" / f"cdnow_{data_set}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def build(raw_dir: Path, duckdb_path: Path) -> None:
    from warehouse_tools.dbt_inprocess import environment, run_dbt

    # CDNOW has no partners: a one-off secret lets the build write (unused) partner keys on data that is not the
    # demo's, which refuses the demo secret (docs/privacy.md); a secret already set is kept
    # (set for this build only, and restored: tests call this in their own process)
    settings = {"PARTNER_HASH_SECRET": os.environ.get("PARTNER_HASH_SECRET") or secrets.token_hex(32),
                "RAW_DATA_DIR": str(raw_dir)}
    with environment(**settings):
        run_dbt(["build", "--vars", yaml.safe_dump(DBT_VARS)], duckdb_path)


def results(duckdb_path: Path) -> dict:
    """The figures, read from the marts."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        def rows(sql: str) -> list[dict]:
            cursor = con.execute(sql)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

        fits = {row["model"]: row for row in rows("select * from marts.rpt_clv_model_fit where period = 'calibration'")}
        comparison = rows("select * from marts.rpt_churn_model_comparison order by score_kind desc, score_name")
        customers = con.execute("select count(*) from marts.fct_customer_churn").fetchone()[0]
        calibration = rows("select * from marts.rpt_churn_calibration order by decile")
    return {"fits": fits, "comparison": comparison, "customers": customers, "calibration": calibration}


def in_weeks(model: str, name: str, value: float) -> float:
    return value / 7 if name in IN_DAYS and model != "gamma_gamma" else value


def markdown(data_set: str, figures: dict) -> str:
    lines = [f"CDNOW {data_set} through the warehouse ({figures['customers']:,} customers in fct_customer_churn; "
             f"calibration to 1997-09-30, holdout {HOLDOUT_DAYS} days to {AS_OF_DATE})", "",
             "| model | parameter | warehouse (weeks) | published |", "|---|---|---|---|"]
    for model, published in PUBLISHED.items():
        fit = figures["fits"].get(model, {})
        for name, value in published.items():
            got = fit.get(name)
            shown = f"{in_weeks(model, name, got):.4g}" if got is not None else fit.get("status", "missing")
            lines.append(f"| {model} | {name} | {shown} | {value} |")
    lines += ["", "| score | kind | AUC | Brier | calibration error | chosen |", "|---|---|---|---|---|---|"]
    for row in figures["comparison"]:
        def f(value):
            return "" if value is None or value != value else f"{value:.3f}"
        lines.append(f"| {row['score_name']} | {row['score_kind']} | {f(row['auc'])} | {f(row['brier_score'])} | "
                     f"{f(row['calibration_error'])} | {'yes' if row['is_chosen'] else ''} |")
    return "\n".join(lines)


def report(duckdb_path: Path, data_set: str) -> str:
    return markdown(data_set, results(duckdb_path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-set", choices=["sample", "master"], default="sample")
    parser.add_argument("--work-dir", type=Path, default=None, help="landing folder and DuckDB file (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix=f"cdnow_{args.data_set}_"))
    raw_dir, duckdb_path = work / "raw", work / f"cdnow_{args.data_set}.duckdb"
    print(f"==> landing CDNOW {args.data_set}: {land(args.data_set, raw_dir):,} transactions in {raw_dir}")
    print(f"==> dbt build into {duckdb_path}")
    try:
        build(raw_dir, duckdb_path)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(markdown(args.data_set, results(duckdb_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
