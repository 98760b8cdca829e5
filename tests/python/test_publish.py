"""`make publish`: the read-only snapshot of the marts that BI tools open (src/warehouse_tools/publish_marts.py).

The snapshot holds every mart of the warehouse with the same rows, columns and comments (as a DuckDB
file and as Parquet), is written in a storage format DuckDB 1.0 reads, opens read-only while another
process writes the warehouse, and is replaced atomically: a reader sees the old file or the new one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from warehouse_tools.publish_marts import SNAPSHOT_NAME, STORAGE_FORMAT_NUMBER, CannotPublish, main, publish

pytestmark = pytest.mark.slow

# Holds the warehouse open for writing and rewrites a mart until told to stop, as `dbt build` would.
WRITER = """
import sys, time, duckdb
from pathlib import Path
con = duckdb.connect(sys.argv[1])
stop = Path(sys.argv[2])
rounds = 0
while not stop.exists() and rounds < 2000:
    con.execute("create or replace table marts.fct_orders as select * from marts.fct_orders")
    rounds += 1
    if rounds == 1:
        print("writing", flush=True)
    time.sleep(0.05)
con.close()
print(rounds, flush=True)
"""


@pytest.fixture(scope="module")
def published(demo_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("publish")
    publish(demo_warehouse.duckdb_path, out)
    return out


def marts_of(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    return [r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = ?"
                                      " and schema_name = 'marts' order by 1", [database]).fetchall()]


def columns_of(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[tuple]:
    return con.execute("select column_name, data_type, comment from duckdb_columns() where database_name = ?"
                       " and schema_name = 'marts' and table_name = ? order by column_index",
                       [database, table]).fetchall()


def rows_differ(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows in one relation and not the other, counting duplicates (EXCEPT ALL both ways)."""
    return con.execute(f"select (select count(*) from ({left} except all {right}))"
                       f" + (select count(*) from ({right} except all {left}))").fetchone()[0]


def test_snapshot_holds_every_mart_with_the_same_rows(demo_warehouse, published):
    con = duckdb.connect()
    try:
        con.execute(f"attach '{demo_warehouse.duckdb_path}' as wh (read_only)")
        con.execute(f"attach '{published / SNAPSHOT_NAME}' as snap (read_only)")
        marts = marts_of(con, "wh")
        assert len(marts) >= 14 and marts_of(con, "snap") == marts
        manifest = json.loads((published / "manifest.json").read_text())
        assert [t["name"] for t in manifest["tables"]] == marts
        for table in marts:
            assert columns_of(con, "snap", table) == columns_of(con, "wh", table), table
            rows = con.execute(f"select count(*) from wh.marts.{table}").fetchone()[0]
            assert con.execute(f"select count(*) from snap.marts.{table}").fetchone()[0] == rows
            assert rows_differ(con, f"select * from wh.marts.{table}", f"select * from snap.marts.{table}") == 0
            parquet = published / "parquet" / f"{table}.parquet"
            assert rows_differ(con, f"select * from wh.marts.{table}", f"select * from read_parquet('{parquet}')") == 0
            entry = next(t for t in manifest["tables"] if t["name"] == table)
            assert entry["rows"] == rows and entry["parquet"] == f"parquet/{table}.parquet"
        assert con.execute("select comment from duckdb_tables() where database_name = 'snap'"
                           " and table_name = 'fct_orders'").fetchone()[0].startswith("One row per order")
        info = con.execute("select table_name, row_count from snap.main.snapshot_info order by 1").fetchall()
        assert info == [(t["name"], t["rows"]) for t in manifest["tables"]]
    finally:
        con.close()
    assert sorted(p.name for p in published.iterdir()) == ["manifest.json", "parquet", SNAPSHOT_NAME]
    assert sorted(p.name for p in (published / "parquet").iterdir()) == [f"{t}.parquet" for t in marts]


