"""Five days of landing, as a stranger's exports arrive: test_five_extracts loads them one after another.

Day 1 is the demo landing data without its later extracts (rewritten_exports.LATER_EXTRACTS); it is
built in full. Each later day lands dated files; day 4 also rewrites two files in place and deletes one:

  day 2: the demo's later Humanitix orders and PayPal activity (later versions of earlier orders,
         refunds among them), a Ticket Tailor extract (JSON Lines) re-exporting a day-1 order with
         a higher total: a late update; and another Ticket Tailor extract with a new order and a later
         version of an old one, which day 4 deletes (rewritten_exports.land_deleted_extract);
  day 3: the demo's later Kajabi contacts, a Kajabi contacts file (Windows CSV, CRLF) whose one contact
         holds the email of one existing customer and the phone of another: the two merge; and a PayPal
         activity file (CRLF) refunding a day-1 payment;
  day 4: the demo's later Ticket Tailor orders (refunds and cancellations of old orders), and a Kajabi
         contact under another given name on the phone that alone joins two records of one customer:
         the phone is now shared by two people, the guard stops linking through it, the pair splits;
         two order files day 1 loaded rewritten in place under their own names (a Ticket Tailor JSON
         Lines file, a PayPal CSV with CRLF: an amount changed, an order removed, one added;
         rewritten_exports.rewrite_in_place), and day 2's extra extract deleted;
  day 5: an erasure request (CRLF) for a customer with orders, and a Ticket Tailor extract refunding
         the order day 2 updated (an update of an update).

Who merges, splits and is erased is chosen from the warehouse loaded so far (`query`, the engine's
SQL), with portable SQL, so the same function lands the same history on DuckDB and PostgreSQL. Each
day returns what it did (Landed): the test checks that the incremental run did it, then compares
the marts with a full build.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from identity_bridges import Query, merging_pair, phone_joined_pair
from rewritten_exports import (LATER_EXTRACTS, PAYPAL, TICKET_TAILOR, TICKET_TAILOR_DELETED, json_lines,
                               land_deleted_extract, rewrite_in_place, ticket_tailor_candidates)

KAJABI_COLUMNS = ["ID", "Name", "Email", "Phone Number", "City", "State", "Country", "Tags", "Subscribed",
                  "Created At", "Updated At", "_extracted_at"]
ERASURE_COLUMNS = ["request_id", "identifier_type", "identifier", "requested_at", "_extracted_at"]
LATE_UPDATE = "ticket_tailor/orders_2025-11-13.jsonl"
LATE_REFUND = "ticket_tailor/orders_2025-11-18.jsonl"
MERGING_CONTACT = "kajabi/contacts_2025-11-14.csv"
PAYPAL_REFUND = "paypal/activity_2025-11-14.csv"
SPLITTING_CONTACT = "kajabi/contacts_2025-11-16.csv"
ERASURE = "privacy/erasure_requests_2025-11-18.csv"
DAYS = 5


@dataclass
class Landed:
    """What a day landed that the marts must show (order keys with their gross amount and refund, or
    their gross amount alone, None for no row; customer ids merged or split, the erased customer)."""
    files: list[str] = field(default_factory=list)
    orders: dict[str, tuple[float, float]] = field(default_factory=dict)  # order_key: (gross, refund)
    gross: dict[str, float | None] = field(default_factory=dict)  # order_key: gross, None: gone
    merged: tuple[str, str] | None = None
    split: tuple[str, str] | None = None  # the pair's two record ids
    erased: str | None = None  # a customer id


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """A CSV as a Windows export tool writes it: CRLF line endings."""
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def _kajabi_contact(contact_id: str, name: str, email: str, phone: str, when: str) -> dict:
    return {"ID": contact_id, "Name": name, "Email": email, "Phone Number": phone, "City": "", "State": "",
            "Country": "US", "Tags": "", "Subscribed": "false", "Created At": f"{when} 10:00:00 -0700",
            "Updated At": f"{when} 10:00:00 -0700", "_extracted_at": f"{when}T07:00:00Z"}


def land_day_1(raw_all: Path, raw: Path) -> Landed:
    """The demo landing data without its later extracts, into `raw` (which must not exist)."""
    shutil.copytree(raw_all, raw)
    for path in LATER_EXTRACTS:
        (raw / path).unlink()
    return Landed()


def land_day(day: int, raw: Path, raw_all: Path, query: Query) -> Landed:
    """Land day `day` (2-5) into `raw`; `query` reads the warehouse loaded up to the day before."""
    return {2: _day_2, 3: _day_3, 4: _day_4, 5: _day_5}[day](raw, raw_all, query)


def _late_version(raw: Path, raw_all: Path, path: str, when: str, **changes) -> Landed:
    """A Ticket Tailor extract re-exporting one plain day-1 order (the same one every time) with
    `changes` applied to the version landed last."""
    order = ticket_tailor_candidates(raw, raw_all)[5]
    if (raw / LATE_UPDATE).exists():
        order = json.loads((raw / LATE_UPDATE).read_text())
    order = {**order, **changes, "_extracted_at": when}
    (raw / path).write_text(json.dumps(order) + "\n")
    key = f"ticket_tailor__orders:{order['id']}"
    return Landed([path], {key: (order["total"] / 100, (order["refund_amount"] or 0) / 100)})


def _day_2(raw: Path, raw_all: Path, query: Query) -> Landed:
    later = [LATER_EXTRACTS[0], LATER_EXTRACTS[2]]
    for path in later:
        shutil.copy(raw_all / path, raw / path)
    first = ticket_tailor_candidates(raw, raw_all)[5]
    landed = _late_version(raw, raw_all, LATE_UPDATE, "2025-11-13T06:00:00Z",
                           subtotal=first["subtotal"] + 700, total=first["total"] + 700)
    land_deleted_extract(raw, raw_all)
    landed.gross = _extra_extract_orders(raw, deleted=False)
    landed.files += [*later, TICKET_TAILOR_DELETED]
    return landed


def _day_3(raw: Path, raw_all: Path, query: Query) -> Landed:
    shutil.copy(raw_all / LATER_EXTRACTS[1], raw / LATER_EXTRACTS[1])
    email, phone, first, second, name = merging_pair(query)
    _write_csv(raw / MERGING_CONTACT, KAJABI_COLUMNS,
               [_kajabi_contact("1849999999", name, email, phone, "2025-11-14")])

    # a refund of a completed day-1 subscription payment nobody refunded yet, as PayPal lists it:
    # negative gross, the original's id in Reference Txn ID
    refunded = set()
    for path in sorted(raw.glob("paypal/activity_*.csv")):
        with path.open(newline="") as fh:
            refunded |= {row["Reference Txn ID"] for row in csv.DictReader(fh)}
    with (raw / PAYPAL).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    original = next(row for row in rows if row["Type"] == "Subscription Payment" and row["Status"] == "Completed"
                    and row["Currency"] == "USD" and row["Transaction ID"] not in refunded
                    and re.fullmatch(r"[A-Z0-9]{17}", row["Transaction ID"])
                    and re.fullmatch(r"[1-9][0-9]*\.[0-9]{2}", row["Gross"]))
    refund = {**original, "Date": "11/13/2025", "Time": "15:20:00", "TimeZone": "MST", "Type": "Payment Refund",
              "Gross": f"-{original['Gross']}", "Fee": "0.00", "Net": f"-{original['Gross']}",
              "Transaction ID": "RFND5DAY000000001", "Reference Txn ID": original["Transaction ID"],
              "Balance Impact": "Debit", "_extracted_at": "2025-11-14T08:00:00Z"}
    _write_csv(raw / PAYPAL_REFUND, list(rows[0]), [refund])
    return Landed([LATER_EXTRACTS[1], MERGING_CONTACT, PAYPAL_REFUND],
                  {f"paypal__transactions:{refund['Transaction ID']}": (0.0, float(original["Gross"]))},
                  merged=(first, second))


def _day_4(raw: Path, raw_all: Path, query: Query) -> Landed:
    shutil.copy(raw_all / LATER_EXTRACTS[3], raw / LATER_EXTRACTS[3])
    customer, phone = phone_joined_pair(query)
    pair = tuple(sorted(record for (record,) in query(
        f"select customer_record_id from intermediate.int_customer_ids where customer_id = '{customer}'")))
    _write_csv(raw / SPLITTING_CONTACT, KAJABI_COLUMNS,
               [_kajabi_contact("1849999998", "Quillon Other", "quillon.other@gmail.com", phone, "2025-11-16")])
    gross = _extra_extract_orders(raw, deleted=True) | rewrite_in_place(raw, raw_all)
    (raw / TICKET_TAILOR_DELETED).unlink()
    return Landed([LATER_EXTRACTS[3], SPLITTING_CONTACT], gross=gross, split=pair)


def _extra_extract_orders(raw: Path, deleted: bool) -> dict[str, float | None]:
    """The gross amount of each order of day 2's extra extract as fct_orders must show it: the
    extract's while it is landed; once it is deleted, the day-1 file's (None: the new order, gone)."""
    orders = [order for _, order in json_lines(raw / TICKET_TAILOR_DELETED)]
    day_1 = {order.get("id"): order for _, order in json_lines(raw / TICKET_TAILOR) if isinstance(order, dict)}
    if deleted:
        orders = [day_1.get(order["id"], {"id": order["id"]}) for order in orders]
    return {f"ticket_tailor__orders:{order['id']}": order["total"] / 100 if "total" in order else None
            for order in orders}


def _day_5(raw: Path, raw_all: Path, query: Query) -> Landed:
    # a customer with paid orders, by an email only they hold
    customer, email = query("""
        select customers.customer_id, customers.primary_email
        from marts.dim_customers as customers
        inner join intermediate.int_customer_identifiers_classified as classified
            on classified.identifier_type = 'email' and classified.identifier_value = customers.primary_email
        where classified.people_count = 1 and customers.customer_id in (
            select customer_id from marts.fct_orders where gross_amount > 0 and not is_customer_erased)
        order by 1 limit 1""")[0]
    _write_csv(raw / ERASURE, ERASURE_COLUMNS, [{
        "request_id": "ER-2001", "identifier_type": "email", "identifier": email,
        "requested_at": "2025-11-17T09:30:00+00:00", "_extracted_at": "2025-11-18T09:00:00Z"}])
    order = json.loads((raw / LATE_UPDATE).read_text())
    landed = _late_version(raw, raw_all, LATE_REFUND, "2025-11-18T06:00:00Z", refund_amount=order["total"])
    landed.files.append(ERASURE)
    landed.erased = customer
    return landed
