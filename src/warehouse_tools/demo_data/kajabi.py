"""Kajabi: contacts, offers and transactions as CSV exports (the admin's "Export" buttons).

Column headers are the human-readable ones Kajabi's exports use ("Created At", "Customer Email"),
timestamps carry the account's UTC offset ("2024-03-05 14:22:10 -0700"). Contacts were exported
twice: the later file repeats most contacts, some of them changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from .buying import STARHOUSE, Lives, order_times
from .helpers import DENVER, UTC, exact_flags, random_time
from .output import LandingFile, SourceOutput
from .people import Person, Renderer
from .targets import KAJABI

CONTACT_COLUMNS = ["ID", "Name", "Email", "Phone Number", "City", "State", "Country", "Tags", "Subscribed",
                   "Created At", "Updated At", "_extracted_at"]
OFFER_COLUMNS = ["ID", "Title", "Price", "Currency", "Payment Type", "Interval", "Status", "Created At",
                 "_extracted_at"]
TRANSACTION_COLUMNS = ["ID", "Type", "Status", "Amount", "Currency", "Customer ID", "Customer Name",
                       "Customer Email", "Offer ID", "Offer Title", "Coupon Used", "Payment Method", "Provider",
                       "Sales Tax", "Quantity", "Created At", "_extracted_at"]
EXTRACTS = ("2025-06-30", "2025-11-12")
FIRST_CHARGE, LAST_CHARGE = datetime(2020, 1, 10, tzinfo=UTC), datetime(2025, 11, 11, tzinfo=UTC)
MONTH_DAYS = 30.4
MONTHLY_PAYMENTS = 2136  # Antares Monthly charges from its 100 subscribers
MAX_MONTHS = int((LAST_CHARGE - FIRST_CHARGE).days // MONTH_DAYS)
MYSTERY_BUYERS = 95  # StarHouse Mysteries, bought once each


# how Kajabi's exports write a time: local time with the account zone's offset
KAJABI_TIME = "%Y-%m-%d %H:%M:%S %z"


def kajabi_time(ts: datetime) -> str:
    """Kajabi writes local time with the offset of the account's zone (Denver, with summer time)."""
    return ts.astimezone(DENVER).strftime(KAJABI_TIME)


def _offers(rng: np.random.Generator) -> list[dict]:
    fixed = [("Antares Monthly", 21.96, "subscription", "month"), ("Antares Annual", 200.68, "subscription", "year"),
             ("StarHouse Mysteries", 233.37, "one-time", None)]
    titles = ["Astrology Foundations", "Tarot Deep Dive", "Moon Cycles Course", "Sacred Sound Training",
              "Dream Work Intensive", "Chakra Healing Series", "Breath & Body", "Mystery School Module"]
    offers = []
    for i in range(94):
        if i < len(fixed):
            title, price, ptype, interval = fixed[i]
        else:
            title = f"{titles[i % len(titles)]} {2020 + i % 6}" + (" (Payment Plan)" if i % 11 == 0 else "")
            price, ptype, interval = float(rng.choice([47, 67, 97, 127, 147, 197])), "one-time", None
        offers.append({"ID": str(2150000000 + i * 37), "Title": title, "Price": f"{price:.2f}", "Currency": "USD",
                       "Payment Type": ptype, "Interval": interval, "Status": "published",
                       "Created At": kajabi_time(datetime(2020, 1, 15, tzinfo=UTC) + timedelta(days=20 * i))})
    return offers


