"""MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD in which a customer can also drop out
right after the first purchase, so a one-time buyer is not certainly alive.

Same inputs and time unit as bgnbd: ``x`` repeat purchases, ``t_x`` time of the last repeat purchase
from the first (0 when x = 0), ``T`` customer age, all in the caller's unit (alpha and every horizon
``t`` are in that unit). Per customer the log-likelihood is

    lnG(r+x) - lnG(r) + r ln(alpha) + lnB(a, b+x+1) - lnB(a, b)
      + ln[(alpha+T)^-(r+x) + a/(b+x) (alpha+t_x)^-(r+x)]

(the x > 0 indicator of BG/NBD is gone and b+x-1 becomes b+x). lifetimes' ModifiedBetaGeoFitter
fits this likelihood; on the CDNOW summary in weeks it gives r 0.525, alpha 6.183, a 0.891, b 1.614.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, expit, gammaln

from ._common import (
    MIN_REPEAT_CUSTOMERS,
    FitError,
    as_float_arrays,
    check_summary,
    check_weights,
    dot,
    fit_from_starts,
    prepare_fit_summary,
)
from .bgnbd import _check_horizon, _check_prediction_inputs, _growth_deduplicated, _log_staying_quiet


@dataclass(frozen=True)
class MbgNbdFit:
    """A fitted MBG/NBD model; ``alpha`` in the caller's time unit. The other fields as BgNbdFit's."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    rows: int
    iterations: int
    converged: bool
    seconds: float
    message: str


class _Summary:
    """Weighted rows; terms that depend on x alone are summed over the distinct values of x."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray):
        keep = w > 0
        self.x, self.t_x, self.T, self.w = x[keep], t_x[keep], T[keep], w[keep]
        self.total_weight = float(self.w.sum())
        self.ux, code = np.unique(self.x, return_inverse=True)
        self.code = code.ravel()
        self.wx = np.bincount(self.code, weights=self.w, minlength=self.ux.size)


def _log_likelihood(theta: np.ndarray, data: _Summary) -> tuple[float, np.ndarray]:
    """Total log-likelihood and its gradient with respect to (ln r, ln alpha, ln a, ln b)."""
    r, alpha, a, b = np.exp(theta)
    ux, wx, W = data.ux, data.wx, data.total_weight
    log_alpha = np.log(alpha)
    ll = dot(wx, gammaln(r + ux) - gammaln(r) + gammaln(b + ux + 1) - gammaln(b)
               - gammaln(a + b + ux + 1) + gammaln(a + b)) + W * r * log_alpha
    dig_ab, dig_abx = digamma(a + b), digamma(a + b + ux + 1)
    d_r = dot(wx, digamma(r + ux) - digamma(r)) + W * log_alpha
    d_alpha = W * r / alpha
    d_a = dot(wx, dig_ab - dig_abx)
    d_b = dot(wx, digamma(b + ux + 1) - digamma(b) + dig_ab - dig_abx)
    rx = r + data.x
    log_T = np.log(alpha + data.T)
    log_t = np.log(alpha + data.t_x)
    a3 = -rx * log_T
    a4 = np.log(a) - np.log(b + ux)[data.code] - rx * log_t
    delta = a4 - a3
    ll += dot(data.w, a3 + np.logaddexp(0.0, delta))
    w4 = data.w * expit(delta)  # weight of the "dropped out after the last purchase" term
    w3 = data.w * expit(-delta)
    d_r -= dot(w3, log_T) + dot(w4, log_t)
    d_alpha -= dot(w3, rx / (alpha + data.T)) + dot(w4, rx / (alpha + data.t_x))
    d_a += w4.sum() / a
    d_b -= dot(w4, 1.0 / (b + data.x))
    return float(ll), np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def mbgnbd_log_likelihood(log_params, x, t_x, T, weights=None) -> tuple[float, np.ndarray]:
    """The MBG/NBD log-likelihood (weighted sum, positive orientation) and its gradient with respect
    to (ln r, ln alpha, ln a, ln b). Time in the caller's unit."""
    x, t_x, T = (v.ravel() for v in as_float_arrays(("x", "t_x", "T"), x, t_x, T))
    problem = check_summary(x, t_x, T)
    if problem:
        raise ValueError(problem)
    w = np.ones_like(x) if weights is None else check_weights(weights, x.size)
    theta = np.asarray(log_params, dtype=np.float64).ravel()
    if theta.shape != (4,):
        raise ValueError("log_params must be (ln r, ln alpha, ln a, ln b)")
    return _log_likelihood(theta, _Summary(x, t_x, T, w))


