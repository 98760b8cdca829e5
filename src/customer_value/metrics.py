"""Scores of a predicted probability against a 0/1 outcome (numpy only): AUC, Brier score, log-loss
and a calibration table by decile. Used to validate churn probabilities against "no purchase in the
holdout" (outcome 1 = churned, i.e. no purchase).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

# log_loss clips probabilities to [EPS, 1 - EPS] so a confident miss costs ln(1/EPS), not infinity.
EPS = 1e-15


def _pair(score, outcome) -> tuple[np.ndarray, np.ndarray]:
    score = np.asarray(score, dtype=np.float64).ravel()
    outcome = np.asarray(outcome).ravel()
    if score.shape != outcome.shape:
        raise ValueError(f"score has {score.size} values and outcome {outcome.size}")
    if score.size == 0:
        raise ValueError("no rows to score")
    if not np.all(np.isfinite(score)):
        raise ValueError("score has NaN or infinite values")
    try:
        outcome = outcome.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError("outcome must be 0/1 (or boolean) without missing values") from None
    if not np.all((outcome == 0) | (outcome == 1)):
        raise ValueError("outcome must be 0/1 (or boolean)")
    return score, outcome


def auc(score, outcome) -> float:
    """Area under the ROC curve: the probability that a random positive (outcome 1) has a higher
    score than a random negative, ties counting one half (Mann-Whitney U / (n1 n0), with mid-ranks).
    Any monotone score works (it need not be a probability). NaN when only one class is present."""
    score, outcome = _pair(score, outcome)
    positives = float(outcome.sum())
    negatives = outcome.size - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(score)  # average ranks for ties
    u = float(ranks[outcome == 1].sum()) - positives * (positives + 1) / 2
    return u / (positives * negatives)


def _probabilities(probability, outcome):
    p, y = _pair(probability, outcome)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    return p, y


def brier(probability, outcome) -> float:
    """Mean squared difference between predicted probability and outcome (0 is perfect, 0.25 is a
    constant 0.5)."""
    p, y = _probabilities(probability, outcome)
    return float(np.mean((p - y) ** 2))


def log_loss(probability, outcome) -> float:
    """Mean negative log-likelihood of the outcomes, -mean(y ln p + (1-y) ln(1-p)), natural log,
    probabilities clipped to [EPS, 1-EPS]."""
    p, y = _probabilities(probability, outcome)
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def calibration_table(probability, outcome, bins: int = 10) -> dict[str, np.ndarray]:
    """Calibration by equal-count bins (deciles by default) of the predicted probability.

    Rows are sorted by predicted probability, ties by outcome (so the bins do not depend on the order
    the rows came in: a rebuild gives the same table) and cut into
    ``bins`` groups whose sizes differ by at most one (row i of n goes to bin floor(i bins / n)).
    Returns arrays per bin: ``bin`` (1 = lowest predictions), ``rows``, ``mean_predicted``,
    ``observed_rate`` (share of outcome 1), ``min_predicted``, ``max_predicted`` and
    ``absolute_error`` = |mean_predicted - observed_rate|. Bins with no rows (fewer rows than bins)
    are left out.
    """
    p, y = _probabilities(probability, outcome)
    if int(bins) != bins or bins < 1:
        raise ValueError("bins must be a whole number >= 1")
    order = np.lexsort((y, p))
    n = p.size
    bin_of = np.empty(n, dtype=np.int64)
    bin_of[order] = (np.arange(n) * int(bins)) // n
    rows = np.bincount(bin_of, minlength=bins).astype(np.float64)
    present = rows > 0
    mean_predicted = np.bincount(bin_of, weights=p, minlength=bins)[present] / rows[present]
    observed = np.bincount(bin_of, weights=y, minlength=bins)[present] / rows[present]
    lows = np.full(bins, np.inf)
    highs = np.full(bins, -np.inf)
    np.minimum.at(lows, bin_of, p)
    np.maximum.at(highs, bin_of, p)
    return {
        "bin": np.arange(1, bins + 1)[present],
        "rows": rows[present].astype(np.int64),
        "mean_predicted": mean_predicted,
        "observed_rate": observed,
        "min_predicted": lows[present],
        "max_predicted": highs[present],
        "absolute_error": np.abs(mean_predicted - observed),
    }


def calibration_error(probability, outcome, bins: int = 10) -> float:
    """Mean absolute calibration error: the unweighted mean over the bins of calibration_table of
    |mean predicted - observed rate| (the issue's "mean absolute calibration error over deciles")."""
    return float(np.mean(calibration_table(probability, outcome, bins)["absolute_error"]))