def generate(rng: np.random.Generator, people: list[Person], lives: Lives) -> SourceOutput:
    out = SourceOutput()
    render = Renderer(rng, "US")
    has_phone = exact_flags(rng, len(people), KAJABI["contacts_with_phone"])
    contacts, contact_of = [], {}
    for i, person in enumerate(people):
        created = random_time(rng, datetime(2019, 6, 1, tzinfo=UTC), datetime(2025, 11, 10, tzinfo=UTC))
        phone = None
        if has_phone[i]:
            phone_obj = person.mobile or person.shared_phone
            phone = render.phone(phone_obj) if phone_obj else render.placeholder_phone()
        contact = {"ID": str(1840000000 + i * 53), "Name": f"{person.first_name} {person.last_name}",
                   "Email": render.email(person.email), "Phone Number": phone, "City": None, "State": None,
                   "Country": person.country, "Tags": str(rng.choice(["", "newsletter", "event-attendee", "member"])),
                   "Subscribed": "true" if rng.random() < 0.57 else "false",
                   "Created At": kajabi_time(created), "Updated At": kajabi_time(created), "_created": created}
        contacts.append(contact)
        contact_of[person.person_id] = contact
        out.truth.append(("kajabi__contacts", contact["ID"], person.person_id))

    offers = _offers(rng)
    transactions = _transactions(rng, render, people, contact_of, offers, lives)
    first_purchase: dict[str, datetime] = {}
    for tx, person_id in transactions:
        if person_id:
            when = datetime.strptime(tx["Created At"], "%Y-%m-%d %H:%M:%S %z")
            first_purchase[person_id] = min(when, first_purchase.get(person_id, when))
    for person in people:  # a contact exists before its first purchase
        contact = contact_of[person.person_id]
        if person.person_id in first_purchase and first_purchase[person.person_id] <= contact["_created"]:
            contact["_created"] = first_purchase[person.person_id] - timedelta(days=float(rng.uniform(0, 30)))
            contact["Created At"] = contact["Updated At"] = kajabi_time(contact["_created"])
    for tx, person_id in transactions:
        if person_id:
            out.truth.append(("kajabi__transactions", tx["ID"], person_id))

    first_cut = datetime(2025, 6, 30, tzinfo=UTC)
    first_file = [dict(c) for c in contacts if c["_created"] < first_cut]
    for c in contacts:  # later changes, visible only in the second export
        if c["_created"] < first_cut and rng.random() < 0.05:
            c["Subscribed"] = "false" if c["Subscribed"] == "true" else "true"
            c["Updated At"] = kajabi_time(datetime(2025, 9, 1, tzinfo=UTC) + timedelta(days=float(rng.uniform(0, 60))))
    for file_rows, stamp in ((first_file, EXTRACTS[0]), (contacts, EXTRACTS[1])):
        for c in file_rows:
            c.pop("_created", None)
            c["_extracted_at"] = f"{stamp}T07:00:00Z"
    invalid_contacts = [dict(contacts[3], ID="", _extracted_at=f"{EXTRACTS[1]}T07:00:00Z"),
                        dict(contacts[4], ID="1849999999", **{"Created At": "yesterday"},
                             _extracted_at=f"{EXTRACTS[1]}T07:00:00Z")]
    out.files = [
        LandingFile(f"kajabi/contacts_{EXTRACTS[0]}.csv", first_file, CONTACT_COLUMNS),
        LandingFile(f"kajabi/contacts_{EXTRACTS[1]}.csv", contacts + invalid_contacts, CONTACT_COLUMNS),
        LandingFile("kajabi/offers.csv", [dict(o, _extracted_at=f"{EXTRACTS[1]}T07:00:00Z") for o in offers],
                    OFFER_COLUMNS),
        LandingFile("kajabi/transactions.csv", [tx for tx, _ in transactions], TRANSACTION_COLUMNS),
    ]
    return out


def _subscription_plan(rng: np.random.Generator, subscribers: list[Person], monthly: dict, annual_buyers: list[Person],
                       annual: dict) -> list[tuple[Person, dict, datetime]]:
    """Subscriptions are contracts: a monthly subscriber pays every month from sign-up until they cancel
    (tenures lognormal, 2,136 payments from 100 subscribers; about a third still paying at the end of the
    export); an annual member paid twice, a year apart."""
    tenures = np.clip(np.round(rng.lognormal(np.log(14.0), 0.9, size=len(subscribers))), 1, MAX_MONTHS).astype(int)
    while tenures.sum() != MONTHLY_PAYMENTS:  # the documented total, spread over the longer tenures
        i = int(rng.choice(len(tenures), p=tenures / tenures.sum()))
        if tenures.sum() < MONTHLY_PAYMENTS and tenures[i] < MAX_MONTHS:
            tenures[i] += 1
        elif tenures.sum() > MONTHLY_PAYMENTS and tenures[i] > 1:
            tenures[i] -= 1
    plan = []
    for person, months in zip(subscribers, tenures):
        span = timedelta(days=MONTH_DAYS * (int(months) - 1))
        if rng.random() < 0.35:  # still paying: the last payment within the export's last month
            first = LAST_CHARGE - span - timedelta(days=float(rng.uniform(1, MONTH_DAYS - 1)))
        else:  # cancelled at least two months before the export
            latest = LAST_CHARGE - span - timedelta(days=2 * MONTH_DAYS)
            first = random_time(rng, FIRST_CHARGE, max(latest, FIRST_CHARGE + timedelta(days=1)))
        plan += [(person, monthly, first + timedelta(days=MONTH_DAYS * k)) for k in range(int(months))]
    for person in annual_buyers:
        first = random_time(rng, FIRST_CHARGE, LAST_CHARGE - timedelta(days=366))
        plan += [(person, annual, first), (person, annual, first + timedelta(days=365))]
    return plan


