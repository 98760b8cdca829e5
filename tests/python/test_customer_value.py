"""The numerical core of the CLV models (src/customer_value): golden CDNOW results, recovery of known
parameters, agreement with lifetimes, and edge cases. No warehouse needed.

lifetimes (unmaintained, MIT) is a test-only dependency: the reference implementation, and the
carrier of the CDNOW data, read from its wheel with importlib.resources (importing
lifetimes.datasets breaks on setuptools >= 82).
"""

from __future__ import annotations

import importlib.resources
import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter
from scipy.optimize import approx_fprime
from scipy.special import gammaln

from customer_value import (
    MIN_REPEAT_CUSTOMERS,
    BgNbdFit,
    FitError,
    GammaGammaFit,
    SpendRows,
    bgnbd_log_likelihood,
    compress,
    discounted_clv,
    expected_average_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_gamma_gamma_rows,
    gamma_gamma_log_likelihood,
    p_alive,
)
from customer_value.simulate import simulate_bgnbd, simulate_gamma_gamma

CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # weeks; log-likelihood -9582.4
CDNOW_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # 946 repeat customers


def _cdnow() -> dict[str, np.ndarray]:
    """CDNOW summary (2,357 customers, 39-week calibration): ID, x, t_x, T (weeks), zbar."""
    resource = importlib.resources.files("lifetimes") / "datasets" / "cdnow_customers_summary_with_transactions.csv"
    frame = pd.read_csv(io.StringIO(resource.read_text()))
    return {name: frame[name].to_numpy(dtype=np.float64) for name in ("x", "t_x", "T", "zbar")}


@pytest.fixture(scope="module")
def cdnow():
    return _cdnow()


@pytest.fixture(scope="module")
def cdnow_fits(cdnow):
    return fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"]), fit_gamma_gamma(cdnow["x"], cdnow["zbar"])


def _significant(value: float, figures: int = 3) -> float:
    return round(value, figures - 1 - math.floor(math.log10(abs(value))))


def _lifetimes_bgnbd(r, alpha, a, b) -> BetaGeoFitter:
    """A lifetimes BetaGeoFitter with the given parameters plugged in (no fit)."""
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series({"r": r, "alpha": alpha, "a": a, "b": b})
    fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time  # fit() sets this
    return fitter


def _lifetimes_gamma_gamma(p, q, gamma) -> GammaGammaFitter:
    fitter = GammaGammaFitter()
    fitter.params_ = pd.Series({"p": p, "q": q, "v": gamma})
    return fitter


def _max_relative_difference(ours, theirs) -> float:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300)))


def _day_grain_customers(n: int, seed: int):
    """Customers first seen over three years, BG/NBD at CDNOW's parameters in days, floored to whole days."""
    rng = np.random.default_rng(seed)
    T = rng.integers(0, 1096, n).astype(np.float64)
    x, t_x = simulate_bgnbd(T, 0.243, 4.414 * 7, 0.793, 2.426, seed=rng)
    zbar = np.round(simulate_gamma_gamma(x, 6.25, 3.74, 15.44, seed=rng), 2)
    return x, np.floor(t_x), T, zbar


# --- golden: CDNOW -------------------------------------------------------------------------------


def test_cdnow_bgnbd_reproduces_the_published_estimates(cdnow_fits):
    fit, _ = cdnow_fits
    assert fit.converged, fit.message
    for name, published in CDNOW_BGNBD.items():
        assert _significant(getattr(fit, name)) == _significant(published), (name, getattr(fit, name))
    assert round(fit.log_likelihood, 1) == -9582.4
    assert fit.customers == 2357
    assert fit.rows < fit.customers  # fitted on compressed rows
    assert fit.seconds > 0 and fit.iterations > 0


def test_cdnow_gamma_gamma_reproduces_the_published_estimates(cdnow_fits):
    _, fit = cdnow_fits
    assert fit.converged, fit.message
    for name, published in CDNOW_GAMMA_GAMMA.items():
        assert _significant(getattr(fit, name)) == _significant(published), (name, getattr(fit, name))
    assert fit.customers == 946  # the repeat customers; x = 0 rows are not used


