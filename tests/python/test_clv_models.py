"""The dbt Python models of customer value, run on their own code path without dbt.

int_customer_clv_fits groups equal summaries in DuckDB and fits them; here it gets CDNOW's summary
(from the lifetimes wheel) as the relation it reads, and must reproduce the published estimates of
BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma; its sBG row must reproduce Fader & Hardie's (2007)
cohorts from contract rows. The holdout choice and the fallbacks are checked the same way: too few
customers to fit gives a 'failed' row and heuristic scores, never an exception or a NaN.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_value.simulate import simulate_bgnbd, simulate_gamma_gamma

ROOT = Path(__file__).resolve().parents[2]


def load_model(path: str):
    spec = importlib.util.spec_from_file_location(Path(path).stem, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIT = load_model("models/intermediate/customer_value/int_customer_clv_fits.py")
COMPARISON = load_model("models/intermediate/customer_value/int_customer_clv_model_comparison.py")
SCORES = load_model("models/intermediate/customer_value/int_customer_clv_scores.py")
HOLDOUT_CONTRACTS = load_model("models/intermediate/customer_value/int_subscription_holdout_scores.py")
RETENTION = load_model("models/intermediate/customer_value/int_subscription_retention_tracking.py")


class FakeConfig:
    def __init__(self, values: dict):
        self.values = values

    def __call__(self, **_):
        return None

    def get(self, key):
        return self.values[key]


class FakeDbt:
    """The part of dbt's Python-model API the models use: ref() and config."""

    def __init__(self, relations: dict, config: dict | None = None):
        self.relations = relations
        self.config = FakeConfig(config or {})

    def ref(self, name: str):
        return self.relations[name]


CONFIG = {"horizon_months": "12", "monthly_discount_rate": "0.01", "churn_horizon_days": "365"}
# a comparison without a holdout choice: the scores fall back to the first fitted model
NO_CHOICE = pd.DataFrame({"score_name": ["bg_nbd"], "model_rank": pd.array([pd.NA], dtype="Int64")})
# no recalibration map learned
NO_MAPS = pd.DataFrame({"model": ["bg_nbd"], "period": ["full"], "method": ["logistic"], "status": ["failed"],
                        "intercept": [np.nan], "slope": [np.nan], "recency_coefficient": [np.nan],
                        "repeat_coefficient": [np.nan], "message": ["not learned"]})


NO_CONTRACTS = pd.DataFrame({"contract_id": pd.Series([], dtype=str), "score_name": pd.Series([], dtype=str),
                             "score_kind": pd.Series([], dtype=str), "is_probability": pd.Series([], dtype=bool),
                             "churn_score": pd.Series([], dtype=float),
                             "renewals_in_holdout": pd.Series([], dtype=float),
                             "expected_renewals_in_holdout": pd.Series([], dtype=float),
                             "has_lapsed_in_holdout": pd.Series([], dtype=bool)})


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


def cdnow(con: duckdb.DuckDBPyConnection):
    path = importlib.resources.files("lifetimes") / "datasets" / "cdnow_customers_summary_with_transactions.csv"
    frame = pd.read_csv(str(path))
    assert len(frame) == 2357
    frame = frame.rename(columns={"ID": "customer_id", "T": "t_age", "zbar": "mean_repeat_value"})
    frame["mean_repeat_value"] = frame["mean_repeat_value"].where(frame["x"] > 0)
    return con.from_df(frame)


def test_the_fit_model_reproduces_the_published_cdnow_estimates(con) -> None:
    relation = cdnow(con)
    bgnbd = FIT._bgnbd_row("full", relation)
    assert bgnbd["status"] == "fitted" and bgnbd["customers"] == 2357
    assert bgnbd["rows_fitted"] < 2357  # equal summaries were grouped in the database
    for name, published in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert f"{bgnbd[name]:.3g}" == f"{published:.3g}", name
    assert round(bgnbd["log_likelihood"], 1) == -9582.4
    spend = FIT._gamma_gamma_row("full", relation)
    assert spend["status"] == "fitted" and spend["customers"] == 946
    for name, published in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert f"{spend[name]:.3g}" == f"{published:.3g}", name


