"""Ingest once: extracts loaded one after another incrementally give the staging and audit tables of a full build.

The base models parse each landing file once (macro ingest_landing_rows): an incremental run parses only
the files not yet ingested, re-ranks the versions of the records they re-export (delete+insert on the
record key) and keeps the raw text of quarantined rows only. Four loads of the demo landing data:

  1. the demo data without its later extracts;
  2. the later Humanitix and Ticket Tailor orders (updates of earlier orders among them) and a new
     Ticket Tailor file that re-exports one order with a changed total, with a malformed line and a line
     without an order id (quarantined);
  3. the later Kajabi contacts and PayPal exports (CSV) and a duplicate file: an earlier Ticket Tailor
     export landed again under another name;
  4. nothing new.

After each load every file's rows are accounted for (raw = staged + superseded + quarantined, raw counted
by Python from the file) and no staged or superseded row keeps its raw text. Then:

  - an ingested file is overwritten with garbage of the same size and given back its modification time
    (its fingerprint unchanged): an incremental run must not read it again (the filter is applied
    before the parse), and says nothing of re-ingesting;
  - an extra Ticket Tailor extract lands (a later version of an order, a new order) and is ingested;
  - two ingested files are rewritten in place (one JSON Lines, one CSV: in each a record changed, one
    removed, one added; tests/python/rewritten_exports.py) and the extra extract is deleted: the run
    must ingest those models' files again, with a line naming each file.

Then every table of the staging and audit schemas must equal, row for row, a --full-refresh build of the
final landing folder. On DuckDB and on PostgreSQL (the server the test starts).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, DbtCommandError, environment, run_dbt
from landing_accounting import count_file_rows
from postgres_warehouses import database, make_readable, postgres_server, query
from rewritten_exports import PAYPAL, TICKET_TAILOR, TICKET_TAILOR_DELETED, land_deleted_extract, rewrite_in_place

SELECTION = ["--select", "+path:models/staging", "+audit_landing_files", "+audit_quarantined_rows",
             "--exclude", "resource_type:test", "resource_type:unit_test"]
LOADS = [
    ["humanitix/orders_2025-07-14.jsonl", "ticket_tailor/orders_2025-11-15.jsonl", "ticket_tailor/orders_2025-11-20.jsonl"],
    ["kajabi/contacts_2025-11-12.csv", "paypal/activity_2025-11-12.csv", "ticket_tailor/orders_2025-06-30_resent.jsonl"],
    [],
]
LATER = [path for load in LOADS for path in load]
# the hook's time of the check differs between any two runs; a file's fingerprint is NULL when the look
# came within 2 s of its modification time, so it depends on when it was looked at; loaded_at is the
# run that wrote the row (the batch data tests check)
RUN_TIME_COLUMNS = {"checked_at", "source_file_fingerprint", "loaded_at"}
# the line a base model logs when it ingests all its files again (macro reingest_changed_landing_files)
REINGEST = "ingesting all its files again"
GARBAGE_FILE = "ticket_tailor/orders_2025-06-30.jsonl"

pytestmark = pytest.mark.slow


def _orders(path: Path) -> list[dict]:
    """The orders of a Ticket Tailor export that parse as JSON objects."""
    orders = []
    for line in path.read_text().splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            order = json.loads(line)
            if isinstance(order, dict):
                orders.append(order)
    return orders


def _later_files(raw_all: Path, folder: Path) -> None:
    """Write the files of loads 2 and 3 that the demo does not have into `folder` (a full landing copy)."""
    earlier = _orders(raw_all / "ticket_tailor" / "orders_2025-06-30.jsonl")
    later_ids = {order.get("id") for order in _orders(raw_all / "ticket_tailor" / "orders_2025-11-15.jsonl")}
    changed = next(order for order in earlier if order.get("id") and order["id"] not in later_ids
                   and isinstance(order.get("total"), int) and order["total"] > 0)
    changed["total"] += 100
    changed["_extracted_at"] = "2025-11-20T07:00:00Z"
    missing_id = dict(changed, id=None)
    lines = [json.dumps(changed), '{"object": "order", "id": "or_broken", ', json.dumps(missing_id)]
    (folder / "ticket_tailor" / "orders_2025-11-20.jsonl").write_text("\n".join(lines) + "\n")
    shutil.copy(raw_all / "ticket_tailor" / "orders_2025-06-30.jsonl",
                folder / "ticket_tailor" / "orders_2025-06-30_resent.jsonl")


class Engine:
    """dbt runs and table reads against one warehouse (a DuckDB file, or a PostgreSQL database)."""

    def __init__(self, run: Callable[[list[str]], None], query: Callable[[str], list[tuple]], log: Path) -> None:
        self.run = run
        self.query = query
        self.log = log

    def reingest_lines(self) -> list[str]:
        """The lines of dbt's log (all runs so far) where a base model ingests all its files again."""
        return [line for line in self.log.read_text().splitlines() if REINGEST in line] if self.log.exists() else []

    def tables(self) -> dict[str, Counter]:
        """Every table of the staging and audit schemas as a multiset of rows (run-time columns left out)."""
        names = self.query("select table_schema, table_name from information_schema.tables "
                           "where table_schema in ('staging', 'audit') and table_type = 'BASE TABLE'")
        result = {}
        for schema, name in sorted(names):
            columns = [column for (column,) in self.query(
                f"select column_name from information_schema.columns where table_schema = '{schema}' "
                f"and table_name = '{name}' order by ordinal_position") if column not in RUN_TIME_COLUMNS]
            quoted = ", ".join(f'"{column}"' for column in columns)
            result[f"{schema}.{name}"] = Counter(self.query(f'select {quoted} from {schema}."{name}"'))
        return result