def test_time_unit_is_the_callers(cdnow, cdnow_fits):
    """The same CDNOW data in days: alpha is 7x, r, a, b unchanged, predictions for 7x the horizon equal."""
    weeks, _ = cdnow_fits
    days = fit_bgnbd(cdnow["x"], cdnow["t_x"] * 7, cdnow["T"] * 7)
    assert days.alpha == pytest.approx(7 * weeks.alpha, rel=1e-5)
    for name in ("r", "a", "b"):
        assert getattr(days, name) == pytest.approx(getattr(weeks, name), rel=1e-5)
    # the log-likelihood of a density in time shifts by -sum(x) ln 7
    assert days.log_likelihood == pytest.approx(weeks.log_likelihood - cdnow["x"].sum() * math.log(7), abs=1e-3)
    np.testing.assert_allclose(expected_purchases(days, 70, cdnow["x"], cdnow["t_x"] * 7, cdnow["T"] * 7),
                               expected_purchases(weeks, 10, cdnow["x"], cdnow["t_x"], cdnow["T"]), rtol=1e-4)


# --- likelihoods, gradients, compression ---------------------------------------------------------


def test_bgnbd_gradient_matches_finite_differences(cdnow):
    theta = np.log([0.3, 5.0, 0.7, 2.0])
    value, gradient = bgnbd_log_likelihood(theta, cdnow["x"], cdnow["t_x"], cdnow["T"])
    numeric = approx_fprime(theta, lambda th: bgnbd_log_likelihood(th, cdnow["x"], cdnow["t_x"], cdnow["T"])[0],
                            1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-3)
    assert value < 0  # positive orientation: a log-likelihood, not its negative


def test_gamma_gamma_gradient_matches_finite_differences(cdnow):
    theta = np.log([5.0, 3.0, 12.0])
    _, gradient = gamma_gamma_log_likelihood(theta, cdnow["x"], cdnow["zbar"])
    numeric = approx_fprime(theta, lambda th: gamma_gamma_log_likelihood(th, cdnow["x"], cdnow["zbar"])[0], 1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-3)


def test_compress_round_trips_and_weighted_rows_give_the_same_likelihood(cdnow):
    x, t_x, T = cdnow["x"], cdnow["t_x"], cdnow["T"]
    (ux, ut, uT), weights, inverse = compress(x, t_x, T)
    assert weights.sum() == x.size and ux.size == weights.size < x.size
    np.testing.assert_array_equal(ux[inverse], x)
    np.testing.assert_array_equal(ut[inverse], t_x)
    np.testing.assert_array_equal(uT[inverse], T)
    assert len({(a, b, c) for a, b, c in zip(ux, ut, uT)}) == ux.size  # each distinct row once
    theta = np.log([0.3, 5.0, 0.7, 2.0])
    full, full_gradient = bgnbd_log_likelihood(theta, x, t_x, T)
    weighted, weighted_gradient = bgnbd_log_likelihood(theta, ux, ut, uT, weights)
    assert weighted == pytest.approx(full, rel=1e-12)
    np.testing.assert_allclose(weighted_gradient, full_gradient, rtol=1e-10)


def test_compress_handles_large_non_integer_and_mixed_columns():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 5000).astype(float) * 1e15  # whole numbers with a huge range
    b = np.round(rng.normal(size=5000), 1)
    c = rng.integers(0, 4, 5000)
    (ua, ub, uc), weights, inverse = compress(a, b, c)
    for column, unique in ((a, ua), (b, ub), (c, uc)):
        np.testing.assert_array_equal(unique[inverse], column)
    assert weights.sum() == 5000
    assert ua.size == len(set(zip(a, b, c)))
    assert compress(np.array([]))[1].size == 0


def test_precompressed_weights_give_the_same_fit(cdnow):
    (x, t_x, T), weights, _ = compress(cdnow["x"], cdnow["t_x"], cdnow["T"])
    weighted = fit_bgnbd(x, t_x, T, weights=weights)
    internal = fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert (weighted.customers, weighted.rows) == (internal.customers, internal.rows) == (2357, x.size)
    for name in ("r", "alpha", "a", "b", "log_likelihood"):
        assert getattr(weighted, name) == pytest.approx(getattr(internal, name), rel=1e-7)


# --- recovery of known parameters ----------------------------------------------------------------

