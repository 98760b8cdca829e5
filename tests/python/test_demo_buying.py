"""The demo's buying over time (src/warehouse_tools/demo_data/buying.py): exact totals along each person's
buying life, and, in the generated demo, the timing real non-contractual buying has: the longer since a
customer's last purchase, the less likely they buy in the next year (issue 16: the demo used to place
orders uniformly over a fixed window, so recency told nothing)."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from customer_value.transactions import summarise
from warehouse_tools.churn_timing_evidence import by_recency
from warehouse_tools.demo_data.buying import STARHOUSE, BuyingLife, Lives, draw_life, order_times, spread_in_life
from warehouse_tools.demo_data.helpers import UTC

CUTOFF = datetime(2024, 12, 19, tzinfo=UTC)  # the demo's end of calibration (as-of date 2025-12-19 - 365 days)


def _lives(n: int, seed: int = 1) -> list[BuyingLife]:
    rng = np.random.default_rng(seed)
    return [draw_life(rng, STARHOUSE) for _ in range(n)]


def test_order_times_give_the_exact_total_at_least_one_each_inside_each_life() -> None:
    lives = _lives(500)
    times = order_times(np.random.default_rng(2), lives, 1234)
    assert sum(map(len, times)) == 1234 and min(map(len, times)) == 1
    for life, person_times in zip(lives, times):
        assert person_times == sorted(person_times)
        assert all(life.start <= t <= life.end for t in person_times)


def test_heavier_and_longer_lives_buy_more_and_caps_hold() -> None:
    lives = _lives(2000, seed=3)
    caps = [1 + i % 3 for i in range(len(lives))]
    counts = np.array([len(t) for t in order_times(np.random.default_rng(4), lives, 3500, cap=caps)])
    assert np.all(counts <= caps)
    exposure = np.array([life.rate * life.days for life in lives])
    uncapped = np.array([len(t) for t in order_times(np.random.default_rng(4), lives, 3500)])
    heavy, light = exposure > np.quantile(exposure, 0.8), exposure < np.quantile(exposure, 0.2)
    assert uncapped[heavy].mean() > 2 * uncapped[light].mean()


def test_a_total_the_lives_cannot_hold_is_refused() -> None:
    lives = _lives(10)
    try:
        order_times(np.random.default_rng(5), lives, 5)
    except ValueError as exc:
        assert "cannot give 10 buyers" in str(exc)
    else:
        raise AssertionError("fewer orders than buyers must be refused")
    try:
        order_times(np.random.default_rng(5), lives, 10_000, cap=[2] * 10)
    except ValueError as exc:
        assert "cannot hold 10000 orders" in str(exc)
    else:
        raise AssertionError("more orders than the caps allow must be refused")


def test_a_person_has_one_life_per_community_whatever_the_system_asks() -> None:
    lives = Lives(np.random.default_rng(6))
    first = lives.of("P000001", STARHOUSE)
    assert lives.of("P000001", STARHOUSE) is first
    assert lives.of("P000002", STARHOUSE) is not first


def test_spread_in_life_keeps_a_fixed_count_inside_the_life() -> None:
    life = BuyingLife(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC), 1.0)
    times = spread_in_life(np.random.default_rng(7), life, 4)
    assert len(times) == 4 and times == sorted(times) and all(life.start <= t <= life.end for t in times)


def _person_of(truth) -> dict[tuple[str, str], str]:
    """The ground truth: (source table, record key) -> person; the generator's invalid rows are not in it."""
    with (truth / "record_persons.csv").open() as fh:
        return {(row["source_table"], row["record_key"]): row["person_id"] for row in csv.DictReader(fh)}


def _purchases(raw, truth) -> pd.DataFrame:
    """Non-subscription purchases by person (ground truth), as day numbers: Ticket Tailor's completed orders,
    Kajabi's charges."""
    person = _person_of(truth)
    rows = []
    with (raw / "kajabi" / "transactions.csv").open() as fh:
        for row in csv.DictReader(fh):
            key = ("kajabi__transactions", row["ID"])
            if row["Type"] == "Charge" and key in person:
                rows.append((person[key], datetime.strptime(row["Created At"], "%Y-%m-%d %H:%M:%S %z")))
    for path in sorted(raw.glob("ticket_tailor/orders_*.jsonl")):
        for line in path.read_text().splitlines():
            try:
                order = json.loads(line)
            except json.JSONDecodeError:
                continue
            key = ("ticket_tailor__orders", order.get("id"))
            if order.get("status") == "completed" and key in person:
                rows.append((person[key], datetime.fromtimestamp(order["created_at"], UTC)))
    epoch = datetime(2019, 1, 1, tzinfo=UTC)
    return pd.DataFrame([(who, (at - epoch).days) for who, at in rows], columns=["person_id", "day"])


def test_in_the_demo_recency_tells_who_buys_again(demo_landing) -> None:
    """Share with no purchase in the holdout year, by repeat count and recency quartile: it rises with
    recency in every row (as on CDNOW), and the recent quarter buys again far more often than the
    oldest. Uniform placement over a window (the old generator) gave flat rows."""
    raw, truth = demo_landing
    purchases = _purchases(raw, truth)
    cut = (CUTOFF - datetime(2019, 1, 1, tzinfo=UTC)).days
    summary = summarise(purchases["person_id"].to_numpy(), purchases["day"].to_numpy(), cut, cut + 365)
    frame = pd.DataFrame({"x": summary.x, "t_x": summary.t_x, "t_age": summary.T,
                          "no_purchase": summary.holdout_purchases == 0})
    table = by_recency(frame)
    assert len(frame) > 1500
    for repeats, row in table.iterrows():
        assert row[4] - row[1] >= 0.1, f"repeat count {repeats}: {row.to_dict()}"
    assert table.loc[3.0, 1] < 0.6, table


def test_subscription_charges_follow_their_contracts(demo_landing) -> None:
    """Kajabi's monthly subscription charges are contracts: a subscriber pays about every month, without
    gaps, from sign-up until they stop (sBG models them, not the purchase models)."""
    raw, truth = demo_landing
    person = _person_of(truth)
    charges: dict[str, set[datetime]] = {}  # a set: the identity cases copy a charge under another email
    with (raw / "kajabi" / "transactions.csv").open() as fh:
        for row in csv.DictReader(fh):
            key = ("kajabi__transactions", row["ID"])
            if row["Type"] == "Subscription Charge" and row["Offer Title"] == "Antares Monthly" and key in person:
                charges.setdefault(person[key], set()).add(
                    datetime.strptime(row["Created At"], "%Y-%m-%d %H:%M:%S %z"))
    assert len(charges) == 100 and sum(map(len, charges.values())) == 2136
    gaps = np.concatenate([np.diff(sorted(times)) / timedelta(days=1) for times in charges.values() if len(times) > 1])
    assert np.all((gaps > 29) & (gaps < 32)), (gaps.min(), gaps.max())
