"""Gamma-Gamma spend model (Fader & Hardie 2013): the value of a customer's repeat purchases.

Inputs: ``x`` repeat purchases and ``zbar`` the mean value of those repeat purchases, in the
caller's currency (``gamma`` comes out in the same currency). The model is fitted on repeat
customers with a positive mean value only; see fit_gamma_gamma.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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


class SpendRows:
    """The Gamma-Gamma likelihood of weighted (x > 0, zbar > 0) rows, from sums over the rows.

    The likelihood needs one pass over the rows per evaluation only for sum w ln(gamma + x zbar) and
    sum w / (gamma + x zbar), and those depend on gamma alone; everything else is summed once per
    distinct x (the gamma functions, the terms linear in p). `over_rows(function, *args)` applies
    `function(x, zbar, w, *args)` to every chunk of the rows and returns the outputs stacked: one
    chunk of local arrays on DuckDB and Postgres, each partition of the rows kept in the cluster on
    Spark (docs/engines.md). The functions sum per distinct x and the per-x sums are added here in
    x order, so the result is the same to the bit however the rows are split into chunks.
    """

    def __init__(self, over_rows: Callable):
        self.over_rows = over_rows
        totals = _by_x(over_rows(spend_totals))
        self.ux, rows, self.wx, self.w_zbar, self.w_log_zbar = totals.T
        self.rows = int(rows.sum()) if rows.size else 0
        self.total_weight = float(self.wx.sum()) if rows.size else 0.0
        if np.any(self.ux <= 0) or np.any(self.ux != np.floor(self.ux)) or not np.all(np.isfinite(totals)):
            raise FitError("Gamma-Gamma cannot be fitted: the rows must have whole x > 0 and a finite zbar > 0",
                           FitError.INVALID_INPUT)
        self._sums: dict[tuple[float, float], np.ndarray] = {}

    def money_scale(self) -> float:
        """The factor that makes the mean zbar 1 (the optimiser's unit of money)."""
        return self.total_weight / float(self.w_zbar.sum())

    def log_likelihood(self, theta: np.ndarray, scale: float = 1.0) -> tuple[float, np.ndarray]:
        """Total log-likelihood of the rows with zbar in units of 1/scale, and its gradient with
        respect to (ln p, ln q, ln gamma)."""
        p, q, g = np.exp(theta)
        key = (float(g), float(scale))
        if key not in self._sums:  # the optimiser asks again for the point it stopped at: one pass each
            self._sums = {key: _by_x(self.over_rows(spend_sums, key[0], key[1]))}
        _, log_denominator, inverse_denominator = self._sums[key].T  # per x: sum w ln(g + x z), sum w / (g + x z)
        ux, wx, W = self.ux, self.wx, self.total_weight
        w_log_zbar = self.w_log_zbar + wx * np.log(scale)  # sum w ln(scale zbar) per x
        linear_in_p = dot(ux, w_log_zbar + wx * np.log(ux))  # sum w x (ln zbar + ln x)
        pux = p * ux
        ll = (dot(wx, gammaln(pux + q) - gammaln(pux)) - W * gammaln(q) + W * q * np.log(g)
              + p * linear_in_p - float(w_log_zbar.sum()) - dot(pux + q, log_denominator))
        dig = digamma(pux + q)
        d_p = dot(wx, ux * (dig - digamma(pux))) + linear_in_p - dot(ux, log_denominator)
        d_q = dot(wx, dig) - W * digamma(q) + W * np.log(g) - float(log_denominator.sum())
        d_g = W * q / g - dot(pux + q, inverse_denominator)
        return float(ll), np.array([d_p * p, d_q * q, d_g * g])


def _by_x(stacked: np.ndarray) -> np.ndarray:
    """The chunks' per-x rows in x order; an x in two chunks means the rows were split wrongly."""
    stacked = np.asarray(stacked, dtype=np.float64)
    stacked = stacked[np.argsort(stacked[:, 0], kind="stable")]
    if np.any(np.diff(stacked[:, 0]) == 0):
        raise ValueError("Gamma-Gamma: the rows of one x were split over two chunks; split the rows by x")
    return stacked


def _groups(x: np.ndarray) -> list[slice]:
    """The slices of equal x in a chunk sorted by x."""
    if np.any(np.diff(x) < 0):
        raise ValueError("Gamma-Gamma: a chunk's rows must be sorted by x (then zbar)")
    edges = [0, *(np.flatnonzero(np.diff(x)) + 1).tolist(), x.size]
    return [slice(start, stop) for start, stop in zip(edges[:-1], edges[1:]) if stop > start]


def spend_totals(x: np.ndarray, zbar: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per distinct x of a chunk: [x, rows with w > 0, sum w, sum w zbar, sum w ln zbar].

    A chunk holds every row of each of its x, sorted by (x, zbar, w); numpy sums each x's values in
    that order, so the result does not depend on how the rows were split into chunks."""
    out = np.empty((0, 5))
    groups = _groups(x)
    if groups:
        weighted_log = w * np.log(zbar)
        out = np.array([[x[g.start], np.count_nonzero(w[g] > 0), np.sum(w[g]), np.sum(w[g] * zbar[g]),
                         np.sum(weighted_log[g])] for g in groups])
    return out


def spend_sums(x: np.ndarray, zbar: np.ndarray, w: np.ndarray, gamma: float, scale: float) -> np.ndarray:
    """Per distinct x of a chunk (as in spend_totals): [x, sum w ln(gamma + x scale zbar),
    sum w / (gamma + x scale zbar)], the part of the likelihood that needs every row."""
    out = np.empty((0, 3))
    groups = _groups(x)
    if groups:
        denominator = gamma + x * (zbar * scale)
        weighted_log, weighted_inverse = w * np.log(denominator), w / denominator
        out = np.array([[x[g.start], np.sum(weighted_log[g]), np.sum(weighted_inverse[g])] for g in groups])
    return out


def rows_in_memory(x, zbar, w) -> Callable:
    """`over_rows` of arrays in memory: one chunk, sorted by (x, zbar, w)."""
    order = np.lexsort((w, zbar, x))
    x, zbar, w = x[order], zbar[order], w[order]
    return lambda function, *args: function(x, zbar, w, *args)


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
    return SpendRows(rows_in_memory(x[use], zbar[use], w[use])).log_likelihood(theta)


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
    excluded = []
    if non_positive:
        excluded.append(f"{non_positive} rows with zbar <= 0")
    if missing:
        excluded.append(f"{missing} rows with missing zbar")
    excluded_text = f" (excluded: {', '.join(excluded)})" if excluded else ""
    return fit_gamma_gamma_rows(SpendRows(rows_in_memory(x, zbar, w)), started, excluded_text)


def fit_gamma_gamma_rows(rows: SpendRows, started: float | None = None, excluded_text: str = "") -> GammaGammaFit:
    """Fit Gamma-Gamma on rows wherever they are (SpendRows: arrays in memory, or a table's partitions
    in a Spark cluster): the optimiser runs here and asks `rows` for one pass per evaluation. The rows
    must be usable (whole x > 0, finite zbar > 0, weights >= 0); see fit_gamma_gamma."""
    started = time.perf_counter() if started is None else started
    customers = rows.total_weight
    if customers < MIN_REPEAT_CUSTOMERS:
        raise FitError(f"Gamma-Gamma needs at least {MIN_REPEAT_CUSTOMERS} repeat customers with a positive "
                       f"mean repeat value; there are {customers:g}{excluded_text}",
                       FitError.TOO_FEW_REPEAT_CUSTOMERS)
    scale = rows.money_scale()  # money unit: the mean zbar becomes 1

    def objective(theta):
        ll, gradient = rows.log_likelihood(theta, scale)
        return -ll / customers, -gradient / customers

    starts = [np.log([1.0, 3.0, 2.0]), np.full(3, 0.1)]
    theta, converged, message, iterations = fit_from_starts(objective, starts, ("p", "q", "gamma"))
    theta[2] -= np.log(scale)  # gamma back to the caller's currency
    log_likelihood, _ = rows.log_likelihood(theta)
    if not np.all(np.isfinite(theta)) or not np.isfinite(log_likelihood):
        raise FitError(f"Gamma-Gamma fit failed: {message}", FitError.FIT_FAILED)
    p, q, g = (float(v) for v in np.exp(theta))
    return GammaGammaFit(p=p, q=q, gamma=g, log_likelihood=log_likelihood, customers=round(customers),
                         rows=rows.rows, iterations=iterations, converged=converged,
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
