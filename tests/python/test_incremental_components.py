"""Incremental identity: a run relabels only the components it touches, and equals a --full-refresh.

Synthetic records (the identity benchmark's generator) go through the resolution models and
int_customer_ids. The second extract adds three records to the first:
- a merge: a record holding the email of one customer and the mobile of another with the same name;
- a split by the guard: a record with another given name on the email of a customer whose records
  are linked by that email alone, so the email becomes shared and stops linking;
- an unrelated record with an email and no phone nobody else holds;
and deletes the smallest record of a fourth customer, whose other records did not change (so only
relabelling its whole previous component renames it).
Checked: the merge and the split are recorded in int_customer_identity_changes; the rows
int_customer_components rewrote (labelled_at of the run) are exactly the records of the four
customers involved before the run plus the three new records, less the deleted one, computed here
from the first run's components; and the components and customers equal those of a --full-refresh
on the same records.
"""

from __future__ import annotations

import duckdb

from conftest import run_dbt
from test_identity_keys import MODELS, VARS, _customers
from warehouse_tools.benchmark_identity_resolution import IDENTITY_SEEDS, write_records

COMPONENTS = "select customer_record_id, component_id from intermediate.int_customer_components"
# int_customer_ids keeps the rows of records gone from the landing: compared on the current records
IDS = """
    select ids.customer_record_id, ids.customer_id, ids.component_id
    from intermediate.int_customer_ids as ids
    inner join intermediate.int_customer_components as components using (customer_record_id)
"""

# a customer whose records all hold one email and at least two hold no phone: the email alone links them
SPLIT_CANDIDATE = """
    select components.component_id, min(records.email) as email, min(records.first_name) as first_name
    from intermediate.int_customer_components as components
    inner join benchmark.customer_records as records using (customer_record_id)
    group by components.component_id
    having count(*) >= 3 and count(distinct records.email) = 1 and count(records.email) = count(*)
        and min(records.email) like 'p%@bench-mail.com' and count(*) - count(records.phone_e164) >= 2
    order by components.component_id
    limit 1
"""

# two customers with one given name: one holds an email, the other a mobile, neither the split candidate
MERGE_CANDIDATES = """
    with held as (
        select components.component_id, records.first_name, records.email, records.phone_e164
        from intermediate.int_customer_components as components
        inner join benchmark.customer_records as records using (customer_record_id)
        where components.component_id != ?
    )
    select with_email.component_id, with_email.email, with_phone.component_id, with_phone.phone_e164,
        with_email.first_name
    from held as with_email
    inner join held as with_phone
        on with_email.first_name = with_phone.first_name and with_email.component_id < with_phone.component_id
    where with_email.email like 'p%@bench-mail.com' and with_phone.phone_e164 like '+614%'
    order by with_email.component_id, with_phone.component_id
    limit 1
"""

# the smallest record of a customer with three records or more, none of the others
DELETE_CANDIDATE = """
    select component_id
    from intermediate.int_customer_components
    where component_id not in (?, ?, ?)
    group by component_id
    having count(*) >= 3
    order by component_id
    limit 1
"""


def _add_record(con: duckdb.DuckDBPyConnection, number: int, email: str, phone: str | None, first_name: str) -> str:
    record_id = f"bench__records:new{number:07d}"
    con.execute("""
        insert into benchmark.customer_records
        select ?, 'bench', 'records', ?, ?, null, ?, null, ?, 'Smith', 'AU', null, null, false,
            timestamp '2025-06-01', timestamp '2025-06-01'
    """, [record_id, f"new{number}", email, phone, first_name])
    return record_id


def test_an_incremental_run_rewrites_only_the_touched_components_and_equals_a_full_refresh(duckdb_path) -> None:
    with duckdb.connect(str(duckdb_path)) as con:
        write_records(con, 3000)
    run_dbt(["seed", "--quiet", "--select", *IDENTITY_SEEDS, "--vars", VARS], duckdb_path)
    run_dbt(["run", "--quiet", "--select", *MODELS, "--vars", VARS, "--threads", "1"], duckdb_path)

    with duckdb.connect(str(duckdb_path)) as con:
        before = dict(con.execute(COMPONENTS).fetchall())
        split_component, split_email, split_name = con.execute(SPLIT_CANDIDATE).fetchone()
        email_component, email, phone_component, phone, name = con.execute(
            MERGE_CANDIDATES, [split_component]).fetchone()
        new_records = {
            _add_record(con, 1, email, phone, name),  # the merge
            _add_record(con, 2, split_email, None, "other" + split_name),  # the split: a second person
            _add_record(con, 3, "nobody.else@bench-new.net", None, "name1"),  # unrelated
        }
        (deleted,) = con.execute(DELETE_CANDIDATE, [split_component, email_component, phone_component]).fetchone()
        con.execute("delete from benchmark.customer_records where customer_record_id = ?", [deleted])
    touched_before = {email_component, phone_component, split_component, deleted}
    expected = {record for record, component in before.items() if component in touched_before} | new_records
    expected.remove(deleted)

    run_dbt(["run", "--quiet", "--select", *MODELS, "int_customer_identity_changes", "--vars", VARS,
             "--threads", "1"], duckdb_path)
    with duckdb.connect(str(duckdb_path)) as con:
        rewritten = {record for (record,) in con.execute("""
            select customer_record_id from intermediate.int_customer_components
            where labelled_at = (select max(labelled_at) from intermediate.int_customer_components)
        """).fetchall()}
        changes = set(con.execute(
            "select change_type, records_moved > 0 from intermediate.int_customer_identity_changes").fetchall())
        incremental_components = set(con.execute(COMPONENTS).fetchall())
        incremental_ids = set(con.execute(IDS).fetchall())
    assert changes == {("merge", True), ("split", True)}
    assert rewritten == expected
    assert len(rewritten) < len(before) / 50  # a few customers of 3,000 records

    run_dbt(["run", "--quiet", "--select", *MODELS, "--vars", VARS, "--threads", "1", "--full-refresh"],
            duckdb_path)
    with duckdb.connect(str(duckdb_path)) as con:
        rebuilt_components = set(con.execute(COMPONENTS).fetchall())
        rebuilt_ids = set(con.execute(IDS).fetchall())
    assert incremental_components == rebuilt_components
    assert _customers(incremental_ids) == _customers(rebuilt_ids)
    # ids: a full build names every customer after its smallest record; the incremental history keeps
    # the old ids of the merged and split customers (the one most records carried), so only those may differ
    moved = {record for record, component in incremental_components if component in
             {component for record_id, component in incremental_components if record_id in expected}}
    assert {row for row in incremental_ids if row[0] not in moved} == {row for row in rebuilt_ids if row[0] not in moved}
