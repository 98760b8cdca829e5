"""Shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007, "How to Project
Customer Retention", Journal of Interactive Marketing 21(1)): at the end of each period every customer
renews with her own probability 1 - theta, theta ~ Beta(alpha, beta) across customers.

Time is in contract periods (a month for monthly subscriptions, a year for annual contracts): period
t = 1, 2, ... ends at the t-th renewal opportunity. For a cohort that started together:

    P(T = t) = B(alpha+1, beta+t-1) / B(alpha, beta)     (cancels at the end of period t)
    S(t)     = B(alpha, beta+t) / B(alpha, beta)         (still a customer after t renewal points)
    r(t)     = S(t)/S(t-1) = (beta+t-1)/(alpha+beta+t-1) (retention rate, rising with t)

Discounted expected residual lifetime (Fader & Hardie 2010, "Customer-Base Valuation in a
Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1), eq. 6): for a
customer who has made ``renewals`` = n-1 renewals and is about to face the next one, the expected
number of further payments, each discounted by (1+d) per period, the first one undiscounted:

    DERL(d | n-1) = sum_{t>=n} S(t)/S(n-1) / (1+d)^(t-n)
                  = (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d))

A subscriber's residual CLV is the margin per period times DERL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, hyp2f1

from ._common import FitError, fit_from_starts


@dataclass(frozen=True)
class SbgFit:
    """A fitted sBG model: ``alpha``, ``beta`` (no unit: time is counted in contract periods),
    ``log_likelihood`` the maximised total, ``customers`` the cohort sizes summed, ``periods`` the
    longest observed history, and the optimiser's ``iterations``, ``converged``, ``seconds``, ``message``."""

    alpha: float
    beta: float
    log_likelihood: float
    customers: int
    periods: int
    iterations: int
    converged: bool
    seconds: float
    message: str


def _cohorts(survivors) -> list[np.ndarray]:
    """One survivor vector per cohort, each starting with the cohort size, as float arrays."""
    if len(survivors) and np.ndim(survivors[0]) == 0:
        survivors = [survivors]
    out = []
    for i, cohort in enumerate(survivors):
        c = np.asarray(cohort, dtype=np.float64).ravel()
        if c.size < 2:
            raise FitError(f"cohort {i}: needs the starting count and at least one period", FitError.INVALID_INPUT)
        if not np.all(np.isfinite(c)) or np.any(c < 0):
            raise FitError(f"cohort {i}: survivor counts must be finite and >= 0", FitError.INVALID_INPUT)
        if np.any(np.diff(c) > 0):
            period = int(np.flatnonzero(np.diff(c) > 0)[0]) + 1
            raise FitError(f"cohort {i}: survivors rise at period {period} ({c[period - 1]:g} -> {c[period]:g}); "
                           "a cohort can only shrink", FitError.INVALID_INPUT)
        if c[0] <= 0:
            raise FitError(f"cohort {i}: the starting count must be positive", FitError.INVALID_INPUT)
        out.append(c)
    return out


def _log_likelihood(theta, cohorts) -> tuple[float, np.ndarray]:
    """Sum over cohorts of sum_t lost_t ln P(T=t) + survivors_end ln S(end), and its gradient in
    (ln alpha, ln beta); computed with the recursions in log form."""
    alpha, beta = np.exp(theta)
    ll = 0.0
    d_alpha = d_beta = 0.0
    for c in cohorts:
        n = c.size - 1
        t = np.arange(1, n + 1, dtype=np.float64)
        lost = -np.diff(c)
        # ln P(T=t) = ln alpha - ln(alpha+beta+t-1) + sum_{i<t} ln((beta+i-1)/(alpha+beta+i-1))
        log_r = np.log(beta + t - 1) - np.log(alpha + beta + t - 1)  # ln r(t), t = 1..n
        log_s = np.cumsum(log_r)  # ln S(t)
        log_s_before = np.concatenate(([0.0], log_s[:-1]))  # ln S(t-1)
        log_p = log_s_before + np.log(alpha) - np.log(alpha + beta + t - 1)
        ll += float(np.dot(lost, log_p) + c[-1] * log_s[-1])
        # derivatives of ln r(t) and of ln(alpha/(alpha+beta+t-1))
        dr_a = -1.0 / (alpha + beta + t - 1)
        dr_b = 1.0 / (beta + t - 1) - 1.0 / (alpha + beta + t - 1)
        ds_a, ds_b = np.cumsum(dr_a), np.cumsum(dr_b)
        ds_a_before = np.concatenate(([0.0], ds_a[:-1]))
        ds_b_before = np.concatenate(([0.0], ds_b[:-1]))
        dp_a = ds_a_before + 1.0 / alpha - 1.0 / (alpha + beta + t - 1)
        dp_b = ds_b_before - 1.0 / (alpha + beta + t - 1)
        d_alpha += float(np.dot(lost, dp_a) + c[-1] * ds_a[-1])
        d_beta += float(np.dot(lost, dp_b) + c[-1] * ds_b[-1])
    return ll, np.array([d_alpha * alpha, d_beta * beta])


