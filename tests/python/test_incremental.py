"""The comparison an incremental run is held to, and an order model too old for the incremental run.

That incremental runs give the marts of a full build is tested on five daily extracts
(test_five_extracts: late updates, refunds, a merge, a split by the guard, an erasure, two order files
rewritten in place and a deleted extract, and the tests on the batch). Here: compare_marts sees a
difference of a cent, and a table built before row_hash stops the run with the command that rebuilds it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import DbtCommandError, run_dbt
from mart_comparison import compare_marts

pytestmark = pytest.mark.slow


def _build(args: list[str], raw_dir: Path, duckdb_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RAW_DATA_DIR", str(raw_dir))
    run_dbt(args, duckdb_path)


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
