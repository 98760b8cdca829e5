"""Discounted customer lifetime value from a BG/NBD and a Gamma-Gamma fit."""

from __future__ import annotations

import numpy as np

from ._common import as_float_arrays, compress
from .bgnbd import BgNbdFit, _check_prediction_inputs, _growth, _log_dropout_odds, _params
from .gamma_gamma import GammaGammaFit, expected_average_value

# Rows of the (months + 1) x distinct-(x, T) grid of expected purchases evaluated at once.
_GRID_CELLS = 4_000_000


def discounted_clv(bgnbd: BgNbdFit, gamma_gamma: GammaGammaFit, x, t_x, T, zbar, months,
                   monthly_discount_rate, time_units_per_month) -> np.ndarray:
    """Discounted CLV over ``months`` months, per customer:

        sum_{k=1..months} m (E[Y(k f)] - E[Y((k-1) f)]) / (1 + d)^k

    with m = expected_average_value(gamma_gamma, x, zbar), E[Y(t)] = expected_purchases(bgnbd, t, ...),
    f = ``time_units_per_month`` (the BG/NBD time unit per month: 365.25/12 for days, 30 to match
    lifetimes' freq="D", 4.345 for weeks) and d = ``monthly_discount_rate``. In the currency of the
    Gamma-Gamma fit; finite and >= 0 (the monthly increments are clipped at 0 against rounding).

    Raises FitError (status ``q_not_above_1``) when the Gamma-Gamma fit has q <= 1; ValueError for
    invalid inputs (months a whole number >= 0, d > -1, f > 0).
    """
    if int(months) != months or months < 0:
        raise ValueError("months must be a whole number >= 0")
    months = int(months)
    d, f = float(monthly_discount_rate), float(time_units_per_month)
    if not np.isfinite(d) or d <= -1:
        raise ValueError("monthly_discount_rate must be finite and > -1")
    if not np.isfinite(f) or f <= 0:
        raise ValueError("time_units_per_month must be finite and > 0")
    params = _params(bgnbd)
    x, t_x, T, zbar = as_float_arrays(("x", "t_x", "T", "zbar"), x, t_x, T, zbar)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    spend = expected_average_value(gamma_gamma, x, zbar)  # raises FitError when q <= 1
    if months == 0 or x.size == 0:
        return np.zeros(x.shape)
    alive = np.where(x > 0, np.exp(-np.logaddexp(0.0, _log_dropout_odds(params, x, t_x, T))), 1.0)

    # E[Y(t)] / P(alive) depends on (x, T) only: evaluate the month grid once per distinct pair
    (ux, uT), _, inverse = compress(x.ravel(), T.ravel())
    horizons = np.arange(months + 1, dtype=np.float64)[:, None] * f
    discount = (1.0 + d) ** -np.arange(1, months + 1, dtype=np.float64)
    factor = np.empty(ux.size)
    step = max(1, _GRID_CELLS // (months + 1))
    for start in range(0, ux.size, step):
        part = slice(start, start + step)
        grid = _growth(params, horizons, ux[None, part], uT[None, part])
        grid = np.nan_to_num(grid, nan=0.0, posinf=0.0, neginf=0.0)
        grid = np.maximum.accumulate(np.maximum(grid, 0.0), axis=0)  # cumulative purchases never decrease
        factor[part] = np.einsum("k,ku->u", discount, np.diff(grid, axis=0))
    return spend * alive * factor[inverse].reshape(x.shape)
