"""The identity dictionaries (int_customer_record_keys, int_customer_identifier_keys) on an incremental history.

Synthetic records (the identity benchmark's generator) go through the resolution models in two
extracts: the first without a sixth of the records, the second with all of them. The new records
interleave with the old ones in string order, so the incremental run numbers keys differently from
a full build. Checked: the keys given by the first run never change, the new ones follow the
largest key without gaps or repeats, and the components after the incremental run equal those of a
--full-refresh on the same records (which numbers every key in string order): the same component
name for every record, and the same customers (a merge keeps an earlier run's id, so the id strings
themselves follow the history, as before integer keys).
"""

from __future__ import annotations

import json

import duckdb

from conftest import run_dbt
from warehouse_tools.benchmark_identity_resolution import IDENTITY_SEEDS, RESOLUTION_MODELS, write_records

VARS = json.dumps({"identity_benchmark": True, "customer_record_models": ["int_customer_records__benchmark"]})
IDS = "select customer_record_id, customer_id, component_id from intermediate.int_customer_ids"
MODELS = ["int_customer_records__benchmark", *RESOLUTION_MODELS, "int_customer_ids"]


def _run(duckdb_path, *extra: str) -> None:
    run_dbt(["run", "--quiet", "--select", *MODELS, "--vars", VARS, "--threads", "1", *extra], duckdb_path)


def _read(con: duckdb.DuckDBPyConnection, sql: str) -> set[tuple]:
    return set(con.execute(sql).fetchall())


def _customers(rows: set[tuple]) -> set[frozenset]:
    members: dict[str, set] = {}
    for record, customer, _ in rows:
        members.setdefault(customer, set()).add(record)
    return {frozenset(records) for records in members.values()}


def test_incremental_keys_are_append_only_and_components_equal_a_full_refresh(duckdb_path) -> None:
    with duckdb.connect(str(duckdb_path)) as con:
        write_records(con, 3000)
        con.execute("create table benchmark.all_records as select * from benchmark.customer_records")
        con.execute("delete from benchmark.customer_records where hash(customer_record_id) % 6 = 0")
        first_count = con.execute("select count(*) from benchmark.customer_records").fetchone()[0]
    run_dbt(["seed", "--quiet", "--select", *IDENTITY_SEEDS, "--vars", VARS], duckdb_path)
    _run(duckdb_path)
    with duckdb.connect(str(duckdb_path)) as con:
        first_records = _read(con, "select record_sk, customer_record_id from intermediate.int_customer_record_keys")
        first_identifiers = _read(con, "select identifier_sk, identifier_type, identifier_value "
                                       "from intermediate.int_customer_identifier_keys")
        con.execute("insert into benchmark.customer_records select * from benchmark.all_records "
                    "where hash(customer_record_id) % 6 = 0")
    assert {sk for sk, _ in first_records} == set(range(1, first_count + 1))

    _run(duckdb_path)
    with duckdb.connect(str(duckdb_path)) as con:
        records = _read(con, "select record_sk, customer_record_id from intermediate.int_customer_record_keys")
        identifiers = _read(con, "select identifier_sk, identifier_type, identifier_value "
                                 "from intermediate.int_customer_identifier_keys")
        incremental = _read(con, IDS)
    # append-only: every key of the first run kept; the new ones numbered after them, 1..N without gaps
    assert first_records <= records and first_identifiers <= identifiers
    assert sorted(sk for sk, _ in records) == list(range(1, 3001))
    assert sorted(sk for sk, *_ in identifiers) == list(range(1, len(identifiers) + 1))

    _run(duckdb_path, "--full-refresh")
    with duckdb.connect(str(duckdb_path)) as con:
        rebuilt_records = _read(con, "select record_sk, customer_record_id from intermediate.int_customer_record_keys")
        rebuilt = _read(con, IDS)
    # the numbering differs (string order against arrival order), the customers do not
    assert rebuilt_records != records
    assert {(record, component) for record, _, component in rebuilt} == {
        (record, component) for record, _, component in incremental}
    assert _customers(rebuilt) == _customers(incremental)
    assert len({customer for _, customer, _ in rebuilt}) < 3000  # records were merged
