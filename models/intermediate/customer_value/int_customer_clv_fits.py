"""Fit the customer-base models by maximum likelihood (docs/customer-value.md).

One row per model and period. The purchase models BG/NBD, MBG/NBD and Pareto/NBD and the spend
model Gamma-Gamma are fitted on the non-contractual summary at the as-of date ('full',
int_customer_clv_summary) and at the end of the calibration period ('calibration',
int_customer_clv_calibration), which int_customer_clv_holdout_scores scores against the holdout.
The shifted-beta-geometric model of contract renewals is fitted per billing interval ('sbg_month',
'sbg_year') on the subscription contracts at the as-of date ('full', int_subscription_contracts) and
at the end of the calibration period ('calibration', int_subscription_contracts_calibration, which
int_subscription_holdout_scores projects through the holdout), from survivor counts by cohort of
renewal points faced. The numerics are the package customer_value
(src/customer_value, installed into the virtual environment by make install); customers with equal summaries are grouped
in the database and fitted as one weighted row; Gamma-Gamma's rows barely group (the mean spend
is continuous), so on Spark they stay in the cluster and its likelihood is summed on the executors
(docs/engines.md). A fit that cannot be made (too few repeat
customers, no convergence, q <= 1 for Gamma-Gamma, nobody cancelled for sBG) is a row with status
'failed' and its reason; the scores then fall back to the heuristic and say so.
Time unit: days for the purchase models, the billing interval for sBG.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PURCHASE_MODELS = ("bg_nbd", "mbg_nbd", "pareto_nbd")
PARAMETERS = {"bg_nbd": ("r", "alpha", "a", "b"), "mbg_nbd": ("r", "alpha", "a", "b"),
              "pareto_nbd": ("r", "alpha", "s", "beta")}
COLUMNS = ["model", "period", "status", "message", "r", "alpha", "a", "b", "s", "beta", "p", "q", "gamma",
           "log_likelihood", "customers", "rows_fitted", "iterations", "converged", "fit_seconds", "time_unit"]


def _grouped(relation, keys: str, where: str = "true"):
    """Rows of equal keys with their count as the weight, grouped in the database, in key order (the
    optimiser sums in row order: a fixed order makes the fit the same on every run and engine). The
    weight is a 4-byte integer, as the summaries' x, t_x and t_age are: on Spark these rows are what
    the driver collects (docs/benchmarks.md)."""
    weight = "cast(count(*) as integer) as weight"
    arrays = relation.filter(where).aggregate(f"{keys}, {weight}", keys).order(keys).fetchnumpy()
    return {name: np.asarray(values, dtype=float) for name, values in arrays.items()}


def _purchase_row(model: str, period: str, relation, data: dict | None = None) -> dict:
    """The fit row of one purchase model; `data` is the period's grouped (x, t_x, T) when the caller
    has it already (the three models fit the same groups: collected once per period)."""
    from customer_value import FitError, churn

    data = _grouped(relation, "x, t_x, t_age") if data is None else data
    row = {"model": model, "period": period, "time_unit": "day",
           "customers": int(data["weight"].sum()) if data["weight"].size else 0}
    try:
        fit = churn.fit_model(model, data["x"], data["t_x"], data["t_age"], weights=data["weight"])
    except FitError as error:
        return {**row, "status": "failed", "message": str(error)}
    return {**row, "status": "fitted" if fit.converged else "failed", "message": fit.message,
            **{name: getattr(fit, name) for name in PARAMETERS[model]},
            "log_likelihood": fit.log_likelihood, "rows_fitted": fit.rows, "iterations": fit.iterations,
            "converged": fit.converged, "fit_seconds": fit.seconds}


def _bgnbd_row(period: str, relation) -> dict:
    return _purchase_row("bg_nbd", period, relation)


SPEND_COLUMNS = ("x", "mean_repeat_value", "weight")


def _spend_rows(relation):
    """The (x, mean_repeat_value, weight) rows of the repeat buyers, as Gamma-Gamma's `over_rows`, and
    a function to call when done. Grouping hardly shortens them (the mean spend is continuous), so on
    Spark (a relation with `chunks`) they stay in the cluster and the likelihood is summed on the
    executors, each of them holding every row of some x; elsewhere they are read as arrays."""
    from customer_value import rows_in_memory

    keys = "x, mean_repeat_value"
    spend = relation.filter("x > 0 and mean_repeat_value > 0").aggregate(
        f"{keys}, cast(count(*) as integer) as weight", keys)
    if hasattr(spend, "chunks"):
        chunks = spend.chunks(SPEND_COLUMNS, "x")
        return chunks, chunks.close
    arrays = spend.order(keys).fetchnumpy()
    return rows_in_memory(*(np.asarray(arrays[name], dtype=float) for name in SPEND_COLUMNS)), lambda: None


def _gamma_gamma_row(period: str, relation) -> dict:
    from customer_value import FitError, SpendRows, fit_gamma_gamma_rows

    row = {"model": "gamma_gamma", "period": period, "time_unit": "day", "customers": 0}
    over_rows, close = _spend_rows(relation)
    try:
        rows = SpendRows(over_rows)
        row["customers"] = round(rows.total_weight)
        fit = fit_gamma_gamma_rows(rows)
    except FitError as error:
        return {**row, "status": "failed", "message": str(error)}
    finally:
        close()
    status = "fitted" if fit.converged and fit.q > 1 else "failed"
    message = fit.message if fit.q > 1 else f"q = {fit.q:.4g} <= 1: expected spend is undefined"
    return {**row, "status": status, "message": message, "p": fit.p, "q": fit.q, "gamma": fit.gamma,
            "log_likelihood": fit.log_likelihood, "rows_fitted": fit.rows, "iterations": fit.iterations,
            "converged": fit.converged, "fit_seconds": fit.seconds}


def survivor_cohorts(contracts: pd.DataFrame) -> list[np.ndarray]:
    """Survivor counts per cohort of contracts that faced the same number k >= 1 of renewal points:
    [contracts, still customers after 1 renewal, ..., after k]; an active contract survived all k,
    a lapsed one its `renewals`. Cohorts in increasing k. A row stands for `weight` equal contracts
    when that column is there (CONTRACT_GROUPS, grouped in the database), else for one."""
    cohorts = []
    faced = contracts[contracts["renewal_points"] >= 1]
    for k, group in sorted(faced.groupby("renewal_points"), key=lambda item: item[0]):
        survived = np.where(group["is_active"].to_numpy(bool), int(k),
                            np.minimum(group["renewals"].to_numpy(int), int(k)))
        weight = group["weight"].to_numpy(float) if "weight" in group else np.ones(len(group))
        cohorts.append(np.array([weight[survived >= t].sum() for t in range(int(k) + 1)], dtype=float))
    return cohorts


# the contracts' columns the sBG fit reads, counted per distinct combination in the database
CONTRACT_GROUPS = "billing_interval, renewal_points, is_active, renewals"


def _sbg_row(interval: str, contracts: pd.DataFrame, period: str = "full") -> dict:
    from customer_value import FitError, fit_sbg

    chosen = contracts[contracts["billing_interval"] == interval]
    cohorts = survivor_cohorts(chosen)
    row = {"model": f"sbg_{interval}", "period": period, "time_unit": interval,
           "customers": int(sum(c[0] for c in cohorts))}
    if not cohorts:
        return {**row, "status": "failed", "message": "no contract has faced a renewal yet"}
    try:
        fit = fit_sbg(cohorts)
    except FitError as error:
        return {**row, "status": "failed", "message": str(error)}
    return {**row, "status": "fitted" if fit.converged else "failed", "message": fit.message,
            "alpha": fit.alpha, "beta": fit.beta, "log_likelihood": fit.log_likelihood,
            "rows_fitted": len(cohorts), "iterations": fit.iterations, "converged": fit.converged,
            "fit_seconds": fit.seconds}


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    rows = []
    periods = {"full": dbt.ref("int_customer_clv_summary"), "calibration": dbt.ref("int_customer_clv_calibration")}
    for period, relation in periods.items():
        groups = _grouped(relation, "x, t_x, t_age")
        rows.extend(_purchase_row(name, period, relation, groups) for name in PURCHASE_MODELS)
        rows.append(_gamma_gamma_row(period, relation))
    contracts = {"full": dbt.ref("int_subscription_contracts"),
                 "calibration": dbt.ref("int_subscription_contracts_calibration")}
    for period, relation in contracts.items():
        spells = relation.aggregate(f"{CONTRACT_GROUPS}, count(*) as weight", CONTRACT_GROUPS).df()
        rows.extend(_sbg_row(interval, spells, period) for interval in ("month", "year"))
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    for column in ("model", "period", "status", "message", "time_unit"):
        frame[column] = frame[column].fillna("").astype(str)
    for column in ("r", "alpha", "a", "b", "s", "beta", "p", "q", "gamma", "log_likelihood", "fit_seconds"):
        frame[column] = frame[column].astype(float)
    for column in ("customers", "rows_fitted", "iterations"):
        frame[column] = frame[column].astype("Int64")
    frame["converged"] = frame["converged"].fillna(False).astype(bool)
    return frame
