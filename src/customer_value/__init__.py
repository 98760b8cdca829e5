"""Customer-base models for customer lifetime value: BG/NBD (purchasing and dropout), Gamma-Gamma
(spend) and discounted CLV, with numpy and scipy only.

Inputs are per-customer summaries: ``x`` repeat purchases, ``t_x`` time of the last repeat purchase
from the first, ``T`` customer age, ``zbar`` mean value of the repeat purchases. Time is in whatever
unit the caller passes (the warehouse uses days, the CDNOW reference data weeks); horizons and
alpha are in that unit. The formulas are those of ../shared/REFERENCE.md (Fader, Hardie & Lee 2005;
Fader & Hardie 2013).

Fits raise FitError (with a ``status`` code for a fit_status column) when a model cannot be fitted
or used; callers catch it and fall back to a heuristic. Predictions are finite and non-negative.
"""

from ._common import MIN_REPEAT_CUSTOMERS, FitError, compress
from .bgnbd import BgNbdFit, bgnbd_log_likelihood, expected_purchases, fit_bgnbd, p_alive
from .clv import discounted_clv
from .fit_rows import FIT_COLUMNS, fit_from_row
from .gamma_gamma import GammaGammaFit, expected_average_value, fit_gamma_gamma, gamma_gamma_log_likelihood

__all__ = [
    "FIT_COLUMNS",
    "MIN_REPEAT_CUSTOMERS",
    "BgNbdFit",
    "FitError",
    "GammaGammaFit",
    "bgnbd_log_likelihood",
    "compress",
    "discounted_clv",
    "expected_average_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_from_row",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "p_alive",
]
