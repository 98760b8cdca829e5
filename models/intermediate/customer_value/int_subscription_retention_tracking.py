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


# On Spark, src/warehouse_tools/build_on_engine.py runs summarise() on the executors once per billing interval and
# finish() on the driver with the renewal points' rows (docs/engines.md).
GROUPED_INPUTS = {"int_subscription_holdout_scores": ("billing_interval",)}


def parameters(dbt) -> dict:
    """The calibration sBG fit of each billing interval that has one."""
    from customer_value import sbg_fits_by_interval

    return {"fits": sbg_fits_by_interval(dbt.ref("int_customer_clv_fits").df(), "calibration")}


def _typed(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    frame["billing_interval"] = frame["billing_interval"].astype(str)
    for column in ("renewal_point", "contracts_at_risk", "actual_active"):
        frame[column] = frame[column].astype("Int64")
    for column in ("projected_active", "projected_retention", "actual_retention"):
        frame[column] = frame[column].astype(np.float64)
    return frame


def summarise(table: str, scores: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The renewal points' rows of one billing interval (its 'sbg' rows, in any order)."""
    from customer_value import sbg

    group = scores[scores["score_name"] == "sbg"].sort_values("contract_id", ignore_index=True)
    fit = params["fits"].get(str(group["billing_interval"].iloc[0])) if len(group) else None
    if fit is None:
        return _typed([])
    interval = str(group["billing_interval"].iloc[0])
    n = group["renewals_at_calibration"].to_numpy(float)
    horizon = group["holdout_renewal_points"].to_numpy(float)
    made = group["renewals_in_holdout"].to_numpy(float)
    alive_now = sbg.survival(fit, n)
    rows = []
    for j in range(1, int(horizon.max()) + 1):
        at_risk = horizon >= j
        projected = float((sbg.survival(fit, n[at_risk] + j) / alive_now[at_risk]).sum())
        actual = int((made[at_risk] >= j).sum())
        rows.append({"billing_interval": interval, "renewal_point": j, "contracts_at_risk": int(at_risk.sum()),
                     "projected_active": projected, "actual_active": actual,
                     "projected_retention": projected / at_risk.sum(), "actual_retention": actual / at_risk.sum()})
    return _typed(rows)


def finish(summaries: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    rows = summaries["int_subscription_holdout_scores"]
    return _typed(rows.sort_values(["billing_interval", "renewal_point"], ignore_index=True))


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    params = parameters(dbt)
    scores = dbt.ref("int_subscription_holdout_scores").df()
    groups = [summarise("int_subscription_holdout_scores", group, params)
              for _, group in scores.groupby("billing_interval")]
    return finish({"int_subscription_holdout_scores": pd.concat([*groups, _typed([])], ignore_index=True)}, params)
