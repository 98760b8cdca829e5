"""Every churn score of every calibration customer, beside what they did in the holdout.

One row per customer of int_customer_clv_calibration and score: the purchase models fitted on the
calibration period (int_customer_clv_fits, period 'calibration': 'bg_nbd', 'mbg_nbd', 'pareto_nbd')
predict P(no purchase in the holdout) (churn_score), the purchases in it and their value (with the
calibration Gamma-Gamma fit, undiscounted); the naive baselines sit beside them as rows of their own:
- 'recency': days since the last purchase at the end of calibration (a ranking, not a probability);
- 'repeat_count': fewer repeat purchases = more likely to churn (minus x; a ranking);
- 'last_year_rate': the purchases of the last 365 days of calibration as a Poisson rate,
  P(no purchase in the holdout) = exp(-rate * holdout days);
- 'rule': the customer-intelligence service's rule-of-thumb churn probability (seed 001).
Each model's probability is also scored recalibrated ('<model>_recalibrated'): mapped by the
logistic map learned on the inner split of the calibration period (int_customer_clv_recalibration,
period 'calibration'), and stacked ('<model>_stacked'): mapped with the customer's recency and repeat
count by the stacked map learned on the same inner split, so its weights never see the holdout; their
purchases and value are the model's own. A model whose calibration fit
(or map) failed has no rows. int_customer_clv_model_comparison scores them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PURCHASE_MODELS = ("bg_nbd", "mbg_nbd", "pareto_nbd")
FACTS = ["customer_id", "x", "t_x", "t_age", "holdout_days", "holdout_purchases", "holdout_value_reporting",
         "has_no_holdout_purchase"]


def fitted(fits: pd.DataFrame, model: str, period: str):
    """The fit of a 'fitted' row of int_customer_clv_fits, or None."""
    from customer_value import fit_from_row

    row = fits[(fits["model"] == model) & (fits["period"] == period) & (fits["status"] == "fitted")]
    return None if row.empty else fit_from_row(row.iloc[0])


def learned_maps(maps: pd.DataFrame, model: str, period: str) -> dict:
    """{score suffix: map(p, x, t_x, T)} of the 'fitted' rows of int_customer_clv_recalibration."""
    from customer_value import MAP_SUFFIXES, map_from_row

    rows = maps[(maps["model"] == model) & (maps["period"] == period) & (maps["status"] == "fitted")]
    return {MAP_SUFFIXES[row["method"]]: map_from_row(row) for _, row in rows.sort_values("method").iterrows()}


def population_value(gamma_gamma, x, zbar) -> np.ndarray:
    """Gamma-Gamma expected value of a purchase; the population mean without a usable repeat value."""
    from customer_value import expected_average_value

    mean = gamma_gamma.p * gamma_gamma.gamma / (gamma_gamma.q - 1)
    usable = (x > 0) & np.isfinite(zbar) & (zbar > 0)
    return expected_average_value(gamma_gamma, x, np.where(usable, zbar, mean))


# Per customer, nothing else: on Spark, src/warehouse_tools/build_on_engine.py runs score() on the executors over
# batches of PER_ROW_INPUT, with parameters() computed once on the driver (docs/engines.md).
PER_ROW_INPUT = "int_customer_clv_calibration"


def parameters(dbt) -> dict:
    """The calibration fits and their recalibration maps: small tables only, read once."""
    fits = dbt.ref("int_customer_clv_fits").df()
    maps = dbt.ref("int_customer_clv_recalibration").df()
    models = []
    for name in PURCHASE_MODELS:
        fit = fitted(fits, name, "calibration")
        if fit is not None:
            models.append((name, fit, learned_maps(maps, name, "calibration")))
    return {"models": models, "gamma_gamma": fitted(fits, "gamma_gamma", "calibration")}


def score(calibration: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The score rows of these customers (any subset: each customer is scored on its own)."""
    from customer_value import churn

    x, t_x, age = (calibration[name].to_numpy(float) for name in ("x", "t_x", "t_age"))
    zbar = calibration["mean_repeat_value"].to_numpy(float)
    horizon = float(calibration["holdout_days"].iloc[0]) if len(calibration) else 0.0
    facts = calibration[FACTS]
    gamma_gamma = params["gamma_gamma"]
    value = population_value(gamma_gamma, x, zbar) if gamma_gamma is not None and len(x) else None

    parts = []
    for name, fit, maps in params["models"]:
        if not len(x):
            continue
        purchases = churn.expected_purchases(fit, horizon, x, t_x, age)
        probability = churn.prob_no_purchase(fit, horizon, x, t_x, age)
        predicted_value = purchases * value if value is not None else np.nan
        parts.append(facts.assign(score_name=name, score_kind="model", is_probability=True, churn_score=probability,
                                  predicted_purchases=purchases, predicted_value=predicted_value))
        for suffix, mapping in maps.items():
            parts.append(facts.assign(score_name=f"{name}{suffix}", score_kind="model", is_probability=True,
                                      churn_score=mapping(probability, x, t_x, age), predicted_purchases=purchases,
                                      predicted_value=predicted_value))
    rate = calibration["last_year_purchases"].to_numpy(float) / 365.0
    baselines = {
        "recency": (False, age - t_x, np.nan),
        "repeat_count": (False, -x, np.nan),
        "last_year_rate": (True, np.exp(-rate * horizon), rate * horizon),
        "rule": (True, calibration["rule_churn_probability"].to_numpy(float), np.nan),
    }
    for name, (is_probability, score_values, purchases) in baselines.items():
        parts.append(facts.assign(score_name=name, score_kind="baseline", is_probability=is_probability,
                                  churn_score=score_values, predicted_purchases=purchases, predicted_value=np.nan))
    frame = pd.concat(parts, ignore_index=True)
    for column in ("churn_score", "predicted_purchases", "predicted_value", "holdout_value_reporting"):
        frame[column] = frame[column].astype(float)
    frame["has_no_holdout_purchase"] = frame["has_no_holdout_purchase"].astype(bool)
    frame["is_probability"] = frame["is_probability"].astype(bool)
    return frame


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    calibration = dbt.ref("int_customer_clv_calibration").df().sort_values("customer_id", ignore_index=True)
    return score(calibration, parameters(dbt))
