"""From purchase events to the per-customer summary the models read, at a cutoff, with the purchases
of a holdout after it. The warehouse builds the same summary in SQL (macro clv_summary); this is
for data that arrive as transactions outside it (CDNOW, the recalibration's inner split, tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Summary:
    """One row per customer whose first purchase is at or before the cutoff, sorted by id.

    ``customer_id``; ``x`` repeat purchases up to the cutoff; ``t_x`` time of the last of them from
    the first purchase (0 when x = 0); ``T`` time from the first purchase to the cutoff;
    ``holdout_purchases`` purchases in (cutoff, holdout_end] (0 without a holdout); all times in
    the unit of the event times.
    """

    customer_id: np.ndarray
    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    holdout_purchases: np.ndarray


def summarise(customer_id, time, cutoff: float, holdout_end: float | None = None) -> Summary:
    """Summarise purchase events (``customer_id``, ``time``) at ``cutoff``.

    A purchase is a distinct (customer, time): events at the same time count once, so pass day
    numbers for "a day with a purchase" (the warehouse's convention and CDNOW's). Events after
    ``holdout_end`` are ignored; customers first seen after the cutoff are left out.
    """
    ids = np.asarray(customer_id).ravel()
    t = np.asarray(time, dtype=np.float64).ravel()
    if ids.shape != t.shape:
        raise ValueError(f"customer_id has {ids.size} values and time {t.size}")
    if not np.all(np.isfinite(t)):
        raise ValueError("time has NaN or infinite values")
    end = np.inf if holdout_end is None else float(holdout_end)
    if end < cutoff:
        raise ValueError("holdout_end is before the cutoff")
    keep = t <= end
    ids, t = ids[keep], t[keep]
    customers, code = np.unique(ids, return_inverse=True)
    code = code.ravel()
    # distinct (customer, time) pairs
    pairs = np.unique(np.stack([code.astype(np.float64), t], axis=1), axis=0)
    code, t = pairs[:, 0].astype(np.int64), pairs[:, 1]
    n = customers.size
    first = np.full(n, np.inf)
    np.minimum.at(first, code, t)
    before = t <= cutoff
    purchases = np.bincount(code[before], minlength=n)
    last = np.full(n, -np.inf)
    np.maximum.at(last, code[before], t[before])
    holdout = np.bincount(code[~before], minlength=n)
    seen = first <= cutoff
    x = (purchases - 1)[seen].astype(np.float64)
    t_x = np.where(x > 0, (last - first)[seen], 0.0)
    return Summary(customer_id=customers[seen], x=x, t_x=t_x, T=(cutoff - first)[seen],
                   holdout_purchases=holdout[seen].astype(np.float64))
