"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at a Poisson rate lambda ~ Gamma(r,
alpha) while alive, an exponential lifetime with rate mu ~ Gamma(s, beta); dropout can happen at any
time, not only after a purchase.

Same inputs as bgnbd: ``x`` repeat purchases, ``t_x`` time of the last one from the first purchase
(0 when x = 0), ``T`` customer age; alpha, beta and every horizon ``t`` are in the caller's time
unit. Per customer the log-likelihood is (Fader & Hardie, "A Note on Implementing the Pareto/NBD
Model in MATLAB", 2005)

    lnG(r+x) - lnG(r) + r ln(alpha) + s ln(beta)
      + ln[(alpha+T)^-(r+x) (beta+T)^-s + s (G(t_x) - G(T))]

with G(u) = integral from u to infinity of (alpha+v)^-(r+x) (beta+v)^-(s+1) dv: the density of
having been seen for the last time at t_x and dying in (t_x, T), integrated over the posterior of
(lambda, mu). G has a closed form with a Gauss hypergeometric function (see _log_tail); on the
CDNOW summary in weeks the maximum-likelihood estimates are r 0.553, alpha 10.58, s 0.606,
beta 11.67.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad
from scipy.special import expit, gammaln, hyp2f1

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
from .bgnbd import _check_horizon, _check_prediction_inputs

# Step of the central differences of the likelihood in log-parameters.
_STEP = 1e-6


@dataclass(frozen=True)
class ParetoNbdFit:
    """A fitted Pareto/NBD model; ``alpha`` and ``beta`` in the caller's time unit. ``log_likelihood``,
    ``customers``, ``rows``, ``iterations``, ``converged``, ``seconds`` and ``message`` as in BgNbdFit."""

    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    customers: int
    rows: int
    iterations: int
    converged: bool
    seconds: float
    message: str


def _log_tail(k, s, alpha, beta, u, fallback: bool = True):
    """ln G(u), G(u) = int_u^inf (alpha+v)^-k (beta+v)^-(s+1) dv, for k, s > 0 and u >= 0.

    Expanding the slower factor in a binomial series and integrating term by term gives
    (alpha+u)^-(k+s)/(k+s) 2F1(k+s, s+1; k+s+1; (alpha-beta)/(alpha+u)) when alpha >= beta (F&H's A0
    terms); Euler's transformation turns it into (alpha+u)^-k (beta+u)^-s/(k+s) 2F1(1, k; k+s+1; z),
    a series of positive terms that converges at z = 1 as well. When alpha < beta the roles swap:
    (alpha+u)^(1-k) (beta+u)^-(s+1)/(k+s) 2F1(1, s+1; k+s+1; (beta-alpha)/(beta+u)).
    Where scipy's hyp2f1 gives up (NaN far out in the parameters: s in the hundreds with z near 1),
    the integral is evaluated by quadrature instead (about a millisecond a value) when ``fallback``;
    the fit's likelihood passes False and treats such a point as infinitely unlikely.
    """
    k, u = np.broadcast_arrays(np.asarray(k, dtype=np.float64), np.asarray(u, dtype=np.float64))
    A, B = alpha + u, beta + u
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha >= beta:
            series = hyp2f1(1.0, k, k + s + 1.0, (alpha - beta) / A)
            value = -k * np.log(A) - s * np.log(B) - np.log(k + s) + np.log(series)
        else:
            series = hyp2f1(1.0, s + 1.0, k + s + 1.0, (beta - alpha) / B)
            value = (1.0 - k) * np.log(A) - (s + 1.0) * np.log(B) - np.log(k + s) + np.log(series)
    value = np.array(value, dtype=np.float64)
    if not fallback:
        return value
    if value.ndim == 0:
        return value if np.isfinite(value) else np.array(_log_tail_by_quadrature(float(k), s, alpha, beta, float(u)))
    for index in zip(*np.nonzero(~np.isfinite(value))):
        value[index] = _log_tail_by_quadrature(float(k[index]), s, alpha, beta, float(u[index]))
    return value


def _log_tail_by_quadrature(k, s, alpha, beta, u):
    """ln G(u) by adaptive quadrature of the integrand relative to its value at u (which is <= 1)."""
    A, B = alpha + u, beta + u
    scale = min(A / k, B / (s + 1.0))  # where the integrand has fallen by about e

    def relative(w):
        return np.exp(-k * np.log1p(w / A) - (s + 1.0) * np.log1p(w / B))

    integral = sum(quad(relative, lo, hi, limit=200, epsrel=1e-11)[0]
                   for lo, hi in ((0.0, scale), (scale, 50 * scale), (50 * scale, np.inf)))
    return -k * np.log(A) - (s + 1.0) * np.log(B) + np.log(integral)


def _log_difference(log_hi, log_lo):
    """ln(exp(log_hi) - exp(log_lo)) for log_hi >= log_lo; -inf where they are equal."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return log_hi + np.log(-np.expm1(np.minimum(log_lo - log_hi, 0.0)))


class _Tails:
    """Where the tail G is needed: G depends on a customer's (x, u) only, for u = t_x and u = T, and
    those pairs repeat far more than (x, t_x, T) rows do (ages and last purchases fall on the same
    days: 218,933 rows at 1M customers need 26,848 pairs). G is evaluated once a pair; ``at_t_x`` and
    ``at_T`` pick each row's two values out of them. Exact: the same function at the same points."""

    def __init__(self, x, t_x, T):
        # each pair as one complex number x + iu: numpy sorts complex numbers by real, then imaginary
        # part, so a flat unique finds the pairs (8x faster than unique over the rows of a 2-column array)
        unique, inverse = np.unique(np.concatenate([x + 1j * t_x, x + 1j * T]), return_inverse=True)
        self.x, self.u = unique.real, unique.imag
        inverse = inverse.ravel()
        self.at_t_x, self.at_T = inverse[:x.size], inverse[x.size:]


def _log_terms(params, x, t_x, T, fallback: bool = True, tails: _Tails | None = None):
    """(ln of the 'alive at T' term, ln of the 'died in (t_x, T)' term) of the likelihood bracket."""
    r, alpha, s, beta = params
    x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, t_x, T)))
    if tails is None:
        tails = _Tails(x.ravel(), t_x.ravel(), T.ravel())
    log_tail = _log_tail(r + tails.x, s, alpha, beta, tails.u, fallback)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died = np.log(s) + _log_difference(log_tail[tails.at_t_x], log_tail[tails.at_T]).reshape(x.shape)
    return alive, died


