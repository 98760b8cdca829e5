"""Export one partner's report: its summary as CSV and JSON and a one-page HTML report with charts.

    warehouse export-partner --partner starhouse                 # into exports/starhouse/
    warehouse export-partner --partner starhouse --out /tmp/x --duckdb warehouse.duckdb
    warehouse export-partner --list                              # the partners there are

Everything comes from the partner-facing marts (marts.rpt_partner_summary), read with a query
filtered on the partner's id, so the files can only ever hold that partner's rows; they carry no
personal data because those marts carry none (tests/python/test_privacy.py). The HTML is a single
self-contained file (inline SVG charts, no scripts, no external resources): monthly revenue and
partner share, new vs repeat customers, and the repeat-customer rate.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from warehouse_tools.warehouse_lock import WarehouseUnavailable, connect

from warehouse_tools.project import ROOT
SUMMARY = "marts.rpt_partner_summary"


def partners(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(f"select distinct partner_id, partner_name from {SUMMARY} order by 1").fetchall()


def partner_rows(con: duckdb.DuckDBPyConnection, partner_id: str) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(f"select * from {SUMMARY} where partner_id = ? order by order_month, asset_id", [partner_id])
    return [d[0] for d in cursor.description], cursor.fetchall()


def monthly(columns: list[str], rows: list[tuple]) -> list[dict]:
    """The partner's months: revenue, share, customers new and repeat, repeat-customer rate."""
    index = {name: i for i, name in enumerate(columns)}
    months: dict[date, dict] = {}
    for row in rows:
        month = months.setdefault(row[index["order_month"]], {"net": Decimal(0), "share": Decimal(0), "new": 0,
                                                               "repeat": 0, "orders": 0})
        month["net"] += row[index["net_reporting"]] or 0
        month["share"] += row[index["partner_share_reporting"]] or 0
        month["new"] += row[index["new_customers"]]
        month["repeat"] += row[index["repeat_customers"]]
        month["orders"] += row[index["orders"]]
    result = []
    for month, values in sorted(months.items()):
        customers = values["new"] + values["repeat"]
        result.append({"month": month.strftime("%Y-%m"), **values,
                       "repeat_rate": values["repeat"] / customers if customers else 0.0})
    return result


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float], str]], stacked: bool,
              percent: bool = False) -> str:
    """An inline SVG bar chart (grouped or stacked), sized for one page."""
    width, height, left, bottom, top = 720, 220, 56, 40, 28
    plot_w, plot_h = width - left - 10, height - bottom - top
    totals = [sum(s[1][i] for s in series) if stacked else max(s[1][i] for s in series) for i in range(len(labels))]
    peak = max(totals + [1e-9])
    step = plot_w / max(len(labels), 1)
    bar_w = step * 0.8 / (1 if stacked else len(series))
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="16" class="title">{html.escape(title)}</text>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        value = peak * frac
        text = f"{value:.0%}" if percent else f"{value:,.0f}"
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{text}</text>')
    for i, label in enumerate(labels):
        base = 0.0
        for j, (_, values, colour) in enumerate(series):
            value = values[i]
            h = plot_h * value / peak
            x = left + i * step + step * 0.1 + (0 if stacked else j * bar_w)
            y = top + plot_h - h - (plot_h * base / peak if stacked else 0)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{html.escape(label)}: {value:,.2f}</title></rect>')
            if stacked:
                base += value
        if len(labels) <= 24 or i % max(len(labels) // 12, 1) == 0:
            parts.append(f'<text x="{left + i * step + step / 2:.1f}" y="{height - bottom + 14}" class="axis" '
                         f'text-anchor="middle">{html.escape(label)}</text>')
    legend_x = left
    for name, _, colour in series:
        parts.append(f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{legend_x + 14}" y="{height - 5}" class="axis">{html.escape(name)}</text>')
        legend_x += 160
    parts.append("</svg>")
    return "".join(parts)


def report_html(partner_id: str, partner_name: str, months: list[dict], totals: dict) -> str:
    labels = [m["month"] for m in months]
    charts = [
        bar_chart("Monthly revenue (net) and partner share", labels,
                  [("net revenue", [float(m["net"]) for m in months], "#4c78a8"),
                   ("partner share", [float(m["share"]) for m in months], "#f58518")], stacked=False),
        bar_chart("New vs repeat customers", labels,
                  [("new", [m["new"] for m in months], "#54a24b"),
                   ("repeat", [m["repeat"] for m in months], "#b279a2")], stacked=True),
        bar_chart("Repeat-customer rate (retention)", labels,
                  [("repeat customers / customers", [m["repeat_rate"] for m in months], "#e45756")],
                  stacked=False, percent=True),
    ]
    figures = "".join(f"<div><b>{html.escape(k)}</b><span>{html.escape(v)}</span></div>" for k, v in totals.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(partner_name)}: partner report</title>
<style>
body {{ font: 13px system-ui, sans-serif; margin: 24px auto; max-width: 760px; color: #222; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }} .sub {{ color: #666; margin-bottom: 16px; }}
.figures {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-bottom: 12px; }}
.figures div {{ background: #f4f4f4; padding: 8px; }} .figures b {{ display: block; font-size: 11px; color: #555; }}
.figures span {{ font-size: 16px; }} svg {{ width: 100%; margin: 6px 0; }}
.title {{ font-weight: bold; font-size: 13px; }} .axis {{ font-size: 10px; fill: #555; }}
.grid {{ stroke: #ddd; }} @media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>{html.escape(partner_name)}</h1>
<div class="sub">Partner report for {html.escape(partner_id)}, {html.escape(labels[0] if labels else '')} to
{html.escape(labels[-1] if labels else '')}. Amounts in the reporting currency. No customer is identified.</div>
<div class="figures">{figures}</div>
{''.join(charts)}
</body></html>
"""


def export(con: duckdb.DuckDBPyConnection, partner_id: str, out_dir: Path) -> dict[str, Path]:
    known = dict(partners(con))
    if partner_id not in known:
        raise SystemExit(f"error: unknown partner {partner_id!r}; partners: {', '.join(sorted(known))}")
    columns, rows = partner_rows(con, partner_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out_dir / "summary.csv", "json": out_dir / "summary.json", "html": out_dir / "report.html"}
    with paths["csv"].open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    records = [{c: (str(v) if isinstance(v, (Decimal, date)) else v) for c, v in zip(columns, row)} for row in rows]
    paths["json"].write_text(json.dumps({"partner_id": partner_id, "partner_name": known[partner_id],
                                         "rows": records}, indent=2), encoding="utf-8")
    months = monthly(columns, rows)
    index = {name: i for i, name in enumerate(columns)}
    totals = {
        "orders": f"{sum(r[index['orders']] for r in rows):,}",
        "net revenue": f"{sum(r[index['net_reporting']] for r in rows):,.2f}",
        "partner share": f"{sum(r[index['partner_share_reporting']] for r in rows):,.2f}",
        "refunds": f"{sum(r[index['refunds_reporting']] for r in rows):,.2f}",
    }
    paths["html"].write_text(report_html(partner_id, known[partner_id], months, totals), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partner", help="partner id (seed partners)")
    parser.add_argument("--list", action="store_true", help="list the partners and exit")
    parser.add_argument("--duckdb", type=Path, default=Path(os.environ.get("DUCKDB_PATH", ROOT / "warehouse.duckdb")),
                        help="the warehouse file (default: env DUCKDB_PATH or warehouse.duckdb)")
    parser.add_argument("--out", type=Path, help="output folder (default: exports/<partner>)")
    args = parser.parse_args(argv)
    try:
        con = connect(args.duckdb)
    except WarehouseUnavailable as error:  # no file, or another process holds its lock: one line
        print(f"error: {error}", file=sys.stderr)
        return 2
    with con:
        if args.list or not args.partner:
            for partner_id, name in partners(con):
                print(f"{partner_id:24} {name}")
            return 0 if args.list else 2
        paths = export(con, args.partner, args.out or ROOT / "exports" / args.partner)
    for kind, path in paths.items():
        print(f"{kind:5} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
