"""Recalibration of a churn probability with a monotone map learned on calibration-period data only.

The honest recipe (``inner_split_recalibration``): cut the calibration period at cutoff - h; refit
the purchase model on the summary at that inner cutoff; predict P(no purchase in the next h) for
its customers and compare with what they did in the last h of the calibration period; learn a
monotone map from predicted to observed there; apply the map to the full-calibration model's
predictions for the real horizon. Nothing of the holdout that is scored is used.

Two maps: logistic on the logit, p' = expit(a + b logit(p)) (two parameters; with b = 1 a shift of
the log-odds), and isotonic regression (pool-adjacent-violators; a step function interpolated
linearly between the pooled blocks' mean predictions, flat beyond them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit

from . import churn
from ._common import FitError

# Probabilities are kept in [_CLIP, 1 - _CLIP] before taking the logit.
_CLIP = 1e-6


def _pair(predicted, observed):
    p = np.asarray(predicted, dtype=np.float64).ravel()
    y = np.asarray(observed).astype(np.float64).ravel()
    if p.shape != y.shape or p.size == 0:
        raise ValueError("predicted and observed must be non-empty and of the same length")
    if not np.all(np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("predicted must be probabilities in [0, 1]")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("observed must be 0/1")
    return p, y


@dataclass(frozen=True)
class LogisticMap:
    """p' = expit(intercept + slope logit(p))."""

    intercept: float
    slope: float

    def __call__(self, predicted) -> np.ndarray:
        p = np.clip(np.asarray(predicted, dtype=np.float64), _CLIP, 1 - _CLIP)
        return expit(self.intercept + self.slope * logit(p))


@dataclass(frozen=True)
class IsotonicMap:
    """A non-decreasing map: ``knots`` (the pooled blocks' mean predictions, increasing) and
    ``values`` (their observed rates, non-decreasing); linear in between, flat outside."""

    knots: np.ndarray
    values: np.ndarray

    def __call__(self, predicted) -> np.ndarray:
        return np.interp(np.asarray(predicted, dtype=np.float64), self.knots, self.values)


def fit_logistic_map(predicted, observed) -> LogisticMap:
    """Maximum-likelihood logistic regression of the 0/1 outcome on logit(predicted) (Newton-type
    optimiser with the analytic gradient). The slope is kept >= 0 so the map is monotone."""
    p, y = _pair(predicted, observed)
    z = logit(np.clip(p, _CLIP, 1 - _CLIP))

    def objective(theta):
        eta = theta[0] + theta[1] * z
        q = expit(eta)
        value = -np.mean(y * eta - np.logaddexp(0.0, eta))
        residual = q - y
        return value, np.array([residual.mean(), (residual * z).mean()])

    result = minimize(objective, np.array([0.0, 1.0]), jac=True, method="L-BFGS-B",
                      bounds=[(None, None), (0.0, None)], options={"gtol": 1e-10, "ftol": 1e-15})
    if not np.all(np.isfinite(result.x)):
        raise FitError(f"logistic recalibration failed: {result.message}", FitError.FIT_FAILED)
    return LogisticMap(intercept=float(result.x[0]), slope=float(result.x[1]))


def fit_isotonic_map(predicted, observed) -> IsotonicMap:
    """Isotonic (non-decreasing) regression of the outcome on the prediction by pool-adjacent-
    violators over the rows sorted by prediction (equal predictions pooled first)."""
    p, y = _pair(predicted, observed)
    values, inverse = np.unique(p, return_inverse=True)
    weight = np.bincount(inverse.ravel(), minlength=values.size).astype(np.float64)
    total = np.bincount(inverse.ravel(), weights=y, minlength=values.size)
    # blocks as a stack of (sum of predictions x weight, sum of outcomes, weight)
    block_p, block_y, block_w = [], [], []
    for v, s, w in zip(values, total, weight):
        block_p.append(v * w)
        block_y.append(s)
        block_w.append(w)
        while len(block_w) > 1 and block_y[-2] / block_w[-2] >= block_y[-1] / block_w[-1]:
            w_last, y_last, p_last = block_w.pop(), block_y.pop(), block_p.pop()
            block_w[-1] += w_last
            block_y[-1] += y_last
            block_p[-1] += p_last
    w = np.asarray(block_w)
    return IsotonicMap(knots=np.asarray(block_p) / w, values=np.asarray(block_y) / w)