# Relative tolerances, |ln(estimate / true)|, about 4 standard deviations of the estimates: over 20
# seeds at 50,000 customers the spread (sd) was r 1.0-1.4%, alpha 1.8%, a 3.3-3.9%, b 3.9-4.4%.
BGNBD_RECOVERY_TOLERANCE = {"r": 0.06, "alpha": 0.08, "a": 0.16, "b": 0.18}


@pytest.mark.parametrize(("true", "ages"), [
    ({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, (30.0, 80.0)),  # CDNOW-like, weeks
    ({"r": 1.5, "alpha": 40.0, "a": 2.5, "b": 6.0}, (1.0, 730.0)),  # regular buyers, days
], ids=["cdnow-weeks", "regular-days"])
def test_bgnbd_recovers_known_parameters(true, ages):
    rng = np.random.default_rng(2026)
    T = rng.uniform(*ages, 50_000)
    x, t_x = simulate_bgnbd(T, **true, seed=rng)
    fit = fit_bgnbd(x, t_x, T)
    assert fit.converged, fit.message
    for name, value in true.items():
        assert abs(math.log(getattr(fit, name) / value)) < BGNBD_RECOVERY_TOLERANCE[name], (name, getattr(fit, name))


def test_bgnbd_recovers_known_parameters_at_day_grain():
    """1M-benchmark-style data (floored to whole days), 200k customers: compression and recovery."""
    x, t_x, T, _ = _day_grain_customers(200_000, seed=11)
    fit = fit_bgnbd(x, t_x, T)
    assert fit.converged, fit.message
    assert fit.rows < 0.6 * fit.customers
    true = {"r": 0.243, "alpha": 4.414 * 7, "a": 0.793, "b": 2.426}
    for name, value in true.items():  # 200k customers: half the 50k tolerance, plus flooring to days
        assert abs(math.log(getattr(fit, name) / value)) < BGNBD_RECOVERY_TOLERANCE[name], (name, getattr(fit, name))


# Over 20 seeds at 30,000 repeat customers the sd was p 6.3%, q 0.7%, gamma 7.0%, mean spend 0.4%
# (p and gamma trade off; their ratio is well determined). At 100,000: p 15%, q 2%, gamma 16%, mean 1%.
GAMMA_GAMMA_RECOVERY_TOLERANCE = {"p": 0.15, "q": 0.02, "gamma": 0.16}


def test_gamma_gamma_recovers_known_parameters():
    rng = np.random.default_rng(2026)
    x = 1.0 + rng.poisson(4, 100_000)
    true = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    zbar = simulate_gamma_gamma(x, **true, seed=rng)
    fit = fit_gamma_gamma(x, zbar)
    assert fit.converged, fit.message
    for name, value in true.items():
        assert abs(math.log(getattr(fit, name) / value)) < GAMMA_GAMMA_RECOVERY_TOLERANCE[name], name
    mean_spend = fit.p * fit.gamma / (fit.q - 1)
    assert abs(math.log(mean_spend / (6.25 * 15.44 / 2.74))) < 0.01


# --- side by side with lifetimes -----------------------------------------------------------------


def test_fitted_parameters_agree_with_lifetimes_on_cdnow(cdnow, cdnow_fits):
    bgnbd, gamma_gamma = cdnow_fits
    theirs = BetaGeoFitter().fit(cdnow["x"], cdnow["t_x"], cdnow["T"]).params_
    for name in ("r", "alpha", "a", "b"):
        assert getattr(bgnbd, name) == pytest.approx(theirs[name], rel=1e-4), name
    repeat = cdnow["x"] > 0
    theirs = GammaGammaFitter().fit(cdnow["x"][repeat], cdnow["zbar"][repeat]).params_
    for ours, name in (("p", "p"), ("q", "q"), ("gamma", "v")):
        assert getattr(gamma_gamma, ours) == pytest.approx(theirs[name], rel=1e-4), ours


def test_fitted_parameters_agree_with_lifetimes_at_day_grain():
    x, t_x, T, zbar = _day_grain_customers(20_000, seed=5)
    ours = fit_bgnbd(x, t_x, T)
    theirs = BetaGeoFitter().fit(x, t_x, T).params_
    for name in ("r", "alpha", "a", "b"):
        assert getattr(ours, name) == pytest.approx(theirs[name], rel=1e-4), name
    # at lifetimes' optimum our log-likelihood is no higher than at ours
    at_theirs, _ = bgnbd_log_likelihood(np.log(theirs[["r", "alpha", "a", "b"]].to_numpy()), x, t_x, T)
    assert at_theirs <= ours.log_likelihood + 1e-6
    usable = (x > 0) & (zbar > 0)
    ours = fit_gamma_gamma(x, zbar)
    theirs = GammaGammaFitter().fit(x[usable], zbar[usable]).params_
    for mine, name in (("p", "p"), ("q", "q"), ("gamma", "v")):
        assert getattr(ours, mine) == pytest.approx(theirs[name], rel=1e-4), mine


PARAMETER_SETS = [
    (0.243, 4.414 * 7, 0.793, 2.426),  # CDNOW in days (a < 1)
    (0.5, 10.0, 1.7, 3.0),  # a > 1
    (1.3, 200.0, 0.3, 0.9),  # a + b < 1
]


@pytest.mark.parametrize("params", PARAMETER_SETS, ids=["cdnow", "a-above-1", "a-plus-b-below-1"])
def test_predictions_agree_with_lifetimes_given_the_same_parameters(params):
    x, t_x, T, _ = _day_grain_customers(20_000, seed=7)
    ours = BgNbdFit(*params, log_likelihood=0.0, customers=0, rows=0, iterations=0, converged=True,
                    seconds=0.0, message="")
    theirs = _lifetimes_bgnbd(*params)
    assert _max_relative_difference(p_alive(ours, x, t_x, T), theirs.conditional_probability_alive(x, t_x, T)) < 1e-6
    for horizon in (1, 90, 365, 3650):
        difference = _max_relative_difference(
            expected_purchases(ours, horizon, x, t_x, T),
            theirs.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T))
        assert difference < 1e-6, (horizon, difference)


