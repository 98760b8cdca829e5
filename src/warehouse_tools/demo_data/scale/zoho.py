"""Zoho CRM at scale (as zoho.py): contacts, some also in Kajabi, a few duplicated, with placeholder and
missing emails and the demo's invalid CSV rows.
"""

from __future__ import annotations

from datetime import datetime

from .. import zoho as demo
from ..helpers import UTC
from .render import lit, pick, placeholder_email, render_email, render_phone
from .state import ScaleRun
from .times import DAY_US, us


def generate(gen: ScaleRun) -> None:
    """Write the Zoho contacts, and the table truth_zoho."""
    gen.run("""
    CREATE OR REPLACE TABLE zo_people AS
    SELECT k, j < $a1 AS in_kajabi
    FROM persons
    WHERE seg = 2 AND ((j < $a1 AND u(k, 'zo.in') < 0.4) OR (j >= $a1 AND j < $a2))
    """)
    n_main = gen.scalar("SELECT count(*) FROM zo_people")
    gen.run("""
    CREATE OR REPLACE TABLE zo AS
    SELECT row_number() OVER (ORDER BY k) - 1 AS z, k, in_kajabi, false AS dup, 0 AS d FROM zo_people
    UNION ALL
    SELECT $n_main + row_number() OVER (ORDER BY k) - 1, k, in_kajabi, true, row_number() OVER (ORDER BY k) - 1
    FROM zo_people WHERE u(k, 'zo.dup') < 0.015
    """, n_main=n_main)
    t0, t1 = us(datetime(2019, 3, 1, tzinfo=UTC)), us(datetime(2025, 11, 1, tzinfo=UTC))
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
    query = gen.sql("""
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
                    country="CASE p.country " + " ".join(f"WHEN '{c}' THEN {lit(n)}"
                                                         for c, n in demo.COUNTRY_NAMES.items()) + " END",
                    lead=pick(["Website", "Event", "Referral", "Kajabi import"], "z.z", "zo.lead"),
                    t0=t0, t1=t1, day=DAY_US, stamp=demo.EXTRACTED_AT)

    def contacts(where: str) -> str:
        return query.replace("@SOURCE@", gen.sorted_source(
            "zz AS z, p", "zo zz JOIN persons p ON p.k = zz.k", where, "zz.z"))
    gen.copy("zoho/contacts.csv", contacts("true"), demo.COLUMNS)
    templates = gen.dict_rows(contacts("zz.z IN (10, 11)"))
    gen.append_csv("zoho/contacts.csv", demo.COLUMNS, [
        dict(templates[0], **{"Record Id": ""}),
        dict(templates[1], **{"Record Id": "4876876000009999999", "Created Time": "2024-02-30 10:00:00"}),
    ])
    gen.run("""
    CREATE OR REPLACE TABLE truth_zoho AS
    SELECT 4::UTINYINT AS src, z AS i, (4876876000000100000 + z * 1117)::VARCHAR AS record_key, k FROM zo
    """)
    gen.drop("zo_people", "zo")