def sbg_log_likelihood(log_params, survivors) -> tuple[float, np.ndarray]:
    """The sBG log-likelihood (positive orientation) and its gradient w.r.t. (ln alpha, ln beta).
    ``survivors``: one cohort's counts [n_0, n_1, ..., n_k] (n_t still customers after t renewal
    points, n_0 the cohort size), or a list of such vectors (cohorts of different lengths pooled)."""
    theta = np.asarray(log_params, dtype=np.float64).ravel()
    if theta.shape != (2,):
        raise ValueError("log_params must be (ln alpha, ln beta)")
    return _log_likelihood(theta, _cohorts(survivors))


def fit_sbg(survivors) -> SbgFit:
    """Fit sBG by maximum likelihood from survivor counts by period (one cohort, or a list of cohorts
    pooled with common alpha, beta; Fader & Hardie 2007, Appendix B). L-BFGS-B on log-parameters
    with the analytic gradient, from two starts. Raises FitError when the counts are not survivor
    counts (negative, rising, no period) or nobody cancelled (no information on churn)."""
    started = time.perf_counter()
    cohorts = _cohorts(survivors)
    customers = float(sum(c[0] for c in cohorts))
    if sum(c[0] - c[-1] for c in cohorts) <= 0:
        raise FitError("sBG cannot be fitted: nobody cancelled in any cohort", FitError.TOO_FEW_REPEAT_CUSTOMERS)

    def objective(theta):
        ll, gradient = _log_likelihood(theta, cohorts)
        return -ll / customers, -gradient / customers

    starts = [np.zeros(2), np.log([0.1, 0.1])]
    theta, converged, message, iterations = fit_from_starts(objective, starts, ("alpha", "beta"))
    log_likelihood, _ = _log_likelihood(theta, cohorts)
    if not np.all(np.isfinite(theta)) or not np.isfinite(log_likelihood):
        raise FitError(f"sBG fit failed: {message}", FitError.FIT_FAILED)
    alpha, beta = (float(v) for v in np.exp(theta))
    return SbgFit(alpha=alpha, beta=beta, log_likelihood=log_likelihood, customers=round(customers),
                  periods=max(c.size - 1 for c in cohorts), iterations=iterations, converged=converged,
                  seconds=time.perf_counter() - started, message=message)


def _params(fit: SbgFit) -> tuple[float, float]:
    if not all(np.isfinite(v) and v > 0 for v in (fit.alpha, fit.beta)):
        raise FitError(f"sBG parameters must be positive and finite, got {(fit.alpha, fit.beta)}",
                       FitError.FIT_FAILED)
    return fit.alpha, fit.beta


def _periods(t) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(t != np.floor(t)):
        raise ValueError("periods must be whole numbers >= 0")
    return t


def survival(fit: SbgFit, t) -> np.ndarray:
    """S(t) = B(alpha, beta+t)/B(alpha, beta): the share of a cohort still customers after t renewal
    points (t whole, >= 0; S(0) = 1)."""
    alpha, beta = _params(fit)
    t = _periods(t)
    return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))


def retention_rate(fit: SbgFit, t) -> np.ndarray:
    """r(t) = (beta+t-1)/(alpha+beta+t-1): the share of those active after t-1 renewal points who
    renew at the t-th (t whole, >= 1)."""
    alpha, beta = _params(fit)
    t = _periods(t)
    if np.any(t < 1):
        raise ValueError("the retention rate is defined for periods t >= 1")
    return (beta + t - 1) / (alpha + beta + t - 1)


def derl(fit: SbgFit, discount_rate, renewals) -> np.ndarray:
    """Discounted expected residual lifetime, in payments (see the module docstring):

        (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d)),   n - 1 = ``renewals``

    ``discount_rate`` d per contract period (> 0; with d = 0 the sum diverges when alpha <= 1),
    ``renewals`` whole numbers >= 0 (broadcast). Multiply by the margin per period for the residual
    CLV of a subscriber."""
    alpha, beta = _params(fit)
    d = np.asarray(discount_rate, dtype=np.float64)
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("discount_rate must be finite and > 0")
    n = _periods(renewals) + 1.0
    return (beta + n - 1) / (alpha + beta + n - 1) * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d))


def churn_probability(fit: SbgFit, renewals, periods_ahead) -> np.ndarray:
    """P(a subscriber cancels within the next ``periods_ahead`` renewal points | she has made
    ``renewals`` renewals so far) = 1 - S(renewals + periods_ahead) / S(renewals).

    Her past renewals sort her towards the low-churn customers, so this falls with ``renewals``
    (Fader & Hardie's "ruse of heterogeneity"). Both arguments whole numbers >= 0 (broadcast);
    result in [0, 1]."""
    alpha, beta = _params(fit)
    n, k = _periods(renewals), _periods(periods_ahead)
    return -np.expm1(betaln(alpha, beta + n + k) - betaln(alpha, beta + n))
