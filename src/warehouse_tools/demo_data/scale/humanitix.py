"""Humanitix at scale (as humanitix.py): events, and orders in two extracts with refunds arriving late,
re-exports, free events, and the demo's invalid order lines.

Australians buy the tickets; the second extract carries the refunds of orders loaded as paid.
"""

from __future__ import annotations

from datetime import datetime

from .. import humanitix as demo
from ..helpers import UTC
from .render import alnum, pick, placeholder_phone, render_email, render_phone, sql_list, wpick
from .state import ScaleRun, dumps
from .times import DAY_US, HOUR_US, us


def generate(gen: ScaleRun) -> None:
    """Write the Humanitix events and orders (two extracts), and the table truth_humanitix."""
    n_ev = max(22, round(gen.n_hx / 35))
    e1, e2 = us(demo.EXTRACT_1), us(demo.EXTRACT_2)
    stamp1 = demo.EXTRACT_1.strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp2 = demo.EXTRACT_2.strftime("%Y-%m-%dT%H:%M:%SZ")
    t0 = us(datetime(2024, 9, 6, 9, tzinfo=UTC))
    t1 = us(datetime(2025, 7, 12, 9, tzinfo=UTC))
    venues = demo.VENUES
    gen.run("""
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
    n_free = gen.scalar("SELECT count(*) FROM hx_events WHERE is_free")
    n_paid = n_ev - n_free
    venue_name = sql_list([v[0] for v in venues])
    city = sql_list([v[1] for v in venues])
    region = sql_list([v[2] for v in venues])
    tz = sql_list(["Australia/Sydney" if v[2] == "NSW" else "Australia/Melbourne" if v[2] == "VIC"
                   else "Australia/Brisbane" for v in venues])
    gen.copy("humanitix/events.jsonl", gen.sql("""
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

    gen.run("""
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
    gen.run("""
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
    query = gen.sql("""
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
        return query.replace("@SOURCE@", gen.sorted_source(
            "r, h, p", "hx_rows r JOIN hx h USING (i) JOIN persons p ON p.k = h.k", where, "r.i, r.refunded"))
    gen.copy("humanitix/orders_2025-07-08.jsonl", orders("r.f = 1"))
    gen.copy("humanitix/orders_2025-07-14.jsonl", orders("r.f = 2"))
    # invalid rows, as humanitix._invalid_orders in the demo
    templates = gen.json_rows(orders("r.f = 1 AND r.i < 1000") + " LIMIT 5")

    def variant(t: dict, **changes) -> dict:
        return dict(t, **changes, _extracted_at=stamp2)
    gen.append_lines("humanitix/orders_2025-07-14.jsonl", [
        dumps(variant(templates[0], _id=gen.hex_id()))[:120],
        '{"_id": "' + gen.hex_id() + '", "email": ',
        dumps(variant(templates[1], _id=None)),
        dumps(variant(templates[2], _id=gen.hex_id(), createdAt="2025-13-45T25:61:00.000Z")),
        dumps(variant(templates[3], _id=gen.hex_id(), currency="XXX")),
        dumps(variant(templates[4], _id=gen.hex_id(), financialStatus="disputed")),
    ])
    gen.run("""
    CREATE OR REPLACE TABLE truth_humanitix AS
    SELECT 0::UTINYINT AS src, i, hex24(i, 'hx.id') AS record_key, k FROM hx
    """)
    gen.drop("hx_events", "hx", "hx_rows")