def test_snapshot_declares_a_storage_version_duckdb_1_0_reads(published):
    snapshot = published / SNAPSHOT_NAME
    header = snapshot.read_bytes()[:20]
    # the main header: 8 bytes checksum, magic "DUCK", then the storage format number; DuckDB 1.0 and 1.1
    # read 64 only, a file in the pinned 1.5's newest format (v1.5.0) is 68
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == STORAGE_FORMAT_NUMBER == 64
    with duckdb.connect(str(snapshot), read_only=True) as con:
        (name, path), = con.execute("select name, file from pragma_database_list").fetchall()
        assert name == snapshot.stem and Path(path) == snapshot
        tags, readonly = con.execute("select tags, readonly from duckdb_databases() where database_name = ?",
                                     [name]).fetchone()
        assert tags["storage_version"].startswith("v1.0.0") and readonly
        # `marts.<mart>` names the tables, as in the warehouse (no catalog named marts to clash with)
        assert con.execute("select count(*) from marts.fct_orders").fetchone()[0] > 0
        with pytest.raises(duckdb.Error, match="read-only|read only"):
            con.execute("create table marts.scratch (i integer)")
    assert json.loads((published / "manifest.json").read_text())["storage_version"] == "v1.0.0"


def test_snapshot_opens_while_the_warehouse_is_written(demo_warehouse, tmp_path):
    warehouse = tmp_path / "wh" / demo_warehouse.duckdb_path.name
    warehouse.parent.mkdir()
    shutil.copy(demo_warehouse.duckdb_path, warehouse)
    out = tmp_path / "publish"
    first = publish(warehouse, out)
    snapshot = out / SNAPSHOT_NAME
    before = snapshot.stat()

    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(warehouse), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        # what a BI tool pointed at the warehouse would get: locked out
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(warehouse), read_only=True)
        # the snapshot opens and answers, for several readers at once
        readers = [duckdb.connect(str(snapshot), read_only=True) for _ in range(2)]
        for reader in readers:
            for table in first.tables:
                assert reader.execute(f"select count(*) from marts.{table.name}").fetchone()[0] == table.rows
            reader.close()
        # publishing now fails cleanly and leaves the snapshot as it was
        with pytest.raises(CannotPublish, match="dbt build"):
            publish(warehouse, out)
        assert snapshot.stat().st_ino == before.st_ino and snapshot.stat().st_mtime_ns == before.st_mtime_ns
        assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "parquet", SNAPSHOT_NAME]
    finally:
        stop.touch()
        rounds = writer.communicate(timeout=60)[0]
    assert writer.returncode == 0 and int(rounds) >= 1


def test_republishing_replaces_the_snapshot_under_an_open_reader(demo_warehouse, tmp_path):
    out = tmp_path / "publish"
    first = publish(demo_warehouse.duckdb_path, out)
    reader = duckdb.connect(str(out / SNAPSHOT_NAME), read_only=True)
    try:
        time.sleep(1.1)  # published_at has second precision in the manifest
        second = publish(demo_warehouse.duckdb_path, out)
        assert second.published_at != first.published_at
        # the open reader keeps the file it opened; a process opening it now gets the new file (within one
        # process DuckDB hands out the database it already has open for the same path)
        assert reader.execute("select count(*) from marts.fct_orders").fetchone()[0] > 0
        old = reader.execute("select max(published_at) from main.snapshot_info").fetchone()[0]
        fresh = subprocess.run(
            [sys.executable, "-c", "import sys, duckdb; print(duckdb.connect(sys.argv[1], read_only=True).execute("
             "'select max(published_at) from main.snapshot_info').fetchone()[0].isoformat())", str(out / SNAPSHOT_NAME)],
            capture_output=True, text=True, check=True)
        assert datetime.fromisoformat(fresh.stdout.strip()) > old
    finally:
        reader.close()
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_publish_command_shows_what_it_wrote(demo_warehouse, tmp_path, capsys):
    assert main(["--duckdb-path", str(demo_warehouse.duckdb_path), "--out", str(tmp_path / "bi")]) == 0
    output = capsys.readouterr().out
    assert "marts.fct_orders" in output and "marts.rpt_partner_summary" in output
    assert "storage v1.0.0" in output and str(tmp_path / "bi" / SNAPSHOT_NAME) in output
    assert main(["--duckdb-path", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "none")]) == 2
    assert not (tmp_path / "none" / SNAPSHOT_NAME).exists()
