"""Project every subscription contract with the shifted-beta-geometric model (docs/customer-value.md).

Per contract spell of int_subscription_contracts, with the sBG fit of its billing interval
(int_customer_clv_fits, 'sbg_month' or 'sbg_year', period 'full'). An active contract that has made n renewals
survives the next k renewal points with probability S(n+k)/S(n):
- contract_churn_probability: 1 - S(n+H)/S(n), H the renewal points in the next var
  churn_horizon_days (whole billing intervals); a lapsed contract has churned (1, observed);
- expected_payments_in_horizon: sum over the renewal points in the next var clv_horizon_months of
  S(n+j)/S(n), and subscription_clv that sum with each payment at the contract's mean payment value,
  discounted at var clv_monthly_discount_rate a month (0 for a lapsed contract).
contract_method is 'sbg', 'lapsed' (observed), or 'heuristic' when the interval's fit failed
(probability and value NULL: the marts fall back to the rule-based churn and the heuristic CLV).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTHS_PER_INTERVAL = {"month": 1, "year": 12}


# Per contract, nothing else: on Spark, src/warehouse_tools/build_on_engine.py runs score() on the executors over
# batches of PER_ROW_INPUT, with parameters() computed once on the driver (docs/engines.md).
PER_ROW_INPUT = "int_subscription_contracts"


def parameters(dbt) -> dict:
    from customer_value import sbg_fit_from_row

    fits = dbt.ref("int_customer_clv_fits").df()
    interval_fits = {}
    for interval in MONTHS_PER_INTERVAL:
        row = fits[(fits["model"] == f"sbg_{interval}") & (fits["period"] == "full") & (fits["status"] == "fitted")]
        if not row.empty:
            interval_fits[interval] = sbg_fit_from_row(row.iloc[0])
    return {"horizon_months": int(dbt.config.get("horizon_months")),
            "discount_rate": float(dbt.config.get("monthly_discount_rate")),
            "churn_days": float(dbt.config.get("churn_horizon_days")), "fits": interval_fits}


def score(contracts: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The projections of these contracts (any subset: each contract on its own)."""
    from customer_value import sbg

    horizon_months, discount_rate, churn_days = (params[name] for name in
                                                 ("horizon_months", "discount_rate", "churn_days"))
    out = contracts[["contract_id", "customer_id", "billing_interval", "is_active", "renewals",
                     "mean_payment_value"]].copy()
    out["contract_churn_probability"] = np.where(out["is_active"], np.nan, 1.0)
    out["expected_payments_in_horizon"] = np.where(out["is_active"], np.nan, 0.0)
    out["subscription_clv"] = np.where(out["is_active"], np.nan, 0.0)
    out["contract_method"] = np.where(out["is_active"], "heuristic", "lapsed")
    for interval, months in MONTHS_PER_INTERVAL.items():
        fit = params["fits"].get(interval)
        chosen = (out["billing_interval"] == interval) & out["is_active"]
        if fit is None or not chosen.any():
            continue
        n = out.loc[chosen, "renewals"].to_numpy(float)
        alive_now = sbg.survival(fit, n)
        churn_points = int(churn_days // (365.25 / 12 * months))
        out.loc[chosen, "contract_churn_probability"] = 1.0 - sbg.survival(fit, n + churn_points) / alive_now
        payments = np.zeros(n.shape)
        value = np.zeros(n.shape)
        for j in range(1, horizon_months // months + 1):
            kept = sbg.survival(fit, n + j) / alive_now
            payments += kept
            value += kept / (1.0 + discount_rate) ** (j * months)
        out.loc[chosen, "expected_payments_in_horizon"] = payments
        out.loc[chosen, "subscription_clv"] = value * np.maximum(out.loc[chosen, "mean_payment_value"], 0.0)
        out.loc[chosen, "contract_method"] = "sbg"
    return out


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    contracts = dbt.ref("int_subscription_contracts").df().sort_values("contract_id", ignore_index=True)
    return score(contracts, parameters(dbt))
