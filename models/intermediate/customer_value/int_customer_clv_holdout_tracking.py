"""Predicted cumulative repeat purchases through the holdout, week by week, per purchase model.

For each purchase model fitted on the calibration period (int_customer_clv_fits) and each week k of
the holdout (the last one cut at the holdout's end): the sum over the calibration customers
(int_customer_clv_calibration) of their expected purchases in the first min(7k, holdout days) days
after calibration. rpt_clv_tracking puts the actual cumulative purchases beside it (Fader, Hardie &
Lee's tracking plot).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PURCHASE_MODELS = ("bg_nbd", "mbg_nbd", "pareto_nbd")
DAYS_PER_PERIOD = 7


# On Spark, src/warehouse_tools/build_on_engine.py runs score() on the executors over batches of
# PER_ROW_INPUT and adds the batches' sums up by SUM_BY in the cluster (docs/engines.md).
PER_ROW_INPUT = "int_customer_clv_calibration"
SUM_BY = ("score_name", "period_number", "days_after_calibration")


def parameters(dbt) -> dict:
    from customer_value import fit_from_row

    fits = dbt.ref("int_customer_clv_fits").df()
    models = []
    for name in PURCHASE_MODELS:
        row = fits[(fits["model"] == name) & (fits["period"] == "calibration") & (fits["status"] == "fitted")]
        if not row.empty:
            models.append((name, fit_from_row(row.iloc[0])))
    return {"models": models}


def score(calibration: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The predicted cumulative purchases of these customers, per model and week (a sum over them)."""
    from customer_value import churn

    x, t_x, age = (calibration[name].to_numpy(float) for name in ("x", "t_x", "t_age"))
    holdout_days = int(calibration["holdout_days"].iloc[0]) if len(calibration) else 0
    periods = -(-holdout_days // DAYS_PER_PERIOD)
    rows = []
    for name, fit in params["models"]:
        if not len(x):
            continue
        alive = churn.p_alive(fit, x, t_x, age)  # the same for every period: computed once
        for k in range(1, periods + 1):
            days = min(k * DAYS_PER_PERIOD, holdout_days)
            purchases = churn.expected_purchases(fit, float(days), x, t_x, age, alive=alive)
            rows.append({"score_name": name, "period_number": k, "days_after_calibration": days,
                         "predicted_cumulative_purchases": float(np.sum(purchases))})
    frame = pd.DataFrame(rows, columns=["score_name", "period_number", "days_after_calibration",
                                        "predicted_cumulative_purchases"])
    frame["score_name"] = frame["score_name"].astype(str)
    frame["period_number"] = frame["period_number"].astype("int64")
    frame["days_after_calibration"] = frame["days_after_calibration"].astype("int64")
    frame["predicted_cumulative_purchases"] = frame["predicted_cumulative_purchases"].astype(float)
    return frame


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    calibration = dbt.ref("int_customer_clv_calibration").df().sort_values("customer_id", ignore_index=True)
    return score(calibration, parameters(dbt))
