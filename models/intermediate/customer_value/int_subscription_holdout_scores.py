"""Every subscription contract active at the end of calibration, projected through the holdout and
compared with what it did.

The contracts active at the end of the calibration period, matched to the same spells at the as-of
date (int_subscription_holdout_contracts; same contract, customer and start). Per contract: the
renewals it had made (n), the renewal points it faced in the holdout (H, from the dates alone), the
renewals it made there, and whether it lapsed (observed churn: a payment missed past the grace
period). Scores of "lapsed in the holdout", one row each:
- 'sbg' (score_kind 'contract_model'): 1 - S(n+H)/S(n) with the sBG fit of its billing interval
  refitted on the calibration contracts (int_customer_clv_fits, period 'calibration'); expected
  renewals in the holdout sum_j S(n+j)/S(n), j = 1..H;
- 'contract_constant_rate' (baseline): one churn rate per renewal for every contract of the
  interval, c = lapses / renewal attempts in the calibration contracts: 1 - (1-c)^H;
- 'contract_tenure' (baseline, a ranking): fewer renewals made = more likely to lapse (minus n).
An interval whose calibration fit failed has no 'sbg' rows (the comparison reports the failure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["contract_id", "customer_id", "billing_interval", "score_name", "score_kind", "is_probability",
           "renewals_at_calibration", "holdout_renewal_points", "renewals_in_holdout", "churn_score",
           "expected_renewals_in_holdout", "has_lapsed_in_holdout"]


def constant_rates(calibration) -> dict[str, float]:
    """Lapses per renewal attempt of each billing interval's calibration contracts (a relation), counted
    in the database: an active contract attempted `renewals` renewals and made them all, a lapsed one
    made `renewals` and failed the next."""
    counts = calibration.aggregate(
        "billing_interval, sum(case when is_active then 0 else 1 end) as lapses, sum(renewals) as renewals",
        "billing_interval").df()
    attempts = counts["renewals"].astype(float) + counts["lapses"].astype(float)
    rates = np.where(attempts > 0, counts["lapses"].astype(float) / attempts.where(attempts > 0, 1.0), np.nan)
    return dict(zip(counts["billing_interval"].astype(str), rates.astype(float)))


# Per contract, nothing else: on Spark, src/warehouse_tools/build_on_engine.py runs score() on the executors over
# batches of PER_ROW_INPUT, with parameters() computed once on the driver (docs/engines.md).
PER_ROW_INPUT = "int_subscription_holdout_contracts"


def parameters(dbt) -> dict:
    """The calibration sBG fits and constant rates of the billing intervals: small tables only."""
    from customer_value import sbg_fits_by_interval

    return {"fits": sbg_fits_by_interval(dbt.ref("int_customer_clv_fits").df(), "calibration"),
            "rates": constant_rates(dbt.ref("int_subscription_contracts_calibration"))}


def score(matched: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The score rows of these contracts (any subset: each contract is scored on its own)."""
    from customer_value import sbg

    n = matched["renewals"].to_numpy(float)
    horizon = np.maximum(matched["renewal_points_at_end"].to_numpy(float) - matched["renewal_points"].to_numpy(float), 0)
    facts = pd.DataFrame({
        "contract_id": matched["contract_id"], "customer_id": matched["customer_id"],
        "billing_interval": matched["billing_interval"], "renewals_at_calibration": n,
        "holdout_renewal_points": horizon,
        "renewals_in_holdout": np.clip(matched["renewals_at_end"].to_numpy(float) - n, 0, horizon),
        "has_lapsed_in_holdout": ~matched["is_active_at_end"].astype(bool).to_numpy()})

    parts = [facts.assign(score_name="contract_tenure", score_kind="baseline", is_probability=False, churn_score=-n,
                          expected_renewals_in_holdout=np.nan)]
    for interval in ("month", "year"):
        chosen = (facts["billing_interval"] == interval).to_numpy()
        if not chosen.any():
            continue
        rate = params["rates"].get(interval, float("nan"))
        kept = np.arange(1, int(horizon[chosen].max()) + 1)
        steps = (kept[None, :] <= horizon[chosen, None])
        parts.append(facts[chosen].assign(
            score_name="contract_constant_rate", score_kind="baseline", is_probability=True,
            churn_score=1.0 - (1.0 - rate) ** horizon[chosen],
            expected_renewals_in_holdout=((1.0 - rate) ** kept[None, :] * steps).sum(axis=1)))
        fit = params["fits"].get(interval)
        if fit is None:
            continue
        alive_now = sbg.survival(fit, n[chosen])
        survived = sbg.survival(fit, n[chosen, None] + kept[None, :]) / alive_now[:, None]
        parts.append(facts[chosen].assign(
            score_name="sbg", score_kind="contract_model", is_probability=True,
            churn_score=1.0 - sbg.survival(fit, n[chosen] + horizon[chosen]) / alive_now,
            expected_renewals_in_holdout=(survived * steps).sum(axis=1)))
    frame = pd.concat(parts, ignore_index=True).reindex(columns=COLUMNS)
    for column in ("contract_id", "customer_id", "billing_interval", "score_name", "score_kind"):
        frame[column] = frame[column].astype(str)
    for column in ("renewals_at_calibration", "holdout_renewal_points", "renewals_in_holdout", "churn_score",
                   "expected_renewals_in_holdout"):
        frame[column] = frame[column].astype(float)
    for column in ("is_probability", "has_lapsed_in_holdout"):
        frame[column] = frame[column].astype(bool)
    return frame


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    matched = dbt.ref("int_subscription_holdout_contracts").df().sort_values("contract_id", ignore_index=True)
    return score(matched, parameters(dbt))
