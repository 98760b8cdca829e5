"""DuckDB's landing hook keeps a CSV file's rows between invocations while the file is unchanged.

A file is reused when its path, size and modification time match landing.landing_file_cache; a file
changed, added or removed is reloaded or removed. The warehouse after such changes must equal one
built from scratch over the same landing folder (a fresh DuckDB file, where nothing is reused).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from conftest import run_dbt
from landing_accounting import LANDING_TABLES, count_file_rows

CSV_TABLES = [table for table, (glob, _) in LANDING_TABLES.items() if glob.endswith(".csv")]


def _landing_state(duckdb_path: Path) -> dict:
    """Per CSV landing table, its rows per file; the rejected lines; the landing_files rows."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        state = {
            f"{system}.{table}": sorted(con.execute(
                f"select filename, count(*), md5(string_agg(t::varchar, '|' order by t::varchar))"
                f" from {system}.{table} as t group by filename"
            ).fetchall())
            for system, table in CSV_TABLES
        }
        state["rejected"] = sorted(con.execute(
            "select source_system, source_table, source_file, source_line, error_type, raw_line"
            " from landing.landing_rejected_lines"
        ).fetchall())
        state["files"] = sorted(con.execute(
            "select * exclude (checked_at) from landing.landing_files"
        ).fetchall(), key=repr)
    return state


def _age(paths, seconds: int = 60) -> None:
    """Backdate files (the hook looks again at a file modified within 2 s of its last look)."""
    past = time.time() - seconds
    for path in paths:
        if path.is_file():
            os.utime(path, (past, past))


def _run(duckdb_path: Path) -> str:
    """`dbt run` of one light model (the hook runs on every invocation); returns this run's dbt.log."""
    log = duckdb_path.parent / f"{duckdb_path.stem}_dbt" / "logs" / "dbt.log"
    if log.exists():
        log.unlink()
    run_dbt(["run", "--select", "stg_landing__files"], duckdb_path)
    return log.read_text(encoding="utf-8", errors="replace")


def _loaded_files(log: str) -> set[str]:
    """CSV files whose rows the hook inserted in this run (from the statements in dbt.log)."""
    return {line.split("read_csv('", 1)[1].split("'", 1)[0]
            for line in log.splitlines() if line.startswith("insert into") and "read_csv('" in line}


def test_unchanged_files_are_not_reloaded_and_changes_match_a_fresh_build(landing_copy: Path, tmp_path: Path):
    duckdb_path = tmp_path / "reuse.duckdb"
    _age(landing_copy.rglob("*"))
    first = _run(duckdb_path)
    csv_files = {str(path) for path in landing_copy.rglob("*.csv")}
    assert _loaded_files(first) == csv_files - {
        row[0] for row in duckdb.connect(str(duckdb_path), read_only=True).execute(
            "select file from landing.landing_files where status != 'read'").fetchall()
    }
    before = _landing_state(duckdb_path)

    assert _loaded_files(_run(duckdb_path)) == set()
    assert _landing_state(duckdb_path) == before

    # next to an unchanged file of the same table: one changed (rows appended) and one added
    # (kajabi contacts), one removed (paypal); alone: one rewritten at the same size, another time (zoho)
    kajabi = landing_copy / "kajabi"
    contacts = sorted(kajabi.glob("contacts_*.csv"))
    appended = contacts[-1]
    lines = appended.read_bytes().splitlines(keepends=True)
    appended.write_bytes(b"".join(lines + lines[1:3]))
    added = kajabi / "contacts_2099-01-01.csv"
    shutil.copy(appended, added)
    removed = sorted((landing_copy / "paypal").glob("activity_*.csv"))[-1]
    removed.unlink()
    same_size = landing_copy / "zoho" / "contacts.csv"
    data = same_size.read_bytes()
    header_end = data.index(b"\n") + 1
    first_letter = next(i for i in range(header_end, len(data)) if chr(data[i]).isalpha() and chr(data[i]).islower())
    same_size.write_bytes(data[:first_letter] + data[first_letter:first_letter + 1].upper() + data[first_letter + 1:])
    _age([appended, added, same_size], 30)

    third = _run(duckdb_path)
    assert _loaded_files(third) == {str(appended), str(added), str(same_size)}
    after = _landing_state(duckdb_path)
    fresh_path = tmp_path / "fresh.duckdb"
    _run(fresh_path)
    assert after == _landing_state(fresh_path)
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        per_file = dict(con.execute("select filename, count(*) from kajabi.contacts group by filename").fetchall())
        paypal_files = {row[0] for row in con.execute("select distinct filename from paypal.transactions").fetchall()}
        cached = {row[0] for row in con.execute("select file from landing.landing_file_cache").fetchall()}
    assert str(removed) not in paypal_files and str(removed) not in cached
    assert str(contacts[0]) in per_file
    assert per_file[str(appended)] == count_file_rows(appended)
    assert per_file[str(added)] == count_file_rows(added)
