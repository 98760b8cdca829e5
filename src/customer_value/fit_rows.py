"""The fitted models as rows of the warehouse table rpt_clv_model_fit, and back.

The dbt model rpt_clv_model_fit writes one row per model and period; the scoring models read a row
back into a fit with `fit_from_row`. The column names live here, once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .bgnbd import BgNbdFit
from .gamma_gamma import GammaGammaFit
from .mbgnbd import MbgNbdFit
from .pareto_nbd import ParetoNbdFit

FIT_COLUMNS = ["model", "period", "status", "message", "r", "alpha", "a", "b", "p", "q", "gamma",
               "log_likelihood", "customers", "rows_fitted", "iterations", "converged", "fit_seconds",
               "time_unit"]
# The columns once Pareto/NBD is in the table: its dropout parameters s and beta come last, so a
# reader of the columns above keeps working (rpt_clv_model_fit switches when its YAML documents them).
FIT_COLUMNS_ALL_MODELS = [*FIT_COLUMNS, "s", "beta"]
PARAMETERS = {"bg_nbd": ("r", "alpha", "a", "b"), "mbg_nbd": ("r", "alpha", "a", "b"),
              "pareto_nbd": ("r", "alpha", "s", "beta"), "gamma_gamma": ("p", "q", "gamma")}
_KINDS = {"bg_nbd": BgNbdFit, "mbg_nbd": MbgNbdFit, "pareto_nbd": ParetoNbdFit, "gamma_gamma": GammaGammaFit}


def fit_from_row(row: Mapping) -> BgNbdFit | MbgNbdFit | ParetoNbdFit | GammaGammaFit:
    """The fit a 'fitted' row of rpt_clv_model_fit describes."""
    if row["status"] != "fitted":
        raise ValueError(f"{row['model']} ({row['period']}) was not fitted: {row['message']}")
    common = {"log_likelihood": float(row["log_likelihood"]), "customers": int(row["customers"]),
              "rows": int(row["rows_fitted"]), "iterations": int(row["iterations"]), "converged": True,
              "seconds": float(row["fit_seconds"]), "message": str(row["message"])}
    kind = _KINDS[row["model"]]
    return kind(**{name: float(row[name]) for name in PARAMETERS[row["model"]]}, **common)


# The churn-probability maps of int_customer_clv_recalibration, by method, and the suffix of the
# score they make ('<model>_recalibrated', '<model>_stacked').
MAP_SUFFIXES = {"logistic": "_recalibrated", "stacked": "_stacked"}


def map_from_row(row: Mapping):
    """The map a 'fitted' row of int_customer_clv_recalibration describes, as a function of
    (P(no purchase), x, t_x, T) returning the mapped probability."""
    from .recalibration import LogisticMap, StackedMap

    if row["status"] != "fitted":
        raise ValueError(f"{row['model']} ({row['period']}, {row['method']}) map was not learned: {row['message']}")
    if row["method"] == "stacked":
        stacked = StackedMap(float(row["intercept"]), float(row["slope"]), float(row["recency_coefficient"]),
                             float(row["repeat_coefficient"]))
        return lambda p, x, t_x, T: np.clip(stacked(p, x, t_x, T), 0.0, 1.0)
    if row["method"] == "logistic":
        logistic = LogisticMap(float(row["intercept"]), float(row["slope"]))
        return lambda p, x, t_x, T: np.clip(logistic(p), 0.0, 1.0)
    raise ValueError(f"unknown map method {row['method']!r}")


def sbg_fits_by_interval(fits, period: str) -> dict:
    """{billing interval: SbgFit} of the 'fitted' 'sbg_<interval>' rows of one period of
    int_customer_clv_fits (a pandas frame); an interval whose fit failed is absent."""
    chosen = fits[fits["model"].str.startswith("sbg_") & (fits["period"] == period) & (fits["status"] == "fitted")]
    return {row["model"][len("sbg_"):]: sbg_fit_from_row(row) for _, row in chosen.iterrows()}


def sbg_fit_from_row(row: Mapping):
    """The SbgFit a 'fitted' 'sbg_<interval>' row of int_customer_clv_fits describes."""
    from .sbg import SbgFit

    if row["status"] != "fitted":
        raise ValueError(f"{row['model']} ({row['period']}) was not fitted: {row['message']}")
    return SbgFit(alpha=float(row["alpha"]), beta=float(row["beta"]), log_likelihood=float(row["log_likelihood"]),
                  customers=int(row["customers"]), periods=int(row["rows_fitted"]), iterations=int(row["iterations"]),
                  converged=True, seconds=0.0, message=str(row["message"]))
