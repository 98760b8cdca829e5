"""The money reconciliation test fct_orders_amounts_add_up (tests/reconciliation/) sees one cent.

A copy of the demo warehouse has one order's partner share moved by a cent into the platform
commission, so gross and net still add up and only the share recomputed from the partner terms can
tell. The order is an erased customer's (keyed by a hash of its source key, which the test must find
again) or an ordinary one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import DbtCommandError, run_dbt

MOVE_A_CENT = """
    update marts.fct_orders
    set
        partner_share_amount = partner_share_amount + 0.01,
        platform_commission_amount = platform_commission_amount - 0.01
    where order_key = (select min(order_key) from marts.fct_orders where {condition})
"""


def _copy(demo_warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / demo_warehouse.duckdb_path.name  # the file's name is the catalog's
    shutil.copyfile(demo_warehouse.duckdb_path, copy)
    monkeypatch.setenv("RAW_DATA_DIR", str(demo_warehouse.raw_dir))
    return copy


def test_the_money_test_passes_on_the_demo_warehouse(demo_warehouse, tmp_path, monkeypatch) -> None:
    copy = _copy(demo_warehouse, tmp_path, monkeypatch)
    results = run_dbt(["test", "--select", "fct_orders_amounts_add_up"], copy).result.results
    tests = [(r.node.name, r.status) for r in results if r.node.resource_type == "test"]
    assert tests == [("fct_orders_amounts_add_up", "pass")]


@pytest.mark.parametrize("condition", ["order_key like 'erased:%'",
                                       "order_key not like 'erased:%' and partner_share_amount > 0"],
                         ids=["erased_customers_order", "ordinary_order"])
def test_a_cent_moved_from_the_partner_share_fails_it(demo_warehouse, tmp_path, monkeypatch, condition) -> None:
    copy = _copy(demo_warehouse, tmp_path, monkeypatch)
    with duckdb.connect(str(copy)) as con:
        assert con.execute(f"select count(*) from marts.fct_orders where {condition}").fetchone()[0] > 0
        con.execute(MOVE_A_CENT.format(condition=condition))
    with pytest.raises(DbtCommandError, match="FAIL 1 fct_orders_amounts_add_up"):
        run_dbt(["test", "--select", "fct_orders_amounts_add_up"], copy)