def _transactions(rng: np.random.Generator, render: Renderer, people: list[Person], contact_of: dict,
                  offers: list[dict], lives: Lives) -> list[tuple[dict, str]]:
    """4,403 transactions from 981 customers: Antares monthly payments, annual renewals, courses, refunds.

    Courses and StarHouse Mysteries are bought along each buyer's StarHouse buying life (buying.py);
    subscription charges follow their contracts."""
    buyers = [people[int(i)] for i in rng.choice(len(people), size=KAJABI["customers"], replace=False)]
    monthly, annual, mysteries = offers[0], offers[1], offers[2]
    plan = _subscription_plan(rng, buyers[:100], monthly, buyers[100:141], annual)
    others = buyers[141:]
    purchases = KAJABI["transactions"] - len(plan) - 60  # 60 refunds below
    times = order_times(rng, [lives.of(person.person_id, STARHOUSE) for person in others], purchases)
    for j, (person, person_times) in enumerate(zip(others, times)):
        mystery = int(rng.integers(len(person_times))) if j < MYSTERY_BUYERS else -1
        for k, when in enumerate(person_times):
            offer = mysteries if k == mystery else offers[3 + int(rng.integers(0, len(offers) - 3))]
            plan.append((person, offer, when))

    fixed_revenue = sum(float(o["Price"]) for _, o, _ in plan if o in (monthly, annual, mysteries))
    course_total = sum(float(o["Price"]) for _, o, _ in plan if o not in (monthly, annual, mysteries))
    course_factor = (KAJABI["revenue"] - fixed_revenue) / course_total
    rows: list[tuple[dict, str]] = []
    for i, (person, offer, when) in enumerate(plan):
        price = float(offer["Price"])
        if offer not in (monthly, annual, mysteries):
            price = round(price * course_factor, 2)
        rows.append((_tx(rng, render, i, person, contact_of, offer, price, when,
                         "Subscription Charge" if offer["Payment Type"] == "subscription" else "Charge"),
                     person.person_id))
    # refunds: a negative row for an earlier charge; revenue counts charges net of refunds, so the
    # refunded amounts are added back to courses above the documented total (see docs/sources.md)
    for j, k in enumerate(rng.choice(len(rows), size=60, replace=False)):
        original, person_id = rows[int(k)]
        person = next(p for p in people if p.person_id == person_id)
        offer = next(o for o in offers if o["ID"] == original["Offer ID"])
        when = datetime.strptime(original["Created At"], "%Y-%m-%d %H:%M:%S %z") + timedelta(days=3)
        rows.append((_tx(rng, render, len(plan) + j, person, contact_of, offer, -float(original["Amount"]), when,
                         "Refund"), person_id))
    bad = [dict(rows[5][0], ID="", _extracted_at="2025-11-12T07:00:00Z"),
           dict(rows[6][0], ID="3190999991", Amount="N/A", _extracted_at="2025-11-12T07:00:00Z"),
           dict(rows[7][0], ID="3190999992", Currency="ZZZ", _extracted_at="2025-11-12T07:00:00Z"),
           dict(rows[8][0], ID="3190999993", **{"Created At": "31/02/2024"}, _extracted_at="2025-11-12T07:00:00Z")]
    ordered = sorted(rows, key=lambda r: r[0]["Created At"])
    return ordered + [(b, "") for b in bad]


def _tx(rng: np.random.Generator, render: Renderer, i: int, person: Person, contact_of: dict, offer: dict,
        amount: float, when: datetime, kind: str) -> dict:
    contact = contact_of[person.person_id]
    return {"ID": str(3100000000 + i * 19), "Type": kind, "Status": "succeeded", "Amount": f"{amount:.2f}",
            "Currency": "USD", "Customer ID": contact["ID"], "Customer Name": contact["Name"],
            "Customer Email": render.email(person.email), "Offer ID": offer["ID"], "Offer Title": offer["Title"],
            "Coupon Used": "SPRING20" if rng.random() < 0.04 else None, "Payment Method": "card",
            "Provider": "stripe" if rng.random() < 0.9 else "paypal", "Sales Tax": "0.00", "Quantity": "1",
            "Created At": kajabi_time(when), "_extracted_at": "2025-11-12T07:00:00Z"}