def test_cdnow_predictions_and_clv_agree_with_lifetimes(cdnow, cdnow_fits):
    bgnbd, gamma_gamma = cdnow_fits
    x, t_x, T, zbar = cdnow["x"], cdnow["t_x"], cdnow["T"], cdnow["zbar"]
    bgf = _lifetimes_bgnbd(bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b)
    ggf = _lifetimes_gamma_gamma(gamma_gamma.p, gamma_gamma.q, gamma_gamma.gamma)
    assert _max_relative_difference(p_alive(bgnbd, x, t_x, T), bgf.conditional_probability_alive(x, t_x, T)) < 1e-6
    for horizon in (1, 10, 39, 52, 520):  # weeks
        assert _max_relative_difference(
            expected_purchases(bgnbd, horizon, x, t_x, T),
            bgf.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)) < 1e-6, horizon
    assert _max_relative_difference(expected_average_value(gamma_gamma, x, zbar),
                                    ggf.conditional_expected_average_profit(x, zbar)) < 1e-6
    theirs = ggf.customer_lifetime_value(bgf, pd.Series(x), pd.Series(t_x), pd.Series(T), pd.Series(zbar),
                                         time=12, discount_rate=0.01, freq="W")
    ours = discounted_clv(bgnbd, gamma_gamma, x, t_x, T, zbar, months=12, monthly_discount_rate=0.01,
                          time_units_per_month=4.345)
    assert _max_relative_difference(ours, theirs) < 1e-6


def test_discounted_clv_is_the_discounted_sum_of_monthly_purchases(cdnow, cdnow_fits):
    bgnbd, gamma_gamma = cdnow_fits
    x, t_x, T, zbar = cdnow["x"], cdnow["t_x"], cdnow["T"], cdnow["zbar"]
    months, rate, per_month = 24, 0.02, 52 / 12
    expected = np.zeros(x.size)
    for k in range(1, months + 1):
        expected += (expected_purchases(bgnbd, k * per_month, x, t_x, T)
                     - expected_purchases(bgnbd, (k - 1) * per_month, x, t_x, T)) / (1 + rate) ** k
    expected *= expected_average_value(gamma_gamma, x, zbar)
    np.testing.assert_allclose(discounted_clv(bgnbd, gamma_gamma, x, t_x, T, zbar, months, rate, per_month),
                               expected, rtol=1e-9)
    assert np.all(discounted_clv(bgnbd, gamma_gamma, x, t_x, T, zbar, 0, rate, per_month) == 0)


