"""Churn probability on CDNOW: AUC and calibration of "no purchase in the holdout", plain and recalibrated.

Usage: warehouse churn-calibration-cdnow [sample|master] [--models bg_nbd,mbg_nbd,pareto_nbd]

The CDNOW transactions ship in the lifetimes wheel (read with importlib.resources). Calibration: the
39 weeks 1997-01-01..1997-09-30; holdout: weeks 40-78 (1997-10-01..1998-06-30); a purchase is a day
with an order; time in weeks. For each model: P(no purchase in the 39-week holdout) from the fit on
the calibration period, then recalibrated by a map learned on an inner split of the calibration
period only (fit on the summary at week 39 - h, outcome "no purchase in weeks 39-h..39"), for inner
horizons h of 13, 19.5 (the default rule: min(horizon, calibration length / 2)) and 26 weeks, maps
logistic-on-logit and isotonic. Prints one line per variant: AUC, mean absolute calibration error
over deciles, mean predicted and observed share with no purchase. Nothing of the holdout is used
before scoring.
"""

from __future__ import annotations

import argparse
import importlib.resources
import io
import time
import warnings

import numpy as np
import pandas as pd

from customer_value import FitError, churn, metrics
from customer_value.recalibration import default_inner_horizon, inner_split_recalibration, inner_split_stacking
from customer_value.transactions import summarise

CALIBRATION_END = 272 / 7  # weeks from 1997-01-01 to 1997-09-30
HOLDOUT_END = 545 / 7  # to 1998-06-30


