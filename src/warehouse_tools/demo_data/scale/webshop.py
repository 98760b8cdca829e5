"""The Ghanaian web shop at scale (as webshop.py): shops, orders of data bundles, and the shop customers
with the running totals the app keeps, with the demo's invalid order rows.
"""

from __future__ import annotations

from datetime import datetime

from .. import webshop as demo
from ..helpers import UTC
from ..targets import WEBSHOP
from .render import pick, placeholder_email, placeholder_phone, render_email, render_phone, sql_list, wpick
from .state import ScaleRun
from .times import DAY_US, us


def generate(gen: ScaleRun) -> None:
    """Write the web shop's shops, orders and customers, and the table truth_webshop."""
    n_shops = max(8, round(gen.n_ws / 70))
    names = ["Kofi Data Hub", "Accra Bundles", "Kumasi Connect", "Tema Data Plug", "Volta Net Shop",
             "Cape Coast Data", "Tamale Bytes", "Osu Data Point"]
    stamp = demo.EXTRACTED_AT
    shops_start = us(datetime(2025, 5, 1, tzinfo=UTC))
    gen.run("""
    CREATE OR REPLACE TABLE ws_shops AS
    SELECT i, uuid_of(i, 'ws.shop') AS id,
        $names[1 + i % 8] || CASE WHEN i >= 8 THEN ' ' || (i // 8 + 1) ELSE '' END AS name,
        $start + (7 * (i % 8) + (i // 8) % 20) * $day AS created
    FROM range($n_shops) t(i)
    """, names=sql_list(names), start=shops_start, day=DAY_US, n_shops=n_shops)
    gen.copy("webshop/shops.csv", gen.sql("""
    SELECT id, uuid_of(i, 'ws.owner') AS owner_id, name, replace(lower(name), ' ', '-') AS slug,
        'GHS' AS currency, 'GH' AS country, pg_time(created) AS created_at,
        pg_time(created + 30 * $day) AS updated_at,
        '$stamp' AS _extracted_at
    FROM ws_shops ORDER BY i
    """, day=DAY_US, stamp=stamp), demo.SHOP_COLUMNS)

    # memberships: one customer row per person and shop; every twelfth person also buys from a second shop
    second = -(-gen.n_gh // 12)
    per_membership = 1.3 * gen.n_ws / (gen.n_gh + second)  # expected orders, 30% above the target
    repeat_rate = WEBSHOP["repeat_customer_rate"]
    mean_repeat = max(2.0, (per_membership - (1 - repeat_rate)) / repeat_rate)
    width = max(1, round(2 * (mean_repeat - 2) + 1))
    gen.run("""
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
    tracking = us(demo.TRACKING_STARTED)
    open_from, close = us(datetime(2025, 6, 1, tzinfo=UTC)), us(datetime(2025, 12, 19, 20, tzinfo=UTC))
    packages = demo.PACKAGES
    gen.run("""
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
    gen.con.execute(f"CREATE OR REPLACE TEMP VIEW ws_email AS SELECT w.m, {email} AS email "
                    "FROM ws_members w JOIN persons p USING (k)")
    orders = gen.sql("""
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
                     package_name=sql_list([p[0] for p in packages]),
                     package_price=sql_list([p[1] for p in packages]), stamp=stamp)

    def shop_orders(where: str) -> str:
        return orders.replace("@SOURCE@", gen.sorted_source(
            "x, s, p, e", "ws_orders x JOIN ws_shops s ON s.i = x.shop JOIN persons p ON p.k = x.k "
            "JOIN ws_email e ON e.m = x.m", where, "x.o"))
    gen.copy("webshop/shop_orders.csv", shop_orders("true"), demo.ORDER_COLUMNS)
    templates = gen.dict_rows(shop_orders("x.o IN (0, 1, 2)"))
    gen.append_csv("webshop/shop_orders.csv", demo.ORDER_COLUMNS, [
        dict(templates[0], id=gen.uuid(), amount="-20.00"),
        dict(templates[1], id=gen.uuid(), created_at="0000-00-00 00:00:00+00"),
        dict(templates[2], id=gen.uuid(), shop_id=None),
    ])
    # the app's running totals count the orders it tracked (linked to the customer) and completed
    gen.run("""
    CREATE OR REPLACE TABLE ws_tracked AS
    SELECT m, min(ts) AS first_at, max(ts) AS last_at, count(*) AS n,
        sum($package_price[package + 1]::DECIMAL(18, 2)) AS spent
    FROM ws_orders WHERE ts >= $tracking AND status = 'completed' GROUP BY m
    """, package_price=sql_list([p[1] for p in packages]), tracking=tracking)
    gen.copy("webshop/shop_customers.csv", gen.sql("""
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
    """, tracking=tracking, stamp=stamp).replace("@SOURCE@", gen.sorted_source(
        "w, s, p, e, t", "ws_members w JOIN ws_shops s ON s.i = w.shop JOIN persons p ON p.k = w.k "
        "JOIN ws_email e ON e.m = w.m LEFT JOIN ws_tracked t ON t.m = w.m", "true", "w.m")),
             demo.CUSTOMER_COLUMNS)
    gen.run("""
    CREATE OR REPLACE TABLE truth_webshop AS
    SELECT 6::UTINYINT AS src, m AS i, uuid_of(m, 'ws.customer') AS record_key, k FROM ws_members
    UNION ALL
    SELECT 7::UTINYINT, o, uuid_of(o, 'ws.order'), k FROM ws_orders
    """)
    gen.con.execute("DROP VIEW ws_email")
    gen.drop("ws_shops", "ws_members", "ws_orders", "ws_tracked")