# --- edge cases ----------------------------------------------------------------------------------


def test_all_customers_without_repeat_purchase_cannot_be_fitted_but_can_be_scored(cdnow_fits):
    x = np.zeros(500)
    T = np.linspace(0, 400, 500)
    with pytest.raises(FitError, match="at least 10 customers with a repeat purchase") as raised:
        fit_bgnbd(x, x, T)
    assert raised.value.status == FitError.TOO_FEW_REPEAT_CUSTOMERS
    with pytest.raises(FitError) as raised:
        fit_gamma_gamma(x, x)
    assert raised.value.status == FitError.TOO_FEW_REPEAT_CUSTOMERS
    bgnbd, gamma_gamma = cdnow_fits
    np.testing.assert_array_equal(p_alive(bgnbd, x, x, T), 1.0)  # the 1[x>0] term
    expected = expected_purchases(bgnbd, 52, x, x, T)
    assert np.all(np.isfinite(expected)) and np.all(expected > 0)
    assert np.all(np.diff(expected) < 0)  # the longer a customer has not come back, the fewer purchases expected
    population_mean = gamma_gamma.p * gamma_gamma.gamma / (gamma_gamma.q - 1)
    np.testing.assert_allclose(expected_average_value(gamma_gamma, x, np.full(500, np.nan)), population_mean)


def test_too_few_repeat_customers_is_a_fit_error():
    assert MIN_REPEAT_CUSTOMERS == 10
    x = np.array([1.0] * (MIN_REPEAT_CUSTOMERS - 1) + [0.0] * 100)
    t_x = np.where(x > 0, 5.0, 0.0)
    with pytest.raises(FitError) as raised:
        fit_bgnbd(x, t_x, np.full(x.size, 30.0))
    assert raised.value.status == "too_few_repeat_customers"
    with pytest.raises(FitError, match="at least 10 repeat customers"):
        fit_gamma_gamma(x, np.where(x > 0, 20.0, 0.0))


def test_a_single_customer():
    with pytest.raises(FitError):
        fit_bgnbd([3], [20.0], [30.0])
    with pytest.raises(FitError):
        fit_gamma_gamma([3], [25.0])
    bgnbd = BgNbdFit(0.243, 4.414, 0.793, 2.426, -9582.4, 2357, 1016, 10, True, 0.1, "")
    gamma_gamma = GammaGammaFit(6.25, 3.74, 15.44, -4055.9, 946, 753, 10, True, 0.1, "")
    alive = p_alive(bgnbd, 3, 20.0, 30.0)
    assert 0 < float(alive) < 1
    assert float(expected_purchases(bgnbd, 10, 3, 20.0, 30.0)) > 0
    clv = discounted_clv(bgnbd, gamma_gamma, [3], [20.0], [30.0], [25.0], 12, 0.01, 4.345)
    assert clv.shape == (1,) and clv[0] > 0


def test_q_not_above_1_has_no_expected_value_and_says_so():
    gamma_gamma = GammaGammaFit(6.25, 0.9, 15.44, 0.0, 100, 100, 10, True, 0.1, "")
    bgnbd = BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, 100, 100, 10, True, 0.1, "")
    with pytest.raises(FitError, match="q = 0.9 <= 1") as raised:
        expected_average_value(gamma_gamma, [2], [30.0])
    assert raised.value.status == FitError.Q_NOT_ABOVE_1
    with pytest.raises(FitError) as raised:
        discounted_clv(bgnbd, gamma_gamma, [2], [10.0], [30.0], [30.0], 12, 0.01, 4.345)
    assert raised.value.status == "q_not_above_1"
    with pytest.raises(FitError):
        expected_average_value(GammaGammaFit(6.25, 1.0, 15.44, 0.0, 100, 100, 10, True, 0.1, ""), [2], [30.0])


def test_heavy_tailed_spend_fits_q_below_1_and_the_caller_can_fall_back():
    rng = np.random.default_rng(8)
    x = 1.0 + rng.poisson(2, 20_000)
    zbar = simulate_gamma_gamma(x, p=4.0, q=0.7, gamma=10.0, seed=rng)
    fit = fit_gamma_gamma(x, zbar)
    assert fit.q < 1 and np.isfinite(fit.log_likelihood)
    with pytest.raises(FitError) as raised:
        expected_average_value(fit, x, zbar)
    assert raised.value.status == FitError.Q_NOT_ABOVE_1


