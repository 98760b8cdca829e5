"""An incremental run gives the marts a full build gives.

Day N: the demo landing data without its later extracts (Humanitix, Kajabi contacts, PayPal and
Ticket Tailor each have a second, later export with new records and updates to old ones, refunds
among them) and with no erasure request. Day N+1: those extracts, the erasure requests, and a new
Kajabi contacts export whose one contact holds the email of one existing customer and the phone of
another, so identity resolution merges two customers that already had ids. Day N+1 also rewrites
two order files that day N loaded under their own names, as a stranger's "export all orders" does
(a Ticket Tailor JSON Lines file and a PayPal CSV with CRLF line endings): one order's amount changed
with the same _extracted_at, one order removed, one added; and it deletes a Ticket Tailor extract that
day N loaded (a new order and a later version of an old one). A full build on day N followed by an
incremental run on day N+1 must give the marts of a full build on day N+1 (customer ids compared
through their records, see mart_comparison).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import DbtCommandError, run_dbt
from mart_comparison import compare_marts
from rewritten_exports import (TICKET_TAILOR_DELETED, gross_amounts, land_day_n, land_day_n_plus_1,
                               land_deleted_extract, rewrite_in_place)

MODELS_ONLY = ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]

pytestmark = pytest.mark.slow


def _build(args: list[str], raw_dir: Path, duckdb_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RAW_DATA_DIR", str(raw_dir))
    run_dbt(args, duckdb_path)


def test_an_incremental_run_gives_the_marts_of_a_full_build(demo_landing, tmp_path: Path, monkeypatch) -> None:
    raw_all, _ = demo_landing
    day_n = tmp_path / "raw"
    land_day_n(raw_all, day_n)
    after_deletion = land_deleted_extract(day_n, raw_all)
    incremental = tmp_path / "incremental" / "demo.duckdb"
    incremental.parent.mkdir()
    _build(MODELS_ONLY, day_n, incremental, monkeypatch)

    # day N+1 lands
    first, second = land_day_n_plus_1(raw_all, day_n, incremental)
    expected = rewrite_in_place(day_n, raw_all) | after_deletion
    (day_n / TICKET_TAILOR_DELETED).unlink()
    with duckdb.connect(str(incremental), read_only=True) as con:
        before = con.sql("select count(*) from marts.fct_orders").fetchone()[0]

    _build(MODELS_ONLY, day_n, incremental, monkeypatch)
    full = tmp_path / "full" / "demo.duckdb"
    full.parent.mkdir()
    _build(MODELS_ONLY, day_n, full, monkeypatch)

    with duckdb.connect(str(incremental), read_only=True) as con:
        # the run did add orders, merged the two customers and recorded the absorbed id
        assert con.sql("select count(*) from marts.fct_orders").fetchone()[0] > before
        merged = con.sql(f"""select count(distinct customer_id) from intermediate.int_customer_ids
                             where previous_customer_id in ('{first}', '{second}')""").fetchone()[0]
        assert merged == 1
        assert con.sql(f"""select count(*) from intermediate.int_customer_identity_changes
                           where absorbed_customer_id in ('{first}', '{second}')""").fetchone()[0] == 1
        assert con.sql("select count(*) from marts.fct_orders where is_customer_erased").fetchone()[0] > 0
    # the rewritten files' orders and the deleted extract's are as the landing holds them now, in
    # both builds
    assert gross_amounts(full, expected) == expected
    assert gross_amounts(incremental, expected) == expected
    assert compare_marts(incremental, full) == {}

    # tests on the batch (macros/tests_on_batch.sql): a full build loads fct_orders in one batch, the
    # incremental run added a smaller one; a fault in an older batch is not seen by the incremental
    # run's tests, and is seen with tests_on_batch false (what --full-refresh does)
    with duckdb.connect(str(full), read_only=True) as con:
        assert con.sql("select count(distinct loaded_at) from marts.fct_orders").fetchone()[0] == 1
    with duckdb.connect(str(incremental)) as con:
        (older, older_rows), (latest, latest_rows) = con.sql(
            "select loaded_at, count(*) from marts.fct_orders group by 1 order by 1").fetchall()
        assert 0 < latest_rows < older_rows
        con.execute(f"""update marts.fct_orders set fx_rate_to_reporting = null
                        where order_sk = (select min(order_sk) from marts.fct_orders where loaded_at = '{older}')""")
    not_null = ["test", "--select", "not_null_fct_orders_fx_rate_to_reporting"]
    _build(not_null, day_n, incremental, monkeypatch)
    with pytest.raises(DbtCommandError, match="not_null_fct_orders_fx_rate_to_reporting"):
        _build([*not_null, "--vars", "{tests_on_batch: false}"], day_n, incremental, monkeypatch)
    # and a fault in the latest batch is seen
    with duckdb.connect(str(incremental)) as con:
        con.execute(f"""update marts.fct_orders set fx_rate_to_reporting = null
                        where order_sk = (select min(order_sk) from marts.fct_orders where loaded_at = '{latest}')""")
    with pytest.raises(DbtCommandError, match="not_null_fct_orders_fx_rate_to_reporting"):
        _build(not_null, day_n, incremental, monkeypatch)


def test_the_comparison_sees_a_difference(demo_warehouse, tmp_path: Path) -> None:
    copy = tmp_path / demo_warehouse.duckdb_path.name
    shutil.copy(demo_warehouse.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.fct_customer_rfm set monetary_reporting = monetary_reporting + 0.01 "
                    "where customer_id = (select min(customer_id) from marts.fct_customer_rfm)")
    assert list(compare_marts(demo_warehouse.duckdb_path, copy)) == ["fct_customer_rfm"]


def test_a_table_built_before_row_hash_stops_the_run_with_the_command_to_rebuild_it(
        demo_warehouse, tmp_path: Path, monkeypatch) -> None:
    """An order model built by a version that told records apart by file name has no row_hash: the
    incremental run stops with one line naming the model and the --full-refresh command (it failed
    with a binder error naming neither), and that command rebuilds it."""
    copy = tmp_path / demo_warehouse.duckdb_path.name
    shutil.copy(demo_warehouse.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("alter table staging.stg_paypal__transactions drop column row_hash")
    select = ["run", "--select", "stg_paypal__transactions"]
    with pytest.raises(DbtCommandError, match=r"stg_paypal__transactions\" was built before .* no row_hash column\)"
                       r": rebuild it once with dbt build --full-refresh --select stg_paypal__transactions\+"):
        _build(select, demo_warehouse.raw_dir, copy, monkeypatch)
    _build([*select, "--full-refresh"], demo_warehouse.raw_dir, copy, monkeypatch)
    with duckdb.connect(str(copy), read_only=True) as con:
        columns = [row[0] for row in con.sql("describe staging.stg_paypal__transactions").fetchall()]
    assert "row_hash" in columns
    _build(select, demo_warehouse.raw_dir, copy, monkeypatch)
