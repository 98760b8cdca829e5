"""Retention of the subscription contracts active at the end of calibration, projected by sBG
against what happened, renewal point by renewal point through the holdout.

Per billing interval and holdout renewal point j (1 = the first renewal due after the end of
calibration): the contracts that faced at least j renewal points in the holdout
(int_subscription_holdout_scores), how many of them sBG (refitted on the calibration contracts,
int_customer_clv_fits period 'calibration') projects still active after j, sum of S(n+j)/S(n), and
how many actually were (made at least j renewals in the holdout). An interval whose calibration
fit failed has no rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["billing_interval", "renewal_point", "contracts_at_risk", "projected_active", "actual_active",
           "projected_retention", "actual_retention"]


def model(dbt, session):
    from customer_value import sbg, sbg_fit_from_row

    dbt.config(materialized="table", tags=["python_model"])
    scores = dbt.ref("int_subscription_holdout_scores").df()
    contracts = scores[scores["score_name"] == "sbg"].sort_values("contract_id", ignore_index=True)
    fits = dbt.ref("int_customer_clv_fits").df()
    rows = []
    for interval, group in contracts.groupby("billing_interval", sort=True):
        row = fits[(fits["model"] == f"sbg_{interval}") & (fits["period"] == "calibration") & (fits["status"] == "fitted")]
        if row.empty:
            continue
        fit = sbg_fit_from_row(row.iloc[0])
        n = group["renewals_at_calibration"].to_numpy(float)
        horizon = group["holdout_renewal_points"].to_numpy(float)
        made = group["renewals_in_holdout"].to_numpy(float)
        alive_now = sbg.survival(fit, n)
        for j in range(1, int(horizon.max()) + 1 if len(horizon) else 1):
            at_risk = horizon >= j
            projected = float((sbg.survival(fit, n[at_risk] + j) / alive_now[at_risk]).sum())
            actual = int((made[at_risk] >= j).sum())
            rows.append({"billing_interval": interval, "renewal_point": j, "contracts_at_risk": int(at_risk.sum()),
                         "projected_active": projected, "actual_active": actual,
                         "projected_retention": projected / at_risk.sum(), "actual_retention": actual / at_risk.sum()})
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    frame["billing_interval"] = frame["billing_interval"].astype(str)
    for column in ("renewal_point", "contracts_at_risk", "actual_active"):
        frame[column] = frame[column].astype("Int64")
    for column in ("projected_active", "projected_retention", "actual_retention"):
        frame[column] = frame[column].astype(np.float64)
    return frame
