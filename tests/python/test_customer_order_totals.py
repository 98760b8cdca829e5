"""The per-customer order totals are recomputed for the affected customers only, and give what a
full build gives.

Day N: the demo landing data without its later extracts and with no erasure request
(rewritten_exports.land_day_n). Day N+1: the later extracts (new orders, later versions of old ones), the erasure
requests, and a Kajabi contact that merges two customers who already had ids. The incremental run
must give int_customer_order_totals and int_customer_order_summary row for row as a full build does
on day N+1, while recomputing only the customers those changes touch (its loaded_at): the merged
away id and the erased customers are deleted, not left over. Day N+2 deletes an extract (its new
orders vanish, the orders it updated return to older versions): again equal to a full build. An explicit as_of_date before the latest orders gives the
totals of the orders up to it, checked against a sum written here from int_orders_identified.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import run_dbt
from rewritten_exports import LATER_EXTRACTS, land_day_n, land_day_n_plus_1

SUMMARY = ["build", "--select", "+int_customer_order_summary", "+dim_customers",
           "--exclude", "resource_type:test", "resource_type:unit_test"]
COMPARED = {"int_customer_order_totals": "loaded_at", "int_customer_order_summary": None}

pytestmark = pytest.mark.slow


def _build(args: list[str], raw_dir: Path, duckdb_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RAW_DATA_DIR", str(raw_dir))
    run_dbt(args, duckdb_path)


def _full_build(raw_dir: Path, folder: Path, monkeypatch) -> Path:
    """A full build of the same selection on the same landing data, in a new warehouse file."""
    folder.mkdir()
    _build(SUMMARY, raw_dir, folder / "demo.duckdb", monkeypatch)
    return folder / "demo.duckdb"


def _differences(left: Path, right: Path) -> dict[str, int]:
    """Rows of each compared model that one warehouse holds and the other does not (EXCEPT ALL both
    ways), customers named by their smallest current record id (ids depend on history, as in
    mart_comparison), leaving out the run stamp."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as left_db (read_only)")
        con.execute(f"attach '{right}' as right_db (read_only)")
        for model, left_out in COMPARED.items():
            canonical = {}
            for db in ("left_db", "right_db"):
                canonical[db] = f"""
                    select coalesce(named.record_id, model.customer_id) as customer_record,
                        model.* exclude (customer_id{f', {left_out}' if left_out else ''})
                    from {db}.intermediate.{model} as model
                    left join (
                        select ids.customer_id, min(ids.customer_record_id) as record_id
                        from {db}.intermediate.int_customer_ids as ids
                        inner join {db}.intermediate.int_customer_components using (customer_record_id)
                        group by ids.customer_id
                    ) as named using (customer_id)"""
            count = con.sql(f"""
                select count(*) from (
                    ({canonical['left_db']} except all {canonical['right_db']})
                    union all
                    ({canonical['right_db']} except all {canonical['left_db']}))""").fetchone()[0]
            if count:
                differences[model] = count
    return differences


def _recomputed(duckdb_path: Path) -> tuple[set[str], int]:
    """The customers the latest run recomputed, and how many customers the totals hold."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        latest = {row[0] for row in con.sql("""
            select customer_id from intermediate.int_customer_order_totals
            where loaded_at = (select max(loaded_at) from intermediate.int_customer_order_totals)""").fetchall()}
        total = con.sql("select count(*) from intermediate.int_customer_order_totals").fetchone()[0]
    return latest, total


def test_an_incremental_run_recomputes_the_affected_customers_only(demo_landing, tmp_path: Path,
                                                                   monkeypatch) -> None:
    raw_all, _ = demo_landing
    day_n = tmp_path / "raw"
    land_day_n(raw_all, day_n)
    incremental = tmp_path / "incremental" / "demo.duckdb"
    incremental.parent.mkdir()
    _build(SUMMARY, day_n, incremental, monkeypatch)
    with duckdb.connect(str(incremental), read_only=True) as con:
        summarised_day_n = {row[0] for row in con.sql(
            "select customer_id from intermediate.int_customer_order_totals").fetchall()}

    # day N+1: later extracts, erasure requests, a contact merging two customers
    first, second = land_day_n_plus_1(raw_all, day_n, incremental)
    _build(SUMMARY, day_n, incremental, monkeypatch)
    assert _differences(incremental, _full_build(day_n, tmp_path / "full", monkeypatch)) == {}
    recomputed, customers = _recomputed(incremental)
    with duckdb.connect(str(incremental), read_only=True) as con:
        absorbed, survivor = con.sql(f"""
            select distinct previous_customer_id, customer_id from intermediate.int_customer_ids
            where previous_customer_id in ('{first}', '{second}') and previous_customer_id != customer_id
            """).fetchone()
        erased = {row[0] for row in con.sql("select customer_id from intermediate.int_erased_customers").fetchall()}
        summarised = {row[0] for row in con.sql(
            "select customer_id from intermediate.int_customer_order_totals").fetchall()}
        new_orders = con.sql("""select count(*) from intermediate.int_orders_identified
            where loaded_at = (select max(loaded_at) from intermediate.int_orders_identified)""").fetchone()[0]
    # the merge, the erasure and the new orders reached customers the day-N build had summarised
    assert new_orders > 0 and erased & summarised_day_n and absorbed in summarised_day_n
    assert absorbed not in summarised and survivor in recomputed
    assert erased.isdisjoint(summarised)
    # only the affected customers were recomputed, not every customer (the cheap path, no fallback)
    assert 0 < len(recomputed) < customers / 4, (len(recomputed), customers)

    # day N+2: an extract is deleted: its new orders vanish, the orders it updated return to older versions
    (day_n / LATER_EXTRACTS[0]).unlink()
    _build(SUMMARY, day_n, incremental, monkeypatch)
    assert _differences(incremental, _full_build(day_n, tmp_path / "full_n2", monkeypatch)) == {}

    # an explicit as-of date before the latest orders: the totals of the orders up to it
    _build(["run", "--select", "int_customer_order_summary", "--vars", "{as_of_date: '2025-09-30'}"],
           day_n, incremental, monkeypatch)
    with duckdb.connect(str(incremental), read_only=True) as con:
        expected = con.sql("""
            select customer_id, sum(case when transaction_type = 'sale' then 1 else 0 end),
                sum(case when is_paid then 1 else 0 end),
                sum(case when counts_toward_revenue then net_amount_reporting else 0 end),
                max(case when is_paid then ordered_at end)
            from intermediate.int_orders_identified
            where customer_id is not null and order_date <= date '2025-09-30'
            group by customer_id order by customer_id""").fetchall()
        summary = con.sql("""
            select customer_id, orders, paid_orders, total_spent_reporting, last_paid_order_at
            from intermediate.int_customer_order_summary order by customer_id""").fetchall()
        later = con.sql("""select count(*) from intermediate.int_orders_identified
                           where order_date > date '2025-09-30'""").fetchone()[0]
    assert later > 0
    assert summary == expected
