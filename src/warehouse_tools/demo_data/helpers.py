"""Small deterministic helpers shared by the source generators: ids, times, counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

UTC = timezone.utc
DENVER = ZoneInfo("America/Denver")  # the StarHouse systems' account zone (Kajabi, Zoho, PayPal)


def hex_id(rng: np.random.Generator, length: int = 24) -> str:
    return "".join(rng.choice(list("0123456789abcdef"), size=length))


def alnum_id(rng: np.random.Generator, length: int) -> str:
    return "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), size=length))


def uuid_from(rng: np.random.Generator) -> str:
    h = hex_id(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def random_time(rng: np.random.Generator, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    return start + timedelta(seconds=float(rng.uniform(0, span)))


def iso_z(ts: datetime, millis: bool = True) -> str:
    ts = ts.astimezone(UTC)
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    if millis:
        text += f".{ts.microsecond // 1000:03d}"
    return text + "Z"


def exact_flags(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A boolean array of length n with exactly k True values at random places."""
    flags = np.zeros(n, dtype=bool)
    flags[rng.choice(n, size=k, replace=False)] = True
    return flags