def load(which: str) -> tuple[np.ndarray, np.ndarray]:
    """(customer id, purchase time in weeks since 1997-01-01, at day grain) from the lifetimes wheel."""
    datasets = importlib.resources.files("lifetimes") / "datasets"
    if which == "sample":
        names = ["master_id", "customer_id", "date", "cds", "dollars"]
        frame = pd.read_csv(io.StringIO((datasets / "CDNOW_sample.txt").read_text()), sep=r"\s+", header=None,
                            names=names, dtype={"date": str})
    else:
        frame = pd.read_csv(io.StringIO((datasets / "CDNOW_master.txt").read_text()), sep=r"\s+", header=0,
                            names=["customer_id", "date", "cds", "dollars"], dtype={"date": str})
    days = (pd.to_datetime(frame["date"], format="%Y%m%d") - pd.Timestamp("1997-01-01")).dt.days.to_numpy()
    return frame["customer_id"].to_numpy(), days / 7.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", choices=["sample", "master"], nargs="?", default="sample")
    parser.add_argument("--models", default="bg_nbd,mbg_nbd,pareto_nbd")
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    ids, weeks = load(args.data)
    calibration = summarise(ids, weeks, CALIBRATION_END, HOLDOUT_END)
    outcome = calibration.holdout_purchases == 0
    horizon = HOLDOUT_END - CALIBRATION_END
    default_inner = default_inner_horizon(horizon, CALIBRATION_END - weeks.min())
    print(f"CDNOW {args.data}: {calibration.x.size} customers, {outcome.mean():.3f} with no purchase in the "
          f"{horizon:.0f}-week holdout; default inner horizon {default_inner:.1f} weeks")
    # the model choice (churn.compare_models) beside the naive baselines; the last-period rate counts
    # the purchases in the last `default_inner` weeks of the calibration period
    recent = summarise(ids, weeks, CALIBRATION_END - default_inner, CALIBRATION_END)
    recent_purchases = pd.Series(recent.holdout_purchases, index=recent.customer_id).reindex(
        calibration.customer_id, fill_value=0.0).to_numpy()
    baselines = {"last_period_rate": churn.last_period_no_purchase(recent_purchases, default_inner, horizon)}
    inner = summarise(ids, weeks, CALIBRATION_END - default_inner, CALIBRATION_END)
    recalibrations = {}
    for name in args.models.split(","):
        try:
            recalibrations[name] = inner_split_recalibration(name, inner.x, inner.t_x, inner.T, default_inner,
                                                             inner.holdout_purchases == 0)
        except FitError as exc:  # reported; that model is then compared without recalibration
            print(f"{name}: no recalibration ({exc})")
    for title, maps in (("plain", None), ("recalibrated (default rule)", recalibrations)):
        comparison = churn.compare_models(calibration.x, calibration.t_x, calibration.T, horizon, outcome,
                                          models=args.models.split(","), probability_baselines=baselines,
                                          recalibrations=maps)
        print(f"model choice, {title}: {comparison.chosen}; beats every baseline's AUC: {comparison.beats_baselines}")
        print(f"  {'name':<17} {'kind':<9} {'AUC':>6} {'Brier':>6} {'log-loss':>8} {'calib.err':>9}")
        for row in comparison.rows:
            print(f"  {row['name']:<17} {row['kind']:<9} {row['auc']:6.4f} {row['brier']:6.4f} {row['log_loss']:8.4f} "
                  f"{row['calibration_error']:9.4f}")
    print(f"criterion: {churn.CRITERION}")
    print()
    print(f"{'model':<11} {'variant':<28} {'AUC':>6} {'calib.err':>9} {'mean pred':>9} {'observed':>8}")
    for name in args.models.split(","):
        started = time.perf_counter()
        fit = churn.fit_model(name, calibration.x, calibration.t_x, calibration.T)
        predicted = churn.prob_no_purchase(fit, horizon, calibration.x, calibration.t_x, calibration.T)

        def line(variant, p, name=name):
            print(f"{name:<11} {variant:<28} {metrics.auc(p, outcome):6.4f} "
                  f"{metrics.calibration_error(p, outcome):9.4f} {p.mean():9.3f} {outcome.mean():8.3f}", flush=True)

        line(f"plain (fit {time.perf_counter() - started:.1f} s)", predicted)
        inner = summarise(ids, weeks, CALIBRATION_END - default_inner, CALIBRATION_END)
        try:
            stacking = inner_split_stacking(name, inner.x, inner.t_x, inner.T, default_inner,
                                            inner.holdout_purchases == 0)
            line(f"stacked, h={default_inner:4.1f}", stacking(predicted, calibration.x, calibration.t_x, calibration.T))
        except FitError as exc:
            print(f"{name:<11} stacked failed: {exc}")
        for inner_horizon in sorted({13.0, default_inner, 26.0}):
            inner = summarise(ids, weeks, CALIBRATION_END - inner_horizon, CALIBRATION_END)
            for method in ("logistic", "isotonic"):
                tag = " (default)" if inner_horizon == default_inner and method == "logistic" else ""
                try:
                    recalibration = inner_split_recalibration(name, inner.x, inner.t_x, inner.T, inner_horizon,
                                                              inner.holdout_purchases == 0, method)
                except FitError as exc:  # a failed inner fit is reported, not fatal
                    print(f"{name:<11} h={inner_horizon:4.1f} {method:<9} failed: {exc}")
                    continue
                line(f"h={inner_horizon:4.1f} {method}{tag}", recalibration(predicted))
    print()
    lifetimes_reference(calibration, outcome, horizon)


def lifetimes_reference(calibration, outcome, horizon) -> None:
    """The issue's reference figure, printed: Pareto/NBD's conditional P(no purchase in the holdout) as
    lifetimes computes it (test-time dependency), fitted on the calibration summary."""
    from lifetimes import ParetoNBDFitter

    frame = pd.DataFrame({"x": calibration.x, "t_x": calibration.t_x, "T": calibration.T})
    grouped = frame.groupby(["x", "t_x", "T"]).size().rename("weight").reset_index()
    fitter = ParetoNBDFitter().fit(grouped["x"], grouped["t_x"], grouped["T"], weights=grouped["weight"])
    lifetimes_p = fitter.conditional_probability_of_n_purchases_up_to_time(0, horizon, frame["x"], frame["t_x"],
                                                                           frame["T"])
    print(f"lifetimes ParetoNBDFitter, conditional P(no purchase in {horizon:.0f} weeks): AUC "
          f"{metrics.auc(np.asarray(lifetimes_p), outcome):.4f}, calibration error "
          f"{metrics.calibration_error(np.asarray(lifetimes_p), outcome):.4f}")


if __name__ == "__main__":
    main()