def _check_load(engine: Engine, raw_dir: Path) -> None:
    """Every file's rows accounted for, and raw text on quarantined rows only."""
    files = engine.query("select file_path, raw_rows, staged_rows, superseded_rows, quarantined_rows "
                         "from audit.audit_landing_files where raw_rows is not null")
    assert files
    for path, raw, staged, superseded, quarantined in files:
        assert raw == staged + superseded + quarantined, path
        assert raw == count_file_rows(Path(path)), path
    assert {Path(path).resolve() for path, *_ in files} >= {
        path.resolve() for path in raw_dir.glob("ticket_tailor/orders_*.jsonl")}
    base_models = [name for (name,) in engine.query(
        "select table_name from information_schema.tables where table_schema = 'staging' "
        "and table_name like 'base%'")]
    assert len(base_models) >= 13
    for name in base_models:
        [(kept,)] = engine.query(f"select count(*) from staging.{name} "
                                 "where quarantine_reason is null and raw_record is not null")
        assert kept == 0, name


def _load_one_after_another(engine: Engine, full: Engine, raw_all: Path, raw_dir: Path) -> None:
    _later_files(raw_all, raw_dir)
    hidden = raw_dir.parent / "later"
    for path in LATER:
        (hidden / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(raw_dir / path, hidden / path)
    engine.run(["build", *SELECTION])
    _check_load(engine, raw_dir)
    for load in LOADS:
        for path in load:
            shutil.move(hidden / path, raw_dir / path)
        engine.run(["build", *SELECTION])
        _check_load(engine, raw_dir)

    # a re-export changed a record: its new total is the current version
    [(total,)] = engine.query("select total_minor_units from staging.base_ticket_tailor__orders "
                              "where source_file like '%orders_2025-11-20.jsonl' and version_rank = 1")
    assert total is not None
    quarantined = engine.query("select quarantine_reason from audit.audit_quarantined_rows "
                               "where source_file like '%orders_2025-11-20.jsonl'")
    assert sorted(reason for (reason,) in quarantined) == ["malformed_json", "missing_record_key"]
    [(resent_current,)] = engine.query(
        "select count(*) from staging.base_ticket_tailor__orders "
        "where source_file like '%orders_2025-06-30_resent.jsonl' and version_rank = 1")
    assert resent_current > 0

    assert engine.reingest_lines() == []

    # an ingested file whose fingerprint (size, modification time) is unchanged is not read again:
    # garbage of the same size with the original time changes nothing
    before = engine.tables()
    garbage = raw_dir / GARBAGE_FILE
    original, stat = garbage.read_bytes(), garbage.stat()
    garbage.write_bytes(b"".join(b"x" * (len(line) - 1) + b"\n" for line in original.splitlines(keepends=True)))
    assert garbage.stat().st_size == stat.st_size
    os.utime(garbage, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    try:
        engine.run(["run", "--select", "base_ticket_tailor__orders"])
    finally:
        garbage.write_bytes(original)
        os.utime(garbage, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = engine.tables()
    assert after["staging.base_ticket_tailor__orders"] == before["staging.base_ticket_tailor__orders"]
    assert engine.reingest_lines() == []

    # an extra extract, ingested as a new file; then two ingested files rewritten in place and the
    # extra extract deleted: the models reading them ingest all their files again, naming each file
    land_deleted_extract(raw_dir, raw_all)
    engine.run(["build", *SELECTION])
    _check_load(engine, raw_dir)
    assert engine.reingest_lines() == []
    rewrite_in_place(raw_dir, raw_all)
    (raw_dir / TICKET_TAILOR_DELETED).unlink()
    engine.run(["build", *SELECTION])
    _check_load(engine, raw_dir)
    lines = engine.reingest_lines()
    for path in (TICKET_TAILOR, PAYPAL, TICKET_TAILOR_DELETED):
        assert any(path in line for line in lines), (path, lines)
    assert any(TICKET_TAILOR_DELETED in line and "is gone" in line for line in lines), lines

    full.run(["build", "--full-refresh", *SELECTION])
    incremental_tables, full_tables = engine.tables(), full.tables()
    assert sorted(incremental_tables) == sorted(full_tables)
    assert len([name for name in full_tables if name.startswith("staging.base_")]) >= 13
    different = [name for name in full_tables if incremental_tables[name] != full_tables[name]]
    assert different == [], {name: (incremental_tables[name] - full_tables[name],
                                    full_tables[name] - incremental_tables[name]) for name in different[:2]}


def _duckdb_engine(path: Path) -> Engine:
    def query(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.sql(sql).fetchall()

    return Engine(lambda args: run_dbt(args, path), query, path.parent / f"{path.stem}_dbt" / "logs" / "dbt.log")


def test_incremental_loads_equal_a_full_build_on_duckdb(demo_landing, tmp_path: Path, monkeypatch) -> None:
    raw_all, _ = demo_landing
    raw_dir = shutil.copytree(raw_all, tmp_path / "landing" / "raw")
    monkeypatch.setenv("RAW_DATA_DIR", str(raw_dir))
    _load_one_after_another(_duckdb_engine(tmp_path / "incremental.duckdb"), _duckdb_engine(tmp_path / "full.duckdb"),
                            raw_all, raw_dir)


@pytest.mark.postgres
def test_incremental_loads_equal_a_full_build_on_postgres(demo_landing, tmp_path: Path) -> None:
    from dbt.cli.main import dbtRunner

    raw_all, _ = demo_landing
    with postgres_server(tmp_path) as (server, readable):
        (readable / "landing").mkdir(mode=0o755)
        raw_dir = shutil.copytree(raw_all, readable / "landing" / "raw")
        engines = []
        for name in ("loaded_incrementally", "built_in_full"):
            settings = database(server, tmp_path, name)

            def run(args: list[str], settings=settings, name=name) -> None:
                make_readable(raw_dir)
                with environment(**settings, RAW_DATA_DIR=str(raw_dir)):
                    result = dbtRunner().invoke([*args, "--target", "postgres", "--project-dir", str(PROJECT_DIR),
                                                 "--profiles-dir", str(PROJECT_DIR),
                                                 "--target-path", str(tmp_path / name / "target"),
                                                 "--log-path", str(tmp_path / name / "logs")])
                if not result.success:
                    raise DbtCommandError(f"dbt {' '.join(args)} on PostgreSQL failed: {result.exception!r}")

            engines.append(Engine(run, lambda sql, settings=settings: query(settings, sql)[1],
                                  tmp_path / name / "logs" / "dbt.log"))
        _load_one_after_another(*engines, raw_all, raw_dir)
