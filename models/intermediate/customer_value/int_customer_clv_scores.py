"""Score every customer's non-contractual purchasing with the chosen purchase model.

Per customer of int_customer_clv_summary (purchases that are not subscription payments): the
purchase model chosen on the holdout (int_customer_clv_model_comparison, best model_rank whose
'full' fit in int_customer_clv_fits succeeded, and for a '<model>_recalibrated' or '<model>_stacked'
choice whose 'full' map in int_customer_clv_recalibration was learned; without a holdout choice the first fitted of
bg_nbd, pareto_nbd, mbg_nbd) gives P(alive), the probability of no purchase in the next var
churn_horizon_days (the churn probability; mapped when the choice is), expected purchases in the next 90 and 365 days; the
Gamma-Gamma fit the expected value of a purchase (the population mean p*gamma/(q-1) without a usable
repeat value); and CLV = sum over the next var clv_horizon_months months of expected value x
expected purchases in the month, discounted at var clv_monthly_discount_rate a month.
clv_method says how the value was obtained: '<model>_gamma_gamma', or 'heuristic' when no fit could
be used or a prediction was not a finite non-negative number (the marts then use the heuristic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12
FALLBACK_ORDER = ("bg_nbd", "pareto_nbd", "mbg_nbd")
SCORED = ["p_alive", "p_no_purchase_in_horizon", "expected_purchases_90d", "expected_purchases_365d",
          "expected_average_order_value", "model_clv"]


def _fitted(fits: pd.DataFrame, model: str):
    from customer_value import fit_from_row

    row = fits[(fits["model"] == model) & (fits["period"] == "full") & (fits["status"] == "fitted")]
    return None if row.empty else fit_from_row(row.iloc[0])


def _split(candidate: str, maps: pd.DataFrame):
    """(model, map(p, x, t_x, T)) of a candidate score name: the identity for a plain model, the
    'full' map of int_customer_clv_recalibration for '<model>_recalibrated' / '<model>_stacked'
    (None when that map was not learned)."""
    from customer_value import MAP_SUFFIXES, map_from_row

    for method, suffix in MAP_SUFFIXES.items():
        if candidate.endswith(suffix):
            base = candidate.removesuffix(suffix)
            row = maps[(maps["model"] == base) & (maps["period"] == "full") & (maps["method"] == method)
                       & (maps["status"] == "fitted")]
            return base, None if row.empty else map_from_row(row.iloc[0])
    return candidate, (lambda p, x, t_x, T: p)


def candidates(comparison: pd.DataFrame) -> list[str]:
    """Purchase models in order of preference: by holdout rank, then the fallback order."""
    ranked = comparison[comparison["model_rank"].notna()].sort_values("model_rank")["score_name"].tolist()
    return ranked + [name for name in FALLBACK_ORDER if name not in ranked]


def discounted_value(fit, value, x, t_x, age, months: int, monthly_rate: float) -> np.ndarray:
    """sum_k value (E[Y(k f)] - E[Y((k-1) f)]) / (1 + d)^k, k = 1..months, f = days per month."""
    from customer_value import churn

    total = np.zeros(x.shape)
    previous = np.zeros(x.shape)
    alive = churn.p_alive(fit, x, t_x, age)  # the same for every month: computed once
    for k in range(1, months + 1):
        current = churn.expected_purchases(fit, k * DAYS_PER_MONTH, x, t_x, age, alive=alive)
        total += value * np.maximum(current - previous, 0.0) / (1.0 + monthly_rate) ** k
        previous = np.maximum(current, previous)
    return total


# Per customer, nothing else: on Spark, src/warehouse_tools/build_on_engine.py runs score() on the executors over
# batches of PER_ROW_INPUT, with parameters() computed once on the driver (docs/engines.md).
PER_ROW_INPUT = "int_customer_clv_summary"


def parameters(dbt) -> dict:
    """The configuration and the chosen fits: small tables only, read once."""
    from customer_value import fit_from_row

    fits = dbt.ref("int_customer_clv_fits").df()
    comparison = dbt.ref("int_customer_clv_model_comparison").df()
    maps = dbt.ref("int_customer_clv_recalibration").df()
    chosen = None
    for candidate in candidates(comparison):
        base, mapping = _split(candidate, maps)
        fit = _fitted(fits, base)
        if fit is not None and mapping is not None:
            chosen = (candidate, base, fit, mapping)
            break
    gg_row = fits[(fits["model"] == "gamma_gamma") & (fits["period"] == "full") & (fits["status"] == "fitted")]
    return {"horizon_months": int(dbt.config.get("horizon_months")),
            "discount_rate": float(dbt.config.get("monthly_discount_rate")),
            "churn_days": float(dbt.config.get("churn_horizon_days")),
            "chosen": chosen, "gamma_gamma": None if gg_row.empty else fit_from_row(gg_row.iloc[0])}


def score(summary: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The scores of these customers (any subset: each row is scored on its own)."""
    from customer_value import churn, expected_average_value

    x, t_x, age = (summary[name].to_numpy(float) for name in ("x", "t_x", "t_age"))
    zbar = summary["mean_repeat_value"].to_numpy(float)
    out = pd.DataFrame({"customer_id": summary["customer_id"]})
    for column in SCORED:
        out[column] = np.nan
    out["purchase_model"] = ""
    out["clv_method"] = "heuristic"
    if params["chosen"] is None or not len(out):
        return out
    candidate, name, fit, mapping = params["chosen"]
    out["purchase_model"] = candidate
    out["p_alive"] = churn.p_alive(fit, x, t_x, age)
    out["p_no_purchase_in_horizon"] = mapping(churn.prob_no_purchase(fit, params["churn_days"], x, t_x, age),
                                              x, t_x, age)
    alive = out["p_alive"].to_numpy()
    out["expected_purchases_90d"] = churn.expected_purchases(fit, 90.0, x, t_x, age, alive=alive)
    out["expected_purchases_365d"] = churn.expected_purchases(fit, 365.0, x, t_x, age, alive=alive)
    gamma_gamma = params["gamma_gamma"]
    if gamma_gamma is None:
        return out
    # A customer without a usable repeat value (no repeat purchase, or repeat value <= 0) gets the
    # population mean M = p*gamma/(q-1): with zbar = M the Gamma-Gamma expectation is M for any x.
    population_mean = gamma_gamma.p * gamma_gamma.gamma / (gamma_gamma.q - 1)
    usable = (x > 0) & np.isfinite(zbar) & (zbar > 0)
    value = expected_average_value(gamma_gamma, x, np.where(usable, zbar, population_mean))
    out["expected_average_order_value"] = value
    out["model_clv"] = discounted_value(fit, value, x, t_x, age, params["horizon_months"], params["discount_rate"])
    numbers = out[SCORED].to_numpy()
    valid = np.isfinite(numbers).all(axis=1) & (numbers >= 0).all(axis=1)
    out.loc[valid, "clv_method"] = f"{name}_gamma_gamma"
    out.loc[~valid, SCORED] = np.nan
    return out


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    summary = dbt.ref("int_customer_clv_summary").df().sort_values("customer_id", ignore_index=True)
    return score(summary, parameters(dbt))
