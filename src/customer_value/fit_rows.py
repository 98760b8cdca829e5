"""The fitted models as rows of the warehouse table rpt_clv_model_fit, and back.

The dbt model rpt_clv_model_fit writes one row per model and period; the scoring models read a row
back into a fit with `fit_from_row`. The column names live here, once.
"""

from __future__ import annotations

from collections.abc import Mapping

from .bgnbd import BgNbdFit
from .gamma_gamma import GammaGammaFit

FIT_COLUMNS = ["model", "period", "status", "message", "r", "alpha", "a", "b", "p", "q", "gamma",
               "log_likelihood", "customers", "rows_fitted", "iterations", "converged", "fit_seconds",
               "time_unit"]
PARAMETERS = {"bg_nbd": ("r", "alpha", "a", "b"), "gamma_gamma": ("p", "q", "gamma")}


def fit_from_row(row: Mapping) -> BgNbdFit | GammaGammaFit:
    """The fit a 'fitted' row of rpt_clv_model_fit describes."""
    if row["status"] != "fitted":
        raise ValueError(f"{row['model']} ({row['period']}) was not fitted: {row['message']}")
    common = {"log_likelihood": float(row["log_likelihood"]), "customers": int(row["customers"]),
              "rows": int(row["rows_fitted"]), "iterations": int(row["iterations"]), "converged": True,
              "seconds": float(row["fit_seconds"]), "message": str(row["message"])}
    kind = {"bg_nbd": BgNbdFit, "gamma_gamma": GammaGammaFit}[row["model"]]
    return kind(**{name: float(row[name]) for name in PARAMETERS[row["model"]]}, **common)