def test_zero_and_negative_zbar_are_left_out_of_the_fit_and_never_give_a_negative_value(cdnow, cdnow_fits):
    x, zbar = cdnow["x"].copy(), cdnow["zbar"].copy()
    repeat = np.flatnonzero(x > 0)
    bad = repeat[:30]
    zbar[bad[:10]] = 0.0
    zbar[bad[10:20]] = -12.5
    zbar[bad[20:]] = np.nan
    fit = fit_gamma_gamma(x, zbar)
    assert fit.customers == 946 - 30
    assert "10 rows with missing zbar" in fit.message and "20 rows with zbar <= 0" in fit.message
    keep = np.ones(x.size, dtype=bool)
    keep[bad] = False
    without = fit_gamma_gamma(x[keep], zbar[keep])
    assert (fit.p, fit.q, fit.gamma) == pytest.approx((without.p, without.q, without.gamma), rel=1e-9)

    _, gamma_gamma = cdnow_fits
    population_mean = gamma_gamma.p * gamma_gamma.gamma / (gamma_gamma.q - 1)
    values = expected_average_value(gamma_gamma, [3, 3, 3, 0], [0.0, -50.0, 40.0, -50.0])
    weight = gamma_gamma.p * 3 / (gamma_gamma.p * 3 + gamma_gamma.q - 1)
    np.testing.assert_allclose(values, [(1 - weight) * population_mean, (1 - weight) * population_mean,
                                        (1 - weight) * population_mean + weight * 40.0, population_mean])
    with pytest.raises(ValueError, match="zbar must be finite"):
        expected_average_value(gamma_gamma, [3], [np.nan])


EXTREME_PARAMETERS = [
    (0.243, 4.414, 0.793, 2.426),
    (0.243, 30.9, 1.0, 2.4),  # a = 1: the (a+b+x-1)/(a-1) factor is 0/0, evaluated as the limit
    (0.5, 10.0, 1 + 1e-9, 3.0),
    (0.5, 10.0, 0.4, 0.6),  # a + b = 1: 0/0 for x = 0
    (1e-4, 1e4, 5.0, 0.01),
    (50.0, 0.01, 0.01, 50.0),
    (0.01, 1e-4, 30.0, 30.0),
    (3.0, 1e6, 0.9, 0.1),
]


@pytest.mark.parametrize("params", EXTREME_PARAMETERS)
def test_no_nan_or_infinity_for_extreme_customers_and_parameters(params):
    rows = [(x, T * fraction, T) for x in (0, 1, 2, 50, 5000) for T in (0.0, 1e-9, 1.0, 1e3, 1e9)
            for fraction in ((0.0,) if x == 0 else (0.0, 0.5, 1.0))]
    x, t_x, T = (np.array(column, dtype=float) for column in zip(*rows))
    bgnbd = BgNbdFit(*params, 0.0, 0, 0, 0, True, 0.0, "")
    gamma_gamma = GammaGammaFit(6.25, 3.74, 15.44, 0.0, 0, 0, 0, True, 0.0, "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even an overflow warning on the way
        alive = p_alive(bgnbd, x, t_x, T)
        assert np.all(np.isfinite(alive)) and np.all((alive >= 0) & (alive <= 1))
        previous = np.zeros(x.size)
        for horizon in (0.0, 1e-6, 1.0, 90.0, 365.0, 1e6, 1e12):
            expected = expected_purchases(bgnbd, horizon, x, t_x, T)
            assert np.all(np.isfinite(expected)) and np.all(expected >= 0), horizon
            assert np.all(expected >= previous * (1 - 1e-9)), horizon  # cumulative: never decreases
            previous = expected
        clv = discounted_clv(bgnbd, gamma_gamma, x, t_x, T, np.full(x.size, 20.0), 36, 0.01, 30.0)
        assert np.all(np.isfinite(clv)) and np.all(clv >= 0)


def test_a_equal_to_1_is_the_limit_of_its_neighbours():
    x, t_x, T = np.array([0.0, 1.0, 4.0, 20.0]), np.array([0.0, 5.0, 30.0, 38.0]), np.array([39.0, 39.0, 39.0, 39.0])

    def at(a):
        return expected_purchases(BgNbdFit(0.3, 4.0, a, 2.0, 0.0, 0, 0, 0, True, 0.0, ""), 26, x, t_x, T)

    np.testing.assert_allclose(at(1.0), 0.5 * (at(1 - 1e-4) + at(1 + 1e-4)), rtol=1e-6)


def test_huge_customer_age():
    bgnbd = BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, 0, 0, 0, True, 0.0, "")
    x, t_x, T = np.array([0.0, 1.0, 10.0]), np.array([0.0, 1.0, 10.0]), np.full(3, 1e12)
    alive = p_alive(bgnbd, x, t_x, T)
    assert alive[0] == 1.0 and np.all(alive[1:] < 1e-6)
    expected = expected_purchases(bgnbd, 52, x, t_x, T)
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0) and np.all(expected < 1e-6)


