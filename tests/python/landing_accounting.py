"""Every raw landing row accounted for: counted with Python from the landing files, then found in the warehouse
as staged, quarantined or superseded (an older version of a record that a later extract repeats).

Shared by the tests of the demo warehouse and of the scale generator's warehouse.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

# landing table (source system, source table) -> (glob under the landing folder, staged model)
LANDING_TABLES = {
    ("humanitix", "events"): ("humanitix/events*.jsonl", "stg_humanitix__events"),
    ("humanitix", "orders"): ("humanitix/orders_*.jsonl", "stg_humanitix__orders"),
    ("ticket_tailor", "events"): ("ticket_tailor/events*.jsonl", "stg_ticket_tailor__events"),
    ("ticket_tailor", "orders"): ("ticket_tailor/orders_*.jsonl", "stg_ticket_tailor__orders"),
    ("kajabi", "contacts"): ("kajabi/contacts_*.csv", "stg_kajabi__contacts"),
    ("kajabi", "offers"): ("kajabi/offers*.csv", "stg_kajabi__offers"),
    ("kajabi", "transactions"): ("kajabi/transactions*.csv", "stg_kajabi__transactions"),
    ("zoho", "contacts"): ("zoho/contacts*.csv", "stg_zoho__contacts"),
    ("paypal", "transactions"): ("paypal/activity_*.csv", "stg_paypal__transactions"),
    ("webshop", "shops"): ("webshop/shops*.csv", "stg_webshop__shops"),
    ("webshop", "shop_customers"): ("webshop/shop_customers*.csv", "stg_webshop__shop_customers"),
    ("webshop", "shop_orders"): ("webshop/shop_orders*.csv", "stg_webshop__shop_orders"),
    ("privacy", "erasure_requests"): ("privacy/erasure_requests*.csv", "stg_privacy__erasure_requests"),
}


@dataclass(frozen=True)
class RowAccount:
    """The rows of one landing table: in its files, and where they went in the warehouse."""

    raw: int
    staged: int
    quarantined: int
    superseded: int


def count_file_rows(path: Path) -> int | None:
    """Rows in one landing file, counted with Python's own readers (not DuckDB): JSON Lines by line,
    CSV by row (a row broken by an unquoted line break counts as the two rows it became). A file that
    is not UTF-8 is read as Latin-1, unless it has bytes 0x80-0x9F (Windows-1252 or another code
    page): then None, as the build quarantines the whole file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if re.search(rb"[\x80-\x9f]", data):
            return None
        text = data.decode("latin-1")
    if path.suffix == ".jsonl":
        return len(text.splitlines())
    return sum(1 for _ in csv.DictReader(io.StringIO(text, newline="")))


def count_raw_rows(raw_dir: Path, glob: str) -> int:
    """Rows in the landing files of a glob that the build reads (files quarantined whole aside)."""
    return sum(count_file_rows(path) or 0 for path in sorted(raw_dir.glob(glob)))


def check_row_accounting(raw_dir: Path, duckdb_path: Path, table: tuple[str, str]) -> RowAccount:
    """Assert that raw = staged + quarantined + superseded for a landing table of LANDING_TABLES; return the
    counts for the caller's own checks."""
    source_system, source_table = table
    glob, staged_model = LANDING_TABLES[table]
    raw_rows = count_raw_rows(raw_dir, glob)
    base_model = staged_model.replace("stg_", "base_", 1)
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        staged = con.execute(f"select count(*) from staging.{staged_model}").fetchone()[0]
        superseded = con.execute(f"select count(*) from staging.{base_model} where version_rank > 1").fetchone()[0]
        quarantined = con.execute(
            "select count(*) from audit.audit_quarantined_rows where source_system = ? and source_table = ?",
            [source_system, source_table]).fetchone()[0]
    account = RowAccount(raw=raw_rows, staged=staged, quarantined=quarantined, superseded=superseded)
    assert staged + quarantined + superseded == raw_rows, account
    return account


# The rows the generators deliberately break, by (source, table, reason): the demo and the scale
# generator write the same invalid rows, so staging must quarantine exactly these.
EXPECTED_QUARANTINE = {
    ("humanitix", "orders", "malformed_json"): 2,
    ("humanitix", "orders", "missing_record_key"): 1,
    ("humanitix", "orders", "invalid_timestamp"): 1,
    ("humanitix", "orders", "unknown_currency"): 1,
    ("humanitix", "orders", "unknown_status"): 1,
    ("ticket_tailor", "orders", "malformed_json"): 1,
    ("ticket_tailor", "orders", "missing_record_key"): 1,
    ("ticket_tailor", "orders", "invalid_amount"): 1,
    ("kajabi", "contacts", "missing_record_key"): 1,
    ("kajabi", "contacts", "invalid_timestamp"): 1,
    ("kajabi", "transactions", "missing_record_key"): 1,
    ("kajabi", "transactions", "invalid_amount"): 1,
    ("kajabi", "transactions", "unknown_currency"): 1,
    ("kajabi", "transactions", "invalid_timestamp"): 1,
    ("zoho", "contacts", "missing_record_key"): 1,
    ("zoho", "contacts", "invalid_timestamp"): 1,
    ("paypal", "transactions", "invalid_amount"): 1,
    ("paypal", "transactions", "invalid_timestamp"): 1,
    ("paypal", "transactions", "missing_record_key"): 1,
    ("webshop", "shop_orders", "negative_amount"): 1,
    ("webshop", "shop_orders", "invalid_timestamp"): 1,
    ("webshop", "shop_orders", "missing_reference"): 1,
    ("privacy", "erasure_requests", "invalid_identifier"): 1,
}
