"""Shared pieces: the error the fits raise, input checks, row compression and the optimiser wrapper."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

# A fit needs at least this many customers with a repeat purchase (x > 0; for Gamma-Gamma also a
# positive mean repeat value). Below it the estimates are noise, so the fits raise FitError instead.
MIN_REPEAT_CUSTOMERS = 10

# Parameters are kept inside [1e-6, 1e6] (after the fits rescale time so the oldest customer has T = 1,
# or money so the mean zbar is 1; real fits sit within about 1e-3..1e3 there). A likelihood that keeps
# rising towards a bound means the data do not identify the model (no heterogeneity in purchase rates,
# no dropout, identical order values): that fit is reported as not converged.
LOG_BOUND = float(np.log(1e6))


class FitError(Exception):
    """A model cannot be fitted (or used) on these data.

    ``status`` is a short code meant for a ``fit_status`` column when the caller falls back to a
    heuristic: ``invalid_input``, ``too_few_repeat_customers``, ``q_not_above_1`` or ``fit_failed``.
    ``str(error)`` is a sentence saying why. The fits themselves return a fit with ``converged=False``
    (and a message) rather than raise when the optimum is degenerate; a caller that wants to fall back
    then too can use the status ``not_converged``.
    """

    INVALID_INPUT = "invalid_input"
    TOO_FEW_REPEAT_CUSTOMERS = "too_few_repeat_customers"
    Q_NOT_ABOVE_1 = "q_not_above_1"
    FIT_FAILED = "fit_failed"
    NOT_CONVERGED = "not_converged"

    def __init__(self, message: str, status: str = "fit_failed"):
        super().__init__(message)
        self.status = status


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of a * b without BLAS: on a busy machine a multithreaded BLAS dot of a few hundred
    thousand values can take milliseconds instead of microseconds, and the fits call this often."""
    return float(np.einsum("i,i->", a, b))


def as_float_arrays(names: tuple[str, ...], *values) -> list[np.ndarray]:
    """Broadcast the inputs to one shape as float64 arrays (scalars allowed)."""
    try:
        arrays = np.broadcast_arrays(*[np.asarray(v, dtype=np.float64) for v in values])
    except ValueError as exc:
        raise ValueError(f"{', '.join(names)} must have the same length (or be scalars): {exc}") from None
    except TypeError as exc:
        raise ValueError(f"{', '.join(names)} must be numeric: {exc}") from None
    return [np.array(a, dtype=np.float64) for a in arrays]  # writable copies


