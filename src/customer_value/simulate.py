"""Draw customer summaries from BG/NBD and Gamma-Gamma with known parameters (numpy only).

Used by the recovery tests and the benchmark; not part of the modelling API. Time is in the unit
of ``T`` and ``alpha``; money in the unit of ``gamma``.
"""

from __future__ import annotations

import numpy as np


def simulate_bgnbd(T, r: float, alpha: float, a: float, b: float, seed: int | np.random.Generator = 0):
    """Repeat purchases (x) and time of the last one (t_x) for customers observed for T each.

    Each customer draws a purchase rate lambda ~ Gamma(r, rate alpha) and a dropout probability
    p ~ Beta(a, b), buys at time 0 and then as a Poisson process, and drops out right after each
    repeat purchase with probability p. Exact and vectorised: with N ~ Poisson(lambda T) purchases
    in (0, T] and dropout after the K-th repeat purchase, K ~ Geometric(p), x = min(N, K) and t_x is
    the x-th of N uniform order statistics on (0, T], i.e. T Beta(x, N - x + 1).
    Returns float arrays (x, t_x), with t_x = 0 where x = 0.
    """
    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=np.float64)
    n = T.size
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout = np.clip(rng.beta(a, b, n), 1e-12, 1.0)
    purchases = rng.poisson(rate * T.ravel())
    survive = rng.geometric(dropout)  # repeat purchases made before dropping out (>= 1)
    x = np.minimum(purchases, survive)
    t_x = np.where(x > 0, T.ravel() * rng.beta(np.maximum(x, 1), purchases - x + 1), 0.0)
    return x.astype(np.float64).reshape(T.shape), t_x.reshape(T.shape)


def simulate_gamma_gamma(x, p: float, q: float, gamma: float, seed: int | np.random.Generator = 0):
    """Mean repeat value zbar for customers with x repeat purchases (0 where x = 0).

    Each customer draws nu ~ Gamma(q, rate gamma); each repeat purchase is Gamma(p, rate nu), so the
    sum of x of them is Gamma(p x, rate nu) and zbar is that sum over x.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    nu = rng.gamma(q, 1.0 / gamma, x.shape)
    repeat = x > 0
    zbar = np.zeros(x.shape)
    zbar[repeat] = rng.gamma(p * x[repeat], 1.0 / (x[repeat] * nu[repeat]))
    return zbar


def simulate_with_holdout(model: str, T, t: float, params: dict, seed: int | np.random.Generator = 0):
    """Calibration summaries (x, t_x) at age T and whether each customer buys in the holdout (T, T+t],
    drawn exactly from 'bg_nbd', 'mbg_nbd' or 'pareto_nbd' with the given parameters
    (r, alpha, a, b or r, alpha, s, beta). For checking P(no purchase in the holdout) by simulation.

    BG/NBD and MBG/NBD: lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); N1 ~ Poisson(lambda T) and
    N2 ~ Poisson(lambda t) events in the two windows; the customer drops out after K repeat purchases,
    K ~ Geometric(p) >= 1 (BG/NBD), or K - 1 >= 0 (MBG/NBD, which can drop out right after the first
    purchase). x = min(N1, K), t_x = T Beta(x, N1 - x + 1), and a holdout purchase happens when
    K > N1 (still alive at T) and N2 >= 1. Pareto/NBD: lambda as above, lifetime tau ~ Exp(mu) with
    mu ~ Gamma(s, rate beta); x ~ Poisson(lambda min(tau, T)), t_x the largest of x uniforms on
    (0, min(tau, T)), and a holdout purchase when Poisson(lambda min(tau - T, t)) >= 1.
    Returns float arrays (x, t_x) and a boolean array ``bought``.
    """
    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=np.float64).ravel()
    n = T.size
    rate = rng.gamma(params["r"], 1.0 / params["alpha"], n)
    if model in ("bg_nbd", "mbg_nbd"):
        dropout = np.clip(rng.beta(params["a"], params["b"], n), 1e-12, 1.0)
        before = rng.poisson(rate * T)
        after = rng.poisson(rate * t)
        survive = rng.geometric(dropout) - (1 if model == "mbg_nbd" else 0)
        x = np.minimum(before, survive)
        t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), before - x + 1), 0.0)
        bought = (survive > before) & (after >= 1)
    elif model == "pareto_nbd":
        lifetime = rng.exponential(1.0 / rng.gamma(params["s"], 1.0 / params["beta"], n))
        active = np.minimum(lifetime, T)
        x = rng.poisson(rate * active)
        t_x = np.where(x > 0, active * rng.beta(np.maximum(x, 1), 1.0), 0.0)
        bought = rng.poisson(rate * np.clip(lifetime - T, 0.0, t)) >= 1
    else:
        raise ValueError(f"unknown model {model!r}")
    return x.astype(np.float64), t_x, bought
