"""Churn over a horizon from the purchase models, and the choice between them on a holdout.

One entry point per question, whatever the model:
- ``fit_model(name, x, t_x, T)`` with name in MODELS ('bg_nbd', 'mbg_nbd', 'pareto_nbd');
- ``p_alive(fit, ...)``, ``expected_purchases(fit, t, ...)``, ``prob_no_purchase(fit, t, ...)``
  dispatch on the fit's type;
- ``compare_models(...)``: fit every model on the calibration period, score "no purchase in the
  holdout" and choose one by a documented criterion, beside naive baselines.

Time is in the caller's unit throughout (the warehouse: days; CDNOW: weeks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from . import bgnbd, mbgnbd, metrics, pareto_nbd
from ._common import FitError, as_float_arrays, check_summary

MODELS = {"bg_nbd": bgnbd, "mbg_nbd": mbgnbd, "pareto_nbd": pareto_nbd}
_FITTERS = {"bg_nbd": bgnbd.fit_bgnbd, "mbg_nbd": mbgnbd.fit_mbgnbd, "pareto_nbd": pareto_nbd.fit_pareto_nbd}
_NAMES = {bgnbd.BgNbdFit: "bg_nbd", mbgnbd.MbgNbdFit: "mbg_nbd", pareto_nbd.ParetoNbdFit: "pareto_nbd"}


def fit_model(name: str, x, t_x, T, weights=None):
    """Fit the purchase model ``name`` (a key of MODELS). Raises FitError as the model's fit does."""
    if name not in _FITTERS:
        raise ValueError(f"unknown model {name!r}; choose from {sorted(_FITTERS)}")
    return _FITTERS[name](x, t_x, T, weights)


def model_name(fit) -> str:
    """'bg_nbd', 'mbg_nbd' or 'pareto_nbd' for a fit of that model."""
    try:
        return _NAMES[type(fit)]
    except KeyError:
        raise TypeError(f"not a purchase-model fit: {type(fit).__name__}") from None


def p_alive(fit, x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T) under the fit's model."""
    return MODELS[model_name(fit)].p_alive(fit, x, t_x, T)


def expected_purchases(fit, t, x, t_x, T, alive=None) -> np.ndarray:
    """E[repeat purchases in (T, T+t] | x, t_x, T] under the fit's model; ``t`` in the fit's unit.
    ``alive``: p_alive's result for these customers, when the caller evaluates several horizons."""
    return MODELS[model_name(fit)].expected_purchases(fit, t, x, t_x, T, alive=alive)


def prob_no_purchase(fit, t, x, t_x, T) -> np.ndarray:
    """P(no purchase in (T, T+t] | x, t_x, T) under the fit's model: the churn probability over a
    horizon ``t`` in the fit's unit."""
    return MODELS[model_name(fit)].prob_no_purchase(fit, t, x, t_x, T)


def baseline_scores(x, t_x, T) -> dict[str, np.ndarray]:
    """Naive churn scores from the calibration summary alone, higher = more likely no purchase:
    'recency' (time since the last purchase, T - t_x; for x = 0 that is the age T) and
    'repeat_count' (-x, fewer repeat purchases = more likely to churn). They rank customers; they are
    not probabilities (AUC only). A last-period rate needs transactions: pass it to compare_models."""
    x, t_x, T = as_float_arrays(("x", "t_x", "T"), x, t_x, T)
    problem = check_summary(x, t_x, T)
    if problem:
        raise ValueError(problem)
    return {"recency": T - t_x, "repeat_count": -x}


def last_period_no_purchase(purchases_in_last_period, period_length, horizon) -> np.ndarray:
    """The 'last-period rate' baseline as a probability: a Poisson rate estimated from the purchases
    in the last ``period_length`` time units of calibration, P(no purchase in ``horizon``) =
    exp(-purchases / period_length * horizon). A customer with no purchase there gets 1."""
    n = np.asarray(purchases_in_last_period, dtype=np.float64)
    if not np.all(np.isfinite(n)) or np.any(n < 0):
        raise ValueError("purchases_in_last_period must be finite and >= 0")
    if not period_length > 0 or not horizon >= 0:
        raise ValueError("period_length must be > 0 and horizon >= 0")
    return np.exp(-n / period_length * horizon)


@dataclass
class ModelComparison:
    """The result of compare_models.

    ``rows``: one dict per model and baseline with ``name``, ``kind`` ('model' or 'baseline'),
    ``status`` ('fitted', 'failed', 'not_converged' or 'score'), ``message``, ``auc``, ``brier``,
    ``log_loss`` (NaN where not a probability or not fitted), ``mean_predicted`` and
    ``observed_rate`` (share with no purchase), ``calibration_error`` (mean absolute, deciles).
    ``chosen`` is the chosen model's name (None when no model could be fitted), ``fits`` the fitted
    models by name, ``predictions`` P(no purchase) per fitted model (recalibrated where a
    recalibration was given) and ``criterion`` a sentence.
    ``beats_baselines`` is False when some baseline has a higher AUC than the chosen model.
    """

    rows: list[dict]
    chosen: str | None
    fits: dict = field(default_factory=dict)
    predictions: dict = field(default_factory=dict)
    criterion: str = ""
    beats_baselines: bool | None = None


# Models whose holdout log-loss is within this of the lowest are tied (then the higher AUC wins).
LOG_LOSS_TIE = 1e-3
CRITERION = ("the fitted model with the lowest holdout log-loss of 'no purchase in the holdout'; "
             "models within 0.001 of the lowest are tied and the higher AUC wins")


