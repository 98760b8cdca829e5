"""Predicted against actual purchases in the holdout period, per customer.

BG/NBD fitted on the calibration period (rpt_clv_model_fit, period 'calibration') predicts each
calibration customer's purchases in the holdout days that follow; int_customer_clv_calibration
holds what they actually bought. predicted_purchases is NULL when the calibration fit failed.
"""

from __future__ import annotations

import numpy as np


def model(dbt, session):
    from customer_value import expected_purchases, fit_from_row

    dbt.config(materialized="table", tags=["python_model"])
    calibration = dbt.ref("int_customer_clv_calibration").df()
    fits = dbt.ref("rpt_clv_model_fit").df()
    row = fits[(fits["model"] == "bg_nbd") & (fits["period"] == "calibration") & (fits["status"] == "fitted")]

    out = calibration[["customer_id", "summary_date", "x", "t_x", "t_age", "holdout_days", "holdout_purchases"]].copy()
    out["predicted_purchases"] = np.nan
    if not row.empty:
        bgnbd = fit_from_row(row.iloc[0])
        out["predicted_purchases"] = expected_purchases(
            bgnbd, out["holdout_days"].to_numpy(float), out["x"].to_numpy(float),
            out["t_x"].to_numpy(float), out["t_age"].to_numpy(float))
    return out
