"""A corpus of landing files as a new user's exports arrive, made from a copy of the demo landing data.

Each case is one function that damages one file (or adds one) the way a real export tool, a
spreadsheet or a person does, and returns what it did (ids, lines, file names) for the test's
assertions. Every case touches a different file, so all of them can go into one landing folder
and one build. The build's policy for each is in docs/sources.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path


def _read_csv(path: Path, encoding: str = "utf-8") -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding=encoding) as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]], encoding: str = "utf-8",
               line_ending: str = "\n") -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, extrasaction="ignore", lineterminator=line_ending)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _ids_in(path: Path, key: str) -> set[str]:
    return {row[key] for row in _read_csv(path)[1]}


def cr_cr_lf_line_endings(raw: Path) -> dict:
    """Zoho's export opened and saved by a Windows tool that doubles the carriage return: CR CR LF."""
    path = raw / "zoho" / "contacts.csv"
    data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\r\n")
    path.write_bytes(data)
    return {"file": path, "rows": len(_read_csv(path)[1])}


def unquoted_newline_in_free_text(raw: Path) -> dict:
    """A Kajabi transaction whose Customer Name carries a line break the export did not quote:
    the row arrives as two lines, neither with the header's 17 fields."""
    path = raw / "kajabi" / "transactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line_number = 10  # 1 is the header
    fields = lines[line_number - 1].split(",")
    name = fields[6]
    fields[6] = name[:3] + "\n" + name[3:]
    lines[line_number - 1] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")
    return {"file": path, "lines": [line_number, line_number + 1], "transaction_id": fields[0]}


def missing_column_in_single_file_table(raw: Path) -> dict:
    """Kajabi's offers export without its Interval column (a newer export layout)."""
    path = raw / "kajabi" / "offers.csv"
    header, rows = _read_csv(path)
    _write_csv(path, [column for column in header if column != "Interval"], rows)
    return {"file": path, "rows": len(rows), "missing": "Interval"}


def quoted_newline_in_title(raw: Path) -> dict:
    """A free-text field with a line break, properly quoted (legal CSV): staged intact."""
    path = raw / "kajabi" / "offers.csv"
    header, rows = _read_csv(path)
    rows[0]["Title"] = rows[0]["Title"] + "\nSecond line"
    _write_csv(path, header, rows)
    return {"file": path, "offer_id": rows[0]["ID"], "title": rows[0]["Title"]}


def nul_byte_in_a_name(raw: Path) -> dict:
    """A NUL byte (and a bell character) inside a web shop customer's name."""
    path = raw / "webshop" / "shop_customers.csv"
    header, rows = _read_csv(path)
    row = rows[5]
    row["name"] = row["name"][:3] + "\x00" + row["name"][3:] + "\x07"
    _write_csv(path, header, rows)
    return {"file": path, "shop_customer_id": row["id"], "name": row["name"].replace("\x00", "").replace("\x07", "")}


def nul_escape_in_json(raw: Path) -> dict:
    """A Humanitix buyer's first name with a NUL written as a JSON escape (\\u0000), and another with an
    escaped backslash followed by 'u0000' (text, not a control character)."""
    path = raw / "humanitix" / "orders_2025-07-14.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = []
    for index, line in enumerate(lines):
        if _is_json(line) and len(changed) < 2:
            order = json.loads(line)
            order["firstName"] = "Che\x00ryl" if not changed else "Back\\u0000slash"
            lines[index] = json.dumps(order) + "\n"
            changed.append(order["_id"])
    path.write_text("".join(lines), encoding="utf-8")
    return {"file": path, "nul_order_id": changed[0], "backslash_order_id": changed[1]}


def column_missing_from_one_extract(raw: Path) -> dict:
    """Kajabi's June contacts export without Phone Number; November's has it."""
    path = raw / "kajabi" / "contacts_2025-06-30.csv"
    header, rows = _read_csv(path)
    _write_csv(path, [column for column in header if column != "Phone Number"], rows)
    november = raw / "kajabi" / "contacts_2025-11-12.csv"
    with_phone = {row["ID"] for row in _read_csv(november)[1] if row["Phone Number"].strip()}
    return {"file": path, "missing": "Phone Number", "november_ids_with_phone": with_phone}


def negative_humanitix_total(raw: Path) -> dict:
    """A paid Humanitix order (in one extract only) whose totals.total is negative."""
    first, second = raw / "humanitix" / "orders_2025-07-08.jsonl", raw / "humanitix" / "orders_2025-07-14.jsonl"
    later_ids = {json.loads(line).get("_id") for line in second.read_text(encoding="utf-8").splitlines()
                 if _is_json(line)}
    lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if not _is_json(line):
            continue
        order = json.loads(line)
        if order.get("financialStatus") == "paid" and order.get("_id") not in later_ids and order["totals"]["total"] > 0:
            order["totals"]["total"] = -order["totals"]["total"]
            lines[index] = json.dumps(order) + "\n"
            first.write_text("".join(lines), encoding="utf-8")
            return {"file": first, "order_id": order["_id"]}
    raise AssertionError("no paid Humanitix order found in one extract only")