def fit_mbgnbd(x, t_x, T, weights=None) -> MbgNbdFit:
    """Fit MBG/NBD by maximum likelihood, exactly as fit_bgnbd does BG/NBD (log-parameters, analytic
    gradient, time rescaled so the oldest customer has T = 1, equal rows compressed when
    ``weights=None``). Raises FitError for invalid input or fewer than MIN_REPEAT_CUSTOMERS repeat
    customers; a degenerate or unconverged fit comes back with ``converged=False``."""
    started = time.perf_counter()
    x, t_x, T, w, customers, scale = prepare_fit_summary("MBG/NBD", x, t_x, T, weights)
    scaled = _Summary(x, t_x * scale, T * scale, w)

    def objective(theta):
        ll, gradient = _log_likelihood(theta, scaled)
        return -ll / customers, -gradient / customers

    rate = float((w * x).sum() / max((w * T * scale).sum(), 1e-12))
    starts = [np.log([1.0, np.clip(1.0 / rate, 1e-3, 1e3), 1.0, 1.0]), np.full(4, 0.1)]
    theta, converged, message, iterations = fit_from_starts(objective, starts, ("r", "alpha", "a", "b"))
    theta[1] -= np.log(scale)
    log_likelihood, _ = _log_likelihood(theta, _Summary(x, t_x, T, w))
    if not np.all(np.isfinite(theta)) or not np.isfinite(log_likelihood):
        raise FitError(f"MBG/NBD fit failed: {message}", FitError.FIT_FAILED)
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    return MbgNbdFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=log_likelihood, customers=round(customers),
                     rows=int(np.count_nonzero(w > 0)), iterations=iterations, converged=converged,
                     seconds=time.perf_counter() - started, message=message)


def _params(fit: MbgNbdFit) -> tuple[float, float, float, float]:
    params = (fit.r, fit.alpha, fit.a, fit.b)
    if not all(np.isfinite(v) and v > 0 for v in params):
        raise FitError(f"MBG/NBD parameters must be positive and finite, got {params}", FitError.FIT_FAILED)
    return params


def _alive(params, x, t_x, T):
    r, alpha, a, b = params
    log_odds = np.log(a) - np.log(b + x) + (r + x) * np.log1p((T - t_x) / (alpha + t_x))
    return expit(-log_odds)


def p_alive(fit: MbgNbdFit, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), for every x
    (a one-time buyer may have dropped out right after the first purchase). In [0, 1]."""
    params = _params(fit)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    return _alive(params, x, t_x, T)


def expected_purchases(fit: MbgNbdFit, t, x, t_x, T, alive=None) -> np.ndarray:
    """E[Y(t) | x, t_x, T], expected repeat purchases in the next ``t`` time units:

        (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive)

    which is BG/NBD's bracket with b+1 in place of b (evaluated by the same guarded code). ``t`` in
    the fit's unit; finite and >= 0.
    ``alive``: these customers' P(alive) (p_alive's result) when the caller has it already: a
    caller evaluating many horizons for the same customers computes it once."""
    r, alpha, a, b = _params(fit)
    t, x, t_x, T = as_float_arrays(("t", "x", "t_x", "T"), t, x, t_x, T)
    _check_horizon(t)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    if alive is None:
        alive = _alive((r, alpha, a, b), x, t_x, T)
    return _growth_deduplicated((r, alpha, a, b + 1.0), t, x, T) * alive


def prob_no_purchase(fit: MbgNbdFit, t, x, t_x, T) -> np.ndarray:
    """P(X(T, T+t) = 0 | x, t_x, T) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x).

    As for BG/NBD: dropout happens only right after a purchase, so an alive customer buys nothing in
    (T, T+t] exactly when the Poisson process is quiet there; given alive at T the purchase rate is
    Gamma(r+x, alpha+T). ``t`` in the fit's unit; result in [0, 1]."""
    r, alpha, a, b = _params(fit)
    t, x, t_x, T = as_float_arrays(("t", "x", "t_x", "T"), t, x, t_x, T)
    _check_horizon(t)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    alive = _alive((r, alpha, a, b), x, t_x, T)
    return np.clip(1.0 - alive * -np.expm1(_log_staying_quiet(r, alpha, x, T, t)), 0.0, 1.0)
