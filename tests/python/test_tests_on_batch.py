"""Data tests on the batch (macros/tests_on_batch.sql, docs/decisions.md "Tests on the batch").

The Kajabi models are built on the demo landing data (one batch), then a new transactions extract lands
(three new transactions, a re-export of an old one with another amount, and one whose buyer's contact has
not arrived yet) and an incremental run loads it (a second, smaller batch). Faults are then planted in
the tables, and the data tests run as the incremental run would run them:

- a row test (not_null, accepted_values) sees a bad row in the new batch and not one in an older batch;
  with var tests_on_batch false (what --full-refresh does) it sees the older one too;
- unique and unique_combination check every row sharing a key with the batch: a duplicate between a new
  row and an older one is seen (the batch alone holds that key once), a duplicate between two older rows
  is not, and is with tests_on_batch false;
- relationships check the batch's children against the whole parent; the transaction whose contact has
  not arrived warns with its count instead of failing the build.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import DbtCommandError, run_dbt

KAJABI = ["+stg_kajabi__transactions", "+stg_kajabi__contacts", "+stg_kajabi__offers"]
MODELS_ONLY = ["build", "--select", *KAJABI, "--exclude", "resource_type:test", "resource_type:unit_test"]
NEW_EXTRACT = "kajabi/transactions_2026-01-01.csv"
ORPHAN_ID = "900000000099"

# the data tests planted faults are checked with, as dbt selectors and the prefix of their names
ROW_TESTS = {
    "accepted_values_base_kajabi__transactions_quarantine_reason": "base_kajabi__transactions,test_name:accepted_values",
    "not_null_stg_kajabi__transactions_amount": "stg_kajabi__transactions,test_name:not_null",
}
KEY_TESTS = {
    "unique_stg_kajabi__transactions_transaction_id": "stg_kajabi__transactions,test_name:unique",
    "unique_combination_base_kajabi__transactions_transaction_id__version_rank":
        "base_kajabi__transactions,test_name:unique_combination",
}
RELATIONSHIP = "relationships_stg_kajabi__transactions_customer_id__contact_id__ref_stg_kajabi__contacts_"

pytestmark = pytest.mark.slow


def _land_new_extract(raw: Path) -> str:
    """The new Kajabi transactions extract; returns the id of the old transaction it re-exports."""
    with (raw / "kajabi" / "transactions.csv").open(newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames
        old = [row for _, row in zip(range(5), reader)]
    later = {"_extracted_at": "2026-01-01T00:00:00Z"}
    rows = [dict(row, ID=f"9{i:011d}", **later) for i, row in enumerate(old[:3])]
    rows.append(dict(old[3], Amount="99.00", **later))
    rows.append(dict(old[4], ID=ORPHAN_ID, **{"Customer ID": "1999999999"}, **later))
    with (raw / NEW_EXTRACT).open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return old[3]["ID"]


def _failing(selectors: list[str], duckdb_path: Path, every_row: bool = False) -> tuple[set[str], dict]:
    """Run the data tests `selectors` select; the names (prefixes of ROW_TESTS and KEY_TESTS) that failed,
    and {test name: failures} of a run where none failed."""
    args = ["test", "--select", *selectors, *(["--vars", "{tests_on_batch: false}"] if every_row else [])]
    try:
        result = run_dbt(args, duckdb_path)
    except DbtCommandError as error:
        lines = [line for line in str(error).splitlines() if "Failure in test" in line]
        failed = {name for name in [*ROW_TESTS, *KEY_TESTS] if any(f"test {name}" in line for line in lines)}
        assert failed, str(error)[-3000:]  # a failure of something else (a compile error) is no result
        return failed, {}
    return set(), {r.node.name: r.failures for r in result.result.results}


def test_data_tests_check_the_latest_batch(demo_landing, tmp_path: Path, monkeypatch) -> None:
    raw_all, _ = demo_landing
    raw = tmp_path / "raw"
    shutil.copytree(raw_all, raw)
    monkeypatch.setenv("RAW_DATA_DIR", str(raw))
    warehouse = tmp_path / "batch.duckdb"
    run_dbt(MODELS_ONLY, warehouse)
    re_exported = _land_new_extract(raw)
    run_dbt(MODELS_ONLY, warehouse)

    with duckdb.connect(str(warehouse)) as con:
        def batches(table: str) -> list[tuple]:
            return con.sql(f"select loaded_at, count(*) from staging.{table} group by 1 order by 1").fetchall()

        (older, older_rows), (latest, latest_rows) = batches("base_kajabi__transactions")
        # the base model's batch: the five new rows and the older version of the re-exported transaction,
        # ranked again; staging reloads the four new transactions and the changed one
        assert (latest_rows, batches("stg_kajabi__transactions")[1][1]) == (6, 5)
        assert con.sql(f"""select count(*) from staging.base_kajabi__transactions
                           where transaction_id = '{re_exported}' and loaded_at = '{latest}'""").fetchone()[0] == 2
        # faults in the older batch: an unknown quarantine reason, a missing amount, a duplicated transaction
        old_ids = [row[0] for row in con.sql(f"""select transaction_id from staging.stg_kajabi__transactions
                                                 where loaded_at = '{older}' order by 1 limit 3""").fetchall()]
        con.execute(f"""update staging.base_kajabi__transactions set quarantine_reason = 'planted'
                        where transaction_id = '{old_ids[0]}'""")
        con.execute(f"update staging.stg_kajabi__transactions set amount = null where transaction_id = '{old_ids[0]}'")
        con.execute(f"""insert into staging.stg_kajabi__transactions
                        select * from staging.stg_kajabi__transactions where transaction_id = '{old_ids[1]}'""")

    # the incremental run's tests do not see them; the transaction without its contact warns, counted,
    # while the batch's other transactions find their contacts among the older ones
    every_test = [*ROW_TESTS.values(), *KEY_TESTS.values(), RELATIONSHIP]
    failed, failures = _failing(every_test, warehouse)
    assert failed == set()
    assert failures[RELATIONSHIP] == 1
    # every row: they are seen
    failed, _ = _failing(every_test, warehouse, every_row=True)
    assert failed == {*ROW_TESTS, "unique_stg_kajabi__transactions_transaction_id"}

    # faults in the latest batch: a row of it with a bad value, and a row of it that repeats an older
    # row's key (the batch alone holds that key once, so a test of the batch's rows alone would pass)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"""update staging.base_kajabi__transactions set quarantine_reason = 'planted'
                        where transaction_id = '{ORPHAN_ID}'""")
        con.execute(f"update staging.stg_kajabi__transactions set amount = null where transaction_id = '{ORPHAN_ID}'")
        for table in ["stg_kajabi__transactions", "base_kajabi__transactions"]:
            con.execute(f"""insert into staging.{table} by name
                            select * replace (cast('{latest}' as timestamp) as loaded_at) from staging.{table}
                            where transaction_id = '{old_ids[2]}' and loaded_at = '{older}'""")
            assert con.sql(f"""select count(*) from staging.{table}
                               where transaction_id = '{old_ids[2]}' and loaded_at = '{latest}'""").fetchone()[0] >= 1
    failed, _ = _failing([*ROW_TESTS.values(), *KEY_TESTS.values()], warehouse)
    assert failed == {*ROW_TESTS, *KEY_TESTS}
