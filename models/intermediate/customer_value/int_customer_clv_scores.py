"""Score every customer with the fitted models (rpt_clv_model_fit, period 'full').

Per customer with a paid order: P(alive), expected purchases in the next 90 and 365 days, expected
average order value (Gamma-Gamma; customers without a usable repeat value get the population mean
p*gamma/(q-1)) and CLV discounted over var clv_horizon_months at var clv_monthly_discount_rate.
clv_method says how the value was obtained: 'bg_nbd_gamma_gamma', or 'heuristic' when a fit failed
or a prediction was not a finite non-negative number (fct_customer_clv then uses the heuristic CLV).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12


def _fit(fits: pd.DataFrame, model: str):
    row = fits[(fits["model"] == model) & (fits["period"] == "full")]
    return None if row.empty or row.iloc[0]["status"] != "fitted" else row.iloc[0]


def model(dbt, session):
    from customer_value import discounted_clv, expected_average_value, expected_purchases, fit_from_row, p_alive

    dbt.config(materialized="table", tags=["python_model"])
    horizon_months = int(dbt.config.get("horizon_months"))
    discount_rate = float(dbt.config.get("monthly_discount_rate"))

    summary = dbt.ref("int_customer_clv_summary").df()
    fits = dbt.ref("rpt_clv_model_fit").df()
    x = summary["x"].to_numpy(float)
    t_x = summary["t_x"].to_numpy(float)
    age = summary["t_age"].to_numpy(float)
    zbar = summary["mean_repeat_value"].to_numpy(float)

    out = pd.DataFrame({"customer_id": summary["customer_id"]})
    for column in ["p_alive", "expected_purchases_90d", "expected_purchases_365d",
                   "expected_average_order_value", "model_clv"]:
        out[column] = np.nan
    out["clv_method"] = "heuristic"

    bgnbd_row, gg_row = _fit(fits, "bg_nbd"), _fit(fits, "gamma_gamma")
    if bgnbd_row is None:
        return out
    bgnbd = fit_from_row(bgnbd_row)
    out["p_alive"] = p_alive(bgnbd, x, t_x, age)
    out["expected_purchases_90d"] = expected_purchases(bgnbd, 90.0, x, t_x, age)
    out["expected_purchases_365d"] = expected_purchases(bgnbd, 365.0, x, t_x, age)
    if gg_row is None:
        return out
    gamma_gamma = fit_from_row(gg_row)
    # A customer without a usable repeat value (no repeat purchase, or repeat value <= 0) gets the
    # population mean M = p*gamma/(q-1): with zbar = M the Gamma-Gamma expectation is M for any x.
    population_mean = gamma_gamma.p * gamma_gamma.gamma / (gamma_gamma.q - 1)
    usable = (x > 0) & np.isfinite(zbar) & (zbar > 0)
    value_z = np.where(usable, zbar, population_mean)
    out["expected_average_order_value"] = expected_average_value(gamma_gamma, x, value_z)
    out["model_clv"] = discounted_clv(bgnbd, gamma_gamma, x, t_x, age, value_z, horizon_months,
                                      discount_rate, DAYS_PER_MONTH)
    scored = ["p_alive", "expected_purchases_90d", "expected_purchases_365d", "expected_average_order_value",
              "model_clv"]
    valid = np.isfinite(out[scored].to_numpy()).all(axis=1) & (out[scored].to_numpy() >= 0).all(axis=1)
    out.loc[valid, "clv_method"] = "bg_nbd_gamma_gamma"
    out.loc[~valid, scored] = np.nan
    return out
