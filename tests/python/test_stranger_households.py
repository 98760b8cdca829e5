"""Identity resolution on households and habits the demo generator never wrote (issue 15), written blind to the
implementation: records are appended to a copy of the demo landing files in each source's documented shape, the
whole project is built, and only the outcome a user is promised is asserted.

- a family's guest orders in the web shop: one phone in three formats, no email, three different given names;
- PayPal payers who all pay through a booking agent's no-reply address, no phone, different names;
- a Kajabi transaction whose Customer ID is an existing contact's ID, under another email;
- a web-shop order whose shop_customer_id is an existing shop customer, with another phone and no email.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import run_dbt

pytestmark = pytest.mark.slow

FAMILY = [("a1f0c001-0000-4000-8000-000000000001", "Yaw Boateng", "0244 123 987"),
          ("a1f0c001-0000-4000-8000-000000000002", "Akua Boateng", "+233 24 412 3987"),
          ("a1f0c001-0000-4000-8000-000000000003", "Kofi Boateng", "233244123987")]
NOREPLY = [("NOREPLYTXN000001", "Liam Byrne", "noreply@bookings.com"),
           ("NOREPLYTXN000002", "Chloe Martin", "NoReply@Bookings.com"),
           ("NOREPLYTXN000003", "Arjun Patel", "no-reply@bookings.com"),
           ("NOREPLYTXN000004", "Grace Okafor", "no-reply@bookings.com")]
KAJABI_TXN = "3199999901"
KEYED_ORDER = "b2e0d002-0000-4000-8000-000000000009"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writerows([{column: row.get(column, "") for column in header} for row in rows])
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(buffer.getvalue())


def _add_cases(raw: Path) -> dict[str, str]:
    facts: dict[str, str] = {}
    orders_path = raw / "webshop" / "shop_orders.csv"
    template = _rows(orders_path)[0]
    family = []
    for order_id, name, phone in FAMILY:
        row = dict(template)
        row.update({"id": order_id, "shop_customer_id": "", "customer_name": name, "customer_phone": phone,
                    "customer_email": "", "payment_reference": "PAY-" + order_id[-6:],
                    "created_at": "2025-09-01 10:00:00+00", "updated_at": "2025-09-01 10:00:00+00"})
        family.append(row)
    shop_customer = _rows(raw / "webshop" / "shop_customers.csv")[0]
    keyed = dict(template)
    keyed.update({"id": KEYED_ORDER, "shop_id": shop_customer["shop_id"], "shop_customer_id": shop_customer["id"],
                  "customer_name": shop_customer["name"], "customer_phone": "0551239999", "customer_email": "",
                  "payment_reference": "PAY-KEYED9", "created_at": "2025-10-25 10:00:00+00",
                  "updated_at": "2025-10-25 10:00:00+00"})
    _append(orders_path, family + [keyed])
    facts["shop_customer"] = shop_customer["id"]

    paypal_path = sorted((raw / "paypal").glob("activity_*.csv"))[-1]
    template = _rows(paypal_path)[0]
    payers = []
    for txn, name, email in NOREPLY:
        row = dict(template)
        row.update({"Date": "10/02/2025", "Time": "09:30:00", "TimeZone": "MDT", "Name": name,
                    "Type": "General Payment", "Status": "Completed", "Gross": "40.00", "Fee": "-1.46",
                    "Net": "38.54", "From Email Address": email, "Transaction ID": txn, "Reference Txn ID": "",
                    "Contact Phone Number": ""})
        payers.append(row)
    _append(paypal_path, payers)

    transactions_path = raw / "kajabi" / "transactions.csv"
    contact = next(row for row in _rows(sorted((raw / "kajabi").glob("contacts_*.csv"))[-1])
                   if row["Email"].strip() and not row["Phone Number"].strip())
    row = dict(_rows(transactions_path)[0])
    row.update({"ID": KAJABI_TXN, "Type": "Charge", "Customer ID": contact["ID"],
                "Customer Name": contact["Name"], "Customer Email": "accounts.payable@" + "northwind-billing.net",
                "Created At": "2025-08-01 10:00:00 -0600"})
    _append(transactions_path, [row])
    facts["kajabi_contact"] = contact["ID"]
    return facts


@pytest.fixture(scope="module")
def household_warehouse(demo_landing, tmp_path_factory):
    raw_dir, _ = demo_landing
    root = tmp_path_factory.mktemp("households")
    raw = root / "raw"
    shutil.copytree(raw_dir, raw)
    facts = _add_cases(raw)
    duckdb_path = root / "households.duckdb"
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("RAW_DATA_DIR", str(raw))
    try:
        run_dbt(["build", "--select", "+int_customer_components", "--indirect-selection", "cautious"], duckdb_path)
    finally:
        monkeypatch.undo()
    return duckdb_path, facts


def _components(duckdb_path: Path, record_ids: list[str]) -> dict[str, str]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        found = dict(con.execute(
            "select customer_record_id, component_id from intermediate.int_customer_components "
            "where list_contains(?, customer_record_id)", [record_ids]).fetchall())
    assert set(found) == set(record_ids), f"records missing from the components: {set(record_ids) - set(found)}"
    return found


def test_a_familys_guest_orders_on_one_phone_stay_apart(household_warehouse) -> None:
    duckdb_path, _ = household_warehouse
    components = _components(duckdb_path, [f"webshop__shop_orders:{order_id}" for order_id, _, _ in FAMILY])
    assert len(set(components.values())) == len(FAMILY), components


def test_payers_behind_a_no_reply_address_stay_apart(household_warehouse) -> None:
    duckdb_path, _ = household_warehouse
    components = _components(duckdb_path, [f"paypal__transactions:{txn}" for txn, _, _ in NOREPLY])
    assert len(set(components.values())) == len(NOREPLY), components


def test_a_kajabi_transaction_joins_its_contact_by_customer_id(household_warehouse) -> None:
    duckdb_path, facts = household_warehouse
    components = _components(duckdb_path, [f"kajabi__transactions:{KAJABI_TXN}",
                                           f"kajabi__contacts:{facts['kajabi_contact']}"])
    assert len(set(components.values())) == 1, components


def test_a_shop_order_joins_its_shop_customer_by_key(household_warehouse) -> None:
    duckdb_path, facts = household_warehouse
    components = _components(duckdb_path, [f"webshop__shop_orders:{KEYED_ORDER}",
                                           f"webshop__shop_customers:{facts['shop_customer']}"])
    assert len(set(components.values())) == 1, components
