"""The customer-value report: one self-contained HTML page from the warehouse's marts.

    warehouse customer-value-report --duckdb-path warehouse.duckdb --out reports/customer_value.html

What the churn probability and CLV claim, and the evidence (docs/customer-value.md): the tracking
plot (cumulative repeat purchases in the holdout, actual against each purchase model), the
calibration chart of the chosen model (predicted against observed "no purchase in the holdout" by
decile), the comparison of the models with the naive baselines (AUC, Brier score, calibration
error), and, said plainly, where the chosen model does not beat a baseline. Inline SVG, no scripts,
no external resources: it opens offline. `make build` writes it; the build summary links it.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from pathlib import Path

import duckdb

from warehouse_tools.project import ROOT
DEFAULT_OUT = ROOT / "reports" / "customer_value.html"
COLOURS = {"bg_nbd": "#1f77b4", "mbg_nbd": "#9467bd", "pareto_nbd": "#2ca02c", "actual": "#222222"}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 780px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.85em; } td, th { padding: 3px 8px; border-bottom: 1px solid #ddd; }
th { text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.chosen td { font-weight: bold; } .warn { background: #fff3cd; padding: 0.6em; border-left: 4px solid #e0a800; }
.ok { background: #e8f5e9; padding: 0.6em; border-left: 4px solid #2e7d32; }
svg text { font-size: 11px; fill: #333; } svg .title { font-size: 13px; font-weight: bold; }
svg .grid { stroke: #e5e5e5; } svg .axis-line { stroke: #999; }
"""


def _rows(con, sql: str) -> list[dict]:
    result = con.execute(sql)
    names = [column[0] for column in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def read_marts(duckdb_path: Path) -> dict[str, list[dict]]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return {
            "tracking": _rows(con, "select * from marts.rpt_clv_tracking order by score_name, period_number"),
            "calibration": _rows(con, "select * from marts.rpt_churn_calibration order by decile"),
            "comparison": _rows(con, "select * from marts.rpt_churn_model_comparison "
                                     "order by score_kind desc, coalesce(model_rank, 99), score_name"),
            "fits": _rows(con, "select * from marts.rpt_clv_model_fit order by model, period"),
            "buckets": sorted(_rows(con, "select * from marts.rpt_clv_holdout_validation"), key=_bucket_order),
            "retention": _rows(con, "select * from marts.rpt_subscription_retention_tracking "
                                    "order by billing_interval, renewal_point"),
        }


def _bucket_order(row: dict) -> tuple:
    """frequency, recency, age, all; within a kind by the bucket's first number ('7+', '91-180')."""
    digits = "".join(c for c in row["bucket"].split("-")[0] if c.isdigit())
    kinds = ["frequency", "recency", "age", "all"]
    kind = kinds.index(row["bucket_type"]) if row["bucket_type"] in kinds else len(kinds)
    return kind, int(digits) if digits else 0


def line_chart(title: str, series: list[tuple[str, list[tuple[float, float]], str, bool]], x_label: str,
               y_label: str, diagonal: bool = False, y_max: float | None = None, x_max: float | None = None) -> str:
    """An inline SVG line chart; series are (name, points, colour, dashed)."""
    width, height, left, bottom, top, right = 720, 300, 64, 56, 28, 16
    plot_w, plot_h = width - left - right, height - bottom - top
    xs = [x for _, points, _, _ in series for x, _ in points] or [1.0]
    ys = [y for _, points, _, _ in series for _, y in points] or [1.0]
    x_hi = x_max if x_max is not None else max(max(xs), 1e-9)
    y_hi = y_max if y_max is not None else max(max(ys), 1e-9) * 1.05
    x_lo = 0.0 if x_max is None or min(xs) >= 0 else min(xs)

    def sx(x: float) -> float:
        return left + plot_w * (x - x_lo) / (x_hi - x_lo)

    def sy(y: float) -> float:
        return top + plot_h * (1 - y / y_hi)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="16" class="title">{html.escape(title)}</text>']
    for frac in (0, 0.25, 0.5, 0.75, 1):
        y = y_hi * frac
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:,.2f}</text>')
        x = x_lo + (x_hi - x_lo) * frac
        parts.append(f'<text x="{sx(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:,.2f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - bottom + 32}" text-anchor="middle">'
                 f'{html.escape(x_label)}</text>')
    parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{html.escape(y_label)}</text>')
    if diagonal:
        parts.append(f'<line x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(min(x_hi, y_hi)):.1f}" '
                     f'y2="{sy(min(x_hi, y_hi)):.1f}" stroke="#bbb" stroke-dasharray="4 4"/>')
    legend_x = left
    for name, points, colour, dashed in series:
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        if diagonal:
            parts += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{colour}"/>' for x, y in points]
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{height - 9}" y2="{height - 9}" '
                     f'stroke="{colour}" stroke-width="2"{dash}/>'
                     f'<text x="{legend_x + 22}" y="{height - 5}">{html.escape(name)}</text>')
        legend_x += 170
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, bars: list[tuple[str, float, str]], reference: float | None = None) -> str:
    """Horizontal bars (label, value in [0, 1], colour), with an optional reference line."""
    width, row, left, top = 720, 24, 150, 28
    height = top + row * len(bars) + 24
    plot_w = width - left - 60
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="16" class="title">{html.escape(title)}</text>']
    for i, (label, value, colour) in enumerate(bars):
        y = top + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{html.escape(label)}</text>'
                     f'<rect x="{left}" y="{y + 4}" width="{plot_w * max(value, 0):.1f}" height="{row - 8}" '
                     f'fill="{colour}"/><text x="{left + plot_w * max(value, 0) + 4:.1f}" y="{y + 15}">'
                     f'{value:.3f}</text>')
    if reference is not None:
        x = left + plot_w * reference
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 20}" stroke="#999" '
                     f'stroke-dasharray="4 4"/><text x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
                     f'{reference:g} (chance)</text>')
    parts.append("</svg>")
    return "".join(parts)