def check_summary(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> str | None:
    """None if (x, t_x, T) are a valid customer summary, otherwise what is wrong with them."""
    for name, values in (("x", x), ("t_x", t_x), ("T", T)):
        if not np.all(np.isfinite(values)):
            return f"{name} has NaN or infinite values"
        if np.any(values < 0):
            return f"{name} has negative values"
    if np.any(x != np.floor(x)):
        return "x (repeat purchases) must be whole numbers"
    if np.any(t_x > T):
        return "t_x (time of the last repeat purchase) is greater than T (customer age) for some customers"
    return None


def check_weights(weights, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (n,):
        raise FitError(f"weights has {w.size} values for {n} rows", FitError.INVALID_INPUT)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise FitError("weights must be finite and non-negative", FitError.INVALID_INPUT)
    return w


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense integer codes (order-preserving) for one column, and how many distinct codes there can be."""
    n = values.size
    if values.dtype.kind == "b":
        values = values.astype(np.int64)
    if values.dtype.kind in "iu" or (values.dtype.kind == "f" and np.all(values == np.floor(values))):
        # whole numbers (counts, days): offset by the minimum when the range is small, no sort needed
        lo, hi = values.min(), values.max()
        if hi - lo < max(4 * n, 1 << 16):
            return (values - lo).astype(np.int64), int(hi - lo) + 1
    uniq, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int64).ravel(), int(uniq.size)


def compress(*columns):
    """Collapse equal rows of the given columns into one weighted row.

    Returns ``(unique_columns, weights, inverse)``: ``unique_columns`` is a tuple with one array per
    input column holding each distinct row once (sorted lexicographically by the columns),
    ``weights`` (float64) how many input rows each distinct row stands for, and ``inverse`` the
    index of each input row's distinct row, so ``column[i] == unique_column[inverse[i]]``.

    The BG/NBD likelihood depends on a customer only through (x, t_x, T), so fitting the distinct
    rows with these weights gives exactly the estimates of fitting every customer, with fewer rows
    (Gamma-Gamma likewise through (x, zbar)). Equality is exact: values are not rounded.
    """
    if not columns:
        raise ValueError("compress needs at least one column")
    arrays = [np.asarray(c).ravel() for c in columns]
    n = arrays[0].size
    if any(a.size != n for a in arrays):
        raise ValueError("compress: the columns must have the same length")
    if n == 0:
        return tuple(a[:0] for a in arrays), np.zeros(0), np.zeros(0, dtype=np.intp)
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for a in arrays:
        codes, size = _codes(a)
        if radix * size >= 1 << 62:  # re-number the combined key densely before it could overflow
            _, key = np.unique(key, return_inverse=True)
            key = key.astype(np.int64).ravel()
            radix = int(key.max()) + 1
        key = key * size + codes
        radix *= size
    if radix <= max(4 * n, 1 << 16):  # small key space: count instead of sorting
        counts = np.bincount(key, minlength=radix)
        present = np.flatnonzero(counts)
        dense = np.zeros(radix, dtype=np.intp)
        dense[present] = np.arange(present.size)
        inverse = dense[key]
        first = np.empty(present.size, dtype=np.intp)
        first[inverse[::-1]] = np.arange(n - 1, -1, -1)  # any representative row works; take the first
        weights = counts[present].astype(np.float64)
    else:
        _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        weights = counts.astype(np.float64)
    return tuple(a[first] for a in arrays), weights, inverse.astype(np.intp)


def run_minimize(objective, start: np.ndarray, names: tuple[str, ...], max_iterations: int = 2000):
    """Minimise objective(theta) -> (value, gradient) with L-BFGS-B inside the log-parameter box.

    Returns (theta, result, converged, message). The objective is a mean per customer, so the
    gradient tolerance reads "per customer". An estimate on the box boundary is reported as not
    converged (the likelihood keeps rising towards a degenerate parameter).
    """
    bounds = [(-LOG_BOUND, LOG_BOUND)] * start.size
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 20})
    theta = result.x
    _, gradient = objective(theta)
    small_gradient = bool(np.all(np.abs(gradient) < 1e-6))
    at_bound = np.abs(theta) >= LOG_BOUND - 1e-6
    message = str(result.message)
    if np.any(at_bound):
        converged = False
        ran = ", ".join(name for name, hit in zip(names, at_bound) if hit)
        message = f"{ran} ran to the bound of the search (degenerate fit: the data do not identify the model)"
    else:
        # L-BFGS-B can stop on "ABNORMAL_TERMINATION_IN_LNSRCH" when it is at the optimum to machine
        # precision; a vanishing gradient says it converged all the same.
        converged = bool(result.success) or small_gradient
        if converged and not result.success:
            message = f"converged (gradient below 1e-6 per customer; optimiser said: {message})"
    return theta, result, converged, message


def fit_from_starts(objective, starts, names: tuple[str, ...]):
    """run_minimize from each start in turn until one converges; otherwise keep the best (lowest
    objective) of them. Returns (theta, converged, message, iterations summed over the starts)."""
    best = None
    iterations = 0
    for start in starts:
        theta, result, converged, message = run_minimize(objective, np.asarray(start, dtype=np.float64), names)
        iterations += int(result.nit)
        value = float(objective(theta)[0])
        if best is None or converged or (not best[1] and value < best[3]):
            best = (theta.copy(), converged, message, value)
        if converged:
            break
    theta, converged, message, _ = best
    return theta, converged, message, iterations


def prepare_fit_summary(model: str, x, t_x, T, weights):
    """The checked inputs of a purchase-model fit: (x, t_x, T, w, customers, scale).

    Validates the summary, compresses equal rows when ``weights`` is None (else checks the weights),
    and requires MIN_REPEAT_CUSTOMERS repeat customers and some customer older than 0; ``scale`` =
    1 / the oldest age, so the optimiser works with T <= 1. Raises FitError naming ``model``.
    """
    try:
        x, t_x, T = (v.ravel() for v in as_float_arrays(("x", "t_x", "T"), x, t_x, T))
    except ValueError as exc:
        raise FitError(str(exc), FitError.INVALID_INPUT) from None
    problem = check_summary(x, t_x, T)
    if problem:
        raise FitError(f"{model} cannot be fitted: {problem}", FitError.INVALID_INPUT)
    if weights is None:
        (x, t_x, T), w, _ = compress(x, t_x, T)
    else:
        w = check_weights(weights, x.size)
    customers = float(w.sum())
    repeat = float(w[x > 0].sum())
    if repeat < MIN_REPEAT_CUSTOMERS:
        raise FitError(f"{model} needs at least {MIN_REPEAT_CUSTOMERS} customers with a repeat purchase; "
                       f"there are {repeat:g} among {customers:g} customers",
                       FitError.TOO_FEW_REPEAT_CUSTOMERS)
    T_max = float(T[w > 0].max())
    if T_max <= 0:
        raise FitError(f"{model} cannot be fitted: every customer has age T = 0", FitError.INVALID_INPUT)
    return x, t_x, T, w, customers, 1.0 / T_max
