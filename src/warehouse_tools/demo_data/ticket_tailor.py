"""Ticket Tailor: events and orders as JSON Lines, shaped like its REST API v1 objects.

Orders carry `buyer_details`, amounts in minor units with `currency.base_multiplier`, `line_items`,
`refund_amount`, a `status` of completed/pending/cancelled and `created_at` as a Unix timestamp.
Two extracts: the second re-exports some orders and carries later refunds and cancellations.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from .buying import STARHOUSE, Lives, order_times
from .helpers import UTC, alnum_id, iso_z, random_time
from .output import LandingFile, SourceOutput
from .people import Person, Renderer
from .targets import TICKET_TAILOR

EXTRACT_1 = datetime(2025, 6, 30, 6, 0, tzinfo=UTC)
EXTRACT_2 = datetime(2025, 11, 15, 6, 0, tzinfo=UTC)
WEEKS_AHEAD = timedelta(weeks=4)  # tickets for an event up to four weeks after the wish to go
EVENT_NAMES = ["Full Moon Meditation", "Sound Healing Circle", "StarHouse Gathering", "Equinox Ceremony",
               "Breathwork Workshop", "Sacred Geometry Talk", "Winter Solstice Retreat", "Kirtan Evening"]


def _events(rng: np.random.Generator, n: int = 140) -> list[dict]:
    events = []
    for i in range(n):
        start = random_time(rng, datetime(2020, 2, 1, tzinfo=UTC), datetime(2025, 11, 10, tzinfo=UTC))
        start = start.replace(hour=int(rng.choice([1, 2, 17, 18])), minute=0, second=0, microsecond=0)
        currency = "cad" if rng.random() < 0.08 else "usd"
        price = 0 if rng.random() < 0.08 else int(rng.choice([1500, 2000, 2500, 3000, 3500, 4500]))
        events.append({
            "object": "event",
            "id": f"ev_{1000 + i * 7}",
            "event_series_id": f"es_{100 + i % 25}",
            "name": f"{EVENT_NAMES[i % len(EVENT_NAMES)]} ({start:%b %Y})",
            "currency": currency,
            "timezone": "America/Denver" if currency == "usd" else "America/Vancouver",
            "start": {"iso": start.isoformat(), "unix": int(start.timestamp())},
            "end": {"iso": (start + timedelta(hours=3)).isoformat(), "unix": int((start + timedelta(hours=3)).timestamp())},
            "venue": {"name": "StarHouse" if currency == "usd" else "Harbour Hall",
                      "country": "US" if currency == "usd" else "CA"},
            "status": "published",
            "default_price": price,
            "_extracted_at": iso_z(EXTRACT_2, millis=False),
        })
    return sorted(events, key=lambda e: e["start"]["unix"])


def _event_starts(events: list[dict]) -> np.ndarray:
    return np.array([event["start"]["unix"] for event in events], dtype=np.int64)


def _events_bought(starts: np.ndarray, times: list[datetime]) -> list[int]:
    """The events a person bought tickets for: for each wish to go out, the next event they have no
    ticket for yet (the last ones before it when none is left after)."""
    taken: list[int] = []
    for when in times:
        free = [i for i in range(len(starts)) if i not in taken]
        later = [i for i in free if starts[i] >= when.timestamp()]
        taken.append(later[0] if later else free[-1])
    return sorted(taken)


def generate(rng: np.random.Generator, people: list[Person], lives: Lives) -> SourceOutput:
    """Each buyer's orders follow their StarHouse buying life (buying.py): tickets for the events of
    that life, as many as their rate gives, 4,280 in all."""
    out = SourceOutput()
    render = Renderer(rng, "US")
    events = _events(rng)
    starts = _event_starts(events)
    buying = [lives.of(person.person_id, STARHOUSE) for person in people]
    caps = [max(1, int(np.sum((starts >= life.start.timestamp())
                              & (starts <= (life.end + WEEKS_AHEAD).timestamp())))) for life in buying]
    wishes = order_times(rng, buying, TICKET_TAILOR["orders"], cap=caps)
    orders = []
    owners = []
    for person, times in zip(people, wishes):
        email = person.alt_email if person.alt_email and rng.random() < 0.3 else person.email
        for ev_idx in _events_bought(starts, times):
            event = events[int(ev_idx)]
            qty = int(rng.choice([1, 2, 3, 4], p=[0.62, 0.28, 0.07, 0.03]))
            value = event["default_price"]
            fee = round(value * 0.05) if value else 0
            total = (value + fee) * qty
            created = datetime.fromtimestamp(event["start"]["unix"], UTC) - timedelta(
                days=float(rng.exponential(10)), hours=float(rng.uniform(0, 20)))
            status = str(rng.choice(["completed", "cancelled", "pending"], p=[0.96, 0.025, 0.015]))
            phone = None
            if rng.random() < 0.45:
                phone = render.phone(person.mobile) if person.mobile else None
            elif person.shared_phone and rng.random() < 0.3:
                phone = render.phone(person.shared_phone)
            orders.append({
                "object": "order",
                "id": f"or_{len(orders) * 13 + 50000}",
                "buyer_details": {
                    "email": render.email(email),
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "name": f"{person.first_name} {person.last_name}",
                    "phone": phone,
                    "address": {"address_1": None, "city": None, "postal_code": None},
                    "custom_questions": [],
                },
                "created_at": int(created.timestamp()),
                "currency": {"code": event["currency"], "base_multiplier": 100},
                "event_summary": {"id": event["id"], "event_series_id": event["event_series_id"],
                                  "name": event["name"], "start_date": {"iso": event["start"]["iso"]}},
                "line_items": [{"object": "line_item", "id": f"li_{len(orders) * 3 + 7}", "type": "ticket",
                                "description": "General Admission", "quantity": qty, "value": value,
                                "booking_fee": fee, "total": total}],
                "marketing_opt_in": bool(rng.random() < 0.12) if rng.random() < 0.64 else None,
                "payment_method": {"type": "stripe" if total else "no_cost", "name": "Card" if total else None},
                "referral_tag": None,
                "refund_amount": 0,
                "status": status,
                "subtotal": value * qty,
                "tax": 0,
                "total": total,
                "txn_id": f"ch_{alnum_id(rng, 14)}" if total else None,
            })
            owners.append(person)
    _calibrate_revenue(orders)
    refunds = rng.choice(len(orders), size=90, replace=False)
    late_changes = []
    for i in refunds:
        order = orders[int(i)]
        if order["status"] != "completed" or not order["total"]:
            continue
        changed = dict(order, refund_amount=order["total"] if rng.random() < 0.8 else order["total"] // 2)
        if datetime.fromtimestamp(order["created_at"], UTC) < EXTRACT_1 and rng.random() < 0.3:
            late_changes.append(changed)  # the first extract has it unrefunded
        else:
            orders[int(i)] = changed

    first, second = [], []
    for order, person in zip(orders, owners):
        created = datetime.fromtimestamp(order["created_at"], UTC)
        (first if created < EXTRACT_1 else second).append(order)
        out.truth.append(("ticket_tailor__orders", order["id"], person.person_id))
    changed = {o["id"] for o in late_changes}  # a re-export never repeats an order that changed since
    unchanged = [o for o in first if o["id"] not in changed]
    re_exports = [unchanged[int(i)] for i in rng.choice(len(unchanged), size=30, replace=False)]
    stamp1, stamp2 = iso_z(EXTRACT_1, millis=False), iso_z(EXTRACT_2, millis=False)
    first = [dict(o, _extracted_at=stamp1) for o in first]
    second = [dict(o, _extracted_at=stamp2) for o in second + late_changes + re_exports]
    broken = dict(orders[0], id=None, _extracted_at=stamp2)
    bad_total = dict(orders[1], id="or_9999991", total="12.50 USD", _extracted_at=stamp2)
    second += [broken, bad_total, '{"object": "order", "id": "or_9999992", "buyer_details": {"email": "x']
    out.files = [
        LandingFile("ticket_tailor/events.jsonl", events),
        LandingFile("ticket_tailor/orders_2025-06-30.jsonl", first),
        LandingFile("ticket_tailor/orders_2025-11-15.jsonl", second),
    ]
    return out


def _calibrate_revenue(orders: list[dict]) -> None:
    """Scale ticket values so completed orders add up to the documented $114,309 (in minor units)."""
    paid = [o for o in orders if o["status"] == "completed" and o["total"]]
    factor = TICKET_TAILOR["revenue"] * 100 / sum(o["total"] for o in paid)
    for o in orders:
        item = o["line_items"][0]
        item["value"] = int(round(item["value"] * factor))
        item["booking_fee"] = int(round(item["booking_fee"] * factor))
        item["total"] = (item["value"] + item["booking_fee"]) * item["quantity"]
        o["subtotal"] = item["value"] * item["quantity"]
        o["total"] = item["total"]
