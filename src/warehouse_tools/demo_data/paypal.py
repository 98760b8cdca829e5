"""PayPal: the Activity download CSV (Reports > Activity download), subscription payments.

PayPal writes Date (MM/DD/YYYY), Time and a TimeZone abbreviation in separate columns, money with
thousands separators, refunds as negative Gross with the original in "Reference Txn ID", and the
subscription profile id ("I-...") in "Reference Txn ID" of recurring payments. Downloads overlap:
the second file repeats June, where some payments moved from Pending to Completed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from .helpers import DENVER, UTC, alnum_id, exact_flags, random_time
from .output import LandingFile, SourceOutput
from .people import Person, Renderer
from .targets import PAYPAL

COLUMNS = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
           "From Email Address", "To Email Address", "Transaction ID", "Item Title", "Item ID",
           "Reference Txn ID", "Contact Phone Number", "Country Code", "Balance Impact", "_extracted_at"]
CUT = datetime(2025, 6, 30, 23, 59, tzinfo=UTC)
END = datetime(2025, 11, 12, tzinfo=UTC)
CANCELLED_BY = END - timedelta(days=70)
PRODUCTS = [("Antares Monthly Membership", 22.00, "P-ANTARES-M"), ("Patron Circle", 33.00, "P-PATRON"),
            ("Mystery School Monthly", 55.00, "P-MYSTERY-M")]


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _when(ts: datetime) -> tuple[str, str, str]:
    local = ts.astimezone(DENVER)
    return local.strftime("%m/%d/%Y"), local.strftime("%H:%M:%S"), local.tzname()


def generate(rng: np.random.Generator, people: list[Person]) -> SourceOutput:
    out = SourceOutput()
    render = Renderer(rng, "US")
    no_product = exact_flags(rng, len(people), PAYPAL["subscriptions_without_product"])
    cancelled = exact_flags(rng, len(people), round(PAYPAL["cancellation_rate"] * len(people)))
    rows: list[tuple[dict, datetime]] = []
    for i, person in enumerate(people):
        title, amount, item_id = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
        sub_id = "I-" + alnum_id(rng, 12)
        if cancelled[i]:  # cancelled: the last payment is more than two months before the download
            start = random_time(rng, datetime(2021, 3, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
            months = max(1, min(int(rng.integers(1, 30)), int((CANCELLED_BY - start).days // 30.4)))
        else:
            start = random_time(rng, datetime(2021, 3, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC))
            months = 999
        email = render.email(person.email)
        phone = render.phone(person.mobile) if person.mobile and rng.random() < 0.2 else None
        when, k = start, 0
        while when < END and k < months:
            fee = -round(amount * 0.029 + 0.30, 2)
            status = "Completed" if rng.random() > 0.01 else "Denied"
            row = {"Name": f"{person.first_name} {person.last_name}", "Type": "Subscription Payment",
                   "Status": status, "Currency": "USD", "Gross": _money(amount), "Fee": _money(fee),
                   "Net": _money(amount + fee), "From Email Address": email,
                   "To Email Address": "payments@starhouse.org", "Transaction ID": alnum_id(rng, 17),
                   "Item Title": None if no_product[i] else title, "Item ID": None if no_product[i] else item_id,
                   "Reference Txn ID": sub_id, "Contact Phone Number": phone, "Country Code": "US",
                   "Balance Impact": "Credit"}
            rows.append((row, when))
            out.truth.append(("paypal__transactions", row["Transaction ID"], person.person_id))
            when, k = when + timedelta(days=30.4), k + 1
        if i % 30 == 0:  # a lifetime membership, paid once: amounts over a thousand carry separators
            row = dict(rows[-1][0], Type="General Payment", Gross=_money(1200.0), Fee=_money(-35.10),
                       Net=_money(1164.90), **{"Transaction ID": alnum_id(rng, 17), "Reference Txn ID": None,
                                               "Item Title": "Lifetime Membership", "Item ID": "P-LIFETIME"})
            rows.append((row, rows[-1][1] + timedelta(days=1)))
            out.truth.append(("paypal__transactions", row["Transaction ID"], person.person_id))
    completed = [k for k, (row, _) in enumerate(rows) if row["Status"] == "Completed"]
    for k in rng.choice(completed, size=20, replace=False):
        original, when = rows[int(k)]
        gross = -float(original["Gross"].replace(",", ""))
        refund = dict(original, Type="Payment Refund", Gross=_money(gross), Fee="0.00", Net=_money(gross),
                      **{"Transaction ID": alnum_id(rng, 17), "Reference Txn ID": original["Transaction ID"],
                         "Balance Impact": "Debit"})
        rows.append((refund, when + timedelta(days=2)))
        person_id = next(t[2] for t in out.truth if t[1] == original["Transaction ID"])
        out.truth.append(("paypal__transactions", refund["Transaction ID"], person_id))

    rows.sort(key=lambda r: r[1])
    first, second = [], []
    for row, when in rows:
        date, time, tz = _when(when)
        row = dict(row, Date=date, Time=time, TimeZone=tz)
        if when <= CUT:
            pending_then = when > CUT - timedelta(days=3) and rng.random() < 0.5
            first.append(dict(row, Status="Pending" if pending_then else row["Status"],
                              _extracted_at="2025-07-01T08:00:00Z"))
        if when >= datetime(2025, 6, 1, tzinfo=UTC):
            second.append(dict(row, _extracted_at="2025-11-12T08:00:00Z"))
    template = second[0]
    second += [dict(template, Gross="abc", **{"Transaction ID": alnum_id(rng, 17)}),
               dict(template, Date="13/45/2024", **{"Transaction ID": alnum_id(rng, 17)}),
               dict(template, **{"Transaction ID": ""})]
    out.files = [LandingFile("paypal/activity_2025-07-01.csv", first, COLUMNS),
                 LandingFile("paypal/activity_2025-11-12.csv", second, COLUMNS)]
    return out