def test_too_few_customers_fail_cleanly_and_scores_fall_back(con) -> None:
    tiny = con.from_df(pd.DataFrame({"customer_id": ["a", "b", "c"], "x": [0, 1, 2], "t_x": [0.0, 5.0, 9.0],
                                     "t_age": [30.0, 30.0, 30.0], "mean_repeat_value": [None, 10.0, 12.0]}))
    rows = pd.DataFrame([FIT._bgnbd_row("full", tiny), FIT._gamma_gamma_row("full", tiny)])
    assert set(rows["status"]) == {"failed"} and rows["message"].str.len().min() > 0
    fits = con.from_df(rows.reindex(columns=FIT.COLUMNS))
    dbt = FakeDbt({"int_customer_clv_summary": tiny, "int_customer_clv_fits": fits,
                   "int_customer_clv_model_comparison": con.from_df(NO_CHOICE),
                   "int_customer_clv_recalibration": con.from_df(NO_MAPS)}, CONFIG)
    scores = SCORES.model(dbt, None)
    assert list(scores["clv_method"]) == ["heuristic"] * 3
    assert scores["model_clv"].isna().all()


def test_scores_are_finite_non_negative_and_zero_or_negative_values_get_the_population_mean(con) -> None:
    # customers drawn from BG/NBD and Gamma-Gamma (days), so both fits have a finite optimum (Poisson
    # purchases without dropout put BG/NBD's a and b at infinity, and that fit rightly fails)
    rng = np.random.default_rng(7)
    n = 3000
    age = rng.uniform(100, 800, n)
    x, t_x = simulate_bgnbd(age, 0.243, 30.9, 0.793, 2.426, seed=rng)
    value = np.where(x > 0, simulate_gamma_gamma(x, 6.25, 3.74, 15.44, seed=rng), np.nan)
    value[:5] = [0.0, -3.0, 0.0, -1.0, 0.0]  # zero and negative repeat values (refunds)
    x[:5] = 2
    t_x[:5] = age[:5] / 2
    summary = con.from_df(pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "x": x, "t_x": t_x,
                                        "t_age": age, "mean_repeat_value": value}))
    fits = con.from_df(pd.DataFrame([FIT._bgnbd_row("full", summary),
                                     FIT._gamma_gamma_row("full", summary)]).reindex(columns=FIT.COLUMNS))
    fitted = fits.df()
    assert set(fitted["status"]) == {"fitted"}
    scores = SCORES.model(FakeDbt({"int_customer_clv_summary": summary, "int_customer_clv_fits": fits,
                                   "int_customer_clv_model_comparison": con.from_df(NO_CHOICE),
                   "int_customer_clv_recalibration": con.from_df(NO_MAPS)}, CONFIG), None)
    numbers = scores[SCORES.SCORED].to_numpy()
    assert np.isfinite(numbers).all() and (numbers >= 0).all()
    assert (scores["clv_method"] == "bg_nbd_gamma_gamma").all()
    assert (scores["p_no_purchase_in_horizon"] <= 1).all()
    spend = fitted[fitted["model"] == "gamma_gamma"].iloc[0]
    population_mean = spend["p"] * spend["gamma"] / (spend["q"] - 1)
    refunds = scores.set_index("customer_id").loc[[f"c{i}" for i in range(5)]]
    assert np.allclose(refunds["expected_average_order_value"], population_mean)
    assert (scores["expected_purchases_365d"] >= scores["expected_purchases_90d"]).all()


@pytest.mark.parametrize("model, published", [
    ("mbg_nbd", {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}),  # lifetimes' MBG/NBD fit
    ("pareto_nbd", {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}),  # Fader & Hardie's note
])
def test_the_fit_model_reproduces_mbgnbd_and_pareto_nbd_on_cdnow(con, model, published) -> None:
    row = FIT._purchase_row(model, "full", cdnow(con))
    assert row["status"] == "fitted" and row["customers"] == 2357
    for name, value in published.items():
        assert abs(row[name] / value - 1) < 0.002, (name, row[name], value)


