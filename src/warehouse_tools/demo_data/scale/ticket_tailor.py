"""Ticket Tailor at scale (as ticket_tailor.py): events in USD and CAD, and orders in two extracts,
the later one carrying refunds and re-exports, with the demo's invalid order lines.

The buyers are the StarHouse community (Kajabi and Zoho people) and people seen only here.
"""

from __future__ import annotations

from datetime import datetime

from .. import ticket_tailor as demo
from ..helpers import UTC
from .render import alnum, pick, render_email, render_phone, sql_list, wpick
from .state import ScaleRun, dumps
from .times import DAY_US, HOUR_US, us


def generate(gen: ScaleRun) -> None:
    """Write the Ticket Tailor events and orders (two extracts), and the table truth_ticket_tailor."""
    n_ev = max(140, round(gen.n_tt / 30))
    e1 = us(demo.EXTRACT_1)
    stamp1 = demo.EXTRACT_1.strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp2 = demo.EXTRACT_2.strftime("%Y-%m-%dT%H:%M:%SZ")
    t0, t1 = us(datetime(2020, 2, 1, tzinfo=UTC)), us(datetime(2025, 11, 10, tzinfo=UTC))
    gen.run("""
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
    gen.run("""
    CREATE OR REPLACE TABLE tt_events_named AS
    SELECT *, $names[1 + e % $n_names] || ' (' || strftime(make_timestamp(start), '%b %Y') || ')' AS name
    FROM tt_events
    """, names=sql_list(demo.EVENT_NAMES), n_names=len(demo.EVENT_NAMES))
    gen.copy("ticket_tailor/events.jsonl", gen.sql("""
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
    na_known = gen.a2  # Kajabi contacts and Zoho-only people: the StarHouse's known community
    gen.run("""
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
    """, na_known=na_known, n_only=gen.a3 - gen.a2, n_ev=n_ev, day=DAY_US, hour=HOUR_US, e1=e1,
            status=wpick(["completed", "cancelled", "pending"], [0.96, 0.025, 0.015], "i", "tt.status"))
    gen.run("""
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
    query = gen.sql("""
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
        return query.replace("@SOURCE@", gen.sorted_source(
            "r, t, p", "tt_rows r JOIN tt t USING (i) JOIN persons p ON p.k = t.k", where, "r.i"))
    gen.copy("ticket_tailor/orders_2025-06-30.jsonl", orders("r.f = 1"))
    gen.copy("ticket_tailor/orders_2025-11-15.jsonl", orders("r.f = 2"))
    templates = gen.json_rows(orders("r.f = 1 AND r.i < 1000") + " LIMIT 2")
    gen.append_lines("ticket_tailor/orders_2025-11-15.jsonl", [
        dumps(dict(templates[0], id=None, _extracted_at=stamp2)),
        dumps(dict(templates[1], id="or_999999991", total="12.50 USD", _extracted_at=stamp2)),
        '{"object": "order", "id": "or_999999992", "buyer_details": {"email": "x',
    ])
    gen.run("""
    CREATE OR REPLACE TABLE truth_ticket_tailor AS
    SELECT 1::UTINYINT AS src, i, 'or_' || (i * 13 + 50000) AS record_key, k FROM tt
    """)
    gen.drop("tt_events", "tt_events_named", "tt", "tt_rows")
