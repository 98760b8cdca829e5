"""The demo landing data at scale: about N orders across the six sources, generated in DuckDB SQL.

    python scripts/generate_demo_data.py --scale 10000000 --out /tmp/raw

The files have exactly the shapes of the demo generator (same paths, JSON fields and nesting, CSV
headers, time, money and boolean formats, `_extracted_at` on every row) so the unchanged dbt project
builds on them; the column lists and constants are imported from the demo modules. Nothing is
generated row by row in Python: every table is a DuckDB query over `range()`, and every random
value is a pure function of (row id, salt, seed) through `hash()` (`u()` uniform in [0, 1),
`ri()` an integer below n), so the files are byte-identical for a seed whatever the number of
threads (with the same DuckDB version: `hash()` is DuckDB's); every COPY orders its rows by id.

Ids that must be unique are unique by construction: numbered ids as in the demo, hex/uuid/alnum
ids carry a bijective 48-bit scramble of the row number, emails get a number appended within a
collision group, phone numbers are a bijection (k * A + B mod M) of the person (or household)
number onto the valid ranges people.py draws from.

The mix of the demo is kept at scale: people in several systems, shared household and office
phones, messy phone and email renderings and placeholders, refunds, free orders, several
currencies, re-exports and later updates across two extracts where the demo has two, and a handful
of invalid rows per source of the kinds the demo writes (appended to the later extract with Python,
since a truncated JSON line cannot come out of COPY).
"""

from __future__ import annotations

import csv
import json
import math
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from string import Template

import duckdb
import numpy as np

from . import humanitix, kajabi, paypal, ticket_tailor, webshop, zoho
from .generate import TRUTH_FILE
from .helpers import DENVER, UTC
from .people import (
    EMAIL_DOMAINS,
    FAKER_LOCALES,
    GH_FIRST,
    GH_LAST,
    GH_MOBILE_PREFIXES,
    PLACEHOLDER_EMAILS,
    PLACEHOLDER_PHONES,
    US_AREA_CODES,
    _ascii,
)
from .targets import WEBSHOP

# The ground truth's source tables, in the order of its rows.
TRUTH_TABLES = ["humanitix__orders", "ticket_tailor__orders", "kajabi__contacts", "kajabi__transactions",
                "zoho__contacts", "paypal__transactions", "webshop__shop_customers", "webshop__shop_orders"]
# Split of the orders between the sources (the web shop takes the rest, about 25%).
ORDER_SHARES = {"humanitix": 0.10, "ticket_tailor": 0.25, "kajabi": 0.25, "paypal": 0.15, "webshop": 0.25}
PEOPLE_PER_ORDER = 0.25
MEMORY_LIMIT = "6GB"  # DuckDB's own limit; it spills to a temporary folder beyond it
NAMES_PER_LIST = 300
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as helpers.alnum_id
US_EXCHANGES = [e for e in range(200, 1000) if e != 555 and e % 100 != 11]  # [2-9]xx, not 555 or N11
MONTH_US = int(30.4 * 86400 * 1e6)  # PayPal's billing month in the demo
DAY_US = 86400 * 10**6
HOUR_US = 3600 * 10**6


def _us(ts: datetime) -> int:
    """Microseconds since the Unix epoch (UTC)."""
    return round(ts.timestamp() * 1e6)


def _lit(value) -> str:
    """A SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _list(values) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def pick(options, key: str, salt: str) -> str:
    """One of the options, uniformly."""
    return f"{_list(options)}[1 + ri({key}, '{salt}', {len(options)})]"


def wpick(options, probs, key: str, salt: str) -> str:
    """One of the options with the given probabilities (a CASE on one uniform draw)."""
    assert len(options) == len(probs) and abs(sum(probs) - 1) < 1e-9
    draw = f"u({key}, '{salt}')"
    parts, cum = [], 0.0
    for option, p in zip(options[:-1], probs[:-1]):
        cum += p
        parts.append(f"WHEN {draw} < {cum!r} THEN {_lit(option)}")
    return f"(CASE {' '.join(parts)} ELSE {_lit(options[-1])} END)"


def render_email(addr: str, key: str, salt: str, case_noise: float = 0.08, space_noise: float = 0.03) -> str:
    """people.Renderer.email: other case now and then, stray whitespace around it."""
    c = f"u({key}, '{salt}.case')"
    cased = (f"(CASE WHEN {c} < {case_noise / 2!r} THEN upper({addr}) "
             f"WHEN {c} < {case_noise!r} THEN upper(left({addr}, 1)) || substr({addr}, 2) ELSE {addr} END)")
    return (f"(CASE WHEN u({key}, '{salt}.space') < {space_noise!r} "
            f"THEN [' ', '  ', chr(9)][1 + ri({key}, '{salt}.pre', 3)] || {cased} "
            f"|| ['', ' '][1 + ri({key}, '{salt}.post', 2)] "
            f"ELSE {cased} END)")


def _formats(country: str, n: str, same_plan: bool) -> tuple[list[str], list[str]]:
    """people.Renderer.phone's national and international formats, as SQL expressions of the nsn `n`."""
    def s(a: int, b: int | None = None) -> str:  # Python's n[a:b]
        return f"substr({n}, {a + 1}, {b - a})" if b is not None else f"substr({n}, {a + 1})"

    def cat(*parts: str) -> str:  # parts are SQL expressions; text in single quotes
        return "(" + " || ".join(parts) + ")"
    if country == "AU":
        spaced = cat(s(0, 3), "' '", s(3, 6), "' '", s(6))
        dashed = cat(s(0, 3), "'-'", s(3, 6), "'-'", s(6))
        national = [cat("'0'", n), cat("'0'", spaced), cat("'0'", dashed),
                    cat("'(0'", s(0, 1), "') '", s(1, 5), "' '", s(5)), n, cat("'0'", spaced)]
        intl = [cat("'+61 '", spaced), cat("'+61'", n), cat("'61'" if same_plan else "'+61'", n),
                cat("'+61 (0)'", spaced), cat("'0011 61 '" if same_plan else "'+61 '", n), cat("'+61-'", dashed)]
    elif country == "US":  # also CA: the same numbering plan and formats
        a, e, x = s(0, 3), s(3, 6), s(6)
        national = [cat("'('", a, "') '", e, "'-'", x), cat(a, "'-'", e, "'-'", x), cat(a, "'.'", e, "'.'", x), n,
                    cat("'1-'", a, "'-'", e, "'-'", x), cat("'1'", n)]
        intl = [cat("'+1 '", a, "' '", e, "' '", x), cat("'+1 ('", a, "') '", e, "'-'", x), cat("'+1'", n),
                cat("'+1-'", a, "'-'", e, "'-'", x), cat("'+1 '", a, "'-'", e, "'-'", x), cat("'+1'", n)]
    else:  # GH
        spaced = cat(s(0, 2), "' '", s(2, 5), "' '", s(5))
        dashed = cat(s(0, 2), "'-'", s(2, 5), "'-'", s(5))
        national = [cat("'0'", n), cat("'0'", spaced), cat("'0'", dashed), cat("'233'" if same_plan else "'0'", n),
                    cat("'0'", s(0, 2), "' '", s(2)), cat("'0'", n)]
        intl = [cat("'+233 '", spaced), cat("'+233'", n), cat("'+233 '", n),
                cat("'00233'" if same_plan else "'+233'", n), cat("'+233-'", dashed), cat("'+233'", n)]
    return national, intl


def render_phone(country: str, nsn: str, default: str, key: str, salt: str) -> str:
    """people.Renderer.phone: national format (70%) when the number is of the source's calling plan."""
    plan = {"AU": "AU", "US": "US", "CA": "US", "GH": "GH"}[default]
    style = f"ri({key}, '{salt}.style', 6)"
    national_draw = f"u({key}, '{salt}.nat') < 0.7"
    branches = []
    for c, condition in (("AU", f"{country} = 'AU'"), ("US", f"{country} IN ('US', 'CA')"), ("GH", None)):
        same_plan = plan == c
        national, intl = _formats(c, nsn, same_plan)
        intl_case = "CASE " + style + " " + " ".join(f"WHEN {i} THEN {f}" for i, f in enumerate(intl[:-1])) + \
            f" ELSE {intl[-1]} END"
        if same_plan:
            nat_case = "CASE " + style + " " + " ".join(f"WHEN {i} THEN {f}" for i, f in enumerate(national[:-1])) + \
                f" ELSE {national[-1]} END"
            expr = f"(CASE WHEN {national_draw} THEN {nat_case} ELSE {intl_case} END)"
        else:
            expr = f"({intl_case})"
        branches.append((condition, expr))
    return (f"(CASE WHEN {nsn} IS NULL THEN NULL WHEN {branches[0][0]} THEN {branches[0][1]} "
            f"WHEN {branches[1][0]} THEN {branches[1][1]} ELSE {branches[2][1]} END)")


def placeholder_phone(default: str, key: str, salt: str) -> str:
    return pick(PLACEHOLDER_PHONES.get(default, ["0000000000"]) + ["none", "N/A"], key, salt)


def placeholder_email(key: str, salt: str) -> str:
    return pick(PLACEHOLDER_EMAILS, key, salt)


def alnum(h: str, n: str | int, offset: int = 0) -> str:
    """n characters of ALNUM from the 5-bit groups of the unsigned integer expression h (up to 12)."""
    chars = _list(list(ALNUM))
    return " || ".join(f"{chars}[1 + ((({h}) >> {5 * p}) & 31)::INTEGER]" for p in range(offset, offset + int(n)))


@lru_cache(maxsize=1)
def name_lists() -> dict[str, tuple[list[str], list[str]]]:
    """A fixed list of first and last names per country (Faker, seeded once; GH from people.py)."""
    from faker import Faker

    lists = {}
    for country in ("AU", "US", "CA"):
        fk = Faker(FAKER_LOCALES[country])
        fk.seed_instance(2024)
        firsts: dict[str, None] = {}
        lasts: dict[str, None] = {}
        for _ in range(20 * NAMES_PER_LIST):
            if len(firsts) < NAMES_PER_LIST:
                name = fk.first_name()
                if _ascii(name):
                    firsts.setdefault(name)
            if len(lasts) < NAMES_PER_LIST:
                name = fk.last_name()
                if _ascii(name):
                    lasts.setdefault(name)
        lists[country] = (list(firsts), list(lasts))
    lists["GH"] = (list(GH_FIRST), list(GH_LAST))
    return lists


