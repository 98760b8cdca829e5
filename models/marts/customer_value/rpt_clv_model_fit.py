"""Fit BG/NBD (purchasing and dropout) and Gamma-Gamma (spend) by maximum likelihood.

One row per model and period: 'full' fits the summary at the as-of date (int_customer_clv_summary),
'calibration' the summary at the end of the calibration period (int_customer_clv_calibration), which
the holdout validation scores. The fitting is the package customer_value (src/, on sys.path through
the profile's module_paths); customers with equal (x, t_x, T) are grouped in SQL and fitted as one
weighted row. A fit that cannot be made (too few repeat customers, no convergence, q <= 1 for
Gamma-Gamma) is a row with status 'failed' and its reason; the marts then fall back to the
heuristic CLV, saying so in their status column. Time unit: days.
"""

from __future__ import annotations


import numpy as np
import pandas as pd



def _grouped(relation, keys: str, where: str = "true"):
    """Rows of equal keys with their count as the weight, grouped in the database, in key order (the
    optimiser sums in row order: a fixed order makes the fit the same on every run)."""
    arrays = relation.filter(where).aggregate(f"{keys}, count(*) as weight", keys).order(keys).fetchnumpy()
    return {name: np.asarray(values, dtype=float) for name, values in arrays.items()}


def _bgnbd_row(period: str, relation) -> dict:
    from customer_value import FitError, fit_bgnbd

    data = _grouped(relation, "x, t_x, t_age")
    row = {"model": "bg_nbd", "period": period, "customers": int(data["weight"].sum()) if data["weight"].size else 0}
    try:
        fit = fit_bgnbd(data["x"], data["t_x"], data["t_age"], weights=data["weight"])
    except FitError as error:
        return {**row, "status": "failed", "message": str(error)}
    return {**row, "status": "fitted" if fit.converged else "failed", "message": fit.message,
            "r": fit.r, "alpha": fit.alpha, "a": fit.a, "b": fit.b, "log_likelihood": fit.log_likelihood,
            "rows_fitted": fit.rows, "iterations": fit.iterations, "converged": fit.converged,
            "fit_seconds": fit.seconds}


def _gamma_gamma_row(period: str, relation) -> dict:
    from customer_value import FitError, fit_gamma_gamma

    data = _grouped(relation, "x, mean_repeat_value", "x > 0 and mean_repeat_value > 0")
    row = {"model": "gamma_gamma", "period": period,
           "customers": int(data["weight"].sum()) if data["weight"].size else 0}
    try:
        fit = fit_gamma_gamma(data["x"], data["mean_repeat_value"], weights=data["weight"])
    except FitError as error:
        return {**row, "status": "failed", "message": str(error)}
    status = "fitted" if fit.converged and fit.q > 1 else "failed"
    message = fit.message if fit.q > 1 else f"q = {fit.q:.4g} <= 1: expected spend is undefined"
    return {**row, "status": status, "message": message, "p": fit.p, "q": fit.q, "gamma": fit.gamma,
            "log_likelihood": fit.log_likelihood, "rows_fitted": fit.rows, "iterations": fit.iterations,
            "converged": fit.converged, "fit_seconds": fit.seconds}


def model(dbt, session):
    from customer_value import FIT_COLUMNS

    dbt.config(materialized="table", tags=["python_model"])
    rows = []
    periods = {"full": dbt.ref("int_customer_clv_summary"), "calibration": dbt.ref("int_customer_clv_calibration")}
    for period, relation in periods.items():
        rows.append(_bgnbd_row(period, relation))
        rows.append(_gamma_gamma_row(period, relation))
    frame = pd.DataFrame(rows).reindex(columns=FIT_COLUMNS)
    frame["time_unit"] = "day"
    frame["converged"] = frame["converged"].fillna(False).astype(bool)
    return frame