def _contracts(survivors: list[int]) -> pd.DataFrame:
    """Contract rows of one cohort that faced len(survivors) - 1 renewal points: survivors[t] still
    customers after t renewals; the ones who left after t renewals are lapsed with renewals = t."""
    k = len(survivors) - 1
    rows = []
    for t in range(k):
        rows += [{"renewal_points": k, "renewals": t, "is_active": False, "billing_interval": "year"}] * (
            survivors[t] - survivors[t + 1])
    rows += [{"renewal_points": k, "renewals": k, "is_active": True, "billing_interval": "year"}] * survivors[k]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("survivors, published", [
    # Fader & Hardie (2007), "How to Project Customer Retention": the 'regular' and 'high end' cohorts,
    # years 0-7, and their published maximum-likelihood estimates
    ([1000, 631, 468, 382, 326, 289, 262, 241], {"alpha": 0.704, "beta": 1.182}),
    ([1000, 869, 743, 653, 593, 551, 517, 491], {"alpha": 0.668, "beta": 3.806}),
])
def test_sbg_row_from_contract_rows_reproduces_the_papers_cohorts(survivors, published) -> None:
    contracts = _contracts(survivors)
    (cohort,) = FIT.survivor_cohorts(contracts)
    assert list(cohort) == survivors
    row = FIT._sbg_row("year", contracts)
    assert row["status"] == "fitted" and row["customers"] == 1000 and row["model"] == "sbg_year"
    for name, value in published.items():
        assert f"{row[name]:.3f}" == f"{value:.3f}", name


def test_sbg_without_a_renewal_faced_or_a_cancellation_fails_with_a_reason() -> None:
    fresh = pd.DataFrame({"renewal_points": [0, 0], "renewals": [0, 0], "is_active": [True, True],
                          "billing_interval": ["month", "month"]})
    assert FIT._sbg_row("month", fresh)["status"] == "failed"
    loyal = _contracts([5, 5, 5])
    loyal["billing_interval"] = "month"
    row = FIT._sbg_row("month", loyal)
    assert row["status"] == "failed" and "nobody cancelled" in row["message"]


def _holdout_scores(outcome, scores: dict[str, tuple[str, bool, list[float]]]) -> pd.DataFrame:
    frames = []
    for name, (kind, is_probability, values) in scores.items():
        frames.append(pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(outcome))], "score_name": name,
                                    "score_kind": kind, "is_probability": is_probability, "churn_score": values,
                                    "has_no_holdout_purchase": outcome, "holdout_purchases": [0] * len(outcome),
                                    "predicted_purchases": np.nan}))
    return pd.concat(frames, ignore_index=True)


def test_the_comparison_chooses_by_log_loss_ties_by_auc_and_says_when_a_baseline_wins(con) -> None:
    from customer_value import metrics

    outcome = [1, 1, 1, 0, 0, 1, 0, 1]
    good = [0.9, 0.8, 0.7, 0.65, 0.3, 0.6, 0.4, 0.55]
    scores = _holdout_scores(outcome, {
        "bg_nbd": ("model", True, good),
        "mbg_nbd": ("model", True, [0.6] * 8),  # uninformative: worse log-loss
        "pareto_nbd": ("model", True, [p + 1e-5 for p in good]),  # same log-loss within 0.001, same AUC
        "recency": ("baseline", False, [8, 7, 6, 1, 2, 5, 3, 4]),  # a perfect ranking
    })
    fits = pd.DataFrame({"model": list(COMPARISON.PURCHASE_MODELS), "period": "calibration",
                         "status": "fitted", "message": "ok"})
    frame = COMPARISON.model(FakeDbt({"int_customer_clv_holdout_scores": con.from_df(scores),
                                      "int_customer_clv_fits": con.from_df(fits),
                                      "int_customer_clv_recalibration": con.from_df(NO_MAPS),
                                      "int_subscription_holdout_scores": con.from_df(NO_CONTRACTS)}),
                             None).set_index("score_name")
    assert frame.loc["bg_nbd", "log_loss"] == pytest.approx(metrics.log_loss(good, outcome), abs=1e-12)
    assert abs(frame.loc["pareto_nbd", "log_loss"] - frame.loc["bg_nbd", "log_loss"]) < 1e-3
    # tied on log-loss and AUC: the name decides, so the result does not depend on row order
    assert frame["is_chosen"].sum() == 1 and frame.loc["bg_nbd", "is_chosen"]
    assert frame.loc["mbg_nbd", "model_rank"] == 3
    assert frame.loc["recency", "auc"] == 1.0 and frame.loc["bg_nbd", "auc"] < 1.0
    assert not frame.loc["bg_nbd", "beats_baselines"]