def _score_row(name, kind, status, message, score, outcome, probability: bool) -> dict:
    row = {"name": name, "kind": kind, "status": status, "message": message, "auc": float("nan"),
           "brier": float("nan"), "log_loss": float("nan"), "mean_predicted": float("nan"),
           "observed_rate": float(np.mean(outcome)), "calibration_error": float("nan")}
    if score is None:
        return row
    row["auc"] = metrics.auc(score, outcome)
    if probability:
        row["brier"] = metrics.brier(score, outcome)
        row["log_loss"] = metrics.log_loss(score, outcome)
        row["mean_predicted"] = float(np.mean(score))
        row["calibration_error"] = metrics.calibration_error(score, outcome)
    return row


def compare_models(x, t_x, T, horizon, no_purchase, models=tuple(MODELS),
                   baselines: Mapping[str, np.ndarray] | None = None,
                   probability_baselines: Mapping[str, np.ndarray] | None = None,
                   recalibrations: Mapping[str, Callable[[np.ndarray], np.ndarray]] | None = None) -> ModelComparison:
    """Fit each model on the calibration summary (x, t_x, T), predict P(no purchase in the next
    ``horizon``) for every customer and score it against ``no_purchase`` (1/True = the customer made
    no purchase in the holdout), beside the naive baselines of baseline_scores plus any given
    ``baselines`` (scores, higher = more likely no purchase; AUC only) and ``probability_baselines``
    (probabilities of no purchase; all scores). ``recalibrations`` maps a model name to a function
    applied to that model's predictions before they are scored (a recalibration.Recalibration learned
    inside the calibration period); its row's message then says so. Choice: see CRITERION. A model that cannot be fitted
    or does not converge gets a row with its status and message and is not chosen; nothing raises
    except invalid input (ValueError)."""
    x, t_x, T = (v.ravel() for v in as_float_arrays(("x", "t_x", "T"), x, t_x, T))
    problem = check_summary(x, t_x, T)
    if problem:
        raise ValueError(problem)
    outcome = np.asarray(no_purchase).ravel()
    if outcome.shape != x.shape:
        raise ValueError(f"no_purchase has {outcome.size} values for {x.size} customers")
    rows, fits, predictions = [], {}, {}
    for name in models:
        try:
            fit = fit_model(name, x, t_x, T)
        except FitError as exc:
            rows.append(_score_row(name, "model", "failed", str(exc), None, outcome, True))
            continue
        if not fit.converged:
            rows.append(_score_row(name, "model", FitError.NOT_CONVERGED, fit.message, None, outcome, True))
            continue
        fits[name] = fit
        predictions[name] = prob_no_purchase(fit, horizon, x, t_x, T)
        message = fit.message
        if recalibrations and name in recalibrations:
            predictions[name] = np.clip(recalibrations[name](predictions[name]), 0.0, 1.0)
            message = f"recalibrated; fit: {fit.message}"
        rows.append(_score_row(name, "model", "fitted", message, predictions[name], outcome, True))
    for name, score in {**baseline_scores(x, t_x, T), **dict(baselines or {})}.items():
        rows.append(_score_row(name, "baseline", "score", "ranking only", score, outcome, False))
    for name, probability in dict(probability_baselines or {}).items():
        rows.append(_score_row(name, "baseline", "score", "probability", probability, outcome, True))

    chosen, beats = choose(rows)
    return ModelComparison(rows=rows, chosen=chosen, fits=fits, predictions=predictions, criterion=CRITERION,
                           beats_baselines=beats)


def choose(rows: list[dict]) -> tuple[str | None, bool | None]:
    """The CRITERION applied to comparison rows: (chosen model's name, whether its AUC is at least
    every baseline's); (None, None) when no model row has status 'fitted'."""
    fitted = [row for row in rows if row["kind"] == "model" and row["status"] == "fitted"]
    if not fitted:
        return None, None
    best = min(row["log_loss"] for row in fitted)
    tied = [row for row in fitted if row["log_loss"] <= best + LOG_LOSS_TIE]
    chosen = max(tied, key=lambda row: row["auc"])
    baseline_aucs = [row["auc"] for row in rows if row["kind"] == "baseline" and np.isfinite(row["auc"])]
    return chosen["name"], all(chosen["auc"] >= value for value in baseline_aucs)


def expected_purchases_since_first(fit, t) -> np.ndarray:
    """E[X(t)]: expected repeat purchases in the first ``t`` time units after a customer's first
    purchase, before anything is known about her (the unconditional mean; lifetimes'
    expected_number_of_purchases_up_to_time). It is the conditional expectation for a customer just
    acquired: expected_purchases(fit, t, x=0, t_x=0, T=0)."""
    t = np.asarray(t, dtype=np.float64)
    zero = np.zeros_like(t)
    return expected_purchases(fit, t, zero, zero, zero)


def tracking_curve(fit, first_purchase, period_ends) -> np.ndarray:
    """Cumulative expected repeat purchases of a customer base at each of ``period_ends`` (the
    tracking plot's model line): sum over customers of E[X(max(0, end - first_purchase))]. Times in
    the fit's unit on one clock (for example days since a fixed date); customers first seen after an
    end contribute 0 there. Compare with the cumulative count of actual repeat purchases."""
    first = np.asarray(first_purchase, dtype=np.float64).ravel()
    ends = np.asarray(period_ends, dtype=np.float64).ravel()
    if not (np.all(np.isfinite(first)) and np.all(np.isfinite(ends))):
        raise ValueError("first_purchase and period_ends must be finite")
    starts, counts = np.unique(first, return_counts=True)
    curve = np.empty(ends.size)
    for i, end in enumerate(ends):
        ages = np.maximum(end - starts, 0.0)
        curve[i] = float(np.dot(counts, expected_purchases_since_first(fit, ages)))
    return curve
