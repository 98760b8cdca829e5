"""Times as the scale generator's SQL holds them: microseconds since the Unix epoch (UTC)."""

from __future__ import annotations

from datetime import datetime

DAY_US = 86400 * 10**6
HOUR_US = 3600 * 10**6


def us(ts: datetime) -> int:
    """Microseconds since the Unix epoch (UTC)."""
    return round(ts.timestamp() * 1e6)
