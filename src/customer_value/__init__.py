"""Customer-base models for customer lifetime value and churn, with numpy and scipy only: BG/NBD,
MBG/NBD and Pareto/NBD (purchasing and dropout), Gamma-Gamma (spend), discounted CLV, the
shifted-beta-geometric model of contract renewals (subscriptions), scores of churn probabilities
(metrics) and the choice between the purchase models on a holdout (churn).

The purchase models live in their modules with the same function names (``bgnbd``, ``mbgnbd``,
``pareto_nbd``: ``fit_*``, ``p_alive``, ``expected_purchases``, ``prob_no_purchase``); the names
exported here without a prefix are BG/NBD's, kept for the existing callers.

Inputs are per-customer summaries: ``x`` repeat purchases, ``t_x`` time of the last repeat purchase
from the first, ``T`` customer age, ``zbar`` mean value of the repeat purchases. Time is in whatever
unit the caller passes (the warehouse uses days, the CDNOW reference data weeks); horizons and
alpha are in that unit. The formulas are those of ../shared/REFERENCE.md (Fader, Hardie & Lee 2005;
Fader & Hardie 2013).

Fits raise FitError (with a ``status`` code for a fit_status column) when a model cannot be fitted
or used; callers catch it and fall back to a heuristic. Predictions are finite and non-negative.
"""

from . import bgnbd, churn, mbgnbd, metrics, pareto_nbd, sbg
from ._common import MIN_REPEAT_CUSTOMERS, FitError, compress
from .bgnbd import BgNbdFit, bgnbd_log_likelihood, expected_purchases, fit_bgnbd, p_alive, prob_no_purchase
from .clv import discounted_clv
from .fit_rows import (FIT_COLUMNS, FIT_COLUMNS_ALL_MODELS, MAP_SUFFIXES, fit_from_row, map_from_row, sbg_fit_from_row,
                       sbg_fits_by_interval)
from .gamma_gamma import (GammaGammaFit, SpendRows, expected_average_value, fit_gamma_gamma, fit_gamma_gamma_rows,
                          gamma_gamma_log_likelihood, rows_in_memory)
from .mbgnbd import MbgNbdFit, fit_mbgnbd
from .pareto_nbd import ParetoNbdFit, fit_pareto_nbd
from .sbg import SbgFit, fit_sbg

__all__ = [
    "FIT_COLUMNS",
    "FIT_COLUMNS_ALL_MODELS",
    "MAP_SUFFIXES",
    "MIN_REPEAT_CUSTOMERS",
    "BgNbdFit",
    "FitError",
    "GammaGammaFit",
    "MbgNbdFit",
    "ParetoNbdFit",
    "SbgFit",
    "SpendRows",
    "bgnbd",
    "bgnbd_log_likelihood",
    "churn",
    "compress",
    "discounted_clv",
    "expected_average_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_from_row",
    "fit_gamma_gamma",
    "fit_gamma_gamma_rows",
    "fit_mbgnbd",
    "fit_pareto_nbd",
    "fit_sbg",
    "map_from_row",
    "gamma_gamma_log_likelihood",
    "mbgnbd",
    "metrics",
    "p_alive",
    "pareto_nbd",
    "prob_no_purchase",
    "rows_in_memory",
    "sbg",
    "sbg_fit_from_row",
    "sbg_fits_by_interval",
]
