"""The customer-value report (src/warehouse_tools/customer_value_report.py) on the demo warehouse: one
self-contained page (no scripts, nothing fetched) with the tracking plot, the calibration chart and
the model comparison, whose numbers are the marts', and a verdict that says plainly when the chosen
model loses to a baseline."""

from __future__ import annotations

import html
import re

import duckdb

from warehouse_tools.customer_value_report import contract_verdict, main, read_marts, verdict


def test_the_report_is_self_contained_and_shows_the_marts(demo_warehouse, tmp_path) -> None:
    out = tmp_path / "report.html"
    assert main(["--duckdb-path", str(demo_warehouse.duckdb_path), "--out", str(out)]) == 0
    page = out.read_text()
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    charts = [html.unescape(label) for label in re.findall(r'<svg [^>]*aria-label="([^"]+)"', page)]
    assert charts == ["Cumulative repeat purchases after calibration",
                      "Observed share with no holdout purchase against predicted",
                      "AUC for 'no purchase in the holdout'",
                      "Contracts still active after each renewal in the holdout"]
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as con:
        (chosen, auc), = con.sql("select score_name, auc from marts.rpt_churn_model_comparison where is_chosen").fetchall()
        deciles = con.sql("select count(*) from marts.rpt_churn_calibration").fetchone()[0]
        (sbg_auc, contracts), = con.sql("select auc, customers from marts.rpt_churn_model_comparison "
                                        "where score_name = 'sbg'").fetchall()
        (renewal_points, intervals), = con.sql("select count(*), count(distinct billing_interval) "
                                                "from marts.rpt_subscription_retention_tracking").fetchall()
    assert f"{auc:.3f}" in page and f"({chosen})" in page
    # the subscriptions' validation: sBG's AUC over the contracts, and a projected and an actual line per
    # billing interval with a point per renewal point (and the start)
    assert f"{sbg_auc:.3f}" in page and f"{contracts:,}" in page
    retention_svg = page.split('aria-label="Contracts still active')[1].split("</svg>")[0]
    lines = re.findall(r'<polyline points="([^"]+)"', retention_svg)
    assert len(lines) == 2 * intervals > 0 and sum(len(line.split()) for line in lines) == 2 * (renewal_points + intervals)
    calibration_svg = page.split('aria-label="Observed share')[1].split("</svg>")[0]
    assert calibration_svg.count("<circle") == deciles == 10


def test_the_verdict_names_the_baseline_that_wins_and_says_so_when_none_does(demo_warehouse) -> None:
    def rows(baseline_auc: float, baseline_brier: float | None) -> list[dict]:
        return [{"score_name": "pareto_nbd", "score_kind": "model", "is_chosen": True, "auc": 0.70, "brier_score": 0.20},
                {"score_name": "recency", "score_kind": "baseline", "is_chosen": False, "auc": baseline_auc,
                 "brier_score": baseline_brier}]

    assert "does <b>not</b> beat" in verdict(rows(0.75, None)) and "recency ranks better" in verdict(rows(0.75, None))
    assert "lower Brier score" in verdict(rows(0.60, 0.10))
    assert "beats every naive baseline" in verdict(rows(0.60, 0.30))
    comparison = read_marts(demo_warehouse.duckdb_path)["comparison"]
    chosen = next(row for row in comparison if row["is_chosen"])
    loses = any(row["auc"] > chosen["auc"] for row in comparison if row["score_kind"] == "baseline")
    assert ("does <b>not</b> beat" in verdict(comparison)) == loses
    contracts = [{"score_name": "sbg", "score_kind": "contract_model", "status": "fitted", "message": "", "auc": 0.70,
                  "brier_score": 0.20, "customers": 165},
                 {"score_name": "contract_tenure", "score_kind": "contract_baseline", "status": "score", "message": "",
                  "auc": 0.75, "brier_score": None, "customers": 165}]
    assert "contract_tenure ranks better" in contract_verdict(contracts)
    contracts[1]["auc"] = 0.65
    assert "sBG beats every contract baseline" in contract_verdict(contracts)
