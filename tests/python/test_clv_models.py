"""The dbt Python models of customer value, run on their own code path without dbt.

rpt_clv_model_fit groups equal summaries in DuckDB and fits them; here it gets CDNOW's summary (from
the lifetimes wheel) as the relation it reads, and must reproduce the published estimates. The
fallbacks are checked the same way: too few customers to fit gives a 'failed' row and heuristic
scores, never an exception or a NaN.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_value import FIT_COLUMNS
from customer_value.simulate import simulate_bgnbd, simulate_gamma_gamma

ROOT = Path(__file__).resolve().parents[2]


def load_model(path: str):
    spec = importlib.util.spec_from_file_location(Path(path).stem, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIT = load_model("models/marts/customer_value/rpt_clv_model_fit.py")
SCORES = load_model("models/intermediate/customer_value/int_customer_clv_scores.py")


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
    fits = con.from_df(rows.reindex(columns=FIT_COLUMNS))
    dbt = FakeDbt({"int_customer_clv_summary": tiny, "rpt_clv_model_fit": fits},
                  {"horizon_months": "12", "monthly_discount_rate": "0.01"})
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
                                     FIT._gamma_gamma_row("full", summary)]).reindex(columns=FIT_COLUMNS))
    fitted = fits.df()
    assert set(fitted["status"]) == {"fitted"}
    scores = SCORES.model(FakeDbt({"int_customer_clv_summary": summary, "rpt_clv_model_fit": fits},
                                  {"horizon_months": "12", "monthly_discount_rate": "0.01"}), None)
    numbers = scores[["p_alive", "expected_purchases_90d", "expected_purchases_365d",
                      "expected_average_order_value", "model_clv"]].to_numpy()
    assert np.isfinite(numbers).all() and (numbers >= 0).all()
    assert (scores["clv_method"] == "bg_nbd_gamma_gamma").all()
    spend = fitted[fitted["model"] == "gamma_gamma"].iloc[0]
    population_mean = spend["p"] * spend["gamma"] / (spend["q"] - 1)
    assert np.allclose(scores["expected_average_order_value"][:5], population_mean)
    assert (scores["expected_purchases_365d"] >= scores["expected_purchases_90d"]).all()
