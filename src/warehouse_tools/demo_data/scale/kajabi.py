"""Kajabi at scale (as kajabi.py): offers, contacts in two extracts (some changed in the later one), and
transactions with refunds, with the demo's invalid CSV rows.

The contacts are the North Americans of Kajabi and a few Australians and Ghanaians; every third buys.
"""

from __future__ import annotations

from datetime import datetime

from .. import kajabi as demo
from ..helpers import UTC
from .render import lit, pick, placeholder_phone, render_email, render_phone, sql_list, wpick
from .state import ScaleRun
from .times import DAY_US, us


def generate(gen: ScaleRun) -> None:
    """Write the Kajabi offers, contacts (two extracts) and transactions, and the table truth_kajabi."""
    first_stamp, second_stamp = (f"{d}T07:00:00Z" for d in demo.EXTRACTS)
    n_offers = max(94, round(gen.n_kj / 50))
    fixed = [("Antares Monthly", 21.96, "subscription", "month"),
             ("Antares Annual", 200.68, "subscription", "year"),
             ("StarHouse Mysteries", 233.37, "one-time", None)]
    titles = ["Astrology Foundations", "Tarot Deep Dive", "Moon Cycles Course", "Sacred Sound Training",
              "Dream Work Intensive", "Chakra Healing Series", "Breath & Body", "Mystery School Module"]
    offers_start = us(datetime(2020, 1, 15, tzinfo=UTC))
    gen.run("""
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
    """, f_title=sql_list([f[0] for f in fixed]), f_price=sql_list([f[1] for f in fixed]),
            f_type=sql_list([f[2] for f in fixed]), f_interval=sql_list([f[3] for f in fixed]), titles=sql_list(titles),
            price=pick([47, 67, 97, 127, 147, 197], "o", "kjo.price"), start=offers_start, n_offers=n_offers,
            day=DAY_US)
    gen.copy("kajabi/offers.csv", gen.sql("""
    SELECT id AS "ID", title AS "Title", money(price) AS "Price", 'USD' AS "Currency",
        payment_type AS "Payment Type", "interval" AS "Interval", 'published' AS "Status",
        kj_time(created) AS "Created At", '$stamp' AS _extracted_at
    FROM kj_offers ORDER BY o
    """, stamp=second_stamp), demo.OFFER_COLUMNS)

    # contacts: the North Americans of Kajabi, some Australians and Ghanaians
    gen.run("""
    CREATE OR REPLACE TABLE kj_contacts AS
    SELECT row_number() OVER (ORDER BY k) - 1 AS c, k
    FROM persons
    WHERE (seg = 2 AND j < $a1) OR (seg = 0 AND k >= $n_au - $n_au_kj) OR (seg = 1 AND k < $n_au + $n_gh_kj)
    """)
    n_kc = gen.scalar("SELECT count(*) FROM kj_contacts")
    n_ref = max(1, round(gen.n_kj * 0.0136))
    n_charge = gen.n_kj - n_ref
    stride = max(1, n_charge // n_ref)
    buyers = -(-n_kc // 3)  # every third contact buys
    t0, t1 = us(datetime(2020, 1, 10, tzinfo=UTC)), us(datetime(2025, 11, 11, tzinfo=UTC))
    gen.run("""
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
    c0, c1 = us(datetime(2019, 6, 1, tzinfo=UTC)), us(datetime(2025, 11, 10, tzinfo=UTC))
    first_cut = us(datetime(2025, 6, 30, tzinfo=UTC))
    changed_from = us(datetime(2025, 9, 1, tzinfo=UTC))
    gen.run("""
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
    contacts = gen.sql("""
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
        return contacts.replace("{late}", lit(late)).replace(
            "{stamp}", second_stamp if late else first_stamp).replace("@SOURCE@", gen.sorted_source(
                "kc AS c, p", "kj_contacts_dated kc JOIN persons p ON p.k = kc.k", where, "kc.c"))
    cols = demo.CONTACT_COLUMNS
    gen.copy(f"kajabi/contacts_{demo.EXTRACTS[0]}.csv", contacts_of(False, "kc.in_first"), cols)
    gen.copy(f"kajabi/contacts_{demo.EXTRACTS[1]}.csv", contacts_of(True, "true"), cols)
    templates = gen.dict_rows(contacts_of(True, "kc.c IN (3, 4)"))
    gen.append_csv(f"kajabi/contacts_{demo.EXTRACTS[1]}.csv", cols, [
        dict(templates[0], ID=""),
        dict(templates[1], ID="1999999999", **{"Created At": "yesterday"}),
    ])

    tx_query = gen.sql("""
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
        return tx_query.replace("@SOURCE@", gen.sorted_source(
            "t, p, ko AS o", "kj_tx t JOIN kj_contacts kc ON kc.c = t.c JOIN persons p ON p.k = kc.k "
            "JOIN kj_offers ko ON ko.o = t.o", where, "t.i"))
    gen.copy("kajabi/transactions.csv", transactions("true"), demo.TRANSACTION_COLUMNS)
    templates = gen.dict_rows(transactions("t.i IN (5, 6, 7, 8)"))
    gen.append_csv("kajabi/transactions.csv", demo.TRANSACTION_COLUMNS, [
        dict(templates[0], ID=""),
        dict(templates[1], ID="3999999991", Amount="N/A"),
        dict(templates[2], ID="3999999992", Currency="ZZZ"),
        dict(templates[3], ID="3999999993", **{"Created At": "31/02/2024"}),
    ])
    gen.run("""
    CREATE OR REPLACE TABLE truth_kajabi AS
    SELECT 2::UTINYINT AS src, c AS i, (1840000000 + c * 53)::VARCHAR AS record_key, k FROM kj_contacts
    UNION ALL
    SELECT 3::UTINYINT, t.i, (3100000000 + t.i * 19)::VARCHAR, kc.k FROM kj_tx t JOIN kj_contacts kc ON kc.c = t.c
    """)
    gen.drop("kj_offers", "kj_contacts", "kj_contacts_dated", "kj_tx")
