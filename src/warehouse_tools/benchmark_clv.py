"""Benchmark the CLV models (src/customer_value) against lifetimes on the same synthetic customers.

    warehouse benchmark-clv                         # 100,000 and 1,000,000 customers
    warehouse benchmark-clv 200000                  # one size
    warehouse benchmark-clv --lifetimes-max 100000  # bound lifetimes to sizes up to 100k

For each size it draws customers from BG/NBD at day grain (first purchases spread over three years,
T in whole days, t_x floored to whole days; r = 0.243, alpha = 30.9 days, a = 0.793, b = 2.426,
CDNOW's estimates in days) and their mean repeat order value from Gamma-Gamma (p = 6.25, q = 3.74,
gamma = 15.44, rounded to cents), seeded. Then, in this process, one after the other:

- ours: fit BG/NBD (equal (x, t_x, T) compressed to weighted rows, compression timed as part of the
  fit) and Gamma-Gamma, then score every customer: P(alive), E[Y(90)], E[Y(365)], expected average
  order value, and discounted CLV over 12 months at 1% a month with 30 days a month;
- lifetimes: BetaGeoFitter and GammaGammaFitter fitted on the same customers (one row per customer,
  its usual use), and the same five predictions (customer_lifetime_value with freq="D": 30 days a
  month, the same CLV).

Prints the times, the ratio, the rows after compression, how far the two disagree, and the peak
resident memory of this process after ours and after lifetimes (resource.getrusage: lifetimes runs
second, so its figure is the peak of the whole run). Appends a section to docs/benchmarks.md. On a
terminal each size shows a progress bar over its steps (draw, ours, lifetimes); otherwise one line
per step; --quiet prints only the results.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse_tools.project import ROOT
from customer_value import (
    discounted_clv,
    expected_average_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
)
from customer_value.simulate import simulate_bgnbd, simulate_gamma_gamma
from warehouse_tools.progress_bar import StepProgress

BGNBD = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426}  # days
GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}
MONTHS, MONTHLY_DISCOUNT, DAYS_PER_MONTH = 12, 0.01, 30


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def customers(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    T = rng.integers(0, 3 * 365 + 1, n).astype(np.float64)
    x, t_x = simulate_bgnbd(T, **BGNBD, seed=rng)
    zbar = np.round(simulate_gamma_gamma(x, **GAMMA_GAMMA, seed=rng), 2)
    return {"x": x, "t_x": np.floor(t_x), "T": T, "zbar": zbar}


def run_ours(data: dict[str, np.ndarray]) -> dict:
    x, t_x, T, zbar = data["x"], data["t_x"], data["T"], data["zbar"]
    started = time.perf_counter()
    bgnbd = fit_bgnbd(x, t_x, T)
    gamma_gamma = fit_gamma_gamma(x, zbar)
    fitted = time.perf_counter()
    scores = {
        "p_alive": p_alive(bgnbd, x, t_x, T),
        "e90": expected_purchases(bgnbd, 90, x, t_x, T),
        "e365": expected_purchases(bgnbd, 365, x, t_x, T),
        "value": expected_average_value(gamma_gamma, x, zbar),
        "clv": discounted_clv(bgnbd, gamma_gamma, x, t_x, T, zbar, MONTHS, MONTHLY_DISCOUNT, DAYS_PER_MONTH),
    }
    scored = time.perf_counter()
    return {"fit": fitted - started, "score": scored - fitted, "bgnbd": bgnbd, "gamma_gamma": gamma_gamma,
            "params": np.array([bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b, gamma_gamma.p, gamma_gamma.q,
                                gamma_gamma.gamma]),
            "scores": scores, "peak": _peak_rss_mib()}


def run_lifetimes(data: dict[str, np.ndarray]) -> dict:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    x, t_x, T, zbar = (pd.Series(data[name]) for name in ("x", "t_x", "T", "zbar"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        bgf = BetaGeoFitter().fit(x, t_x, T)
        usable = (x > 0) & (zbar > 0)
        ggf = GammaGammaFitter().fit(x[usable], zbar[usable])
        fitted = time.perf_counter()
        scores = {
            "p_alive": np.asarray(bgf.conditional_probability_alive(x, t_x, T)),
            "e90": np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(90, x, t_x, T)),
            "e365": np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(365, x, t_x, T)),
            "value": np.asarray(ggf.conditional_expected_average_profit(x, zbar)),
            "clv": np.asarray(ggf.customer_lifetime_value(bgf, x, t_x, T, zbar, time=MONTHS,
                                                          discount_rate=MONTHLY_DISCOUNT, freq="D")),
        }
        scored = time.perf_counter()
    params = bgf.params_
    return {"fit": fitted - started, "score": scored - fitted,
            "params": np.array([params["r"], params["alpha"], params["a"], params["b"],
                                ggf.params_["p"], ggf.params_["q"], ggf.params_["v"]]),
            "scores": scores, "peak": _peak_rss_mib()}


def _max_relative(ours: np.ndarray, theirs: np.ndarray) -> float:
    finite = np.isfinite(theirs)
    return float(np.max(np.abs(ours[finite] - theirs[finite]) / np.maximum(np.abs(theirs[finite]), 1e-12)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000], metavar="CUSTOMERS",
                        help="numbers of customers (default 100000 1000000), smallest first")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lifetimes-max", type=int, default=None, metavar="CUSTOMERS",
                        help="run lifetimes only on sizes up to this (default: every size)")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="markdown file the figures are appended to (default docs/benchmarks.md)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or step lines, only the results")
    args = parser.parse_args(argv)
    results = []
    for n in args.sizes:
        with_lifetimes = args.lifetimes_max is None or n <= args.lifetimes_max
        print(f"==> {n:,} customers", flush=True)
        steps = StepProgress(3 if with_lifetimes else 2, f"{n:,} customers", quiet=args.quiet, stream=sys.stdout,
                             indent="    ")
        data = customers(n, args.seed)
        steps(f"drawn: {int((data['x'] > 0).sum()):,} with a repeat purchase")
        ours = run_ours(data)
        steps(f"ours fitted and scored in {ours['fit'] + ours['score']:.2f} s")
        bgnbd, gamma_gamma = ours["bgnbd"], ours["gamma_gamma"]
        steps.write(f"    ours:      fit {ours['fit']:.2f} s (BG/NBD {bgnbd.seconds:.2f} s on {bgnbd.rows:,} rows "
                    f"after compression, {bgnbd.rows / n:.0%}; Gamma-Gamma {gamma_gamma.seconds:.2f} s on "
                    f"{gamma_gamma.rows:,} rows), scoring {ours['score']:.2f} s, total "
                    f"{ours['fit'] + ours['score']:.2f} s, peak RSS {ours['peak']:,.0f} MiB")
        steps.write(f"    estimates: r {bgnbd.r:.4f}  alpha {bgnbd.alpha:.3f}  a {bgnbd.a:.4f}  b {bgnbd.b:.4f}  "
                    f"p {gamma_gamma.p:.3f}  q {gamma_gamma.q:.3f}  gamma {gamma_gamma.gamma:.3f}  "
                    f"(converged: {bgnbd.converged}, {gamma_gamma.converged})")
        theirs = None
        if with_lifetimes:
            theirs = run_lifetimes(data)
            steps(f"lifetimes fitted and scored in {theirs['fit'] + theirs['score']:.2f} s")
            steps.close()
            ratio = (theirs["fit"] + theirs["score"]) / (ours["fit"] + ours["score"])
            params = float(np.max(np.abs(ours["params"] / theirs["params"] - 1)))
            predictions = max(_max_relative(ours["scores"][k], theirs["scores"][k]) for k in ours["scores"])
            theirs.update(ratio=ratio, fit_ratio=theirs["fit"] / ours["fit"], params_diff=params,
                          predictions_diff=predictions)
            print(f"    lifetimes: fit {theirs['fit']:.2f} s, scoring {theirs['score']:.2f} s, total "
                  f"{theirs['fit'] + theirs['score']:.2f} s, peak RSS {theirs['peak']:,.0f} MiB", flush=True)
            print(f"    ratio {ratio:.1f}x (fit {theirs['fit_ratio']:.1f}x); largest relative difference: "
                  f"parameters {params:.1e}, predictions {predictions:.1e}", flush=True)
        else:
            steps.close()
            print(f"    lifetimes: not run (--lifetimes-max {args.lifetimes_max:,})", flush=True)
        results.append((n, ours, theirs))

    about = ("`warehouse benchmark-clv`: synthetic customers at day grain (BG/NBD r 0.243, alpha 30.9 "
             "days, a 0.793, b 2.426, first purchases over three years; Gamma-Gamma p 6.25, q 3.74, gamma 15.44), "
             "fitted and scored in one process by `src/customer_value` and by lifetimes 0.11.3 on the same data. "
             "Fit: BG/NBD (equal (x, t_x, T) rows compressed, compression included) and Gamma-Gamma; scoring: "
             "P(alive), E[Y(90)], E[Y(365)], expected order value, 12-month discounted CLV. lifetimes fits one row "
             "per customer, its usual use. Differences: the largest relative difference of the seven parameters "
             "and of all predictions, each side with its own fit. Peak RSS of the process after ours, then after "
             "lifetimes (which runs second).")
    when = f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores"
    heading = f"\n## CLV models: BG/NBD + Gamma-Gamma vs lifetimes ({when})\n"
    header = ("| customers | rows after compression | our fit | our scoring | lifetimes fit | lifetimes scoring "
              "| ratio (total) | ratio (fit) | parameters | predictions | peak RSS ours | peak RSS with lifetimes |")
    lines = [heading, textwrap.fill(about, width=100) + "\n", header,
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, ours, theirs in results:
        rows = ours["bgnbd"].rows
        row = f"| {n:,} | {rows:,} ({rows / n:.0%}) | {ours['fit']:.2f} s | {ours['score']:.2f} s | "
        if theirs is None:
            row += "not run | not run | | | | | "
        else:
            row += (f"{theirs['fit']:.2f} s | {theirs['score']:.2f} s | {theirs['ratio']:.1f}x | "
                    f"{theirs['fit_ratio']:.1f}x | {theirs['params_diff']:.0e} | {theirs['predictions_diff']:.0e} | ")
        row += f"{ours['peak']:,.0f} MiB | " + (f"{theirs['peak']:,.0f} MiB |" if theirs else "|")
        lines.append(row)
    with args.report.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"appended to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