MAPS = {"logistic": fit_logistic_map, "isotonic": fit_isotonic_map}


def default_inner_horizon(horizon: float, calibration_length: float) -> float:
    """The inner split's horizon: the real ``horizon`` when the calibration period (from the first
    purchase in the data to the calibration end, ``calibration_length``) is at least twice as long,
    otherwise half the calibration period, so the inner fit keeps half the history. Fixed before
    any holdout was looked at; on CDNOW (39-week calibration and holdout) it gives 19.4 weeks."""
    if not (np.isfinite(horizon) and horizon > 0 and np.isfinite(calibration_length) and calibration_length > 0):
        raise ValueError("horizon and calibration_length must be finite and > 0")
    return float(min(horizon, calibration_length / 2))


@dataclass(frozen=True)
class Recalibration:
    """What inner_split_recalibration learned: the ``method``, the ``map`` (callable on
    probabilities), the inner ``fit`` and its ``inner_customers``, ``inner_horizon``, the inner
    predictions' and outcomes' means (``inner_mean_predicted``, ``inner_observed_rate``)."""

    method: str
    map: LogisticMap | IsotonicMap
    fit: object
    inner_customers: int
    inner_horizon: float
    inner_mean_predicted: float
    inner_observed_rate: float

    def __call__(self, predicted) -> np.ndarray:
        return np.clip(self.map(predicted), 0.0, 1.0)


def inner_split_recalibration(model: str, inner_x, inner_t_x, inner_T, inner_horizon, inner_no_purchase,
                              method: str = "logistic") -> Recalibration:
    """Learn a recalibration map on the inner split of the calibration period.

    ``inner_x``, ``inner_t_x``, ``inner_T``: the summary at the inner cutoff (calibration end minus
    ``inner_horizon``); ``inner_no_purchase``: 1 where the customer made no purchase in the last
    ``inner_horizon`` of the calibration period. The model ``model`` (a key of churn.MODELS) is
    fitted on the inner summary, its P(no purchase in inner_horizon) mapped to the outcomes by
    ``method`` ('logistic' or 'isotonic'). Apply the result to the full-calibration model's
    predictions. Raises FitError when the inner model cannot be fitted."""
    if method not in MAPS:
        raise ValueError(f"unknown method {method!r}; choose from {sorted(MAPS)}")
    fit = churn.fit_model(model, inner_x, inner_t_x, inner_T)
    if not fit.converged:
        raise FitError(f"inner {model} fit did not converge: {fit.message}", FitError.NOT_CONVERGED)
    predicted = churn.prob_no_purchase(fit, inner_horizon, inner_x, inner_t_x, inner_T)
    observed = np.asarray(inner_no_purchase).astype(np.float64).ravel()
    mapping = MAPS[method](predicted, observed)
    return Recalibration(method=method, map=mapping, fit=fit, inner_customers=int(observed.size),
                         inner_horizon=float(inner_horizon), inner_mean_predicted=float(predicted.mean()),
                         inner_observed_rate=float(observed.mean()))


@dataclass(frozen=True)
class StackedMap:
    """p' = expit(intercept + slope logit(p) + recency_coefficient log(1 + T - t_x)
    + repeat_coefficient log(1 + x)): the model's probability stacked with the customer's recency
    and repeat count, in the time unit the map was learned in."""

    intercept: float
    slope: float
    recency_coefficient: float
    repeat_coefficient: float

    def __call__(self, predicted, x, t_x, T) -> np.ndarray:
        design = stacking_design(predicted, x, t_x, T)
        coefficients = np.array([self.intercept, self.slope, self.recency_coefficient, self.repeat_coefficient])
        return expit(design @ coefficients)