class _Summary:
    def __init__(self, x, t_x, T, w):
        keep = w > 0
        self.x, self.t_x, self.T, self.w = x[keep], t_x[keep], T[keep], w[keep]
        self.total_weight = float(self.w.sum())
        self.ux, code = np.unique(self.x, return_inverse=True)
        self.wx = np.bincount(code.ravel(), weights=self.w, minlength=self.ux.size)
        self.tails = _Tails(self.x, self.t_x, self.T)


def _value(theta, data: _Summary) -> float:
    r, alpha, s, beta = params = np.exp(theta)
    ll = dot(data.wx, gammaln(r + data.ux) - gammaln(r)) + data.total_weight * (r * np.log(alpha) + s * np.log(beta))
    alive, died = _log_terms(params, data.x, data.t_x, data.T, fallback=False, tails=data.tails)
    with np.errstate(invalid="ignore"):
        value = float(ll + dot(data.w, np.logaddexp(alive, died)))
    # a value that is still not finite counts as infinitely unlikely: the optimiser backs off, and a
    # fit that ends there is reported as not converged instead of returning NaN.
    return value if np.isfinite(value) else -np.inf


def _log_likelihood(theta, data: _Summary) -> tuple[float, np.ndarray]:
    """Total log-likelihood and its gradient w.r.t. (ln r, ln alpha, ln s, ln beta) by central differences
    (the parameter derivatives of the hypergeometric terms have no cheap closed form)."""
    value = _value(theta, data)
    gradient = np.zeros(4)
    if not np.isfinite(value):
        return value, gradient
    for i in range(4):
        step = np.zeros(4)
        step[i] = _STEP
        gradient[i] = (_value(theta + step, data) - _value(theta - step, data)) / (2 * _STEP)
    return value, gradient


def pareto_nbd_log_likelihood(log_params, x, t_x, T, weights=None) -> tuple[float, np.ndarray]:
    """The Pareto/NBD log-likelihood (weighted sum, positive orientation; CDNOW at the published
    estimates: about -9595.0) and its gradient w.r.t. (ln r, ln alpha, ln s, ln beta)."""
    x, t_x, T = (v.ravel() for v in as_float_arrays(("x", "t_x", "T"), x, t_x, T))
    problem = check_summary(x, t_x, T)
    if problem:
        raise ValueError(problem)
    w = np.ones_like(x) if weights is None else check_weights(weights, x.size)
    theta = np.asarray(log_params, dtype=np.float64).ravel()
    if theta.shape != (4,):
        raise ValueError("log_params must be (ln r, ln alpha, ln s, ln beta)")
    return _log_likelihood(theta, _Summary(x, t_x, T, w))