def _multiplier(space: int) -> int:
    """A multiplier coprime with the size of a phone number space, near its golden section, so that
    k -> (k * A + B) mod space is a bijection that sends consecutive people far apart."""
    a = round(0.6180339887 * space)
    while math.gcd(a, space) != 1:
        a += 1
    return a


def _denver_dst_ranges() -> list[tuple[int, int]]:
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
        ranges.append((_us(start), _us(end)))
    return ranges


class _Gen:
    """One generation run: a DuckDB connection with the seeded macros, the counts, the output folder."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw_dir: Path, orders: int, seed: int) -> None:
        self.con = con
        self.raw = raw_dir
        self.seed = seed
        self.counts: dict[str, int] = {}
        self.rng = np.random.default_rng([seed, 20251])  # only for the handful of invalid rows
        n = orders
        self.n_hx = round(n * ORDER_SHARES["humanitix"])
        self.n_tt = round(n * ORDER_SHARES["ticket_tailor"])
        self.n_kj = round(n * ORDER_SHARES["kajabi"])
        self.n_pp = round(n * ORDER_SHARES["paypal"])
        self.n_ws = n - self.n_hx - self.n_tt - self.n_kj - self.n_pp
        # the person pool: Australians (Humanitix), Ghanaians (web shop), North Americans (StarHouse)
        p = max(round(n * PEOPLE_PER_ORDER), 250)
        self.P = p
        self.n_au = round(0.15 * p)
        self.n_gh = round(0.32 * p)
        self.na0 = self.n_au + self.n_gh
        self.n_na = p - self.na0
        self.n_au_kj = max(1, round(0.03 * self.n_au))  # Australians also in Kajabi
        self.n_gh_kj = max(1, round(0.02 * self.n_gh))  # Ghanaians also in Kajabi
        # North Americans by index j: Kajabi contacts [0, a1), Zoho only [a1, a2), Ticket Tailor only
        # [a2, a3), PayPal only [a3, n_na)
        self.a1 = round(0.60 * self.n_na)
        self.a2 = round(0.80 * self.n_na)
        self.a3 = round(0.95 * self.n_na)
        self._macros()

    # -- plumbing ---------------------------------------------------------------------------------

    def _macros(self) -> None:
        seed = int(self.seed)
        dst = " OR ".join(f"(t >= {a} AND t < {b})" for a, b in _denver_dst_ranges())
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
            self.con.execute(f"CREATE OR REPLACE MACRO {macro}")

    def sql(self, template: str, **params) -> str:
        """Fill $name in a SQL template from params and the run's counts (self.n_hx, self.P, ...)."""
        values = {k: str(v) for k, v in vars(self).items() if isinstance(v, int)}
        values.update({k: str(v) for k, v in params.items()})
        return Template(template).substitute(values)

    def run(self, template: str, **params) -> None:
        self.con.execute(self.sql(template, **params))

    def scalar(self, template: str, **params):
        return self.con.execute(self.sql(template, **params)).fetchone()[0]

    def copy(self, path: str, query: str, columns: list[str] | None = None) -> int:
        """COPY a query (already ordered) to a landing file: JSON Lines or CSV with a header."""
        target = self.raw / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if columns is not None:  # CSV: exactly the demo's header, in its order
            query = f"SELECT {', '.join(_ident(c) for c in columns)} FROM ({query})"
        options = "FORMAT json" if path.endswith(".jsonl") else "FORMAT csv, HEADER true, DELIMITER ','"
        n = self.con.execute(f"COPY ({query}) TO {_lit(str(target))} ({options})").fetchone()[0]
        self.counts[path] = int(n)
        return int(n)

    @staticmethod
    def sorted_source(aliases: str, joins: str, where: str, order: str) -> str:
        """FROM a subquery that joins and sorts the inputs of a projection, each table as one struct column
        (a table alias that is also one of its column names must be renamed: "zz AS z").

        The projection above it refers to alias.column as before (now a struct field), and is evaluated
        after the sort, in parallel, in order (SELECT and COPY preserve the order of their input): so the
        sort moves the narrow inputs, not the wide output text.
        """
        return f"FROM (SELECT {aliases} FROM {joins} WHERE {where} ORDER BY {order})"

    def drop(self, *tables: str) -> None:
        """Free the working tables of a source once its files and truth are written."""
        for table in tables:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def append_lines(self, path: str, lines: list[str]) -> None:
        with (self.raw / path).open("a", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line + "\n")
        self.counts[path] += len(lines)

    def append_csv(self, path: str, columns: list[str], rows: list[dict]) -> None:
        with (self.raw / path).open("a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row in rows:
                writer.writerow(["" if row[c] is None else row[c] for c in columns])
        self.counts[path] += len(rows)

    def json_rows(self, query: str) -> list[dict]:
        return [json.loads(r[0]) for r in self.con.execute(f"SELECT to_json(q) FROM ({query}) q").fetchall()]

    def dict_rows(self, query: str) -> list[dict]:
        cur = self.con.execute(query)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def hex_id(self, length: int = 24) -> str:
        return "".join(self.rng.choice(list("0123456789abcdef"), size=length))

    def alnum_id(self, length: int) -> str:
        return "".join(self.rng.choice(list(ALNUM), size=length))

    def uuid(self) -> str:
        h = self.hex_id(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    # -- people -----------------------------------------------------------------------------------

    def people(self) -> None:
        lists = name_lists()
        rows = []
        for country, (firsts, lasts) in lists.items():
            rows += [(country, "f", i, name, _ascii(name)) for i, name in enumerate(firsts)]
            rows += [(country, "l", i, name, _ascii(name)) for i, name in enumerate(lasts)]
        self.con.execute("CREATE OR REPLACE TABLE names (country VARCHAR, kind VARCHAR, idx BIGINT, name VARCHAR, "
                         "ascii VARCHAR)")
        self.con.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", rows)
        n_first = {c: len(f) for c, (f, _) in lists.items()}
        n_last = {c: len(l) for c, (_, l) in lists.items()}
        assert len({n_last[c] for c in ("AU", "US", "CA")}) == 1  # a family's shared surname index

        def by_country(sizes: dict[str, int], key: str, salt: str) -> str:
            return ("CASE country " + " ".join(f"WHEN '{c}' THEN ri({key}, '{salt}', {n})" for c, n in sizes.items())
                    + " END")

        def domain(key: str, salt: str) -> str:
            return "CASE country " + " ".join(f"WHEN '{c}' THEN {pick(EMAIL_DOMAINS[c], key, salt)}"
                                              for c in ("AU", "US", "CA", "GH")) + " END"

        m_us = len(US_AREA_CODES) * len(US_EXCHANGES) * 10**4
        spaces = {"au_mobile": 4 * 10**7, "au_landline": 3 * 10**7, "us": m_us, "gh": len(GH_MOBILE_PREFIXES) * 10**7}
        assert self.P + self.P // 16 + 1 < m_us and self.P < spaces["gh"]
        offset = {name: f"(h64(0, 'phone.{name}') % {size})::BIGINT" for name, size in spaces.items()}

        def bij(key: str, name: str) -> str:
            return f"(({key}) * {_multiplier(spaces[name])} + {offset[name]}) % {spaces[name]}"

        def us_number(x: str) -> str:
            return (f"{_list(US_AREA_CODES)}[1 + ({x}) // {len(US_EXCHANGES) * 10**4}] || "
                    f"{_list([str(e) for e in US_EXCHANGES])}[1 + (({x}) // 10000) % {len(US_EXCHANGES)}] || "
                    f"lpad((({x}) % 10000)::VARCHAR, 4, '0')")

        def seven(x: str) -> str:
            return f"lpad((({x}) % 10000000)::VARCHAR, 7, '0')"

        self.run("""
        CREATE OR REPLACE TABLE people_base AS
        WITH base AS (
            SELECT k,
                CASE WHEN k < $n_au THEN 0 WHEN k < $na0 THEN 1 ELSE 2 END AS seg,
                k // 16 AS b, k % 16 AS pos
            FROM range($P) t(k)
        ), hh AS (
            SELECT *,
                CASE WHEN seg = 0 THEN 'AU' WHEN seg = 1 THEN 'GH'
                     WHEN u(k, 'p.ca') < 0.08 THEN 'CA' ELSE 'US' END AS country,
                CASE WHEN b * 16 < $n_au THEN 0 WHEN b * 16 < $na0 THEN 1 ELSE 2 END AS head_seg,
                -- households of 3-5 (families, 30% of blocks of 16) and offices of 8-14 (5%)
                CASE WHEN u(b, 'hh.kind') < 0.30 THEN 3 + ri(b, 'hh.family', 3)
                     WHEN u(b, 'hh.kind') < 0.35 THEN 8 + ri(b, 'hh.office', 7) ELSE 0 END AS hh_size
            FROM base
        )
        SELECT k, seg, b, pos, country, k - $na0 AS j,
            (seg <> 1 AND seg = head_seg AND pos < hh_size) AS shares_phone,
            (seg <> 1 AND seg = head_seg AND pos < hh_size AND hh_size <= 5) AS in_family,
            CASE WHEN seg = 0 THEN u(k, 'p.mobile') < 0.93 WHEN seg = 1 THEN true
                 WHEN k - $na0 >= $a2 AND k - $na0 < $a3 THEN u(k, 'p.mobile') < 0.8
                 ELSE u(k, 'p.mobile') < 0.9 END AS has_mobile,
            $first AS first_idx,
            CASE WHEN (seg <> 1 AND seg = head_seg AND pos < hh_size AND hh_size <= 5)
                      AND (pos = 0 OR u(k, 'p.surname') < 0.6) THEN ri(b, 'p.last', $n_last)
                 ELSE $last END AS last_idx,
            ri(k, 'p.style', 4) AS style,
            (ri(k, 'p.style', 4) + 1 + ri(k, 'p.style2', 3)) % 4 AS style2,
            u(k, 'p.alt') < 0.12 AS has_alt,
            $domain1 AS domain1,
            $domain2 AS domain2
        FROM hh
        """, first=by_country(n_first, "k", "p.first"), last=by_country(n_last, "k", "p.last"),
                 n_last=n_last["US"], domain1=domain("k", "p.dom"), domain2=domain("k", "p.dom2"))
        self.run("""
        CREATE OR REPLACE TABLE emails AS
        WITH named AS (
            SELECT p.k, p.style, p.style2, p.has_alt, p.domain1, p.domain2, f.ascii AS fa, l.ascii AS la
            FROM people_base p
            JOIN names f ON f.country = p.country AND f.kind = 'f' AND f.idx = p.first_idx
            JOIN names l ON l.country = p.country AND l.kind = 'l' AND l.idx = p.last_idx
        ), candidates AS (
            SELECT k, 0 AS kind, style AS st, domain1 AS domain, fa, la FROM named
            UNION ALL
            SELECT k, 1, style2, domain2, fa, la FROM named WHERE has_alt
        ), locals AS (
            SELECT k, kind, domain,
                CASE st WHEN 0 THEN fa || '.' || la WHEN 1 THEN fa || la WHEN 2 THEN left(fa, 1) || la
                        ELSE fa || '_' || la END AS local
            FROM candidates
        ), numbered AS (
            -- unique by construction: a local part without digits, plus its rank in the collision group
            SELECT k, kind, local, domain, row_number() OVER (PARTITION BY local, domain ORDER BY k, kind) AS rn
            FROM locals
        )
        SELECT k, kind, local || CASE WHEN rn > 1 THEN rn::VARCHAR ELSE '' END || '@' || domain AS email
        FROM numbered
        """)
        au_mobile = f"'4' || (({bij('p.k', 'au_mobile')}) // 10000000)::VARCHAR || {seven(bij('p.k', 'au_mobile'))}"
        au_landline = (f"{_list(['29', '39', '73'])}[1 + ({bij('p.b', 'au_landline')}) // 10000000] || "
                       f"{seven(bij('p.b', 'au_landline'))}")
        gh_mobile = f"{_list(GH_MOBILE_PREFIXES)}[1 + ({bij('p.k', 'gh')}) // 10000000] || {seven(bij('p.k', 'gh'))}"
        self.run("""
        CREATE OR REPLACE TABLE persons AS
        SELECT p.k, person_id(p.k) AS person_id, p.seg, p.j, p.country, p.in_family,
            f.name AS first_name, l.name AS last_name,
            e1.email, e2.email AS alt_email,
            CASE WHEN NOT p.has_mobile THEN NULL
                 WHEN p.seg = 0 THEN $au_mobile WHEN p.seg = 1 THEN $gh_mobile
                 ELSE $us_mobile END AS mobile,
            CASE WHEN NOT p.shares_phone THEN NULL WHEN p.seg = 0 THEN 'AU' ELSE 'US' END AS shared_country,
            CASE WHEN NOT p.shares_phone THEN NULL
                 WHEN p.seg = 0 THEN $au_landline ELSE $us_shared END AS shared
        FROM people_base p
        JOIN names f ON f.country = p.country AND f.kind = 'f' AND f.idx = p.first_idx
        JOIN names l ON l.country = p.country AND l.kind = 'l' AND l.idx = p.last_idx
        JOIN emails e1 ON e1.k = p.k AND e1.kind = 0
        LEFT JOIN emails e2 ON e2.k = p.k AND e2.kind = 1
        """, au_mobile=au_mobile, gh_mobile=gh_mobile, us_mobile=us_number(bij("p.k", "us")),
                 au_landline=au_landline, us_shared=us_number(bij(f"{self.P} + p.b", "us")))
        self.con.execute("DROP TABLE people_base; DROP TABLE emails")

    # -- Humanitix ----------------------------------------------------------------------------------

    def humanitix(self) -> None:
        n_ev = max(22, round(self.n_hx / 35))
        e1, e2 = _us(humanitix.EXTRACT_1), _us(humanitix.EXTRACT_2)
        stamp1 = humanitix.EXTRACT_1.strftime("%Y-%m-%dT%H:%M:%SZ")
        stamp2 = humanitix.EXTRACT_2.strftime("%Y-%m-%dT%H:%M:%SZ")
        t0 = _us(datetime(2024, 9, 6, 9, tzinfo=UTC))
        t1 = _us(datetime(2025, 7, 12, 9, tzinfo=UTC))
        venues = humanitix.VENUES
        self.run("""
        CREATE OR REPLACE TABLE hx_events AS
        WITH e AS (
            SELECT e,
                ($t0 + (u(e, 'hxe.start') * ($t1 - $t0))::BIGINT) // $day * $day + 9 * $hour + 30 * 60000000 AS start,
                (u(e, 'hxe.free') < 0.23 OR e = 1) AND e <> 0 AS is_free,
                e % 4 AS v
            FROM range($n_ev) t(e)
        )
        SELECT e, start, is_free, v,
            hex24(e, 'hxe.id') AS id,
            CASE WHEN is_free THEN 0.0 ELSE $price END AS price,
            row_number() OVER (PARTITION BY is_free ORDER BY e) - 1 AS er
        FROM e
        """, t0=t0, t1=t1, day=DAY_US, hour=HOUR_US, n_ev=n_ev,
                 price=pick([25.0, 30.0, 35.0, 39.0, 45.0], "e", "hxe.price"))
        n_free = self.scalar("SELECT count(*) FROM hx_events WHERE is_free")
        n_paid = n_ev - n_free
        venue_name = _list([v[0] for v in venues])
        city = _list([v[1] for v in venues])
        region = _list([v[2] for v in venues])
        tz = _list(["Australia/Sydney" if v[2] == "NSW" else "Australia/Melbourne" if v[2] == "VIC"
                    else "Australia/Brisbane" for v in venues])
        self.copy("humanitix/events.jsonl", self.sql("""
        SELECT id AS _id,
            CASE WHEN is_free THEN 'Free Open Mic' ELSE 'Comedy Night' END || ' #' || (e + 1) || ' at '
                || $venue_name[v + 1] AS name,
            '5f1a2b3c4d5e6f7a8b9c0d1e' AS "organiserId",
            'AUD' AS currency,
            $tz[v + 1] AS timezone,
            iso_ms(start) AS "startDate",
            iso_ms(start + 2 * $hour) AS "endDate",
            {'venueName': $venue_name[v + 1], 'address': (1 + ri(e, 'hxe.addr', 299)) || ' George St',
             'city': $city[v + 1], 'region': $region[v + 1], 'country': 'AU'} AS "eventLocation",
            true AS published,
            is_free AS "isFree",
            price AS "ticketPrice",
            iso_ms(start - (40 + ri(e, 'hxe.created', 50)) * $day) AS "createdAt",
            iso_ms(start - (1 + ri(e, 'hxe.updated', 29)) * $day) AS "updatedAt",
            '$stamp1' AS _extracted_at
        FROM hx_events ORDER BY e
        """, venue_name=venue_name, tz=tz, city=city, region=region, hour=HOUR_US, day=DAY_US, stamp1=stamp1))

        self.run("""
        CREATE OR REPLACE TABLE hx AS
        WITH o AS (
            SELECT i, ri(i, 'hx.person', $n_au) AS k, u(i, 'hx.free') < 0.251 AS is_free
            FROM range($n_hx) t(i)
        ), oe AS (
            SELECT o.*, ev.id AS event_id, ev.start, ev.price::DECIMAL(18, 2) AS price
            FROM o JOIN hx_events ev ON ev.is_free = o.is_free
                AND ev.er = CASE WHEN o.is_free THEN ri(o.i, 'hx.event', $n_free) ELSE ri(o.i, 'hx.event', $n_paid) END
        ), amounts AS (
            SELECT *,
                (start - (expo(u(i, 'hx.days')) * 12 * $day)::BIGINT
                    - (u(i, 'hx.hours') * 12 * $hour)::BIGINT) AS created,
                (CASE WHEN u(i, 'hx.qty') < 0.50 THEN 1 WHEN u(i, 'hx.qty') < 0.83 THEN 2
                      WHEN u(i, 'hx.qty') < 0.90 THEN 3
                      WHEN u(i, 'hx.qty') < 0.95 THEN 4 WHEN u(i, 'hx.qty') < 0.98 THEN 5 ELSE 6 END) AS qty
            FROM oe
        ), totals AS (
            SELECT *, price * qty AS subtotal,
                CASE WHEN price * qty > 0 AND u(i, 'hx.discount') < 0.08 THEN round(price * qty * 0.1, 2)
                     ELSE 0 END::DECIMAL(18, 2) AS discount
            FROM amounts
        ), fees AS (
            SELECT *,
                CASE WHEN subtotal > 0 THEN round((subtotal - discount) * 0.035 + 0.99 * qty, 2)
                     ELSE 0 END::DECIMAL(18, 2) AS fee
            FROM totals
        ), flags AS (
            SELECT *, (subtotal - discount + fee)::DECIMAL(18, 2) AS total,
                NOT is_free AND u(i, 'hx.refund') < 0.012 AS is_refunded,
                created + ((expo(u(i, 'hx.c1')) + expo(u(i, 'hx.c2')) + expo(u(i, 'hx.c3'))) * 1.1 * 1000000)::BIGINT
                    AS completed
            FROM fees
        )
        SELECT *,
            -- loaded as paid first, the refund arrives with the second extract
            is_refunded AND created < $e1 AND u(i, 'hx.late') < 0.4 AS refund_later,
            completed + (1000000 + u(i, 'hx.upd') * 4000000)::BIGINT AS updated,
            greatest(created + 2 * $day, $e1 + $day) AS refund_updated
        FROM flags
        """, day=DAY_US, hour=HOUR_US, e1=e1, n_free=n_free, n_paid=n_paid)
        self.run("""
        CREATE OR REPLACE TABLE hx_rows AS
        SELECT i, 1 AS f, is_refunded AND NOT refund_later AS refunded FROM hx WHERE created < $e1
        UNION ALL SELECT i, 2, is_refunded FROM hx WHERE created >= $e1
        UNION ALL SELECT i, 2, true FROM hx WHERE refund_later
        -- re-exported unchanged (never an order that changed since)
        UNION ALL SELECT i, 2, false FROM hx WHERE created < $e1 AND NOT refund_later AND u(i, 'hx.reexport') < 0.016
        """, e1=e1)
        gateway = wpick(["braintree", "manual", "stripe-payments"], [0.855, 0.141, 0.004], "h.i", "hx.gateway")
        email_choice = "CASE WHEN p.alt_email IS NOT NULL AND u(h.i, 'hx.alt') < 0.5 THEN p.alt_email ELSE p.email END"
        mobile = (f"CASE WHEN u(h.i, 'hx.has_mobile') >= 0.917 THEN NULL "
                  f"WHEN u(h.i, 'hx.placeholder') < 0.006 THEN {placeholder_phone('AU', 'h.i', 'hx.ph0')} "
                  f"WHEN p.shared IS NOT NULL AND (p.mobile IS NULL OR u(h.i, 'hx.shared') < 0.5) "
                  f"THEN {render_phone('p.shared_country', 'p.shared', 'AU', 'h.i', 'hx.ph1')} "
                  f"ELSE {render_phone('p.country', 'p.mobile', 'AU', 'h.i', 'hx.ph2')} END")
        query = self.sql("""
        SELECT
            hex24(h.i, 'hx.id') AS _id,
            $order_name AS "orderName",
            h.event_id AS "eventId",
            hex24(h.i, 'hx.date') AS "eventDateId",
            CASE WHEN u(h.i, 'hx.user') < 0.3 THEN hex24(h.i, 'hx.user') END AS "userId",
            'AUD' AS currency,
            'complete' AS status,
            CASE WHEN r.refunded THEN 'refunded' WHEN h.is_free THEN 'free' ELSE 'paid' END AS "financialStatus",
            $gateway AS "paymentGateway",
            CASE WHEN $gateway = 'manual' THEN 'cash' END AS "manualPaymentType",
            CASE WHEN u(h.i, 'hx.upper') < 0.05 THEN upper(p.first_name) ELSE p.first_name END AS "firstName",
            p.last_name AS "lastName",
            $email AS email,
            $mobile AS mobile,
            'AU' AS location,
            false AS "businessPurpose",
            u(h.i, 'hx.optin') < 0.48 AS "organiserMailListOptIn",
            u(h.i, 'hx.intl') < 0.013 AS "isInternationalTransaction",
            CASE WHEN $gateway = 'manual' THEN 'door' ELSE 'online' END AS "salesChannel",
            {'subtotal': h.subtotal, 'discounts': h.discount, 'bookingFee': h.fee, 'passedOnFee': h.fee,
             'absorbedFee': 0::DECIMAL(18, 2), 'refunds': CASE WHEN r.refunded THEN h.total ELSE 0 END::DECIMAL(18, 2),
             'total': h.total, 'netSales': (h.subtotal - h.discount)::DECIMAL(18, 2)} AS totals,
            CASE WHEN h.discount > 0 THEN {'discountCode': 'EARLYBIRD10'} END AS discounts,
            list_transform(range(h.qty), x -> {'ticketTypeName': 'General Admission', 'price': h.price}) AS tickets,
            iso_ms(h.created) AS "createdAt",
            iso_ms(h.completed) AS "completedAt",
            iso_ms(CASE WHEN r.refunded THEN h.refund_updated ELSE h.updated END) AS "updatedAt",
            CASE r.f WHEN 1 THEN '$stamp1' ELSE '$stamp2' END AS _extracted_at
        @SOURCE@
        """, order_name=alnum("h64(h.i, 'hx.name')", 8), gateway=gateway,
                         email=render_email(email_choice, "h.i", "hx.em"),
                         mobile=mobile, stamp1=stamp1, stamp2=stamp2)

        def orders(where: str) -> str:
            return query.replace("@SOURCE@", self.sorted_source(
                "r, h, p", "hx_rows r JOIN hx h USING (i) JOIN persons p ON p.k = h.k", where, "r.i, r.refunded"))
        self.copy("humanitix/orders_2025-07-08.jsonl", orders("r.f = 1"))
        self.copy("humanitix/orders_2025-07-14.jsonl", orders("r.f = 2"))
        # invalid rows, as humanitix._invalid_orders
        templates = self.json_rows(orders("r.f = 1 AND r.i < 1000") + " LIMIT 5")

        def variant(t: dict, **changes) -> dict:
            return dict(t, **changes, _extracted_at=stamp2)
        self.append_lines("humanitix/orders_2025-07-14.jsonl", [
            _dumps(variant(templates[0], _id=self.hex_id()))[:120],
            '{"_id": "' + self.hex_id() + '", "email": ',
            _dumps(variant(templates[1], _id=None)),
            _dumps(variant(templates[2], _id=self.hex_id(), createdAt="2025-13-45T25:61:00.000Z")),
            _dumps(variant(templates[3], _id=self.hex_id(), currency="XXX")),
            _dumps(variant(templates[4], _id=self.hex_id(), financialStatus="disputed")),
        ])
        self.run("""
        CREATE OR REPLACE TABLE truth_humanitix AS
        SELECT 0::UTINYINT AS src, i, hex24(i, 'hx.id') AS record_key, k FROM hx
        """)
        self.drop("hx_events", "hx", "hx_rows")

    # -- Ticket Tailor ------------------------------------------------------------------------------

    def ticket_tailor(self) -> None:
        n_ev = max(140, round(self.n_tt / 30))
        e1 = _us(ticket_tailor.EXTRACT_1)
        stamp1 = ticket_tailor.EXTRACT_1.strftime("%Y-%m-%dT%H:%M:%SZ")
        stamp2 = ticket_tailor.EXTRACT_2.strftime("%Y-%m-%dT%H:%M:%SZ")
        t0, t1 = _us(datetime(2020, 2, 1, tzinfo=UTC)), _us(datetime(2025, 11, 10, tzinfo=UTC))
        self.run("""
        CREATE OR REPLACE TABLE tt_events AS
        SELECT e,
            ($t0 + (u(e, 'tte.start') * ($t1 - $t0))::BIGINT) // $day * $day + $hours * $hour AS start,
            CASE WHEN u(e, 'tte.cad') < 0.08 THEN 'cad' ELSE 'usd' END AS currency,
            CASE WHEN u(e, 'tte.free') < 0.08 THEN 0 ELSE $price END AS price,
            'ev_' || (1000 + e * 7) AS id,
            'es_' || (100 + e % 25) AS series
        FROM range($n_ev) t(e)
        """, t0=t0, t1=t1, day=DAY_US, hour=HOUR_US, n_ev=n_ev, hours=pick([1, 2, 17, 18], "e", "tte.hour"),
                 price=pick([1500, 2000, 2500, 3000, 3500, 4500], "e", "tte.price"))
        self.run("""
        CREATE OR REPLACE TABLE tt_events_named AS
        SELECT *, $names[1 + e % $n_names] || ' (' || strftime(make_timestamp(start), '%b %Y') || ')' AS name
        FROM tt_events
        """, names=_list(ticket_tailor.EVENT_NAMES), n_names=len(ticket_tailor.EVENT_NAMES))
        self.copy("ticket_tailor/events.jsonl", self.sql("""
        SELECT 'event' AS object, id, series AS event_series_id, name, currency,
            CASE currency WHEN 'usd' THEN 'America/Denver' ELSE 'America/Vancouver' END AS timezone,
            {'iso': iso_s(start), 'unix': start // 1000000} AS start,
            {'iso': iso_s(start + 3 * $hour), 'unix': (start + 3 * $hour) // 1000000} AS "end",
            {'name': CASE currency WHEN 'usd' THEN 'StarHouse' ELSE 'Harbour Hall' END,
             'country': CASE currency WHEN 'usd' THEN 'US' ELSE 'CA' END} AS venue,
            'published' AS status,
            price AS default_price,
            '$stamp2' AS _extracted_at
        FROM tt_events_named ORDER BY e
        """, hour=HOUR_US, stamp2=stamp2))
        na_known = self.a2  # Kajabi contacts and Zoho-only people: the StarHouse's known community
        self.run("""
        CREATE OR REPLACE TABLE tt AS
        WITH o AS (
            SELECT i,
                CASE WHEN u(i, 'tt.source') < 0.7 THEN $na0 + ri(i, 'tt.known', $na_known)
                     ELSE $na0 + $a2 + ri(i, 'tt.only', $n_only) END AS k,
                ri(i, 'tt.event', $n_ev) AS e,
                CASE WHEN u(i, 'tt.qty') < 0.62 THEN 1 WHEN u(i, 'tt.qty') < 0.90 THEN 2
                     WHEN u(i, 'tt.qty') < 0.97 THEN 3 ELSE 4 END AS qty,
                $status AS status
            FROM range($n_tt) t(i)
        ), oe AS (
            SELECT o.*, ev.id AS event_id, ev.series, ev.name AS event_name, ev.start AS event_start, ev.currency,
                ev.price AS value, ev.price * 5 // 100 AS fee,
                ev.start - (expo(u(i, 'tt.days')) * 10 * $day)::BIGINT
                    - (u(i, 'tt.hours') * 20 * $hour)::BIGINT AS created
            FROM o JOIN tt_events_named ev USING (e)
        ), refunds AS (
            SELECT *, (value + fee) * qty AS total,
                CASE WHEN status = 'completed' AND value > 0 AND u(i, 'tt.refund') < 0.021
                     THEN CASE WHEN u(i, 'tt.full') < 0.8 THEN (value + fee) * qty ELSE (value + fee) * qty // 2 END
                     ELSE 0 END AS refund
            FROM oe
        )
        SELECT *,
            -- the first extract has it unrefunded, the second carries the refund
            refund > 0 AND created < $e1 AND u(i, 'tt.late') < 0.3 AS late
        FROM refunds
        """, na_known=na_known, n_only=self.a3 - self.a2, n_ev=n_ev, day=DAY_US, hour=HOUR_US, e1=e1,
                 status=wpick(["completed", "cancelled", "pending"], [0.96, 0.025, 0.015], "i", "tt.status"))
        self.run("""
        CREATE OR REPLACE TABLE tt_rows AS
        SELECT i, 1 AS f, NOT late AS refunded FROM tt WHERE created < $e1
        UNION ALL SELECT i, 2, true FROM tt WHERE created >= $e1
        UNION ALL SELECT i, 2, true FROM tt WHERE late
        UNION ALL SELECT i, 2, true FROM tt WHERE created < $e1 AND NOT late AND u(i, 'tt.reexport') < 0.008
        """, e1=e1)
        email_choice = "CASE WHEN p.alt_email IS NOT NULL AND u(t.i, 'tt.alt') < 0.3 THEN p.alt_email ELSE p.email END"
        phone = (f"CASE WHEN u(t.i, 'tt.ph') < 0.45 "
                 f"THEN {render_phone('p.country', 'p.mobile', 'US', 't.i', 'tt.ph1')} "
                 f"WHEN p.shared IS NOT NULL AND u(t.i, 'tt.ph2') < 0.3 "
                 f"THEN {render_phone('p.shared_country', 'p.shared', 'US', 't.i', 'tt.ph2')} END")
        query = self.sql("""
        SELECT 'order' AS object,
            'or_' || (t.i * 13 + 50000) AS id,
            {'email': $email, 'first_name': p.first_name, 'last_name': p.last_name,
             'name': p.first_name || ' ' || p.last_name, 'phone': $phone,
             'address': {'address_1': NULL::VARCHAR, 'city': NULL::VARCHAR, 'postal_code': NULL::VARCHAR},
             'custom_questions': []::VARCHAR[]} AS buyer_details,
            t.created // 1000000 AS created_at,
            {'code': t.currency, 'base_multiplier': 100} AS currency,
            {'id': t.event_id, 'event_series_id': t.series, 'name': t.event_name,
             'start_date': {'iso': iso_s(t.event_start)}} AS event_summary,
            [{'object': 'line_item', 'id': 'li_' || (t.i * 3 + 7), 'type': 'ticket',
              'description': 'General Admission', 'quantity': t.qty, 'value': t.value, 'booking_fee': t.fee,
              'total': t.total}] AS line_items,
            CASE WHEN u(t.i, 'tt.asked') < 0.64 THEN u(t.i, 'tt.optin') < 0.12 END AS marketing_opt_in,
            {'type': CASE WHEN t.total > 0 THEN 'stripe' ELSE 'no_cost' END,
             'name': CASE WHEN t.total > 0 THEN 'Card' END} AS payment_method,
            NULL::VARCHAR AS referral_tag,
            CASE WHEN r.refunded THEN t.refund ELSE 0 END AS refund_amount,
            t.status,
            t.value * t.qty AS subtotal,
            0 AS tax,
            t.total,
            CASE WHEN t.total > 0 THEN 'ch_' || $txn END AS txn_id,
            CASE r.f WHEN 1 THEN '$stamp1' ELSE '$stamp2' END AS _extracted_at
        @SOURCE@
        """, email=render_email(email_choice, "t.i", "tt.em"), phone=phone, stamp1=stamp1, stamp2=stamp2,
                         txn=alnum("h64(t.i, 'tt.txn')", 12) + " || " + alnum("h64(t.i, 'tt.txn2')", 2))

        def orders(where: str) -> str:
            return query.replace("@SOURCE@", self.sorted_source(
                "r, t, p", "tt_rows r JOIN tt t USING (i) JOIN persons p ON p.k = t.k", where, "r.i"))
        self.copy("ticket_tailor/orders_2025-06-30.jsonl", orders("r.f = 1"))
        self.copy("ticket_tailor/orders_2025-11-15.jsonl", orders("r.f = 2"))
        templates = self.json_rows(orders("r.f = 1 AND r.i < 1000") + " LIMIT 2")
        self.append_lines("ticket_tailor/orders_2025-11-15.jsonl", [
            _dumps(dict(templates[0], id=None, _extracted_at=stamp2)),
            _dumps(dict(templates[1], id="or_999999991", total="12.50 USD", _extracted_at=stamp2)),
            '{"object": "order", "id": "or_999999992", "buyer_details": {"email": "x',
        ])
        self.run("""
        CREATE OR REPLACE TABLE truth_ticket_tailor AS
        SELECT 1::UTINYINT AS src, i, 'or_' || (i * 13 + 50000) AS record_key, k FROM tt
        """)
        self.drop("tt_events", "tt_events_named", "tt", "tt_rows")

    # -- Kajabi -------------------------------------------------------------------------------------

    def kajabi(self) -> None:
        first_stamp, second_stamp = (f"{d}T07:00:00Z" for d in kajabi.EXTRACTS)
        n_offers = max(94, round(self.n_kj / 50))
        fixed = [("Antares Monthly", 21.96, "subscription", "month"),
                 ("Antares Annual", 200.68, "subscription", "year"),
                 ("StarHouse Mysteries", 233.37, "one-time", None)]
        titles = ["Astrology Foundations", "Tarot Deep Dive", "Moon Cycles Course", "Sacred Sound Training",
                  "Dream Work Intensive", "Chakra Healing Series", "Breath & Body", "Mystery School Module"]
        offers_start = _us(datetime(2020, 1, 15, tzinfo=UTC))
        self.run("""
        CREATE OR REPLACE TABLE kj_offers AS
        SELECT o,
            (2150000000 + o * 37)::VARCHAR AS id,
            CASE WHEN o < 3 THEN $f_title[o + 1]
                 ELSE $titles[1 + o % 8] || ' ' || (2020 + o % 6)
                      || CASE WHEN o % 11 = 0 THEN ' (Payment Plan)' ELSE '' END END AS title,
            CASE WHEN o < 3 THEN $f_price[o + 1] ELSE $price END::DECIMAL(18, 2) AS price,
            CASE WHEN o < 3 THEN $f_type[o + 1] ELSE 'one-time' END AS payment_type,
            CASE WHEN o < 3 THEN $f_interval[o + 1] END AS "interval",
            $start + (o * 1880 // $n_offers) * $day AS created
        FROM range($n_offers) t(o)
        """, f_title=_list([f[0] for f in fixed]), f_price=_list([f[1] for f in fixed]),
                 f_type=_list([f[2] for f in fixed]), f_interval=_list([f[3] for f in fixed]), titles=_list(titles),
                 price=pick([47, 67, 97, 127, 147, 197], "o", "kjo.price"), start=offers_start, n_offers=n_offers,
                 day=DAY_US)
        self.copy("kajabi/offers.csv", self.sql("""
        SELECT id AS "ID", title AS "Title", money(price) AS "Price", 'USD' AS "Currency",
            payment_type AS "Payment Type", "interval" AS "Interval", 'published' AS "Status",
            kj_time(created) AS "Created At", '$stamp' AS _extracted_at
        FROM kj_offers ORDER BY o
        """, stamp=second_stamp), kajabi.OFFER_COLUMNS)

        # contacts: the North Americans of Kajabi, some Australians and Ghanaians
        self.run("""
        CREATE OR REPLACE TABLE kj_contacts AS
        SELECT row_number() OVER (ORDER BY k) - 1 AS c, k
        FROM persons
        WHERE (seg = 2 AND j < $a1) OR (seg = 0 AND k >= $n_au - $n_au_kj) OR (seg = 1 AND k < $n_au + $n_gh_kj)
        """)
        n_kc = self.scalar("SELECT count(*) FROM kj_contacts")
        n_ref = max(1, round(self.n_kj * 0.0136))
        n_charge = self.n_kj - n_ref
        stride = max(1, n_charge // n_ref)
        buyers = -(-n_kc // 3)  # every third contact buys
        t0, t1 = _us(datetime(2020, 1, 10, tzinfo=UTC)), _us(datetime(2025, 11, 11, tzinfo=UTC))
        self.run("""
        CREATE OR REPLACE TABLE kj_tx AS
        WITH charges AS (
            SELECT i, 3 * ri(i, 'kj.buyer', $buyers) AS c,
                CASE WHEN u(i, 'kj.offer') < 0.485 THEN 0 WHEN u(i, 'kj.offer') < 0.504 THEN 1
                     WHEN u(i, 'kj.offer') < 0.526 THEN 2 ELSE 3 + ri(i, 'kj.course', $n_courses) END AS o,
                $t0 + (u(i, 'kj.when') * ($t1 - $t0))::BIGINT AS created,
                false AS is_refund
            FROM range($n_charge) t(i)
        )
        SELECT * FROM charges
        UNION ALL
        SELECT $n_charge + r AS i, ch.c, ch.o, ch.created + 3 * $day, true
        FROM range($n_ref) t(r) JOIN charges ch ON ch.i = r * $stride + ri(r, 'kj.refund', $stride)
        """, buyers=buyers, n_courses=n_offers - 3, t0=t0, t1=t1, n_charge=n_charge, n_ref=n_ref, stride=stride,
                 day=DAY_US)
        c0, c1 = _us(datetime(2019, 6, 1, tzinfo=UTC)), _us(datetime(2025, 11, 10, tzinfo=UTC))
        first_cut = _us(datetime(2025, 6, 30, tzinfo=UTC))
        changed_from = _us(datetime(2025, 9, 1, tzinfo=UTC))
        self.run("""
        CREATE OR REPLACE TABLE kj_contacts_dated AS
        WITH first_purchase AS (SELECT c, min(created) AS fp FROM kj_tx GROUP BY c),
        drawn AS (
            SELECT c.c, c.k, $c0 + (u(c.c, 'kjc.created') * ($c1 - $c0))::BIGINT AS created, f.fp
            FROM kj_contacts c LEFT JOIN first_purchase f USING (c)
        ), dated AS (
            -- a contact exists before its first purchase
            SELECT c, k, CASE WHEN fp IS NOT NULL AND fp <= created
                              THEN fp - (u(c, 'kjc.before') * 30 * $day)::BIGINT ELSE created END AS created
            FROM drawn
        )
        SELECT *, created < $first_cut AS in_first,
            created < $first_cut AND u(c, 'kjc.change') < 0.05 AS changed,
            $changed_from + (u(c, 'kjc.changed_at') * 60 * $day)::BIGINT AS changed_at
        FROM dated
        """, c0=c0, c1=c1, day=DAY_US, first_cut=first_cut, changed_from=changed_from)
        phone = (f"CASE WHEN u(c.c, 'kjc.has_phone') >= 0.367 THEN NULL "
                 f"WHEN p.mobile IS NOT NULL THEN {render_phone('p.country', 'p.mobile', 'US', 'c.c', 'kjc.ph1')} "
                 f"WHEN p.shared IS NOT NULL "
                 f"THEN {render_phone('p.shared_country', 'p.shared', 'US', 'c.c', 'kjc.ph2')} "
                 f"ELSE {placeholder_phone('US', 'c.c', 'kjc.ph0')} END")
        contacts = self.sql("""
        SELECT (1840000000 + c.c * 53)::VARCHAR AS "ID", p.first_name || ' ' || p.last_name AS "Name",
            $email AS "Email", $phone AS "Phone Number", NULL::VARCHAR AS "City", NULL::VARCHAR AS "State",
            p.country AS "Country", $tags AS "Tags",
            CASE WHEN (u(c.c, 'kjc.subscribed') < 0.57) <> ($late AND c.changed) THEN 'true' ELSE 'false' END
                AS "Subscribed",
            kj_time(c.created) AS "Created At",
            kj_time(CASE WHEN $late AND c.changed THEN c.changed_at ELSE c.created END) AS "Updated At",
            '$stamp' AS _extracted_at
        @SOURCE@
        """, email=render_email("p.email", "c.c", "kjc.em"), phone=phone,
                            tags=pick([None, "newsletter", "event-attendee", "member"], "c.c", "kjc.tags"),
                            late="{late}", stamp="{stamp}")

        def contacts_of(late: bool, where: str) -> str:
            return contacts.replace("{late}", _lit(late)).replace(
                "{stamp}", second_stamp if late else first_stamp).replace("@SOURCE@", self.sorted_source(
                    "kc AS c, p", "kj_contacts_dated kc JOIN persons p ON p.k = kc.k", where, "kc.c"))
        cols = kajabi.CONTACT_COLUMNS
        self.copy(f"kajabi/contacts_{kajabi.EXTRACTS[0]}.csv", contacts_of(False, "kc.in_first"), cols)
        self.copy(f"kajabi/contacts_{kajabi.EXTRACTS[1]}.csv", contacts_of(True, "true"), cols)
        templates = self.dict_rows(contacts_of(True, "kc.c IN (3, 4)"))
        self.append_csv(f"kajabi/contacts_{kajabi.EXTRACTS[1]}.csv", cols, [
            dict(templates[0], ID=""),
            dict(templates[1], ID="1999999999", **{"Created At": "yesterday"}),
        ])

        tx_query = self.sql("""
        SELECT (3100000000 + t.i * 19)::VARCHAR AS "ID",
            CASE WHEN t.is_refund THEN 'Refund' WHEN o.payment_type = 'subscription' THEN 'Subscription Charge'
                 ELSE 'Charge' END AS "Type",
            $status AS "Status",
            money(CASE WHEN t.is_refund THEN -o.price ELSE o.price END) AS "Amount",
            'USD' AS "Currency",
            (1840000000 + t.c * 53)::VARCHAR AS "Customer ID",
            p.first_name || ' ' || p.last_name AS "Customer Name",
            $email AS "Customer Email",
            o.id AS "Offer ID", o.title AS "Offer Title",
            CASE WHEN u(t.i, 'kj.coupon') < 0.04 THEN 'SPRING20' END AS "Coupon Used",
            'card' AS "Payment Method",
            CASE WHEN u(t.i, 'kj.provider') < 0.9 THEN 'stripe' ELSE 'paypal' END AS "Provider",
            '0.00' AS "Sales Tax", '1' AS "Quantity",
            kj_time(t.created) AS "Created At",
            '$stamp' AS _extracted_at
        @SOURCE@
        """, status=wpick(["succeeded", "failed", "pending"], [0.995, 0.003, 0.002], "t.i", "kj.status"),
                            email=render_email("p.email", "t.i", "kj.em"), stamp=second_stamp)

        def transactions(where: str) -> str:
            return tx_query.replace("@SOURCE@", self.sorted_source(
                "t, p, ko AS o", "kj_tx t JOIN kj_contacts kc ON kc.c = t.c JOIN persons p ON p.k = kc.k "
                "JOIN kj_offers ko ON ko.o = t.o", where, "t.i"))
        self.copy("kajabi/transactions.csv", transactions("true"), kajabi.TRANSACTION_COLUMNS)
        templates = self.dict_rows(transactions("t.i IN (5, 6, 7, 8)"))
        self.append_csv("kajabi/transactions.csv", kajabi.TRANSACTION_COLUMNS, [
            dict(templates[0], ID=""),
            dict(templates[1], ID="3999999991", Amount="N/A"),
            dict(templates[2], ID="3999999992", Currency="ZZZ"),
            dict(templates[3], ID="3999999993", **{"Created At": "31/02/2024"}),
        ])
        self.run("""
        CREATE OR REPLACE TABLE truth_kajabi AS
        SELECT 2::UTINYINT AS src, c AS i, (1840000000 + c * 53)::VARCHAR AS record_key, k FROM kj_contacts
        UNION ALL
        SELECT 3::UTINYINT, t.i, (3100000000 + t.i * 19)::VARCHAR, kc.k FROM kj_tx t JOIN kj_contacts kc ON kc.c = t.c
        """)
        self.drop("kj_offers", "kj_contacts", "kj_contacts_dated", "kj_tx")

    # -- Zoho ---------------------------------------------------------------------------------------

    def zoho(self) -> None:
        self.run("""
        CREATE OR REPLACE TABLE zo_people AS
        SELECT k, j < $a1 AS in_kajabi
        FROM persons
        WHERE seg = 2 AND ((j < $a1 AND u(k, 'zo.in') < 0.4) OR (j >= $a1 AND j < $a2))
        """)
        n_main = self.scalar("SELECT count(*) FROM zo_people")
        self.run("""
        CREATE OR REPLACE TABLE zo AS
        SELECT row_number() OVER (ORDER BY k) - 1 AS z, k, in_kajabi, false AS dup, 0 AS d FROM zo_people
        UNION ALL
        SELECT $n_main + row_number() OVER (ORDER BY k) - 1, k, in_kajabi, true, row_number() OVER (ORDER BY k) - 1
        FROM zo_people WHERE u(k, 'zo.dup') < 0.015
        """, n_main=n_main)
        t0, t1 = _us(datetime(2019, 3, 1, tzinfo=UTC)), _us(datetime(2025, 11, 1, tzinfo=UTC))
        noise = {"case_noise": 0.15}
        address = ("CASE WHEN z.dup THEN (CASE WHEN z.d % 2 = 1 THEN upper(coalesce(p.alt_email, p.email)) "
                   "ELSE coalesce(p.alt_email, p.email) END) "
                   "WHEN p.alt_email IS NOT NULL AND u(z.z, 'zo.alt') < CASE WHEN z.in_kajabi THEN 0.2 ELSE 0.5 END "
                   "THEN p.alt_email ELSE p.email END")
        email = (f"CASE WHEN NOT z.dup AND NOT z.in_kajabi AND u(z.z, 'zo.r') < 0.04 AND p.mobile IS NOT NULL "
                 f"THEN NULL "
                 f"WHEN NOT z.dup AND NOT z.in_kajabi AND u(z.z, 'zo.r') < 0.06 "
                 f"THEN {placeholder_email('z.z', 'zo.ph')} "
                 f"ELSE {render_email(address, 'z.z', 'zo.em', **noise)} END")
        query = self.sql("""
        SELECT (4876876000000100000 + z.z * 1117)::VARCHAR AS "Record Id",
            $owner AS "Contact Owner", p.first_name AS "First Name", p.last_name AS "Last Name",
            $email AS "Email", NULL::VARCHAR AS "Secondary Email",
            CASE WHEN p.shared IS NOT NULL AND u(z.z, 'zo.phone') < 0.85 THEN $phone END AS "Phone",
            CASE WHEN p.mobile IS NOT NULL AND (z.dup OR u(z.z, 'zo.mobile') < 0.6) THEN $mobile END AS "Mobile",
            NULL::VARCHAR AS "Mailing City", $country AS "Mailing Country",
            $lead AS "Lead Source",
            CASE WHEN u(z.z, 'zo.optout') < 0.45 THEN 'true' ELSE 'false' END AS "Email Opt Out",
            zoho_time($t0 + (u(z.z, 'zo.created') * ($t1 - $t0))::BIGINT) AS "Created Time",
            zoho_time($t0 + (u(z.z, 'zo.created') * ($t1 - $t0))::BIGINT + (u(z.z, 'zo.modified') * 200 * $day)::BIGINT)
                AS "Modified Time",
            '$stamp' AS _extracted_at
        @SOURCE@
        """, owner=pick(["Dana Reyes", "Sam Ortiz"], "z.z", "zo.owner"), email=email,
                         phone=render_phone("p.shared_country", "p.shared", "US", "z.z", "zo.ph1"),
                         mobile=render_phone("p.country", "p.mobile", "US", "z.z", "zo.ph2"),
                         country="CASE p.country " + " ".join(f"WHEN '{c}' THEN {_lit(n)}"
                                                              for c, n in zoho.COUNTRY_NAMES.items()) + " END",
                         lead=pick(["Website", "Event", "Referral", "Kajabi import"], "z.z", "zo.lead"),
                         t0=t0, t1=t1, day=DAY_US, stamp=zoho.EXTRACTED_AT)

        def contacts(where: str) -> str:
            return query.replace("@SOURCE@", self.sorted_source(
                "zz AS z, p", "zo zz JOIN persons p ON p.k = zz.k", where, "zz.z"))
        self.copy("zoho/contacts.csv", contacts("true"), zoho.COLUMNS)
        templates = self.dict_rows(contacts("zz.z IN (10, 11)"))
        self.append_csv("zoho/contacts.csv", zoho.COLUMNS, [
            dict(templates[0], **{"Record Id": ""}),
            dict(templates[1], **{"Record Id": "4876876000009999999", "Created Time": "2024-02-30 10:00:00"}),
        ])
        self.run("""
        CREATE OR REPLACE TABLE truth_zoho AS
        SELECT 4::UTINYINT AS src, z AS i, (4876876000000100000 + z * 1117)::VARCHAR AS record_key, k FROM zo
        """)
        self.drop("zo_people", "zo")

    # -- PayPal -------------------------------------------------------------------------------------

    def paypal(self) -> None:
        n_ref = max(1, round(self.n_pp * 0.004))
        target = self.n_pp - n_ref  # payments and lifetime memberships
        subs = max(30, round(target / 22 * 1.5))  # about 22 payments a subscription: enough to cut from
        start0 = _us(datetime(2021, 3, 1, tzinfo=UTC))
        cancelled_until = _us(datetime(2025, 6, 1, tzinfo=UTC))
        active_until = _us(datetime(2025, 9, 1, tzinfo=UTC))
        end, cancelled_by, cut = _us(paypal.END), _us(paypal.CANCELLED_BY), _us(paypal.CUT)
        self.run("""
        CREATE OR REPLACE TABLE pp_subs AS
        WITH s AS (
            SELECT s,
                CASE WHEN u(s, 'pp.source') < 0.7 THEN $na0 + ri(s, 'pp.kajabi', $a1)
                     ELSE $na0 + $a3 + ri(s, 'pp.only', $n_only) END AS k,
                ri(s, 'pp.product', 3) AS product,
                u(s, 'pp.cancelled') < 0.422 AS cancelled,
                u(s, 'pp.noproduct') < 0.35 AS no_product,
                s % 30 = 0 AS lifetime
            FROM range($subs) t(s)
        ), started AS (
            SELECT *, $start0 + (u(s, 'pp.start') * (CASE WHEN cancelled THEN $cancelled_until ELSE $active_until END
                                                    - $start0))::BIGINT AS start
            FROM s
        ), months AS (
            SELECT *,
                CASE WHEN cancelled
                     THEN greatest(1, least(1 + ri(s, 'pp.months', 29), (($cancelled_by - start) // $day) // 30.4))
                     ELSE ceil(($end - start) / $month) END::BIGINT AS months
            FROM started
        ), counted AS (
            SELECT *, months + lifetime::INTEGER AS n_rows FROM months
        )
        SELECT *,
            coalesce(sum(n_rows) OVER (ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::BIGINT AS cum
        FROM counted
        """, subs=subs, n_only=self.n_na - self.a3, start0=start0, cancelled_until=cancelled_until,
                 active_until=active_until, cancelled_by=cancelled_by, end=end, day=DAY_US, month=MONTH_US)
        products = paypal.PRODUCTS
        self.run("""
        CREATE OR REPLACE TABLE pp_pay AS
        WITH exploded AS (
            SELECT s, k, product, no_product, months, start, cum, unnest(range(n_rows)) AS m
            FROM pp_subs WHERE cum < $target
        )
        SELECT s, k, cum + m AS g, m < months AS is_subscription,
            CASE WHEN m < months THEN start + m * $month ELSE start + (months - 1) * $month + $day END AS ts,
            CASE WHEN m < months THEN $price[product + 1] ELSE 1200.00 END::DECIMAL(18, 2) AS gross,
            CASE WHEN m < months THEN -round($price[product + 1] * 0.029 + 0.30, 2)
                 ELSE -35.10 END::DECIMAL(18, 2) AS fee,
            CASE WHEN u(cum + m, 'pp.denied') < 0.01 THEN 'Denied' ELSE 'Completed' END AS status,
            CASE WHEN m = months THEN 'Lifetime Membership'
                 WHEN NOT no_product THEN $title[product + 1] END AS item_title,
            CASE WHEN m = months THEN 'P-LIFETIME' WHEN NOT no_product THEN $item[product + 1] END AS item_id
        FROM exploded WHERE cum + m < $target
        """, target=target, month=MONTH_US, day=DAY_US, price=_list([p[1] for p in products]),
                 title=_list([p[0] for p in products]), item=_list([p[2] for p in products]))
        n_pay = self.scalar("SELECT count(*) FROM pp_pay")
        stride = max(1, n_pay // n_ref)
        sub_id = "'I-' || " + alnum("scr(s, 'pp.sub')", 10) + " || " + alnum("h64(s, 'pp.sub.random')", 2)

        def tx_id(g: str) -> str:  # 17 characters, unique for the row number g of a transaction
            return alnum(f"scr({g}, 'pp.tx')", 10) + " || " + alnum(f"h64({g}, 'pp.tx.random')", 7)
        self.run("""
        CREATE OR REPLACE TABLE pp AS
        SELECT g, s, k, ts,
            CASE WHEN is_subscription THEN 'Subscription Payment' ELSE 'General Payment' END AS type,
            status, gross, fee, $tx_id AS tx_id, item_title, item_id,
            CASE WHEN is_subscription THEN $sub_id END AS reference,
            'Credit' AS balance_impact
        FROM pp_pay
        UNION ALL
        SELECT $n_pay + r AS g, x.s, x.k, x.ts + 2 * $day, 'Payment Refund', x.status, -x.gross, 0::DECIMAL(18, 2),
            $refund_tx_id, x.item_title, x.item_id, $ref_tx_id, 'Debit'
        FROM range($n_ref) t(r) JOIN pp_pay x ON x.g = r * $stride + ri(r, 'pp.refund', $stride)
        WHERE x.status = 'Completed'
        """, tx_id=tx_id("g"), sub_id=sub_id, n_pay=n_pay, n_ref=n_ref, stride=stride, day=DAY_US,
                 refund_tx_id=tx_id(f"{n_pay} + r"), ref_tx_id=tx_id("x.g"))
        query = self.sql("""
        SELECT strftime(den_local(x.ts), '%m/%d/%Y') AS "Date", strftime(den_local(x.ts), '%H:%M:%S') AS "Time",
            CASE WHEN den_off(x.ts) = -360 THEN 'MDT' ELSE 'MST' END AS "TimeZone",
            p.first_name || ' ' || p.last_name AS "Name", x.type AS "Type",
            CASE WHEN $first AND x.status = 'Completed' AND x.ts > $cut - 3 * $day AND u(x.g, 'pp.pending') < 0.5
                 THEN 'Pending' ELSE x.status END AS "Status",
            'USD' AS "Currency",
            format('{:,.2f}', x.gross::DOUBLE) AS "Gross", format('{:,.2f}', x.fee::DOUBLE) AS "Fee",
            format('{:,.2f}', (x.gross + x.fee)::DOUBLE) AS "Net",
            $email AS "From Email Address", 'payments@starhouse.org' AS "To Email Address",
            x.tx_id AS "Transaction ID", x.item_title AS "Item Title", x.item_id AS "Item ID",
            x.reference AS "Reference Txn ID",
            CASE WHEN u(x.s, 'pp.has_phone') < 0.2 THEN $phone END AS "Contact Phone Number",
            'US' AS "Country Code", x.balance_impact AS "Balance Impact",
            '$stamp' AS _extracted_at
        @SOURCE@
        """, email=render_email("p.email", "x.s", "pp.em"),
                         phone=render_phone("p.country", "p.mobile", "US", "x.s", "pp.ph"), cut=cut, day=DAY_US,
                         first="{first}", stamp="{stamp}")
        june = _us(datetime(2025, 6, 1, tzinfo=UTC))

        def activity(first: bool, where: str) -> str:
            return query.replace("{first}", _lit(first)).replace(
                "{stamp}", "2025-07-01T08:00:00Z" if first else "2025-11-12T08:00:00Z").replace(
                "@SOURCE@", self.sorted_source("x, p", "pp x JOIN persons p USING (k)", where, "x.g"))
        self.copy("paypal/activity_2025-07-01.csv", activity(True, f"x.ts <= {cut}"), paypal.COLUMNS)
        self.copy("paypal/activity_2025-11-12.csv", activity(False, f"x.ts >= {june}"), paypal.COLUMNS)
        first_g = self.scalar(f"SELECT min(g) FROM pp WHERE ts >= {june}")
        template = self.dict_rows(activity(False, f"x.g = {first_g}"))[0]
        self.append_csv("paypal/activity_2025-11-12.csv", paypal.COLUMNS, [
            dict(template, Gross="abc", **{"Transaction ID": self.alnum_id(17)}),
            dict(template, Date="13/45/2024", **{"Transaction ID": self.alnum_id(17)}),
            dict(template, **{"Transaction ID": ""}),
        ])
        self.run("""
        CREATE OR REPLACE TABLE truth_paypal AS
        SELECT 5::UTINYINT AS src, g AS i, tx_id AS record_key, k FROM pp
        """)
        self.drop("pp_subs", "pp_pay", "pp")

    # -- web shop -----------------------------------------------------------------------------------

    def webshop(self) -> None:
        n_shops = max(8, round(self.n_ws / 70))
        names = ["Kofi Data Hub", "Accra Bundles", "Kumasi Connect", "Tema Data Plug", "Volta Net Shop",
                 "Cape Coast Data", "Tamale Bytes", "Osu Data Point"]
        stamp = webshop.EXTRACTED_AT
        shops_start = _us(datetime(2025, 5, 1, tzinfo=UTC))
        self.run("""
        CREATE OR REPLACE TABLE ws_shops AS
        SELECT i, uuid_of(i, 'ws.shop') AS id,
            $names[1 + i % 8] || CASE WHEN i >= 8 THEN ' ' || (i // 8 + 1) ELSE '' END AS name,
            $start + (7 * (i % 8) + (i // 8) % 20) * $day AS created
        FROM range($n_shops) t(i)
        """, names=_list(names), start=shops_start, day=DAY_US, n_shops=n_shops)
        self.copy("webshop/shops.csv", self.sql("""
        SELECT id, uuid_of(i, 'ws.owner') AS owner_id, name, replace(lower(name), ' ', '-') AS slug,
            'GHS' AS currency, 'GH' AS country, pg_time(created) AS created_at,
            pg_time(created + 30 * $day) AS updated_at,
            '$stamp' AS _extracted_at
        FROM ws_shops ORDER BY i
        """, day=DAY_US, stamp=stamp), webshop.SHOP_COLUMNS)

        # memberships: one customer row per person and shop; every twelfth person also buys from a second shop
        second = -(-self.n_gh // 12)
        per_membership = 1.3 * self.n_ws / (self.n_gh + second)  # expected orders, 30% above the target
        repeat_rate = WEBSHOP["repeat_customer_rate"]
        mean_repeat = max(2.0, (per_membership - (1 - repeat_rate)) / repeat_rate)
        width = max(1, round(2 * (mean_repeat - 2) + 1))
        self.run("""
        CREATE OR REPLACE TABLE ws_members AS
        WITH m AS (
            SELECT g, 0 AS second, ri(g, 'ws.shop', $n_shops) AS shop FROM range($n_gh) t(g)
            UNION ALL
            SELECT g * 12, 1, (ri(g * 12, 'ws.shop', $n_shops) + 1 + ri(g * 12, 'ws.shop2', 3)) % $n_shops
            FROM range($second) t(g)
        ), numbered AS (
            SELECT *, row_number() OVER (ORDER BY g, second) - 1 AS m FROM m
        ), sized AS (
            SELECT *, u(m, 'ws.repeat') < $repeat_rate AS is_repeat,
                CASE WHEN u(m, 'ws.repeat') < $repeat_rate THEN 2 + ri(m, 'ws.n', $width) ELSE 1 END AS n_orders
            FROM numbered
        ), counted AS (
            SELECT *,
                coalesce(sum(n_orders) OVER (ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::BIGINT
                    AS cum
            FROM sized
        )
        SELECT m, $n_au + g AS k, shop, is_repeat, cum, least(n_orders, $n_ws - cum)::BIGINT AS n_orders
        FROM counted WHERE cum < $n_ws
        """, n_shops=n_shops, second=second, repeat_rate=repeat_rate, width=width)
        tracking = _us(webshop.TRACKING_STARTED)
        open_from, close = _us(datetime(2025, 6, 1, tzinfo=UTC)), _us(datetime(2025, 12, 19, 20, tzinfo=UTC))
        packages = webshop.PACKAGES
        self.run("""
        CREATE OR REPLACE TABLE ws_orders AS
        WITH o AS (
            SELECT m, k, shop, is_repeat, cum + unnest(range(n_orders)) AS o FROM ws_members
        ), timed AS (
            SELECT *,
                -- repeat customers, as the dashboard counts them, bought while the app tracked customers
                CASE WHEN is_repeat THEN $tracking ELSE $open_from END AS first_day
            FROM o
        ), dated AS (
            SELECT *, first_day + (u(o, 'ws.when') * ($close - first_day))::BIGINT AS ts FROM timed
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY m ORDER BY ts, o) AS rank FROM dated
        )
        SELECT *,
            CASE WHEN is_repeat AND rank <= 2 THEN 'completed' ELSE $status END AS status,
            $package AS package
        FROM ranked
        """, tracking=tracking, open_from=open_from, close=close,
                 status=wpick(["completed", "failed", "pending", "refunded"], [0.9, 0.06, 0.03, 0.01], "o",
                              "ws.status"),
                 package=wpick(list(range(len(packages))), [0.15, 0.25, 0.25, 0.2, 0.1, 0.05], "o", "ws.package"))
        email = (f"CASE WHEN u(w.m, 'ws.email') < 0.5 THEN {render_email('p.email', 'w.m', 'ws.em')} "
                 f"WHEN u(w.m, 'ws.email') < 0.55 THEN {placeholder_email('w.m', 'ws.ph0')} END")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW ws_email AS SELECT w.m, {email} AS email "
                         "FROM ws_members w JOIN persons p USING (k)")
        orders = self.sql("""
        SELECT uuid_of(x.o, 'ws.order') AS id, s.id AS shop_id,
            CASE WHEN x.ts >= $tracking THEN uuid_of(x.m, 'ws.customer') END AS shop_customer_id,
            p.first_name || ' ' || p.last_name AS customer_name,
            CASE WHEN p.mobile IS NOT NULL THEN $phone ELSE $placeholder END AS customer_phone,
            e.email AS customer_email,
            $network AS network,
            $package_name[x.package + 1] AS package,
            1 AS quantity,
            money($package_price[x.package + 1]) AS amount,
            'GHS' AS currency, x.status,
            'PAY-' || upper(substr(hex16(h64(x.o, 'ws.pay')), 1, 8)) AS payment_reference,
            pg_time(x.ts) AS created_at,
            pg_time(x.ts + (5000000 + u(x.o, 'ws.updated') * 85000000)::BIGINT) AS updated_at,
            '$stamp' AS _extracted_at
        @SOURCE@
        """, tracking=tracking, phone=render_phone("p.country", "p.mobile", "GH", "x.o", "ws.ph"),
                          placeholder=placeholder_phone("GH", "x.o", "ws.ph9"),
                          network=pick(["MTN", "Telecel", "AirtelTigo"], "x.o", "ws.network"),
                          package_name=_list([p[0] for p in packages]),
                          package_price=_list([p[1] for p in packages]), stamp=stamp)

        def shop_orders(where: str) -> str:
            return orders.replace("@SOURCE@", self.sorted_source(
                "x, s, p, e", "ws_orders x JOIN ws_shops s ON s.i = x.shop JOIN persons p ON p.k = x.k "
                "JOIN ws_email e ON e.m = x.m", where, "x.o"))
        self.copy("webshop/shop_orders.csv", shop_orders("true"), webshop.ORDER_COLUMNS)
        templates = self.dict_rows(shop_orders("x.o IN (0, 1, 2)"))
        self.append_csv("webshop/shop_orders.csv", webshop.ORDER_COLUMNS, [
            dict(templates[0], id=self.uuid(), amount="-20.00"),
            dict(templates[1], id=self.uuid(), created_at="0000-00-00 00:00:00+00"),
            dict(templates[2], id=self.uuid(), shop_id=None),
        ])
        # the app's running totals count the orders it tracked (linked to the customer) and completed
        self.run("""
        CREATE OR REPLACE TABLE ws_tracked AS
        SELECT m, min(ts) AS first_at, max(ts) AS last_at, count(*) AS n,
            sum($package_price[package + 1]::DECIMAL(18, 2)) AS spent
        FROM ws_orders WHERE ts >= $tracking AND status = 'completed' GROUP BY m
        """, package_price=_list([p[1] for p in packages]), tracking=tracking)
        self.copy("webshop/shop_customers.csv", self.sql("""
        SELECT uuid_of(w.m, 'ws.customer') AS id, s.id AS shop_id,
            CASE WHEN p.mobile IS NOT NULL THEN '0' || p.mobile END AS phone, e.email,
            p.first_name || ' ' || p.last_name AS name,
            pg_time(t.first_at) AS first_purchase_at, pg_time(t.last_at) AS last_purchase_at,
            coalesce(t.n, 0) AS total_purchases, money(coalesce(t.spent, 0)) AS total_spent,
            CASE WHEN coalesce(t.n, 0) > 1 THEN 't' ELSE 'f' END AS repeat_customer,
            replace(lower(s.name), ' ', '-') AS first_source_slug,
            pg_time(coalesce(t.first_at, $tracking)) AS created_at,
            pg_time(coalesce(t.last_at, $tracking)) AS updated_at,
            '$stamp' AS _extracted_at
        @SOURCE@
        """, tracking=tracking, stamp=stamp).replace("@SOURCE@", self.sorted_source(
            "w, s, p, e, t", "ws_members w JOIN ws_shops s ON s.i = w.shop JOIN persons p ON p.k = w.k "
            "JOIN ws_email e ON e.m = w.m LEFT JOIN ws_tracked t ON t.m = w.m", "true", "w.m")),
            webshop.CUSTOMER_COLUMNS)
        self.run("""
        CREATE OR REPLACE TABLE truth_webshop AS
        SELECT 6::UTINYINT AS src, m AS i, uuid_of(m, 'ws.customer') AS record_key, k FROM ws_members
        UNION ALL
        SELECT 7::UTINYINT, o, uuid_of(o, 'ws.order'), k FROM ws_orders
        """)
        self.con.execute("DROP VIEW ws_email")
        self.drop("ws_shops", "ws_members", "ws_orders", "ws_tracked")

    # -- ground truth -------------------------------------------------------------------------------

    def truth(self, truth_dir: Path) -> int:
        truth_dir.mkdir(parents=True, exist_ok=True)
        tables = ["truth_humanitix", "truth_ticket_tailor", "truth_kajabi", "truth_zoho", "truth_paypal",
                  "truth_webshop"]
        union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
        target = truth_dir / TRUTH_FILE
        names = _list(TRUTH_TABLES)
        return int(self.con.execute(
            f"COPY (SELECT {names}[src + 1] AS source_table, record_key, person_id(k) AS person_id "
            f"FROM ({union}) ORDER BY src, i) TO {_lit(str(target))} (FORMAT csv, HEADER true)").fetchone()[0])


def _dumps(record: dict) -> str:
    """One JSON line as DuckDB's COPY writes them (no spaces after separators)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def generate_scale(raw_dir: Path, truth_dir: Path, orders: int, seed: int = 42, progress=print) -> dict[str, int]:
    """Write about `orders` orders across the six sources under raw_dir, the ground truth under truth_dir.

    Returns the number of rows written per landing file (relative path -> rows).
    """
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    if orders < 1000:
        raise ValueError("generate at least 1,000 orders")
    started = time.perf_counter()
    if raw_dir.exists():
        shutil.rmtree(raw_dir)
    raw_dir.mkdir(parents=True)
    spill = Path(tempfile.mkdtemp(prefix="scale_spill_"))  # where DuckDB spills beyond MEMORY_LIMIT
    con = None
    try:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill),
                                     "preserve_insertion_order": True})
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        gen = _Gen(con, raw_dir, orders, seed)
        steps = [("people", gen.people), ("humanitix", gen.humanitix), ("ticket_tailor", gen.ticket_tailor),
                 ("kajabi", gen.kajabi), ("zoho", gen.zoho), ("paypal", gen.paypal), ("webshop", gen.webshop)]
        for name, step in steps:
            before = dict(gen.counts)
            t = time.perf_counter()
            step()
            if name == "people":
                rows = gen.scalar("SELECT count(*) FROM persons")
                progress(f"people: {rows:,} people in the pool ({time.perf_counter() - t:.1f} s)")
            else:
                written = {k: v for k, v in gen.counts.items() if k not in before}
                detail = ", ".join(f"{Path(k).name} {v:,}" for k, v in written.items())
                progress(f"{name}: {sum(written.values()):,} rows ({detail}) in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        truth_rows = gen.truth(truth_dir)
        progress(f"ground truth: {truth_rows:,} rows in {time.perf_counter() - t:.1f} s")
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
    counts = gen.counts
    progress(f"wrote {sum(counts.values()):,} landing rows in {len(counts)} files to {raw_dir} "
             f"in {time.perf_counter() - started:.1f} s")
    return counts
