"""PayPal at scale (as paypal.py): subscriptions paid monthly, lifetime memberships and refunds, as the
activity reports of two extracts (some payments pending in the first), with the demo's invalid rows.
"""

from __future__ import annotations

from datetime import datetime

from .. import paypal as demo
from ..helpers import UTC
from .render import alnum, lit, render_email, render_phone, sql_list
from .state import ScaleRun
from .times import DAY_US, us

MONTH_US = int(30.4 * 86400 * 1e6)  # PayPal's billing month in the demo


def generate(gen: ScaleRun) -> None:
    """Write the PayPal activity reports (two extracts), and the table truth_paypal."""
    n_ref = max(1, round(gen.n_pp * 0.004))
    target = gen.n_pp - n_ref  # payments and lifetime memberships
    subs = max(30, round(target / 22 * 1.5))  # about 22 payments a subscription: enough to cut from
    start0 = us(datetime(2021, 3, 1, tzinfo=UTC))
    cancelled_until = us(datetime(2025, 6, 1, tzinfo=UTC))
    active_until = us(datetime(2025, 9, 1, tzinfo=UTC))
    end, cancelled_by, cut = us(demo.END), us(demo.CANCELLED_BY), us(demo.CUT)
    gen.run("""
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
    """, subs=subs, n_only=gen.n_na - gen.a3, start0=start0, cancelled_until=cancelled_until,
            active_until=active_until, cancelled_by=cancelled_by, end=end, day=DAY_US, month=MONTH_US)
    products = demo.PRODUCTS
    gen.run("""
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
    """, target=target, month=MONTH_US, day=DAY_US, price=sql_list([p[1] for p in products]),
            title=sql_list([p[0] for p in products]), item=sql_list([p[2] for p in products]))
    n_pay = gen.scalar("SELECT count(*) FROM pp_pay")
    stride = max(1, n_pay // n_ref)
    sub_id = "'I-' || " + alnum("scr(s, 'pp.sub')", 10) + " || " + alnum("h64(s, 'pp.sub.random')", 2)

    def tx_id(g: str) -> str:  # 17 characters, unique for the row number g of a transaction
        return alnum(f"scr({g}, 'pp.tx')", 10) + " || " + alnum(f"h64({g}, 'pp.tx.random')", 7)
    gen.run("""
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
    query = gen.sql("""
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
    june = us(datetime(2025, 6, 1, tzinfo=UTC))

    def activity(first: bool, where: str) -> str:
        return query.replace("{first}", lit(first)).replace(
            "{stamp}", "2025-07-01T08:00:00Z" if first else "2025-11-12T08:00:00Z").replace(
            "@SOURCE@", gen.sorted_source("x, p", "pp x JOIN persons p USING (k)", where, "x.g"))
    gen.copy("paypal/activity_2025-07-01.csv", activity(True, f"x.ts <= {cut}"), demo.COLUMNS)
    gen.copy("paypal/activity_2025-11-12.csv", activity(False, f"x.ts >= {june}"), demo.COLUMNS)
    first_g = gen.scalar(f"SELECT min(g) FROM pp WHERE ts >= {june}")
    template = gen.dict_rows(activity(False, f"x.g = {first_g}"))[0]
    gen.append_csv("paypal/activity_2025-11-12.csv", demo.COLUMNS, [
        dict(template, Gross="abc", **{"Transaction ID": gen.alnum_id(17)}),
        dict(template, Date="13/45/2024", **{"Transaction ID": gen.alnum_id(17)}),
        dict(template, **{"Transaction ID": ""}),
    ])
    gen.run("""
    CREATE OR REPLACE TABLE truth_paypal AS
    SELECT 5::UTINYINT AS src, g AS i, tx_id AS record_key, k FROM pp
    """)
    gen.drop("pp_subs", "pp_pay", "pp")
