"""CDNOW through the whole warehouse (src/warehouse_tools/land_cdnow.py): the sample's 6,919 transactions landed
as the generic transactions CSV, `dbt build` with every test, and the figures read from the marts.

Checked against independent sources: the published maximum-likelihood estimates on the 39-week
calibration (converted from days to weeks), the holdout outcome recomputed here from the raw
CDNOW file with pandas, and the AUC recomputed from the per-customer scores with scipy.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

from warehouse_tools import land_cdnow
from warehouse_tools.dbt_inprocess import release_duckdb


@pytest.fixture(scope="module")
def cdnow_warehouse(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("cdnow")
    raw_dir, duckdb_path = work / "raw", work / "cdnow_sample.duckdb"
    transactions = land_cdnow.land("sample", raw_dir)
    try:
        land_cdnow.build(raw_dir, duckdb_path)
    finally:
        release_duckdb()
    return {"transactions": transactions, "path": duckdb_path, "figures": land_cdnow.results(duckdb_path)}


def test_every_transaction_lands_and_the_empty_sources_build(cdnow_warehouse) -> None:
    assert cdnow_warehouse["transactions"] == 6919
    with duckdb.connect(str(cdnow_warehouse["path"]), read_only=True) as con:
        orders, customers = con.sql("select count(*), count(distinct customer_id) from marts.fct_orders").fetchone()
        other = con.sql("select count(*) from marts.fct_orders where source_system <> 'transactions_csv'").fetchone()[0]
    assert (orders, customers, other) == (6919, 2357, 0)


def test_the_calibration_fits_in_the_mart_reproduce_the_published_estimates(cdnow_warehouse) -> None:
    """Within 1%: the warehouse counts a purchase only when it took money, and 8 of the 2,357 CDNOW
    customers made their first purchase for $0, so it fits the 2,349 who paid by the end of
    calibration (recounted here from the raw file)."""
    raw = pd.DataFrame(land_cdnow.cdnow_rows("sample"), columns=land_cdnow.HEADER)
    paid = raw[(raw["amount"].astype(float) > 0) & (raw["transaction_date"] <= "1997-09-30")]
    first = raw.sort_values(["customer_id", "transaction_date", "amount"]).groupby("customer_id").head(1)
    assert (first["amount"].astype(float) == 0).sum() == 8
    fits = cdnow_warehouse["figures"]["fits"]
    assert fits["bg_nbd"]["customers"] == paid["customer_id"].nunique() == 2349
    for model, published in land_cdnow.PUBLISHED.items():
        assert fits[model]["status"] == "fitted", model
        for name, value in published.items():
            got = land_cdnow.in_weeks(model, name, fits[model][name])
            assert abs(got / value - 1) < 0.01, (model, name, got, value)


def test_the_holdout_outcome_and_the_auc_are_what_the_raw_file_says(cdnow_warehouse) -> None:
    raw = pd.DataFrame(land_cdnow.cdnow_rows("sample"), columns=land_cdnow.HEADER)
    raw = raw[raw["amount"].astype(float) > 0]
    raw["date"] = pd.to_datetime(raw["transaction_date"])
    calibrated = raw.groupby("customer_id")["date"].min() <= "1997-09-30"
    holdout = raw[(raw["date"] > "1997-09-30") & (raw["date"] <= "1998-06-30")].groupby("customer_id")["date"].nunique()
    expected = {cid: cid not in holdout.index for cid in calibrated[calibrated].index}
    with duckdb.connect(str(cdnow_warehouse["path"]), read_only=True) as con:
        scores = con.sql("""
            select scores.customer_id, scores.churn_score, scores.has_no_holdout_purchase, comparison.auc
            from intermediate.int_customer_clv_holdout_scores as scores
            inner join marts.rpt_churn_model_comparison as comparison using (score_name)
            where comparison.is_chosen
        """).df()
        ids = dict(con.sql("select replace(customer_record_id, 'transactions_csv__customers:', ''), customer_id "
                           "from intermediate.int_customer_ids "
                           "where customer_record_id like 'transactions_csv__customers:%'").fetchall())
    observed = {cid: expected[raw_id] for raw_id, cid in ids.items() if raw_id in expected}
    assert len(scores) == len(observed) == 2349
    assert all(observed[row.customer_id] == row.has_no_holdout_purchase for row in scores.itertuples())
    outcome = scores["has_no_holdout_purchase"].to_numpy(bool)
    u = mannwhitneyu(scores.loc[outcome, "churn_score"], scores.loc[~outcome, "churn_score"]).statistic
    assert u / (outcome.sum() * (~outcome).sum()) == pytest.approx(scores["auc"].iloc[0], abs=1e-12)
    assert np.isfinite(scores["churn_score"]).all()