def test_a_failed_calibration_fit_is_a_row_and_never_chosen(con) -> None:
    outcome = [1, 0, 1, 0]
    scores = _holdout_scores(outcome, {"pareto_nbd": ("model", True, [0.9, 0.1, 0.8, 0.2]),
                                       "recency": ("baseline", False, [1, 2, 3, 4])})
    fits = pd.DataFrame({"model": ["bg_nbd", "mbg_nbd", "pareto_nbd"], "period": "calibration",
                         "status": ["failed", "failed", "fitted"], "message": ["too few", "too few", "ok"]})
    frame = COMPARISON.model(FakeDbt({"int_customer_clv_holdout_scores": con.from_df(scores),
                                      "int_customer_clv_fits": con.from_df(fits),
                                      "int_customer_clv_recalibration": con.from_df(NO_MAPS),
                                      "int_subscription_holdout_scores": con.from_df(contract_scores(con))}),
                             None).set_index("score_name")
    assert frame.loc["bg_nbd", "status"] == "failed" and not frame.loc["bg_nbd", "is_chosen"]
    assert frame.loc["pareto_nbd", "is_chosen"] and frame.loc["pareto_nbd", "beats_baselines"]
    # the contracts' rows sit beside the purchase scores, never chosen and never a purchase baseline
    # (contract_tenure ranks its two contracts perfectly, yet pareto_nbd still beats the baselines)
    assert frame.loc["sbg", "score_kind"] == "contract_model" and frame.loc["sbg", "customers"] == 2
    assert frame.loc["contract_tenure", "score_kind"] == "contract_baseline" and frame.loc["contract_tenure", "auc"] == 1
    assert not frame.loc[["sbg", "contract_tenure", "contract_constant_rate"], "is_chosen"].any()
    assert frame.loc["sbg", "brier_score"] == pytest.approx(((0.5 - 0) ** 2 + (0.8 - 1) ** 2) / 2, abs=1e-12)


def test_a_recalibrated_choice_maps_the_churn_probability_and_keeps_p_alive(con) -> None:
    from scipy.special import expit, logit

    from customer_value import churn

    rng = np.random.default_rng(11)
    age = rng.uniform(100, 800, 2000)
    x, t_x = simulate_bgnbd(age, 0.243, 30.9, 0.793, 2.426, seed=rng)
    summary = con.from_df(pd.DataFrame({"customer_id": [f"c{i:04d}" for i in range(2000)], "x": x, "t_x": t_x,
                                        "t_age": age, "mean_repeat_value": np.where(x > 0, 20.0, np.nan)}))
    fits = con.from_df(pd.DataFrame([FIT._bgnbd_row("full", summary)]).reindex(columns=FIT.COLUMNS))
    choice = pd.DataFrame({"score_name": ["bg_nbd_recalibrated", "bg_nbd"], "model_rank": pd.array([1, 2], dtype="Int64")})
    maps = pd.DataFrame({"model": ["bg_nbd"], "period": ["full"], "method": ["logistic"], "status": ["fitted"],
                         "intercept": [0.5], "slope": [1.2], "recency_coefficient": [np.nan],
                         "repeat_coefficient": [np.nan], "message": [""]})
    scores = SCORES.model(FakeDbt({"int_customer_clv_summary": summary, "int_customer_clv_fits": fits,
                                   "int_customer_clv_model_comparison": con.from_df(choice),
                                   "int_customer_clv_recalibration": con.from_df(maps)}, CONFIG), None)
    assert set(scores["purchase_model"]) == {"bg_nbd_recalibrated"}
    from customer_value import fit_from_row

    bgnbd = fit_from_row(fits.df().iloc[0])
    data = summary.df().sort_values("customer_id")
    raw = churn.prob_no_purchase(bgnbd, 365.0, data["x"], data["t_x"], data["t_age"])
    expected = expit(0.5 + 1.2 * logit(np.clip(raw, 1e-6, 1 - 1e-6)))
    assert np.allclose(scores["p_no_purchase_in_horizon"], expected, atol=1e-12)
    assert np.allclose(scores["p_alive"], churn.p_alive(bgnbd, data["x"], data["t_x"], data["t_age"]))
    # without the full-period map the recalibrated choice cannot be used: the next candidate is
    failed = maps.assign(status="failed")
    plain = SCORES.model(FakeDbt({"int_customer_clv_summary": summary, "int_customer_clv_fits": fits,
                                  "int_customer_clv_model_comparison": con.from_df(choice),
                                  "int_customer_clv_recalibration": con.from_df(failed)}, CONFIG), None)
    assert set(plain["purchase_model"]) == {"bg_nbd"} and np.allclose(plain["p_no_purchase_in_horizon"], raw)