def test_invalid_inputs_are_rejected_with_a_clear_message():
    for x, t_x, T, match in [
        ([1, 2], [5.0, np.nan], [10.0, 10.0], "t_x has NaN"),
        ([1, -1], [5.0, 0.0], [10.0, 10.0], "x has negative"),
        ([1.5, 2], [5.0, 6.0], [10.0, 10.0], "whole numbers"),
        ([1, 2], [5.0, 12.0], [10.0, 10.0], "greater than T"),
        ([1, 2, 3], [5.0, 6.0], [10.0, 10.0], "same length"),
    ]:
        with pytest.raises(FitError, match=match) as raised:
            fit_bgnbd(x, t_x, T)
        assert raised.value.status == FitError.INVALID_INPUT
        with pytest.raises(ValueError, match=match):
            p_alive(BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, 0, 0, 0, True, 0.0, ""), x, t_x, T)
    with pytest.raises(FitError, match="whole numbers") as raised:
        fit_gamma_gamma([1.5] * 20, [10.0] * 20)
    assert raised.value.status == FitError.INVALID_INPUT
    with pytest.raises(FitError, match="every customer has age T = 0"):
        fit_bgnbd([1] * 20, [0.0] * 20, [0.0] * 20)


def test_degenerate_data_give_a_flagged_fit_with_finite_predictions():
    """Data that do not identify the model: the likelihood rises towards a boundary, the fit says so."""
    rng = np.random.default_rng(4)
    cases = {
        "everyone bought again at the very end": (np.ones(12), np.full(12, 10.0), np.full(12, 10.0)),
        "bursts then silence, all alike": (np.full(12, 5.0), np.full(12, 1.0), np.full(12, 100.0)),
        "repeat purchases on day 0 only": (rng.integers(1, 3, 15).astype(float), np.zeros(15), np.full(15, 1.0)),
    }
    for name, (x, t_x, T) in cases.items():
        fit = fit_bgnbd(x, t_x, T)
        assert fit.converged is False, name
        assert "ran to the bound" in fit.message, name
        assert all(np.isfinite([fit.r, fit.alpha, fit.a, fit.b, fit.log_likelihood])), name
        for horizon in (1.0, 30.0, 3650.0):
            expected = expected_purchases(fit, horizon, x, t_x, T)
            assert np.all(np.isfinite(expected)) and np.all(expected >= 0), name
    # identical order values: no spread between customers' mean spend to fit
    x = np.tile([1.0, 2.0, 3.0, 5.0], 10)
    fit = fit_gamma_gamma(x, np.full(x.size, 50.0))
    assert fit.converged is False and "ran to the bound" in fit.message
    np.testing.assert_allclose(expected_average_value(fit, x, np.full(x.size, 50.0)), 50.0, rtol=1e-4)


