"""When people buy, for the demo's non-contractual sources: an acquisition date, a personal purchase
rate and a buying life that ends.

The stylised facts of repeat buying the demo follows (Ehrenberg's repeat-buying studies; Schmittlein,
Morrison & Colombo 1987; Fader, Hardie & Lee 2005; Platzer & Reutterer 2016):
- customers are acquired throughout the business's life, and each buys first at acquisition;
- purchase rates differ a lot between people: a gamma-distributed personal rate with shape below 1
  (many light buyers, a few heavy ones);
- people stop buying at an unobserved moment, after lifetimes that differ a lot too (lognormal here:
  many stop within months of their first purchase, some stay for years);
- the times between one person's purchases are more regular than a Poisson process (gamma-distributed
  gaps of shape 2, Platzer & Reutterer's Pareto/GGG), and event tickets are bought for events, a few
  days before them (the sources place them).

This is not the purchase models' own process (exponential or geometric dropout, Poisson purchases), so
that the models fitted on the demo are tested, not reproduced. A person's life is drawn once per
community (`Lives`): someone who buys StarHouse courses on Kajabi and its events on Ticket Tailor
stops buying both at once. Subscriptions are contracts and do not use this (kajabi.py, paypal.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .helpers import UTC

DAY = timedelta(days=1)
GAP_SHAPE = 2.0  # shape of the gamma gaps between a person's purchases (1 would be Poisson)
FIRST_ORDER_DAYS = 30.0  # mean days from joining a community to the first order in one of its systems


@dataclass(frozen=True)
class Community:
    """Where a buying life is lived: the window its systems sold in, and its people's distributions."""

    name: str
    start: datetime  # first day anyone could be acquired
    end: datetime  # last day of the window (the sources' last sale)
    median_life_days: float  # median of the lognormal lifetime
    life_sigma: float  # its log-scale spread
    rate_shape: float  # shape of the gamma personal rate (mean 1; each source scales it to its total)


STARHOUSE = Community("starhouse", datetime(2020, 1, 10, tzinfo=UTC), datetime(2025, 11, 10, tzinfo=UTC),
                      median_life_days=450.0, life_sigma=1.1, rate_shape=0.7)
COMEDY = Community("comedy", datetime(2024, 8, 10, tzinfo=UTC), datetime(2025, 7, 12, tzinfo=UTC),
                   median_life_days=90.0, life_sigma=1.0, rate_shape=0.7)
MOBILE_DATA = Community("mobile_data", datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 12, 19, 20, tzinfo=UTC),
                        median_life_days=45.0, life_sigma=0.8, rate_shape=0.7)


@dataclass(frozen=True)
class BuyingLife:
    """One person's buying life in a community: acquired at `start`, buying until `end` (dropout, or
    the community's last day if still buying), at a relative `rate` (mean 1 over people)."""

    start: datetime
    end: datetime
    rate: float

    @property
    def days(self) -> float:
        return (self.end - self.start) / DAY


def draw_life(rng: np.random.Generator, community: Community, acquired_after: datetime | None = None) -> BuyingLife:
    """A life acquired uniformly over the community's window (from `acquired_after` when given)."""
    first = max(community.start, acquired_after) if acquired_after else community.start
    span = max((community.end - first) / DAY - 1.0, 0.0)
    start = first + timedelta(days=float(rng.uniform(0.0, span)))
    life_days = float(rng.lognormal(np.log(community.median_life_days), community.life_sigma))
    rate = float(rng.gamma(community.rate_shape, 1.0 / community.rate_shape))
    return BuyingLife(start, min(start + timedelta(days=life_days), community.end), rate)


class Lives:
    """Each person's life per community, drawn the first time it is asked for (deterministic for a seed
    as long as the sources ask in the same order)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._lives: dict[tuple[str, str], BuyingLife] = {}

    def of(self, person_id: str, community: Community) -> BuyingLife:
        key = (person_id, community.name)
        if key not in self._lives:
            self._lives[key] = draw_life(self.rng, community)
        return self._lives[key]


def order_times(rng: np.random.Generator, lives: list[BuyingLife], total: int, cap: list[int] | None = None,
                max_orders: int = 60) -> list[list[datetime]]:
    """Every life's order times, at least one each and exactly `total` in all.

    The first order falls soon after acquisition; the next ones follow gamma gaps (shape GAP_SHAPE) at
    the person's rate times one factor common to the source, until the life ends. The factor is the
    smallest that gives `total` orders (the gaps are drawn once, so the count grows with the factor);
    the few orders over `total` are the last ones of people chosen at random. `cap` bounds each
    person's orders (events in their life), `max_orders` everyone's.
    """
    n = len(lives)
    if not n <= total:
        raise ValueError(f"{total} orders cannot give {n} buyers one each")
    caps = np.minimum(np.asarray(cap if cap is not None else [max_orders] * n), max_orders)
    firsts = [min(life.start + timedelta(days=float(rng.exponential(FIRST_ORDER_DAYS))), life.end) for life in lives]
    remaining = np.array([(life.end - first) / DAY for life, first in zip(lives, firsts)])
    rates = np.array([life.rate for life in lives])
    # standard gaps (mean 1): person i's k-th repeat is at cumulative gap k / (factor * rate_i) years
    gaps = np.cumsum(rng.gamma(GAP_SHAPE, 1.0 / GAP_SHAPE, size=(n, max_orders - 1)), axis=1)

    def counts(factor: float) -> np.ndarray:
        reach = factor * rates * remaining / 365.25
        repeats = (gaps <= reach[:, None]).sum(axis=1)
        return np.minimum(1 + repeats, np.maximum(caps, 1))

    low, high = 0.0, 1.0
    while counts(high).sum() < total:
        high *= 2.0
        if high > 1e6:
            raise ValueError(f"the lives cannot hold {total} orders (at most {int(counts(high).sum())})")
    for _ in range(80):
        mid = (low + high) / 2.0
        low, high = (mid, high) if counts(mid).sum() < total else (low, mid)
    per_person = counts(high)
    while per_person.sum() > total:  # a step of the count can pass the total by a few orders
        over = np.flatnonzero(per_person > 1)
        per_person[over[int(rng.integers(len(over)))]] -= 1
    times = []
    for i, (first, k) in enumerate(zip(firsts, per_person)):
        step = 365.25 / (high * rates[i])
        times.append([first] + [first + timedelta(days=float(g * step)) for g in gaps[i, : int(k) - 1]])
    return times


def spread_in_life(rng: np.random.Generator, life: BuyingLife, n: int) -> list[datetime]:
    """`n` order times for a person whose number of orders is fixed by the source's figures: the first
    soon after acquisition, the others at random in the rest of the life."""
    first = min(life.start + timedelta(days=float(rng.exponential(FIRST_ORDER_DAYS / 3))), life.end)
    rest = (life.end - first) / DAY
    return [first] + sorted(first + timedelta(days=float(d)) for d in rng.uniform(0.0, rest, size=n - 1))
