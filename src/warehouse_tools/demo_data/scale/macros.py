"""The seeded DuckDB macros every query of the scale generator uses.

`u(i, s)` is uniform in [0, 1) and `ri(i, s, n)` an integer below n, both pure functions of (row id, salt,
seed) through DuckDB's `hash()`; the others build unique ids from row numbers and format the times of each
source (microseconds since the epoch, UTC; Denver local time for the StarHouse systems).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from ..helpers import DENVER, UTC
from .times import us


def denver_dst_ranges() -> list[tuple[int, int]]:
    """[start, end) in UTC microseconds of summer time (MDT) in America/Denver, 2015-2030."""
    ranges = []
    for year in range(2015, 2031):
        march = datetime(year, 3, 8, 9, tzinfo=UTC)  # the second Sunday is the first Sunday from the 8th
        start = march + timedelta(days=(6 - march.weekday()) % 7)
        november = datetime(year, 11, 1, 8, tzinfo=UTC)
        end = november + timedelta(days=(6 - november.weekday()) % 7)
        for instant, offset in ((start, -6), (start - timedelta(seconds=1), -7), (end, -7),
                                (end - timedelta(seconds=1), -6)):
            assert instant.astimezone(DENVER).utcoffset() == timedelta(hours=offset), instant
        ranges.append((us(start), us(end)))
    return ranges


def create_macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Create the macros on the connection: the random draws are pure functions of (row id, salt, seed)."""
    seed = int(seed)
    dst = " OR ".join(f"(t >= {a} AND t < {b})" for a, b in denver_dst_ranges())
    macros = [
        f"u(i, s) AS ((hash(i::BIGINT, s, {seed}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0)",
        f"ri(i, s, n) AS (hash(i::BIGINT, s, {seed}::BIGINT) % (n)::UBIGINT)::BIGINT",
        f"h64(i, s) AS hash(i::BIGINT, s, {seed}::BIGINT)",
        "hex16(h) AS lpad(lower(to_hex(h)), 16, '0')",
        "person_id(k) AS 'P' || lpad((k + 1)::VARCHAR, 8, '0')",
        # a bijection of [0, 2^48) (odd multiplier mod 2^48, then xor): unique ids from row numbers
        # then its two 24-bit halves swapped (also a bijection), so that consecutive rows look unrelated
        "mul48(i) AS (i::BIGINT * 25214903917) % 281474976710656",
        "rot24(x) AS ((x % 16777216) * 16777216 + x // 16777216)",
        f"scr(i, s) AS xor(rot24(mul48(i)), (hash(s || '#mask', {seed}::BIGINT) % 281474976710656)::BIGINT)",
        "hex24(i, s) AS substr(hex16(h64(i, s || '#hex')), 1, 12) || lpad(lower(to_hex(scr(i, s))), 12, '0')",
        "uuid_of(i, s) AS substr(hex16(h64(i, s || '.a')), 1, 8) || '-' || substr(hex16(h64(i, s || '.a')), 9, 4) "
        "|| '-4' || substr(hex16(h64(i, s || '.a')), 13, 3) || '-a' || substr(hex16(h64(i, s || '.b')), 1, 3) "
        "|| '-' || lpad(lower(to_hex(scr(i, s))), 12, '0')",
        "iso_ms(t) AS strftime(make_timestamp(t), '%Y-%m-%dT%H:%M:%S.%gZ')",
        "iso_s(t) AS strftime(make_timestamp(t), '%Y-%m-%dT%H:%M:%S') || '+00:00'",
        "pg_time(t) AS strftime(make_timestamp(t), '%Y-%m-%d %H:%M:%S.%f') || '+00'",
        f"den_off(t) AS (CASE WHEN {dst} THEN -360 ELSE -420 END)",
        "den_local(t) AS make_timestamp(t + den_off(t)::BIGINT * 60000000)",
        "kj_time(t) AS strftime(den_local(t), '%Y-%m-%d %H:%M:%S') "
        "|| CASE WHEN den_off(t) = -360 THEN ' -0600' ELSE ' -0700' END",
        "zoho_time(t) AS strftime(den_local(t), '%Y-%m-%d %H:%M:%S')",
        "money(x) AS (x)::DECIMAL(18, 2)::VARCHAR",
        "expo(x) AS -ln(1.0 - x)",
    ]
    for macro in macros:
        con.execute(f"CREATE OR REPLACE MACRO {macro}")
