"""Humanitix: events and orders as JSON Lines, one API object per line, in two extracts.

Shapes follow the Humanitix public API v1 (`/v1/events`, `/v1/events/{id}/orders`): camelCase
fields, buyer details on the order, a `totals` object, ISO-8601 UTC timestamps. The loader adds
`_extracted_at`. The second extract re-exports some orders unchanged and carries later updates
(refunds) of orders already loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np

from .buying import COMEDY, Lives, spread_in_life
from .helpers import UTC, alnum_id, exact_flags, hex_id, iso_z, random_time
from .output import LandingFile, SourceOutput
from .people import Person, Phone, Renderer
from .targets import HUMANITIX

VENUES = [("The Comedy Store", "Sydney", "NSW"), ("Factory Theatre", "Sydney", "NSW"),
          ("The Comic's Lounge", "Melbourne", "VIC"), ("Max Watt's", "Brisbane", "QLD")]
EXTRACT_1 = datetime(2025, 7, 8, 2, 0, tzinfo=UTC)
EXTRACT_2 = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)


def _events(rng: np.random.Generator) -> list[dict]:
    events = []
    starts = sorted(random_time(rng, datetime(2024, 9, 6, 9, tzinfo=UTC), datetime(2025, 7, 12, 9, tzinfo=UTC))
                    for _ in range(HUMANITIX["events"]))
    free = set(int(i) for i in rng.choice(HUMANITIX["events"], size=5, replace=False))
    for i, start in enumerate(starts):
        start = start.replace(hour=9, minute=30, second=0, microsecond=0)  # 19:30 AEST
        venue, city, state = VENUES[i % len(VENUES)]
        events.append({
            "_id": hex_id(rng),
            "name": f"{'Free Open Mic' if i in free else 'Comedy Night'} #{i + 1} at {venue}",
            "organiserId": "5f1a2b3c4d5e6f7a8b9c0d1e",
            "currency": "AUD",
            "timezone": "Australia/Sydney" if state == "NSW" else ("Australia/Melbourne" if state == "VIC"
                                                                   else "Australia/Brisbane"),
            "startDate": iso_z(start),
            "endDate": iso_z(start + timedelta(hours=2)),
            "eventLocation": {"venueName": venue, "address": f"{int(rng.integers(1, 300))} George St",
                              "city": city, "region": state, "country": "AU"},
            "published": True,
            "isFree": i in free,
            "ticketPrice": 0.0 if i in free else float(rng.choice([25.0, 30.0, 35.0, 39.0, 45.0])),
            "createdAt": iso_z(start - timedelta(days=int(rng.integers(40, 90)))),
            "updatedAt": iso_z(start - timedelta(days=int(rng.integers(1, 30)))),
            "_extracted_at": iso_z(EXTRACT_1, millis=False),
        })
    return events


def _order_slots(rng: np.random.Generator, people: list[Person]) -> list[Person]:
    """626 people with one order, 34 with two, 16 with three, 1 with four: 677 people, 746 orders."""
    order = [people[int(i)] for i in rng.permutation(len(people))]
    slots: list[Person] = []
    for k, n in ((4, 1), (3, 16), (2, 34)):
        for _ in range(n):
            slots.extend([order.pop()] * k)
    slots.extend(order)
    return [slots[int(i)] for i in rng.permutation(len(slots))]


def _events_by_slot(rng: np.random.Generator, slots: list[Person], is_free: np.ndarray, events: list[dict],
                    lives: Lives) -> list[dict]:
    """The event of every order slot, along each person's comedy buying life (buying.py): their orders'
    times are spread over the life and each slot takes the free or paid event nearest its time."""
    starts = {e["_id"]: datetime.fromisoformat(e["startDate"].replace("Z", "+00:00")) for e in events}
    wishes: dict[str, list[datetime]] = {}
    for person in slots:
        if person.person_id not in wishes:
            life = lives.of(person.person_id, COMEDY)
            wishes[person.person_id] = spread_in_life(rng, life, sum(p is person for p in slots))
    chosen = []
    for person, free in zip(slots, is_free):
        when = wishes[person.person_id].pop(0)
        kind = [e for e in events if e["isFree"] == bool(free)]
        chosen.append(min(kind, key=lambda e: (starts[e["_id"]] < when, abs(starts[e["_id"]] - when))))
    return chosen


def generate(rng: np.random.Generator, people: list[Person], new_phone: Callable[[str], Phone],
             lives: Lives) -> SourceOutput:
    out = SourceOutput()
    render = Renderer(rng, "AU")
    events = _events(rng)
    slots = _order_slots(rng, people)
    n = len(slots)
    n_free = round(HUMANITIX["free_order_rate"] * n)
    is_free = exact_flags(rng, n, n_free)
    is_refunded = exact_flags(rng, n, 0)
    paid_idx = np.flatnonzero(~is_free)
    is_refunded[rng.choice(paid_idx, size=round(HUMANITIX["refunded_order_rate"] * n), replace=False)] = True
    has_mobile = exact_flags(rng, n, round(HUMANITIX["mobile_coverage"] * n))
    international = exact_flags(rng, n, HUMANITIX["international_orders"])
    gateways = np.array(["braintree"] * 638 + ["manual"] * 105 + ["stripe-payments"] * 3)[rng.permutation(n)]
    person_email = {p.person_id: (p.alt_email if p.alt_email and rng.random() < 0.5 else p.email) for p in people}
    slot_events = _events_by_slot(rng, slots, is_free, events, lives)

    orders = []
    for i, person in enumerate(slots):
        event = slot_events[i]
        start = datetime.fromisoformat(event["startDate"].replace("Z", "+00:00"))
        created = start - timedelta(days=float(rng.exponential(12)), hours=float(rng.uniform(0, 12)))
        qty = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.50, 0.33, 0.07, 0.05, 0.03, 0.02]))
        price = 0.0 if is_free[i] else event["ticketPrice"]
        subtotal = round(price * qty, 2)
        discount = round(subtotal * 0.1, 2) if subtotal and rng.random() < 0.08 else 0.0
        fee = round((subtotal - discount) * 0.035 + 0.99 * qty, 2) if subtotal else 0.0
        total = round(subtotal - discount + fee, 2)
        mobile = None
        if has_mobile[i]:
            if rng.random() < 0.006:
                mobile = render.placeholder_phone()
            elif person.shared_phone and rng.random() < 0.5:
                mobile = render.phone(person.shared_phone)
            else:
                if person.mobile is None and person.shared_phone is None:
                    person.mobile = new_phone("AU")
                mobile = render.phone(person.mobile or person.shared_phone)
        completed = created + timedelta(seconds=float(rng.gamma(3.0, 1.1)))
        orders.append({
            "_id": hex_id(rng),
            "orderName": alnum_id(rng, 8),
            "eventId": event["_id"],
            "eventDateId": hex_id(rng),
            "userId": hex_id(rng) if rng.random() < 0.3 else None,
            "currency": "AUD",
            "status": "complete",
            "financialStatus": "free" if is_free[i] else "paid",
            "paymentGateway": str(gateways[i]),
            "manualPaymentType": "cash" if gateways[i] == "manual" else None,
            "firstName": person.first_name.upper() if rng.random() < 0.05 else person.first_name,
            "lastName": person.last_name,
            "email": render.email(person_email[person.person_id]),
            "mobile": mobile,
            "location": "AU",
            "businessPurpose": False,
            "organiserMailListOptIn": bool(rng.random() < 0.48),
            "isInternationalTransaction": bool(international[i]),
            "salesChannel": "online" if gateways[i] != "manual" else "door",
            "totals": {"subtotal": subtotal, "discounts": discount, "bookingFee": fee, "passedOnFee": fee,
                       "absorbedFee": 0.0, "refunds": 0.0, "total": total, "netSales": round(subtotal - discount, 2)},
            "discounts": {"discountCode": "EARLYBIRD10"} if discount else None,
            "tickets": [{"ticketTypeName": "General Admission", "price": price} for _ in range(qty)],
            "createdAt": iso_z(created),
            "completedAt": iso_z(completed),
            "updatedAt": iso_z(completed + timedelta(seconds=float(rng.uniform(1, 5)))),
        })
    _calibrate_average(orders)

    first, second = [], []
    refund_later = []
    for i, order in enumerate(orders):
        created = datetime.fromisoformat(order["createdAt"].replace("Z", "+00:00"))
        if is_refunded[i]:
            refunded = dict(order, financialStatus="refunded",
                            totals=dict(order["totals"], refunds=order["totals"]["total"]))
            refunded["updatedAt"] = iso_z(max(created + timedelta(days=2), EXTRACT_1 + timedelta(days=1)))
            if created < EXTRACT_1 and len(refund_later) < 5:
                refund_later.append(refunded)  # loaded as paid first, the refund arrives in extract 2
            else:
                order = refunded
                orders[i] = refunded
        (first if created < EXTRACT_1 else second).append(order)
        out.truth.append(("humanitix__orders", order["_id"], slots[i].person_id))
    changed = {o["_id"] for o in refund_later}  # a re-export never repeats an order that changed since
    unchanged = [o for o in first if o["_id"] not in changed]
    re_exports = [unchanged[int(i)] for i in rng.choice(len(unchanged), size=12, replace=False)]
    stamp1, stamp2 = iso_z(EXTRACT_1, millis=False), iso_z(EXTRACT_2, millis=False)
    first = [dict(o, _extracted_at=stamp1) for o in first]
    second = [dict(o, _extracted_at=stamp2) for o in second + refund_later + re_exports]
    second += _invalid_orders(rng, orders, stamp2)
    second = [second[int(i)] for i in rng.permutation(len(second))]
    out.files = [
        LandingFile("humanitix/events.jsonl", events),
        LandingFile("humanitix/orders_2025-07-08.jsonl", first),
        LandingFile("humanitix/orders_2025-07-14.jsonl", second),
    ]
    return out


def _calibrate_average(orders: list[dict]) -> None:
    """Scale paid amounts so the average order over all orders is the documented $43.52."""
    target_total = HUMANITIX["average_order_value"] * len(orders)
    current = sum(o["totals"]["total"] for o in orders)
    factor = target_total / current
    for o in orders:
        t = o["totals"]
        for key in ("subtotal", "discounts", "bookingFee", "passedOnFee", "netSales"):
            t[key] = round(t[key] * factor, 2)
        t["total"] = round(t["subtotal"] - t["discounts"] + t["passedOnFee"], 2)
        for ticket in o["tickets"]:
            ticket["price"] = round(ticket["price"] * factor, 2)


def _invalid_orders(rng: np.random.Generator, orders: list[dict], stamp: str) -> list:
    """Rows a real feed delivers now and then, which staging must quarantine with a reason."""
    def variant(**changes):
        base = json.loads(json.dumps(orders[int(rng.integers(len(orders)))]))
        base.update(changes, _extracted_at=stamp)
        return base
    truncated = json.dumps(variant(_id=hex_id(rng)))[:120]
    return [
        truncated,  # a line cut off mid-object
        '{"_id": "' + hex_id(rng) + '", "email": ',
        variant(_id=None),
        variant(_id=hex_id(rng), createdAt="2025-13-45T25:61:00.000Z"),
        variant(_id=hex_id(rng), currency="XXX"),
        variant(_id=hex_id(rng), financialStatus="disputed"),
    ]