def test_closed_form_matches_the_defining_integral():
    """E[Y(t)]/P(alive) in closed form (hypergeometric, whichever form is best conditioned) against
    adaptive quadrature of its definition E_p[(1 - (1 + p t/(alpha+T))^-(r+x)) / p], p ~ Beta(a, b+x),
    over realistic parameters (scaled to T = 1: r 0.01-10, a 0.05-10, b 0.05-100, x to 1000, and
    horizons to 100 (alpha+T)). Where scipy's hyp2f1 is wrong in one form (large a, small x), the
    form chosen is still right."""
    from customer_value.bgnbd import _growth, _growth_by_quadrature

    rng = np.random.default_rng(12)
    worst = 0.0
    for _ in range(300):
        r, a, b = np.exp(rng.uniform(np.log([0.01, 0.05, 0.05]), np.log([10.0, 10.0, 100.0])))
        if abs(a - 1) < 1e-3:
            continue
        x = float(rng.choice([0, 1, 2, 5, 20, 100, 1000]))
        s = float(np.exp(rng.uniform(np.log(1e-4), np.log(100.0))))
        closed = float(_growth((r, 1.0, a, b), np.array(s), np.array(x), np.array(0.0)))
        integral = _growth_by_quadrature(r, a, b, x, s)
        worst = max(worst, abs(closed - integral) / integral)
    assert worst < 1e-7
    # the corner where the Euler form alone is off by orders of magnitude in scipy
    r, a, b, x, s = 0.0197, 5.66, 19.9, 0.0, 494.0
    assert float(_growth((r, 1.0, a, b), np.array(s), np.array(x), np.array(0.0))) == pytest.approx(
        _growth_by_quadrature(r, a, b, x, s), rel=1e-8)


# --- Gamma-Gamma over rows held in chunks (Spark's partitions, docs/engines.md) -------------------


def _chunks_by_x(x, zbar, w, chunks: int, seed: int):
    """`over_rows` as on Spark: each distinct x's rows in one of `chunks` chunks (x assigned at random),
    each chunk sorted by (x, zbar, w) as sortWithinPartitions leaves it, the chunks in random order."""
    rng = np.random.default_rng(seed)
    ux = np.unique(x)
    where = dict(zip(ux, rng.integers(0, chunks, ux.size)))
    owner = np.array([where[value] for value in x])
    parts = []
    for chunk in rng.permutation(chunks):
        rows = rng.permutation(np.flatnonzero(owner == chunk))
        rows = rows[np.lexsort((w[rows], zbar[rows], x[rows]))]
        parts.append((x[rows], zbar[rows], w[rows]))
    return lambda function, *args: np.vstack([function(*part, *args) for part in parts])


def test_gamma_gamma_summed_over_chunks_is_the_fit_of_the_whole_array(cdnow):
    """The Spark path (the likelihood summed per partition, the optimiser on the driver) gives the fit
    of the arrays in memory to the bit, however the rows are split, and lifetimes' estimates."""
    repeat = cdnow["x"] > 0
    (x, zbar), w, _ = compress(cdnow["x"][repeat], cdnow["zbar"][repeat])
    whole = fit_gamma_gamma(x, zbar, weights=w)
    for chunks, seed in ((1, 1), (4, 2), (9, 3)):
        split = fit_gamma_gamma_rows(SpendRows(_chunks_by_x(x, zbar, w, chunks, seed)))
        assert (split.p, split.q, split.gamma, split.log_likelihood, split.iterations, split.rows) == \
            (whole.p, whole.q, whole.gamma, whole.log_likelihood, whole.iterations, whole.rows), chunks
    theirs = GammaGammaFitter().fit(cdnow["x"][repeat], cdnow["zbar"][repeat]).params_
    for ours, name in (("p", "p"), ("q", "q"), ("gamma", "v")):
        assert getattr(split, ours) == pytest.approx(theirs[name], rel=1e-4), ours
    # the sums are the likelihood: against the per-row formula (Fader & Hardie 2013), written out here
    theta = np.log([4.0, 2.5, 30.0])
    p, q, g = np.exp(theta)
    per_row = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(zbar)
               + p * x * np.log(x) - (p * x + q) * np.log(g + x * zbar))
    ll, _ = SpendRows(_chunks_by_x(x, zbar, w, 5, 4)).log_likelihood(theta)
    assert ll == pytest.approx(float(np.sum(w * per_row)), rel=1e-12)


def test_gamma_gamma_refuses_rows_of_one_x_split_over_chunks():
    x, zbar, w = np.array([1.0, 1.0, 2.0]), np.array([10.0, 20.0, 15.0]), np.ones(3)
    split = lambda function, *args: np.vstack([function(x[:1], zbar[:1], w[:1], *args),  # noqa: E731
                                               function(x[1:], zbar[1:], w[1:], *args)])
    with pytest.raises(ValueError, match="the rows of one x were split over two chunks"):
        SpendRows(split)
