"""The churn recalibration of each purchase model, learned on an inner split of each period.

Fader & Hardie's models predict "no purchase" too often on CDNOW (they under-predict the holdout's
purchases by about 12%), so their P(no purchase) is mapped by a monotone logistic map
p' = expit(intercept + slope logit(p)), learned without looking past the period's end
(customer_value.recalibration.inner_split_recalibration): the model is refitted on the summary at
the period's end less inner_days (int_customer_clv_inner_summary) and its P(no purchase in
inner_days) regressed on what the customers did in those last days. One row per purchase model
and period: 'calibration' (applied to the calibration fit and scored on the holdout,
int_customer_clv_holdout_scores) and 'full' (applied to the customers' scores when the holdout
chose the recalibrated model, int_customer_clv_scores). A second map per model and period, method
'stacked', also weighs the customer's recency and repeat count
(customer_value.recalibration.inner_split_stacking): p' = expit(intercept + slope logit(p)
+ recency_coefficient log(1 + days since the last purchase) + repeat_coefficient log(1 + x)), its
weights learned on the same inner split. A map that cannot be learned is 'failed'.
"""

from __future__ import annotations

import pandas as pd

PURCHASE_MODELS = ("bg_nbd", "mbg_nbd", "pareto_nbd")
METHODS = ("logistic", "stacked")
COLUMNS = ["model", "period", "status", "message", "method", "intercept", "slope", "recency_coefficient",
           "repeat_coefficient", "inner_days", "inner_customers", "inner_mean_predicted", "inner_observed_rate"]


def learn(model: str, method: str, inner: pd.DataFrame):
    """The Recalibration ('logistic') or Stacking ('stacked') of `model` on an inner summary
    (customer_id order), or raises."""
    from customer_value.recalibration import inner_split_recalibration, inner_split_stacking

    summary = (inner["x"].to_numpy(float), inner["t_x"].to_numpy(float), inner["t_age"].to_numpy(float),
               float(inner["inner_days"].iloc[0]), inner["has_no_inner_purchase"].to_numpy(bool))
    if method == "stacked":
        return inner_split_stacking(model, *summary)
    return inner_split_recalibration(model, *summary, "logistic")


# On Spark, src/warehouse_tools/build_on_engine.py runs summarise() on the executors once per period (all of the
# period's customers in one task) and finish() on the driver with the twelve rows (docs/engines.md).
GROUPED_INPUTS = {"int_customer_clv_inner_summary": ("period",)}
PERIODS = ("calibration", "full")


def period_rows(period: str, inner: pd.DataFrame) -> list[dict]:
    """The maps of every purchase model and method learned on one period's inner split."""
    rows = []
    for name in PURCHASE_MODELS:
        for method in METHODS:
            row = {"model": name, "period": period, "method": method, "inner_customers": len(inner),
                   "inner_days": int(inner["inner_days"].iloc[0]) if len(inner) else None}
            try:
                if len(inner) == 0:
                    raise ValueError("no customer in the inner split")
                learned = learn(name, method, inner)
            except Exception as error:  # a map that cannot be learned is reported, the raw model stays
                rows.append({**row, "status": "failed", "message": str(error) or type(error).__name__})
                continue
            rows.append({**row, "status": "fitted", "message": "",
                         **{key: getattr(learned.map, key, None) for key in COLUMNS[5:9]},
                         "inner_mean_predicted": learned.inner_mean_predicted,
                         "inner_observed_rate": learned.inner_observed_rate})
    return rows


def _typed(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    for column in ("model", "period", "status", "message", "method"):
        frame[column] = frame[column].fillna("").astype(str)
    for column in ("intercept", "slope", "recency_coefficient", "repeat_coefficient", "inner_mean_predicted",
                   "inner_observed_rate"):
        frame[column] = frame[column].astype(float)
    for column in ("inner_days", "inner_customers"):
        frame[column] = frame[column].astype("Int64")
    return frame


def summarise(table: str, inner: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The rows of one period (every customer of its inner split, in any order)."""
    if inner.empty:
        return _typed([])
    inner = inner.sort_values("customer_id", ignore_index=True)
    return _typed(period_rows(str(inner["period"].iloc[0]), inner))


def finish(summaries: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """The periods' rows in period order; a period without customers gets its 'failed' rows."""
    learned = summaries["int_customer_clv_inner_summary"]
    parts = []
    for period in PERIODS:
        rows = learned[learned["period"] == period]
        parts.append(rows if len(rows) else _typed(period_rows(period, pd.DataFrame())))
    return _typed(pd.concat(parts, ignore_index=True))


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    summary = dbt.ref("int_customer_clv_inner_summary").df()
    groups = [summarise("int_customer_clv_inner_summary", group, {}) for _, group in summary.groupby("period")]
    return finish({"int_customer_clv_inner_summary": pd.concat(groups, ignore_index=True) if groups else _typed([])}, {})