def test_a_stacked_choice_weighs_recency_and_repeat_count(con) -> None:
    """A '<model>_stacked' choice maps the model's probability with the customer's recency and repeat
    count by the full-period stacked map: checked against the formula written out here."""
    from scipy.special import expit, logit

    from customer_value import churn, fit_from_row

    rng = np.random.default_rng(12)
    age = rng.uniform(100, 800, 2000)
    x, t_x = simulate_bgnbd(age, 0.243, 30.9, 0.793, 2.426, seed=rng)
    summary = con.from_df(pd.DataFrame({"customer_id": [f"c{i:04d}" for i in range(2000)], "x": x, "t_x": t_x,
                                        "t_age": age, "mean_repeat_value": np.where(x > 0, 20.0, np.nan)}))
    fits = con.from_df(pd.DataFrame([FIT._bgnbd_row("full", summary)]).reindex(columns=FIT.COLUMNS))
    choice = pd.DataFrame({"score_name": ["bg_nbd_stacked", "bg_nbd"], "model_rank": pd.array([1, 2], dtype="Int64")})
    maps = pd.DataFrame({"model": "bg_nbd", "period": "full", "method": ["logistic", "stacked"], "status": "fitted",
                         "intercept": [9.0, 0.3], "slope": [9.0, 0.8], "recency_coefficient": [np.nan, 0.25],
                         "repeat_coefficient": [np.nan, -0.6], "message": ""})
    scores = SCORES.model(FakeDbt({"int_customer_clv_summary": summary, "int_customer_clv_fits": fits,
                                   "int_customer_clv_model_comparison": con.from_df(choice),
                                   "int_customer_clv_recalibration": con.from_df(maps)}, CONFIG), None)
    assert set(scores["purchase_model"]) == {"bg_nbd_stacked"}
    data = summary.df().sort_values("customer_id")
    raw = churn.prob_no_purchase(fit_from_row(fits.df().iloc[0]), 365.0, data["x"], data["t_x"], data["t_age"])
    expected = expit(0.3 + 0.8 * logit(np.clip(raw, 1e-6, 1 - 1e-6)) + 0.25 * np.log(1 + data["t_age"] - data["t_x"])
                     - 0.6 * np.log(1 + data["x"]))
    assert np.allclose(scores["p_no_purchase_in_horizon"], expected, atol=1e-12)


def test_stacked_weights_are_learned_before_the_holdout_and_recover_a_known_rule() -> None:
    """fit_stacked_map recovers the coefficients of outcomes drawn from a known logistic rule, and
    inner_split_stacking learns them from the inner split only (the holdout is not an argument)."""
    from scipy.special import expit, logit

    from customer_value.recalibration import fit_stacked_map, inner_split_stacking

    rng = np.random.default_rng(5)
    n = 200_000
    p = rng.uniform(0.05, 0.95, n)
    x = rng.poisson(1.5, n).astype(float)
    age = rng.uniform(50, 900, n)
    t_x = np.where(x > 0, rng.uniform(0, 1, n) * age, 0.0)
    truth = np.array([0.4, 0.9, 0.2, -0.7])
    eta = truth[0] + truth[1] * logit(p) + truth[2] * np.log1p(age - t_x) + truth[3] * np.log1p(x)
    outcome = rng.random(n) < expit(eta)
    learned = fit_stacked_map(p, x, t_x, age, outcome)
    got = np.array([learned.intercept, learned.slope, learned.recency_coefficient, learned.repeat_coefficient])
    assert np.allclose(got, truth, atol=0.05), got
    x_sim, t_x_sim = simulate_bgnbd(age[:5000], 0.243, 30.9, 0.793, 2.426, seed=rng)
    stacking = inner_split_stacking("bg_nbd", x_sim, t_x_sim, age[:5000], 120.0, outcome[:5000])
    assert stacking.inner_customers == 5000 and 0.0 <= stacking(p[:5000], x_sim, t_x_sim, age[:5000]).min()


