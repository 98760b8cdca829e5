"""Corrupt landing files give a clear error or a quarantine row: never a silent loss.

Row-level problems (a corrupt JSON line, an impossible date, a ragged CSV row) become quarantine rows
and the build goes on. A file that cannot be read safely (an unterminated quote) or a landing table
with no file stops the build with one line naming the file; the pre-flight check names file and line.
The fuller corpus of a new user's exports is tests/python/test_landing_corpus.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse_tools.check_landing_files import check
from conftest import DbtCommandError, run_dbt


def _quarantine_counts(duckdb_path: Path, source_system: str, source_table: str) -> dict[str, int]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return dict(con.execute(
            "select quarantine_reason, count(*) from audit.audit_quarantined_rows "
            "where source_system = ? and source_table = ? group by all", [source_system, source_table]).fetchall())


def _staged(duckdb_path: Path, model: str) -> int:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return con.execute(f"select count(*) from staging.{model}").fetchone()[0]


def test_corrupt_json_lines_and_an_empty_file_are_accounted_for(landing_copy: Path, duckdb_path: Path) -> None:
    orders = landing_copy / "humanitix" / "orders_2025-07-14.jsonl"
    with orders.open("a", encoding="utf-8") as fh:
        fh.write("this is not json\n")
        fh.write('{"_id": "cut-off", "email": "a@b.co", \n')
        fh.write("[1, 2, 3\n")
    (landing_copy / "humanitix" / "orders_2025-07-20.jsonl").write_text("")  # an extract with nothing in it
    report = check(landing_copy, progress=lambda _: None)
    assert report.errors == []
    assert any("5 line(s) are not valid JSON" in note for note in report.notes)

    run_dbt(["build", "--select", "+audit_quarantined_rows", "+stg_humanitix__orders",
             "--indirect-selection", "cautious"], duckdb_path)
    assert _quarantine_counts(duckdb_path, "humanitix", "orders")["malformed_json"] == 2 + 3
    assert _staged(duckdb_path, "stg_humanitix__orders") == 746


def _corrupt_csv_line(path: Path, line_number: int, replacement: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_number - 1] = replacement
    path.write_text("".join(lines), encoding="utf-8")


def test_an_unterminated_quote_stops_the_build_with_its_name(landing_copy: Path, duckdb_path: Path) -> None:
    path = landing_copy / "kajabi" / "transactions.csv"
    _corrupt_csv_line(path, 3, '3100000000,"Charge,succeeded,10.00\n')
    report = check(landing_copy, progress=lambda _: None)
    assert len(report.errors) == 1, report.errors
    assert f"{path}:3: " in report.errors[0] and "an unterminated quote?" in report.errors[0]
    with pytest.raises(DbtCommandError, match=rf"landing file {path}: line 3: \d+ line\(s\) could not be read"):
        run_dbt(["build", "--select", "+stg_kajabi__transactions", "--indirect-selection", "cautious"], duckdb_path)


@pytest.mark.parametrize("case, corrupt, note, reason", [
    ("ragged row", lambda p: _corrupt_csv_line(p, 3, "3100000000,Charge,succeeded\n"), ":3: expected 17 fields",
     "unreadable_csv_row"),
    ("not utf-8", lambda p: p.write_bytes(p.read_bytes().replace(b"Lewis", b"L\xe9wis", 1)), "read as Latin-1",
     None),
])
def test_a_broken_csv_row_is_quarantined_or_decoded(landing_copy: Path, duckdb_path: Path, case, corrupt, note,
                                                    reason) -> None:
    path = landing_copy / "kajabi" / "transactions.csv"
    corrupt(path)
    report = check(landing_copy, progress=lambda _: None)
    assert report.errors == []
    assert any(str(path) in line and note in line for line in report.notes), report.notes
    run_dbt(["build", "--select", "+audit_quarantined_rows", "+stg_kajabi__transactions",
             "--indirect-selection", "cautious"], duckdb_path)
    counts = _quarantine_counts(duckdb_path, "kajabi", "transactions")
    assert counts.get("unreadable_csv_row") == (1 if reason else None), counts


def test_a_missing_landing_file_is_named(landing_copy: Path, duckdb_path: Path) -> None:
    for path in (landing_copy / "webshop").glob("shop_orders*.csv"):
        path.unlink()
    report = check(landing_copy, progress=lambda _: None)
    assert report.errors == [f"webshop.shop_orders: no landing file matches {landing_copy / 'webshop/shop_orders*.csv'}"]
    with pytest.raises(DbtCommandError, match=rf"source webshop.shop_orders: no landing file matches "
                                              rf"{landing_copy}/webshop/shop_orders\*.csv"):
        run_dbt(["run", "--select", "base_webshop__shop_orders"], duckdb_path)