def fit_pareto_nbd(x, t_x, T, weights=None) -> ParetoNbdFit:
    """Fit Pareto/NBD by maximum likelihood: L-BFGS-B on log-parameters with central-difference
    gradients, time rescaled so the oldest customer has T = 1 (alpha and beta converted back), equal
    rows compressed when ``weights=None``. Raises FitError for invalid input or fewer than
    MIN_REPEAT_CUSTOMERS repeat customers; a degenerate or unconverged fit has ``converged=False``."""
    started = time.perf_counter()
    x, t_x, T, w, customers, scale = prepare_fit_summary("Pareto/NBD", x, t_x, T, weights)
    scaled = _Summary(x, t_x * scale, T * scale, w)

    def objective(theta):
        ll, gradient = _log_likelihood(theta, scaled)
        return -ll / customers, -gradient / customers

    rate = float((w * x).sum() / max((w * T * scale).sum(), 1e-12))
    starts = [np.log([1.0, np.clip(1.0 / rate, 1e-3, 1e3), 1.0, 1.0]), np.full(4, 0.1)]
    theta, converged, message, iterations = fit_from_starts(objective, starts, ("r", "alpha", "s", "beta"))
    theta[1] -= np.log(scale)
    theta[3] -= np.log(scale)
    log_likelihood = _value(theta, _Summary(x, t_x, T, w))
    if not np.all(np.isfinite(theta)) or not np.isfinite(log_likelihood):
        raise FitError(f"Pareto/NBD fit failed: {message}", FitError.FIT_FAILED)
    r, alpha, s, beta = (float(v) for v in np.exp(theta))
    return ParetoNbdFit(r=r, alpha=alpha, s=s, beta=beta, log_likelihood=log_likelihood,
                        customers=round(customers), rows=int(np.count_nonzero(w > 0)), iterations=iterations,
                        converged=converged, seconds=time.perf_counter() - started, message=message)


def _params(fit: ParetoNbdFit) -> tuple[float, float, float, float]:
    params = (fit.r, fit.alpha, fit.s, fit.beta)
    if not all(np.isfinite(v) and v > 0 for v in params):
        raise FitError(f"Pareto/NBD parameters must be positive and finite, got {params}", FitError.FIT_FAILED)
    return params


def _alive(params, x, t_x, T):
    alive, died = _log_terms(params, x, t_x, T)
    return expit(alive - died)


def p_alive(fit: ParetoNbdFit, x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T) = 1 / (1 + s (alpha+T)^(r+x) (beta+T)^s (G(t_x) - G(T))); 1 where
    t_x = T. Unlike BG/NBD, a one-time buyer's P(alive) falls with age. In [0, 1]."""
    params = _params(fit)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    return _alive(params, x, t_x, T)


def expected_purchases(fit: ParetoNbdFit, t, x, t_x, T, alive=None) -> np.ndarray:
    """E[Y(t) | x, t_x, T] = P(alive) (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
    (the limit (r+x)(beta+T)/(alpha+T) ln(1 + t/(beta+T)) at s = 1). ``t`` in the fit's unit; >= 0.
    ``alive``: these customers' P(alive) (p_alive's result) when the caller has it already: a
    caller evaluating many horizons for the same customers computes it once."""
    r, alpha, s, beta = params = _params(fit)
    t, x, t_x, T = as_float_arrays(("t", "x", "t_x", "T"), t, x, t_x, T)
    _check_horizon(t)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    log_growth = np.log1p(t / (beta + T))
    if abs(s - 1.0) < 1e-9:
        bracket = log_growth
    else:
        bracket = -np.expm1(-(s - 1.0) * log_growth) / (s - 1.0)
    if alive is None:
        alive = _alive(params, x, t_x, T)
    value = alive * (r + x) * (beta + T) / (alpha + T) * bracket
    return np.maximum(np.nan_to_num(value, nan=0.0, posinf=0.0, neginf=0.0), 0.0)


def prob_no_purchase(fit: ParetoNbdFit, t, x, t_x, T) -> np.ndarray:
    """P(X(T, T+t) = 0 | x, t_x, T), the probability of no purchase in the next ``t`` time units:

        1 - P(alive) + P(alive) [((alpha+T)/(alpha+T+t))^(r+x) ((beta+T)/(beta+T+t))^s
                                 + s (alpha+T)^(r+x) (beta+T)^s (G(T) - G(T+t))]

    Given alive at T, lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T) independently; no
    purchase happens in (T, T+t] if the customer survives it without a purchase, probability
    E[exp(-(lambda+mu) t)], or dies at some u < t before the next purchase,
    E[int_0^t mu exp(-(lambda+mu) u) du] = s (alpha+T)^(r+x) (beta+T)^s (G(T) - G(T+t)). This is the
    n = 0 case of Fader & Hardie's conditional distribution of future purchases under Pareto/NBD.
    ``t`` in the fit's unit; result in [0, 1].
    """
    r, alpha, s, beta = params = _params(fit)
    t, x, t_x, T = as_float_arrays(("t", "x", "t_x", "T"), t, x, t_x, T)
    _check_horizon(t)
    x, t_x, T = _check_prediction_inputs(x, t_x, T)
    k = r + x
    quiet = -k * np.log1p(t / (alpha + T)) - s * np.log1p(t / (beta + T))
    died = (np.log(s) + k * np.log(alpha + T) + s * np.log(beta + T)
            + _log_difference(_log_tail(k, s, alpha, beta, T), _log_tail(k, s, alpha, beta, T + t)))
    given_alive = np.exp(np.logaddexp(quiet, died))
    alive = _alive(params, x, t_x, T)
    return np.clip(1.0 - alive * (1.0 - given_alive), 0.0, 1.0)
