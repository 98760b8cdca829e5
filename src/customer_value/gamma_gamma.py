"""Gamma-Gamma spend model (Fader & Hardie 2013): the value of a customer's repeat purchases.

Inputs: ``x`` repeat purchases and ``zbar`` the mean value of those repeat purchases, in the
caller's currency (``gamma`` comes out in the same currency). The model is fitted on repeat
customers with a positive mean value only; see fit_gamma_gamma.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from ._common import MIN_REPEAT_CUSTOMERS, FitError, as_float_arrays, check_weights, compress, dot, fit_from_starts


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma model. ``gamma`` is in the caller's currency.

    ``log_likelihood`` is the maximised total log-likelihood, ``customers`` the repeat customers
    used (the sum of the weights), ``rows`` the weighted rows fitted (distinct (x, zbar) after
    compression), ``message`` says how the fit ended and which customers were left out.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int
    rows: int
    iterations: int
    converged: bool
    seconds: float
    message: str


class _Spend:
    """Weighted (x > 0, zbar > 0) rows prepared for repeated likelihood evaluations.

    Only (px+q) ln(gamma + x zbar) needs a pass over the rows; the gamma functions depend on x
    alone and are summed over distinct x, and the terms linear in p are constants.
    """

    def __init__(self, x: np.ndarray, zbar: np.ndarray, w: np.ndarray):
        keep = w > 0
        x, zbar, w = x[keep], zbar[keep], w[keep]
        self.x, self.w = x, w
        self.total_weight = float(w.sum())
        self.x_zbar = x * zbar
        self.ux, code = np.unique(x, return_inverse=True)
        self.wx = np.bincount(code.ravel(), weights=w, minlength=self.ux.size)
        log_zbar = np.log(zbar)
        self.linear_in_p = float(dot(w, x * (log_zbar + np.log(x))))  # sum w x (ln zbar + ln x)
        self.constant = -float(dot(w, log_zbar))  # sum w (-ln zbar)


def _log_likelihood(theta: np.ndarray, data: _Spend) -> tuple[float, np.ndarray]:
    """Total log-likelihood and its gradient with respect to (ln p, ln q, ln gamma)."""
    p, q, g = np.exp(theta)
    ux, wx, W = data.ux, data.wx, data.total_weight
    pux = p * ux
    log_denominator = np.log(g + data.x_zbar)  # ln(gamma + x zbar)
    px_q = p * data.x + q
    ll = (dot(wx, gammaln(pux + q) - gammaln(pux)) - W * gammaln(q) + W * q * np.log(g)
          + p * data.linear_in_p + data.constant - dot(data.w, px_q * log_denominator))
    dig = digamma(pux + q)
    d_p = dot(wx, ux * (dig - digamma(pux))) + data.linear_in_p - dot(data.w * data.x, log_denominator)
    d_q = dot(wx, dig) - W * digamma(q) + W * np.log(g) - dot(data.w, log_denominator)
    d_g = W * q / g - dot(data.w, px_q / (g + data.x_zbar))
    return float(ll), np.array([d_p * p, d_q * q, d_g * g])


def _usable(x: np.ndarray, zbar: np.ndarray):
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x != np.floor(x)):
        raise FitError("Gamma-Gamma cannot be fitted: x must be finite whole numbers >= 0", FitError.INVALID_INPUT)
    repeat = x > 0
    finite = np.isfinite(zbar)
    use = repeat & finite & (zbar > 0)
    return use, int(np.count_nonzero(repeat & finite & (zbar <= 0))), int(np.count_nonzero(repeat & ~finite))


def gamma_gamma_log_likelihood(log_params, x, zbar, weights=None) -> tuple[float, np.ndarray]:
    """The Gamma-Gamma log-likelihood (positive orientation) and its gradient w.r.t. (ln p, ln q, ln gamma).

    The weighted sum over repeat customers (x > 0, zbar > 0; other rows are ignored) of

        lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln(zbar) + px ln(x) - (px+q) ln(gamma + x zbar)
    """
    x, zbar = (a.ravel() for a in as_float_arrays(("x", "zbar"), x, zbar))
    w = np.ones_like(x) if weights is None else check_weights(weights, x.size)
    use, _, _ = _usable(x, zbar)
    theta = np.asarray(log_params, dtype=np.float64).ravel()
    if theta.shape != (3,):
        raise ValueError("log_params must be (ln p, ln q, ln gamma)")
    return _log_likelihood(theta, _Spend(x[use], zbar[use], w[use]))


def fit_gamma_gamma(x, zbar, weights=None) -> GammaGammaFit:
    """Fit Gamma-Gamma by maximum likelihood on repeat customers.

    Rows used: x > 0 and zbar > 0. Customers with no repeat purchase (x = 0) carry no spend
    information and are ignored; repeat customers whose mean repeat value is zero or negative (free
    orders, refunds larger than the purchases) or missing are excluded because the model's spend
    distribution is positive; the message gives how many were excluded. L-BFGS-B with the analytic
    gradient on log-parameters, money rescaled so the mean zbar is 1 (gamma is converted back).
    With ``weights=None`` equal (x, zbar) rows are compressed into weighted rows.

    Raises FitError when x is not valid or fewer than MIN_REPEAT_CUSTOMERS usable repeat customers
    remain. A fitted q <= 1 is returned as is (the likelihood allows it) but has no finite mean
    spend: expected_average_value then raises FitError, and the caller falls back.
    """
    started = time.perf_counter()
    try:
        x, zbar = (a.ravel() for a in as_float_arrays(("x", "zbar"), x, zbar))
    except ValueError as exc:
        raise FitError(str(exc), FitError.INVALID_INPUT) from None
    w_all = None if weights is None else check_weights(weights, x.size)
    use, non_positive, missing = _usable(x, zbar)
    x, zbar = x[use], zbar[use]
    if w_all is None:
        (x, zbar), w, _ = compress(x, zbar)
    else:
        w = w_all[use]
    customers = float(w.sum())
    excluded = []
    if non_positive:
        excluded.append(f"{non_positive} rows with zbar <= 0")
    if missing:
        excluded.append(f"{missing} rows with missing zbar")
    excluded_text = f" (excluded: {', '.join(excluded)})" if excluded else ""
    if customers < MIN_REPEAT_CUSTOMERS:
        raise FitError(f"Gamma-Gamma needs at least {MIN_REPEAT_CUSTOMERS} repeat customers with a positive "
                       f"mean repeat value; there are {customers:g}{excluded_text}",
                       FitError.TOO_FEW_REPEAT_CUSTOMERS)

    scale = customers / float(dot(w, zbar))  # money unit: the mean zbar becomes 1
    scaled = _Spend(x, zbar * scale, w)

    def objective(theta):
        ll, gradient = _log_likelihood(theta, scaled)
        return -ll / customers, -gradient / customers

    starts = [np.log([1.0, 3.0, 2.0]), np.full(3, 0.1)]
    theta, converged, message, iterations = fit_from_starts(objective, starts, ("p", "q", "gamma"))
    theta[2] -= np.log(scale)  # gamma back to the caller's currency
    log_likelihood, _ = _log_likelihood(theta, _Spend(x, zbar, w))
    if not np.all(np.isfinite(theta)) or not np.isfinite(log_likelihood):
        raise FitError(f"Gamma-Gamma fit failed: {message}", FitError.FIT_FAILED)
    p, q, g = (float(v) for v in np.exp(theta))
    return GammaGammaFit(p=p, q=q, gamma=g, log_likelihood=log_likelihood, customers=round(customers),
                         rows=int(np.count_nonzero(w > 0)), iterations=iterations, converged=converged,
                         seconds=time.perf_counter() - started, message=message + excluded_text)


def expected_average_value(fit: GammaGammaFit, x, zbar) -> np.ndarray:
    """E[Z | x, zbar] = (1-w) p gamma/(q-1) + w zbar with w = p x/(p x + q - 1): expected mean order value.

    Needs q > 1 (otherwise the population mean p gamma/(q-1) is infinite): raises FitError with
    status ``q_not_above_1`` so the caller can fall back. Per customer:

    - x = 0 (no repeat purchase): w = 0, the population mean p gamma/(q-1); zbar is ignored (may be NaN);
    - x > 0 and zbar > 0: the formula;
    - x > 0 and zbar <= 0 (free or refunded orders): the formula with zbar = 0, i.e. (1-w) times the
      population mean, so the value is never negative.

    x must be finite whole numbers >= 0 and zbar finite where x > 0 (ValueError otherwise).
    The result is in the currency of the fit and finite.
    """
    p, q, g = fit.p, fit.q, fit.gamma
    if not all(np.isfinite(v) and v > 0 for v in (p, q, g)):
        raise FitError(f"Gamma-Gamma parameters must be positive and finite, got {(p, q, g)}", FitError.FIT_FAILED)
    if q <= 1:
        raise FitError(f"Gamma-Gamma q = {q:.4g} <= 1: the expected spend is infinite, use a fallback",
                       FitError.Q_NOT_ABOVE_1)
    x, zbar = as_float_arrays(("x", "zbar"), x, zbar)
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("x must be finite whole numbers >= 0")
    if not np.all(np.isfinite(zbar[x > 0])):
        raise ValueError("zbar must be finite for customers with x > 0")
    population_mean = p * g / (q - 1)
    own = np.where(x > 0, np.clip(np.nan_to_num(zbar, nan=0.0), 0.0, None), 0.0)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * population_mean + weight * own
