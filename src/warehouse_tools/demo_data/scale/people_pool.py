"""The person pool of the scale generator: the table `persons`, as people.py and population.py draw them.

Australians (Humanitix), Ghanaians (web shop) and North Americans (the StarHouse systems), in households and
offices that share a phone; emails unique by a number appended within a collision group, phone numbers a
bijection (k * A + B mod M) of the person (or household) number onto the valid ranges people.py draws from.
"""

from __future__ import annotations

import math
from functools import lru_cache

from ..people import EMAIL_DOMAINS, FAKER_LOCALES, GH_FIRST, GH_LAST, GH_MOBILE_PREFIXES, US_AREA_CODES, _ascii
from .render import pick, sql_list
from .state import ScaleRun

NAMES_PER_LIST = 300
US_EXCHANGES = [e for e in range(200, 1000) if e != 555 and e % 100 != 11]  # [2-9]xx, not 555 or N11


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


def build_people(gen: ScaleRun) -> None:
    """The table `persons`: every person of the pool with names, emails and phone numbers, unique by construction."""
    lists = name_lists()
    rows = []
    for country, (firsts, lasts) in lists.items():
        rows += [(country, "f", i, name, _ascii(name)) for i, name in enumerate(firsts)]
        rows += [(country, "l", i, name, _ascii(name)) for i, name in enumerate(lasts)]
    gen.con.execute("CREATE OR REPLACE TABLE names (country VARCHAR, kind VARCHAR, idx BIGINT, name VARCHAR, "
                    "ascii VARCHAR)")
    gen.con.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", rows)
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
    assert gen.P + gen.P // 16 + 1 < m_us and gen.P < spaces["gh"]
    offset = {name: f"(h64(0, 'phone.{name}') % {size})::BIGINT" for name, size in spaces.items()}

    def bij(key: str, name: str) -> str:
        return f"(({key}) * {_multiplier(spaces[name])} + {offset[name]}) % {spaces[name]}"

    def us_number(x: str) -> str:
        return (f"{sql_list(US_AREA_CODES)}[1 + ({x}) // {len(US_EXCHANGES) * 10**4}] || "
                f"{sql_list([str(e) for e in US_EXCHANGES])}[1 + (({x}) // 10000) % {len(US_EXCHANGES)}] || "
                f"lpad((({x}) % 10000)::VARCHAR, 4, '0')")

    def seven(x: str) -> str:
        return f"lpad((({x}) % 10000000)::VARCHAR, 7, '0')"

    gen.run("""
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
    gen.run("""
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
    au_landline = (f"{sql_list(['29', '39', '73'])}[1 + ({bij('p.b', 'au_landline')}) // 10000000] || "
                   f"{seven(bij('p.b', 'au_landline'))}")
    gh_mobile = f"{sql_list(GH_MOBILE_PREFIXES)}[1 + ({bij('p.k', 'gh')}) // 10000000] || {seven(bij('p.k', 'gh'))}"
    gen.run("""
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
            au_landline=au_landline, us_shared=us_number(bij(f"{gen.P} + p.b", "us")))
    gen.con.execute("DROP TABLE people_base; DROP TABLE emails")