def _number(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def verdict(comparison: list[dict]) -> str:
    """One sentence, plainly: does the chosen model beat the baselines, and where not."""
    chosen = [row for row in comparison if row["is_chosen"]]
    if not chosen:
        return '<p class="warn">No purchase model could be fitted on the calibration period: churn is the rule of thumb.</p>'
    model = chosen[0]
    losses = []
    for row in comparison:
        if row["score_kind"] != "baseline":
            continue
        if row["auc"] is not None and row["auc"] > model["auc"]:
            losses.append(f"{row['score_name']} ranks better (AUC {row['auc']:.3f} against {model['auc']:.3f})")
        if row["brier_score"] is not None and row["brier_score"] < model["brier_score"]:
            losses.append(f"{row['score_name']} has a lower Brier score ({row['brier_score']:.3f} against "
                          f"{model['brier_score']:.3f})")
    if losses:
        return (f'<p class="warn">The chosen model, {html.escape(model["score_name"])}, does <b>not</b> beat every '
                f'naive baseline on this holdout: {html.escape("; ".join(losses))}.</p>')
    return (f'<p class="ok">The chosen model, {html.escape(model["score_name"])}, beats every naive baseline on this '
            f'holdout (AUC {model["auc"]:.3f}, Brier score {model["brier_score"]:.3f}).</p>')


CONTRACT_KINDS = ("contract_model", "contract_baseline")


def contract_verdict(contracts: list[dict]) -> str:
    """One sentence, plainly: does sBG, refitted at the end of calibration, beat the contract baselines
    on "lapsed in the holdout", and where not."""
    model = next((row for row in contracts if row["score_kind"] == "contract_model"), None)
    if model is None:
        return "<p>No subscription contract was active at the end of calibration: nothing to validate.</p>"
    if model["status"] != "fitted" or model["auc"] is None:
        return f'<p class="warn">sBG could not be refitted on the calibration contracts: {html.escape(model["message"])}.</p>'
    losses = [f"{row['score_name']} ranks better (AUC {row['auc']:.3f} against {model['auc']:.3f})"
              for row in contracts if row["score_kind"] == "contract_baseline" and row["auc"] is not None
              and row["auc"] > model["auc"]]
    losses += [f"{row['score_name']} has a lower Brier score ({row['brier_score']:.3f} against {model['brier_score']:.3f})"
               for row in contracts if row["score_kind"] == "contract_baseline" and row["brier_score"] is not None
               and row["brier_score"] < model["brier_score"]]
    if losses:
        return (f'<p class="warn">sBG does <b>not</b> beat every contract baseline on this holdout: '
                f'{html.escape("; ".join(losses))}.</p>')
    return (f'<p class="ok">sBG beats every contract baseline on this holdout (AUC {model["auc"]:.3f}, Brier score '
            f'{model["brier_score"]:.3f}, {model["customers"]:,} contracts).</p>')


def report_html(marts: dict[str, list[dict]]) -> str:
    contracts = [row for row in marts["comparison"] if row["score_kind"] in CONTRACT_KINDS]
    comparison = [row for row in marts["comparison"] if row["score_kind"] not in CONTRACT_KINDS]
    chosen = next((row["score_name"] for row in comparison if row["is_chosen"]), None)
    tracking_series = []
    models = sorted({row["score_name"] for row in marts["tracking"]})
    for name in models:
        points = [(row["days_after_calibration"], row["predicted_cumulative_purchases"])
                  for row in marts["tracking"] if row["score_name"] == name]
        label = f"{name} (chosen)" if name == chosen else name
        tracking_series.append((label, [(0.0, 0.0), *points], COLOURS.get(name, "#888"), True))
    if models:
        actual = [(row["days_after_calibration"], row["actual_cumulative_purchases"])
                  for row in marts["tracking"] if row["score_name"] == models[0]]
        tracking_series.insert(0, ("actual", [(0.0, 0.0), *actual], COLOURS["actual"], False))
    calibration = [(row["mean_predicted_no_purchase"], row["observed_no_purchase_rate"]) for row in marts["calibration"]]
    bars = [(row["score_name"] + (" (chosen)" if row["is_chosen"] else ""), row["auc"] or 0.0,
             COLOURS.get(row["score_name"], "#bbbbbb")) for row in comparison]
    table = ["<table><tr><th>score</th><th>kind</th><th>AUC</th><th>Brier</th><th>log-loss</th>"
             "<th>calibration error</th><th>predicted purchases</th><th>actual</th></tr>"]
    for row in comparison:
        css = ' class="chosen"' if row["is_chosen"] else ""
        table.append(f'<tr{css}><td>{html.escape(row["score_name"])}</td><td>{html.escape(row["score_kind"])}</td>'
                     + "".join(f'<td class="n">{_number(row[c])}</td>' for c in
                               ("auc", "brier_score", "log_loss", "calibration_error"))
                     + f'<td class="n">{_number(row["predicted_purchases"], 0)}</td>'
                     f'<td class="n">{_number(row["actual_purchases"], 0)}</td></tr>')
    table.append("</table>")
    buckets = ["<table><tr><th>bucket</th><th></th><th>customers</th><th>observed no purchase</th>"
               "<th>predicted</th><th>actual purchases</th><th>predicted</th><th>actual value</th>"
               "<th>predicted value</th></tr>"]
    for row in marts["buckets"]:
        buckets.append(f'<tr><td>{html.escape(row["bucket_type"])}</td><td>{html.escape(row["bucket"])}</td>'
                       + "".join(f'<td class="n">{_number(row[c], d)}</td>' for c, d in
                                 (("customers", 0), ("observed_no_purchase_rate", 3), ("mean_predicted_no_purchase", 3),
                                  ("actual_purchases", 0), ("predicted_purchases", 1), ("actual_value_reporting", 0),
                                  ("predicted_value_reporting", 0)))
                       + "</tr>")
    buckets.append("</table>")
    fits = ["<table><tr><th>model</th><th>period</th><th>status</th><th>parameters</th><th>log-likelihood</th></tr>"]
    for row in marts["fits"]:
        params = ", ".join(f"{name} {row[name]:.4g}" for name in ("r", "alpha", "a", "b", "s", "beta", "p", "q", "gamma")
                           if row[name] is not None and row[name] == row[name])
        fits.append(f'<tr><td>{html.escape(row["model"])}</td><td>{html.escape(row["period"])}</td>'
                    f'<td>{html.escape(row["status"])}</td><td>{html.escape(params)}</td>'
                    f'<td class="n">{_number(row["log_likelihood"], 1)}</td></tr>')
    fits.append("</table>")
    contract_table = ["<table><tr><th>score</th><th>kind</th><th>contracts</th><th>observed lapsed</th>"
                      "<th>mean predicted</th><th>AUC</th><th>Brier</th><th>calibration error</th>"
                      "<th>expected renewals</th><th>actual</th></tr>"]
    for row in contracts:
        contract_table.append(
            f'<tr><td>{html.escape(row["score_name"])}</td><td>{html.escape(row["score_kind"])}</td>'
            + "".join(f'<td class="n">{_number(row[c], d)}</td>' for c, d in
                      (("customers", 0), ("observed_no_purchase_rate", 3), ("mean_predicted_no_purchase", 3),
                       ("auc", 3), ("brier_score", 3), ("calibration_error", 3), ("predicted_purchases", 0),
                       ("actual_purchases", 0)))
            + "</tr>")
    contract_table.append("</table>")
    retention_series = []
    for interval in sorted({row["billing_interval"] for row in marts["retention"]}):
        rows = [row for row in marts["retention"] if row["billing_interval"] == interval]
        retention_series.append((f"{interval}ly, sBG projected", [(0.0, 1.0)] + [
            (float(row["renewal_point"]), row["projected_retention"]) for row in rows], "#1f77b4", True))
        retention_series.append((f"{interval}ly, actual", [(0.0, 1.0)] + [
            (float(row["renewal_point"]), row["actual_retention"]) for row in rows], COLOURS["actual"], False))
    criterion = html.escape(comparison[0]["criterion"]) if comparison else ""
    return "\n".join([
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Customer value: churn and CLV, and the evidence</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>Customer value: churn and CLV, and the evidence</h1>",
        "<p>Churn probability = P(no purchase in the horizon), from the purchase model chosen on the holdout "
        f"({html.escape(chosen or 'none')}); subscriptions are projected as contracts (sBG). The models are refitted on "
        "the data up to the end of the calibration period and scored on the holdout that follows.</p>",
        verdict(comparison),
        "<h2>Tracking: cumulative repeat purchases in the holdout</h2>",
        line_chart("Cumulative repeat purchases after calibration", tracking_series, "days after calibration",
                   "purchases"),
        "<h2>Calibration of the churn probability (chosen model, by decile)</h2>",
        line_chart("Observed share with no holdout purchase against predicted",
                   [(chosen or "model", calibration, COLOURS.get(chosen or "", "#1f77b4"), False)],
                   "mean predicted P(no purchase)", "observed share", diagonal=True, y_max=1.0, x_max=1.0),
        "<h2>Models against naive baselines</h2>",
        bar_chart("AUC for 'no purchase in the holdout'", bars, reference=0.5),
        "".join(table), f"<p>Choice: {criterion}.</p>",
        "<h2>Subscriptions as contracts: sBG against the holdout</h2>",
        "<p>sBG refitted on the contracts at the end of calibration; each contract active then scored on whether it "
        "lapsed in the holdout (a payment missed past the grace period), beside a constant churn rate per renewal and "
        "the contract's tenure.</p>",
        contract_verdict(contracts), "".join(contract_table),
        line_chart("Contracts still active after each renewal in the holdout", retention_series,
                   "renewal point after calibration", "share still active", y_max=1.0) if retention_series else "",
        "<h2>Errors by bucket (chosen model)</h2>", "".join(buckets),
        "<h2>Fitted models</h2>", "".join(fits),
        "</body></html>",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duckdb-path", type=Path, default=Path(os.environ.get("DUCKDB_PATH", ROOT / "warehouse.duckdb")))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.duckdb_path.exists():
        print(f"no warehouse at {args.duckdb_path}: run make build", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report_html(read_marts(args.duckdb_path)), encoding="utf-8")
    print(f"customer-value report: {args.out.resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
