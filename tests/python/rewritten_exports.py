"""Order files rewritten in place under their own names, as a stranger's export tool does, and an
extract that is deleted: the landing changes test_five_extracts (day 4, every engine) and test_engines
(PostgreSQL) load incrementally; and the day N / day N+1 landing test_customer_order_totals starts
from (land_day_n, land_day_n_plus_1). Each function returns the gross amount every order it touched must have in
fct_orders afterwards (None: no row), written from the files it wrote, not from the warehouse.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import duckdb

from identity_bridges import merging_pair

# the demo's later extracts, which land_day_n leaves out and land_day_n_plus_1 lands
LATER_EXTRACTS = ["humanitix/orders_2025-07-14.jsonl", "kajabi/contacts_2025-11-12.csv",
                  "paypal/activity_2025-11-12.csv", "ticket_tailor/orders_2025-11-15.jsonl"]
TICKET_TAILOR = "ticket_tailor/orders_2025-06-30.jsonl"
TICKET_TAILOR_DELETED = "ticket_tailor/orders_2025-07-01.jsonl"
PAYPAL = "paypal/activity_2025-07-01.csv"
ERASURE_REQUESTS = "privacy/erasure_requests.csv"


def land_day_n(raw_all: Path, day_n: Path) -> None:
    """Day N in `day_n`: the demo landing `raw_all` without its later extracts and with no erasure request."""
    shutil.copytree(raw_all, day_n)
    for path in LATER_EXTRACTS:
        (day_n / path).unlink()
    requests = day_n / ERASURE_REQUESTS
    requests.write_text(requests.read_text().splitlines()[0] + "\n")


def land_day_n_plus_1(raw_all: Path, day_n: Path, duckdb_path: Path) -> tuple[str, str]:
    """Day N+1 over day N: the later extracts, the erasure requests, and a new Kajabi contacts export
    whose one contact holds the email of one customer of `duckdb_path` (the day-N warehouse) and the
    phone of another (identity_bridges.merging_pair). Returns the two customers' ids."""
    for path in LATER_EXTRACTS + [ERASURE_REQUESTS]:
        shutil.copy(raw_all / path, day_n / path)
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        email, phone, first, second, name = merging_pair(lambda sql: con.sql(sql).fetchall())
    contact = {"ID": "1849999999", "Name": f"{name}", "Email": email, "Phone Number": phone, "City": "",
               "State": "", "Country": "US", "Tags": "", "Subscribed": "false",
               "Created At": "2025-11-19 10:00:00 -0700", "Updated At": "2025-11-19 10:00:00 -0700",
               "_extracted_at": "2025-11-20T07:00:00Z"}
    with (day_n / "kajabi" / "contacts_2025-11-20.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(contact))
        writer.writeheader()
        writer.writerow(contact)
    return first, second


def order_sk(order_key: str) -> str:
    return hashlib.md5(order_key.encode()).hexdigest()


def json_lines(path: Path) -> list[tuple[str, dict | None]]:
    """Each line of a JSON Lines file with its object (None for a line that is not one: the demo's
    landing holds malformed lines on purpose)."""
    lines = []
    for line in path.read_text().splitlines():
        try:
            lines.append((line, json.loads(line)))
        except json.JSONDecodeError:
            lines.append((line, None))
    return lines


def ticket_tailor_candidates(raw: Path, raw_all: Path) -> list[dict]:
    """Plain completed Ticket Tailor orders of the first extract that no later extract updates."""
    later = {str(order.get("id")) for _, order in json_lines(raw_all / LATER_EXTRACTS[3]) if order}
    orders = [order for _, order in json_lines(raw / TICKET_TAILOR) if isinstance(order, dict)]
    counts: dict[str, int] = {}
    for order in orders:
        counts[str(order.get("id"))] = counts.get(str(order.get("id")), 0) + 1
    return [order for order in orders if counts[str(order.get("id"))] == 1 and order.get("id") not in later
            and re.fullmatch(r"or_[0-9]+", str(order.get("id"))) and order.get("status") == "completed" and order.get("refund_amount") in (0, None)
            and isinstance(order.get("total"), int) and order["total"] > 0 and isinstance(order.get("subtotal"), int)
            and order.get("currency") == {"code": "usd", "base_multiplier": 100}
            and isinstance(order.get("created_at"), int) and order.get("_extracted_at") == "2025-06-30T06:00:00Z"]


def land_deleted_extract(raw: Path, raw_all: Path) -> dict[str, float | None]:
    """Day N's extra Ticket Tailor extract, deleted on day N+1: a later version of an old order (its
    total 10.00 higher) and a new order. Returns the gross amount each order_key has after the deletion
    (None: gone)."""
    updated, copied = ticket_tailor_candidates(raw, raw_all)[3:5]
    updated = {**updated, "total": updated["total"] + 1000, "_extracted_at": "2025-07-01T06:00:00Z"}
    new = {**copied, "id": "or_9900002", "_extracted_at": "2025-07-01T06:00:00Z"}
    (raw / TICKET_TAILOR_DELETED).write_text("".join(json.dumps(order) + "\n" for order in (updated, new)))
    return {f"ticket_tailor__orders:{updated['id']}": (updated["total"] - 1000) / 100,
            f"ticket_tailor__orders:{new['id']}": None}


def rewrite_in_place(raw: Path, raw_all: Path) -> dict[str, float | None]:
    """Rewrite two order files day N loaded under their own names, as a stranger's export tool does:
    in each, one order's amount changed (the same _extracted_at), one order removed, one added. Returns
    the gross amount each touched order_key must have after the incremental run (None: gone)."""
    expected: dict[str, float | None] = {}
    changed, removed, copied = ticket_tailor_candidates(raw, raw_all)[:3]
    rewritten = []
    for line, order in json_lines(raw / TICKET_TAILOR):
        if order == changed:
            line = json.dumps({**order, "subtotal": order["subtotal"] + 500, "total": order["total"] + 500})
        if order != removed:
            rewritten.append(line)
    rewritten.append(json.dumps({**copied, "id": "or_9900001"}))
    (raw / TICKET_TAILOR).write_text("".join(line + "\n" for line in rewritten))
    expected[f"ticket_tailor__orders:{changed['id']}"] = (changed["total"] + 500) / 100
    expected[f"ticket_tailor__orders:{removed['id']}"] = None
    expected["ticket_tailor__orders:or_9900001"] = copied["total"] / 100

    with (raw / PAYPAL).open(newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    with (raw_all / LATER_EXTRACTS[2]).open(newline="") as fh:
        later = {row["Transaction ID"] for row in csv.DictReader(fh)}
    referenced = set()  # payments a refund landed in any PayPal file names
    for path in raw.glob("paypal/activity_*.csv"):
        with path.open(newline="") as fh:
            referenced |= {row["Reference Txn ID"] for row in csv.DictReader(fh)}
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["Transaction ID"].strip()] = counts.get(row["Transaction ID"].strip(), 0) + 1
    changed, removed, copied = [
        row for row in rows if row["Type"] == "Subscription Payment" and row["Status"] == "Completed"
        and re.fullmatch(r"[A-Z0-9]{17}", row["Transaction ID"]) and counts[row["Transaction ID"]] == 1
        and re.fullmatch(r"[0-9]+\.[0-9]{2}", row["Gross"]) and row["Currency"] == "USD"
        and row["Transaction ID"] not in later | referenced][:3]
    new = {**copied, "Transaction ID": "RWRITE00000000001"}
    with (raw / PAYPAL).open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            if row is changed:
                row = {**row, "Gross": f"{float(row['Gross']) + 10:.2f}", "Net": f"{float(row['Net']) + 10:.2f}"}
            if row is not removed:
                writer.writerow(row)
        writer.writerow(new)
    expected[f"paypal__transactions:{changed['Transaction ID']}"] = float(changed["Gross"]) + 10
    expected[f"paypal__transactions:{removed['Transaction ID']}"] = None
    expected["paypal__transactions:RWRITE00000000001"] = float(copied["Gross"])
    # the landing cache tells a changed file by size and modification time: the sizes changed, and
    # the times are set a minute later, so the rewrite is seen however fast the test runs
    for path in (TICKET_TAILOR, PAYPAL):
        stamp = (raw / path).stat().st_mtime + 60
        os.utime(raw / path, (stamp, stamp))
    return expected


def gross_amounts(duckdb_path: Path, order_keys) -> dict[str, float | None]:
    """The gross amount fct_orders holds for each order_key (None: no row), by order_sk (an erased
    customer's order keeps it)."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        found = dict(con.sql("select order_sk, cast(gross_amount as double) from marts.fct_orders").fetchall())
    return {key: found.get(order_sk(key)) for key in order_keys}