def implausible_dates(raw: Path) -> dict:
    """A Ticket Tailor order dated 2031, a Kajabi charge dated 1900, a web shop order of June 2018
    (a plausible date in a month the FX rates do not cover)."""
    old, new = raw / "ticket_tailor" / "orders_2025-06-30.jsonl", raw / "ticket_tailor" / "orders_2025-11-15.jsonl"
    old_ids = {json.loads(line)["id"] for line in old.read_text(encoding="utf-8").splitlines() if _is_json(line)}
    lines = new.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if _is_json(line) and json.loads(line)["id"] not in old_ids:
            order = json.loads(line)
            order["created_at"] = 1930000000  # 2031-02-28
            lines[index] = json.dumps(order) + "\n"
            break
    new.write_text("".join(lines), encoding="utf-8")

    transactions = raw / "kajabi" / "transactions.csv"
    header, rows = _read_csv(transactions)
    charge = next(row for row in rows[20:] if row["Type"] == "Charge")
    charge["Created At"] = "1900-01-01 10:00:00 -0700"
    _write_csv(transactions, header, rows)

    shop_orders = raw / "webshop" / "shop_orders.csv"
    header, rows = _read_csv(shop_orders)
    shop_order = next(row for row in rows if row["status"] == "completed")
    shop_order["created_at"] = shop_order["updated_at"] = "2018-06-15 10:00:00+00"
    _write_csv(shop_orders, header, rows)
    return {"ticket_tailor_order_id": order["id"], "kajabi_transaction_id": charge["ID"],
            "webshop_order_id": shop_order["id"]}


def byte_order_mark(raw: Path) -> dict:
    """The web shop's orders saved by Excel as "CSV UTF-8": a BOM before the header."""
    path = raw / "webshop" / "shop_orders.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return {"file": path, "rows": len(_read_csv(path, "utf-8-sig")[1])}


def latin1_extract(raw: Path) -> dict:
    """A later Zoho export saved as Latin-1 (ISO-8859-1): 'José', 'Zoë'."""
    header, rows = _read_csv(raw / "zoho" / "contacts.csv")
    picked = [row for row in rows if row["Record Id"].strip()][:3]
    picked[0]["First Name"], picked[1]["First Name"] = "José", "Zoë"
    path = raw / "zoho" / "contacts_2025-12-01.csv"
    _write_csv(path, header, picked, encoding="latin-1", line_ending="\r\n")
    return {"file": path, "record_ids": [row["Record Id"] for row in picked], "names": ["José", "Zoë"]}


def windows_1252_extract(raw: Path) -> dict:
    """A Zoho export saved as Windows-1252 with a typographic apostrophe (byte 0x92): not decodable
    without a code page the warehouse does not have offline, so the file is quarantined whole."""
    header, rows = _read_csv(raw / "zoho" / "contacts.csv")
    picked = [row for row in rows if row["Record Id"].strip()][10:12]
    picked[0]["Last Name"] = "O\u2019Brien"
    path = raw / "zoho" / "contacts_2025-12-02.csv"
    _write_csv(path, header, picked, encoding="cp1252", line_ending="\r\n")
    return {"file": path, "record_ids": [row["Record Id"] for row in picked]}


def unmatched_file_name(raw: Path) -> dict:
    """A PayPal download saved under PayPal's own name, which no source's pattern matches."""
    source = raw / "paypal" / "activity_2025-11-12.csv"
    header, rows = _read_csv(source)
    path = raw / "paypal" / "Activity-2025-12-01.csv"
    _write_csv(path, header, rows[:1])
    return {"file": path}


def conflicting_duplicate(raw: Path) -> dict:
    """One PayPal transaction id twice in one download with different Gross (33.00 and 999.00), and
    another transaction repeated identically."""
    path = raw / "paypal" / "activity_2025-11-12.csv"
    header, rows = _read_csv(path)
    earlier = _ids_in(raw / "paypal" / "activity_2025-07-01.csv", "Transaction ID")
    fresh = [row for row in rows if row["Transaction ID"] not in earlier and row["Type"] == "Subscription Payment"
             and row["Status"] == "Completed"]
    conflicted, repeated = fresh[0], fresh[1]
    conflicted["Gross"], conflicted["Net"] = "33.00", "31.74"
    other = dict(conflicted, Gross="999.00", Net="970.73")
    rows.extend([other, dict(repeated)])
    _write_csv(path, header, rows)
    return {"file": path, "conflicted_id": conflicted["Transaction ID"], "repeated_id": repeated["Transaction ID"]}


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


# the cases that build: each damages a different file, or the same file in an order that keeps each damage
# (implausible_dates rewrites files that unquoted_newline_in_free_text and byte_order_mark then damage)
BUILDING_CASES = [
    implausible_dates, cr_cr_lf_line_endings, unquoted_newline_in_free_text, missing_column_in_single_file_table,
    quoted_newline_in_title, nul_byte_in_a_name, nul_escape_in_json, column_missing_from_one_extract, negative_humanitix_total,
    byte_order_mark, latin1_extract, windows_1252_extract, unmatched_file_name,
    conflicting_duplicate,
]


def apply_building_cases(raw: Path) -> dict[str, dict]:
    return {case.__name__: case(raw) for case in BUILDING_CASES}


def unterminated_quote(raw: Path) -> dict:
    """A quote opened in a Kajabi transaction and never closed: every later row would vanish into one
    field. Nothing can be staged safely from the file, and it is the only transactions file: stop."""
    path = raw / "kajabi" / "transactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = re.sub(r",", ',"', lines[2], count=1)
    path.write_text("".join(lines), encoding="utf-8")
    return {"file": path, "line": 3}