def _spells(rows):
    columns = ["contract_id", "contract_key", "customer_id", "billing_interval", "started_date", "renewal_points",
               "renewals", "is_active"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["started_date"] = pd.to_datetime(frame["started_date"]).dt.date
    return frame


def contract_scores(con) -> pd.DataFrame:
    """int_subscription_holdout_scores on a hand-made case, with sBG alpha = beta = 1 (S(t) = 1/(1+t)):
    the calibration spells (k3 had lapsed), and the two active ones as int_subscription_holdout_contracts
    matches them at the as-of date (its join is checked by the dbt unit test beside it)."""
    calibration = _spells([("k1#0", "k1", "a", "month", "2024-01-01", 2, 2, True),
                           ("k2#0", "k2", "b", "month", "2024-11-20", 0, 0, True),
                           ("k3#0", "k3", "c", "month", "2023-06-01", 4, 1, False)])
    matched = pd.DataFrame([("k1#0", "a", "month", 2, 2, 5, 5, True), ("k2#0", "b", "month", 0, 0, 4, 1, False)],
                           columns=["contract_id", "customer_id", "billing_interval", "renewal_points", "renewals",
                                    "renewal_points_at_end", "renewals_at_end", "is_active_at_end"])
    fits = pd.DataFrame({"model": ["sbg_month"], "period": ["calibration"], "status": ["fitted"], "message": [""],
                         "alpha": [1.0], "beta": [1.0], "log_likelihood": [-1.0], "customers": [3], "rows_fitted": [1],
                         "iterations": [1]})
    return HOLDOUT_CONTRACTS.model(FakeDbt({"int_subscription_contracts_calibration": con.from_df(calibration),
                                            "int_subscription_holdout_contracts": con.from_df(matched),
                                            "int_customer_clv_fits": con.from_df(fits)}), None)


def test_subscriptions_are_projected_through_the_holdout_and_compared_with_what_they_did(con) -> None:
    """Contracts active at the end of calibration, projected by the calibration sBG fit, by hand:
    with alpha = beta = 1, S(t) = 1/(1+t); k1 made n = 2 renewals and faced H = 3 in the holdout
    (renewed all), k2 n = 0 and H = 4 (renewed once, then lapsed); k3 had lapsed before."""
    scores = contract_scores(con).set_index(["score_name", "contract_id"])
    assert set(scores.index.get_level_values("contract_id")) == {"k1#0", "k2#0"}
    assert scores.loc[("sbg", "k1#0"), "churn_score"] == pytest.approx(1 - (1 / 6) / (1 / 3), abs=1e-12)
    assert scores.loc[("sbg", "k2#0"), "churn_score"] == pytest.approx(1 - 1 / 5, abs=1e-12)
    assert scores.loc[("sbg", "k1#0"), "expected_renewals_in_holdout"] == pytest.approx(3 / 4 + 3 / 5 + 3 / 6)
    assert scores.loc[("sbg", "k1#0"), "holdout_renewal_points"] == 3 and scores.loc[("sbg", "k2#0"), "renewals_in_holdout"] == 1
    assert not scores.loc[("sbg", "k1#0"), "has_lapsed_in_holdout"] and scores.loc[("sbg", "k2#0"), "has_lapsed_in_holdout"]
    # constant rate: 1 lapse (k3) in 2 + 0 + 2 renewal attempts of the calibration contracts
    assert scores.loc[("contract_constant_rate", "k2#0"), "churn_score"] == pytest.approx(1 - 0.75 ** 4)
    assert scores.loc[("contract_tenure", "k1#0"), "churn_score"] == -2
    tracking = RETENTION.model(FakeDbt({"int_subscription_holdout_scores": con.from_df(contract_scores(con)),
                                        "int_customer_clv_fits": con.from_df(pd.DataFrame({
                                            "model": ["sbg_month"], "period": ["calibration"], "status": ["fitted"],
                                            "message": [""], "alpha": [1.0], "beta": [1.0], "log_likelihood": [-1.0],
                                            "customers": [3], "rows_fitted": [1], "iterations": [1]}))}), None)
    tracking = tracking.set_index("renewal_point")
    assert list(tracking["contracts_at_risk"]) == [2, 2, 2, 1]
    assert tracking.loc[1, "projected_active"] == pytest.approx(3 / 4 + 1 / 2)
    assert list(tracking["actual_active"]) == [2, 1, 1, 0]
    assert tracking.loc[4, "projected_active"] == pytest.approx(1 / 5)
