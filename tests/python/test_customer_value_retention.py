"""Shifted-beta-geometric retention (customer_value.sbg) and the scores of churn probabilities
(customer_value.metrics), against the published example and hand-derived cases.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

from customer_value import FitError, metrics, sbg

# Fader & Hardie (2007), "How to Project Customer Retention", Journal of Interactive Marketing 21(1),
# 76-90, Table 1: customers still active at the end of years 0..12 of two cohorts of 1,000; the model
# is fitted on years 1-7. Published estimates: High End alpha 0.668, beta 3.806 (Appendix B, LL
# -1611.2; the body text misprints alpha as 0.688); Regular alpha 0.704, beta 1.182.
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]


@pytest.mark.parametrize("survivors, alpha, beta", [(HIGH_END, 0.668, 3.806), (REGULAR, 0.704, 1.182)])
def test_sbg_reproduces_the_papers_estimates(survivors, alpha, beta):
    fit = sbg.fit_sbg(survivors[:8])
    assert fit.converged, fit.message
    assert round(fit.alpha, 3) == alpha
    assert round(fit.beta, 3) == beta
    assert fit.customers == 1000 and fit.periods == 7


def test_sbg_log_likelihood_is_the_papers_and_independent_of_the_start():
    fit = sbg.fit_sbg(HIGH_END[:8])
    assert round(fit.log_likelihood, 1) == -1611.2
    # the paper's two Solver starts: LL -2115.5 at (1, 1) and -2741.7 at (0.01, 0.01)
    assert round(sbg.sbg_log_likelihood(np.log([1.0, 1.0]), HIGH_END[:8])[0], 1) == -2115.5
    assert round(sbg.sbg_log_likelihood(np.log([0.01, 0.01]), HIGH_END[:8])[0], 1) == -2741.7


def test_sbg_projection_tracks_the_held_out_years():
    """Years 8-12 were not fitted; the paper reports the projection within a few percent (year 12:
    High End 378 projected against 394 actual, Regular 170 against 173)."""
    for survivors in (HIGH_END, REGULAR):
        fit = sbg.fit_sbg(survivors[:8])
        projected = 1000 * sbg.survival(fit, np.arange(8, 13))
        np.testing.assert_allclose(projected, survivors[8:], rtol=0.05)


def test_sbg_survival_is_the_product_of_retention_rates_and_derl_the_discounted_sum():
    fit = sbg.fit_sbg(REGULAR[:8])
    t = np.arange(1, 60)
    np.testing.assert_allclose(sbg.survival(fit, t), np.cumprod(sbg.retention_rate(fit, t)), rtol=1e-12)
    assert sbg.survival(fit, 0) == pytest.approx(1.0)
    d = 0.1
    for renewals in (0, 1, 5):
        n = renewals + 1
        periods = np.arange(n, 5_000)
        direct = np.sum(sbg.survival(fit, periods) / sbg.survival(fit, n - 1) / (1 + d) ** (periods - n))
        assert sbg.derl(fit, d, renewals) == pytest.approx(direct, rel=1e-9)
    # a customer who has renewed more often is, by sorting, a better bet
    assert np.all(np.diff(sbg.derl(fit, d, np.arange(10))) > 0)


def test_subscriber_churn_probability_is_one_minus_the_product_of_the_next_retention_rates():
    fit = sbg.fit_sbg(HIGH_END[:8])
    for renewals in (0, 3, 10):
        rates = sbg.retention_rate(fit, np.arange(renewals + 1, renewals + 13))
        assert sbg.churn_probability(fit, renewals, 12) == pytest.approx(1 - np.prod(rates), rel=1e-12)
    assert sbg.churn_probability(fit, 4, 0) == 0.0
    assert np.all(np.diff(sbg.churn_probability(fit, np.arange(20), 1)) < 0)  # sorting: older is safer


def test_sbg_gradient_matches_finite_differences():
    theta = np.log([0.9, 2.0])
    cohorts = [HIGH_END[:8], REGULAR[:5]]
    _, gradient = sbg.sbg_log_likelihood(theta, cohorts)
    numeric = approx_fprime(theta, lambda th: sbg.sbg_log_likelihood(th, cohorts)[0], 1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5)


def test_pooled_cohorts_of_different_lengths_fit_one_model():
    one = sbg.fit_sbg(HIGH_END[:8])
    pooled = sbg.fit_sbg([HIGH_END[:8], HIGH_END[:4]])
    assert pooled.customers == 2000 and pooled.periods == 7
    assert pooled.log_likelihood < one.log_likelihood  # more data, summed
    assert pooled.alpha == pytest.approx(one.alpha, rel=0.2)


@pytest.mark.parametrize("survivors, message", [
    ([1000, 900, 950], "rise at period 2"),
    ([1000, -1], "finite and >= 0"),
    ([1000], "at least one period"),
    ([0, 0], "starting count"),
])
def test_sbg_rejects_counts_that_are_not_survivors(survivors, message):
    with pytest.raises(FitError, match=message) as error:
        sbg.fit_sbg(survivors)
    assert error.value.status == FitError.INVALID_INPUT


def test_sbg_without_any_cancellation_is_a_reported_failure():
    with pytest.raises(FitError, match="nobody cancelled"):
        sbg.fit_sbg([100, 100, 100])


# --- metrics -------------------------------------------------------------------------------------


def test_auc_by_hand():
    # positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered
    assert metrics.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    # ties count one half: positive 0.5 ties both negatives (2 x 0.5), positive 0.9 beats both
    assert metrics.auc([0.5, 0.5, 0.5, 0.9], [1, 0, 0, 1]) == pytest.approx(0.75)
    assert metrics.auc([0.3, 0.3], [0, 1]) == pytest.approx(0.5)
    assert np.isnan(metrics.auc([0.1, 0.2], [1, 1]))


def test_auc_equals_the_share_of_ordered_pairs_with_many_ties():
    rng = np.random.default_rng(5)
    score = rng.integers(0, 6, 300).astype(float)
    outcome = rng.random(300) < 0.3 + 0.1 * score
    positives, negatives = score[outcome], score[~outcome]
    pairs = [1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(positives, negatives)]
    assert metrics.auc(score, outcome) == pytest.approx(np.mean(pairs), rel=1e-12)


def test_brier_and_log_loss_by_hand():
    assert metrics.brier([0.2, 0.7], [0, 1]) == pytest.approx((0.2**2 + 0.3**2) / 2)
    assert metrics.log_loss([0.2, 0.7], [0, 1]) == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)
    assert np.isfinite(metrics.log_loss([0.0, 1.0], [1, 0]))  # clipped, not infinite


def test_calibration_table_by_hand():
    predicted = np.array([0.9, 0.1, 0.2, 0.8, 0.3, 0.7])
    outcome = np.array([1, 0, 1, 0, 0, 1])
    table = metrics.calibration_table(predicted, outcome, bins=3)
    # sorted: (0.1, 0), (0.2, 1) | (0.3, 0), (0.7, 1) | (0.8, 0), (0.9, 1)
    np.testing.assert_array_equal(table["rows"], [2, 2, 2])
    np.testing.assert_allclose(table["mean_predicted"], [0.15, 0.5, 0.85])
    np.testing.assert_allclose(table["observed_rate"], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(table["min_predicted"], [0.1, 0.3, 0.8])
    assert metrics.calibration_error(predicted, outcome, bins=3) == pytest.approx((0.35 + 0.0 + 0.35) / 3)


def test_metrics_take_booleans_and_pandas_columns():
    frame = pd.DataFrame({"p": [0.1, 0.4, 0.35, 0.8], "churned": [False, False, True, True]})
    assert metrics.auc(frame["p"], frame["churned"]) == pytest.approx(0.75)
    assert metrics.brier(frame["p"], frame["churned"].astype("boolean")) == pytest.approx(
        np.mean((frame["p"] - [0, 0, 1, 1]) ** 2))


def test_deciles_have_equal_counts_and_keep_every_row():
    rng = np.random.default_rng(1)
    p = rng.random(1003)
    table = metrics.calibration_table(p, rng.random(1003) < p)
    assert table["rows"].sum() == 1003 and table["rows"].max() - table["rows"].min() <= 1
    assert np.all(table["max_predicted"][:-1] <= table["min_predicted"][1:])


@pytest.mark.parametrize("score, outcome, message", [
    ([0.1, np.nan], [0, 1], "NaN"),
    ([0.1, 0.2], [0, 2], "0/1"),
    ([0.1], [0, 1], "values"),
    ([0.1, 0.2], [0, np.nan], "0/1"),
    ([0.1, 0.2], np.array([True, None], dtype=object), "0/1"),
    ([0.1, 0.2], pd.array([True, None], dtype="boolean"), "missing"),
])
def test_metrics_reject_bad_input(score, outcome, message):
    with pytest.raises(ValueError, match=message):
        metrics.auc(score, outcome)
    with pytest.raises(ValueError, match="\\[0, 1\\]"):
        metrics.brier([1.5, 0.2], [0, 1])
