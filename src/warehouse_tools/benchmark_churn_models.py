"""Fit time and parameter recovery of BG/NBD, MBG/NBD and Pareto/NBD, and the time to score P(no purchase).

Usage: warehouse benchmark-churn-models [customers ...]   (default 20000 200000)

Customers first seen over three years (T uniform on 0..1095 days), drawn from each model at CDNOW's
published parameters converted to days, t_x floored to whole days as the warehouse summarises them.
Prints per model and size: distinct rows fitted, fit seconds, the estimates beside the truth, and the
seconds to score P(no purchase in 365 days) for every customer. Measured on the machine it runs on.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from customer_value import churn
from customer_value.simulate import simulate_with_holdout

TRUTH = {  # CDNOW in weeks (BG/NBD and Pareto/NBD published, MBG/NBD as lifetimes fits it), rates x 7 for days
    "bg_nbd": {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426},
    "mbg_nbd": {"r": 0.525, "alpha": 6.183 * 7, "a": 0.891, "b": 1.614},
    "pareto_nbd": {"r": 0.553, "alpha": 10.58 * 7, "s": 0.606, "beta": 11.67 * 7},
}


def main() -> None:
    sizes = [int(value) for value in sys.argv[1:]] or [20_000, 200_000]
    rng = np.random.default_rng(2026)
    print(f"{'model':<11} {'customers':>9} {'rows':>7} {'fit s':>6} {'score s':>7}  estimates (truth)")
    for n in sizes:
        T = np.floor(rng.uniform(0, 1096, n))
        for name, truth in TRUTH.items():
            x, t_x, _ = simulate_with_holdout(name, T, 0.0, truth, seed=rng)
            t_x = np.floor(t_x)
            started = time.perf_counter()
            fit = churn.fit_model(name, x, t_x, T)
            fitted = time.perf_counter() - started
            started = time.perf_counter()
            churn.prob_no_purchase(fit, 365.0, x, t_x, T)
            scored = time.perf_counter() - started
            estimates = ", ".join(f"{key} {getattr(fit, key):.3g} ({value:.3g})" for key, value in truth.items())
            flag = "" if fit.converged else f"  NOT CONVERGED: {fit.message}"
            print(f"{name:<11} {n:>9} {fit.rows:>7} {fitted:6.2f} {scored:7.2f}  {estimates}{flag}", flush=True)


if __name__ == "__main__":
    main()