def stacking_design(predicted, x, t_x, T) -> np.ndarray:
    """The stacked map's columns: 1, logit(p), log(1 + recency), log(1 + x)."""
    p = np.clip(np.asarray(predicted, dtype=np.float64).ravel(), _CLIP, 1 - _CLIP)
    x, t_x, T = (np.asarray(v, dtype=np.float64).ravel() for v in (x, t_x, T))
    if not (p.shape == x.shape == t_x.shape == T.shape):
        raise ValueError("predicted, x, t_x and T must have the same length")
    if np.any(x < 0) or np.any(T < t_x) or not np.all(np.isfinite(np.concatenate([x, t_x, T]))):
        raise ValueError("need finite x >= 0 and T >= t_x")
    return np.column_stack([np.ones_like(p), logit(p), np.log1p(T - t_x), np.log1p(x)])


def fit_stacked_map(predicted, x, t_x, T, observed) -> StackedMap:
    """Maximum-likelihood logistic regression of the 0/1 outcome on stacking_design (analytic
    gradient); the slope on the model's log-odds is kept >= 0, the other coefficients are free."""
    p, y = _pair(predicted, observed)
    design = stacking_design(p, x, t_x, T)

    def objective(theta):
        eta = design @ theta
        value = -np.mean(y * eta - np.logaddexp(0.0, eta))
        return value, design.T @ (expit(eta) - y) / y.size

    result = minimize(objective, np.array([0.0, 1.0, 0.0, 0.0]), jac=True, method="L-BFGS-B",
                      bounds=[(None, None), (0.0, None), (None, None), (None, None)],
                      options={"gtol": 1e-10, "ftol": 1e-15})
    if not np.all(np.isfinite(result.x)):
        raise FitError(f"stacked recalibration failed: {result.message}", FitError.FIT_FAILED)
    return StackedMap(*(float(value) for value in result.x))


@dataclass(frozen=True)
class Stacking:
    """What inner_split_stacking learned: the ``map`` (StackedMap, callable on (p, x, t_x, T)), the
    inner ``fit``, ``inner_customers``, ``inner_horizon`` and the inner means as in Recalibration."""

    map: StackedMap
    fit: object
    inner_customers: int
    inner_horizon: float
    inner_mean_predicted: float
    inner_observed_rate: float

    def __call__(self, predicted, x, t_x, T) -> np.ndarray:
        return np.clip(self.map(predicted, x, t_x, T), 0.0, 1.0)


def inner_split_stacking(model: str, inner_x, inner_t_x, inner_T, inner_horizon, inner_no_purchase) -> Stacking:
    """Like inner_split_recalibration, but the map also weighs the customer's recency and repeat
    count (fit_stacked_map): the weights are learned on the inner split of the period, so a
    holdout after the period stays out of sample. Apply it to the full-period model's predictions
    with the full-period summary. Raises FitError when the inner model cannot be fitted."""
    fit = churn.fit_model(model, inner_x, inner_t_x, inner_T)
    if not fit.converged:
        raise FitError(f"inner {model} fit did not converge: {fit.message}", FitError.NOT_CONVERGED)
    predicted = churn.prob_no_purchase(fit, inner_horizon, inner_x, inner_t_x, inner_T)
    observed = np.asarray(inner_no_purchase).astype(np.float64).ravel()
    mapping = fit_stacked_map(predicted, inner_x, inner_t_x, inner_T, observed)
    return Stacking(map=mapping, fit=fit, inner_customers=int(observed.size), inner_horizon=float(inner_horizon),
                    inner_mean_predicted=float(predicted.mean()), inner_observed_rate=float(observed.mean()))
