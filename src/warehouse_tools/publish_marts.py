"""Publish a read-only snapshot of the marts for BI tools (README "BI access").

    warehouse publish-marts                              # $DUCKDB_PATH -> publish/
    warehouse publish-marts --duckdb-path /tmp/wh.duckdb --out /srv/bi --no-parquet

BI tools must never open warehouse.duckdb: DuckDB lets one process write a file and locks every other
process out while it does, so a dashboard would fail during `dbt build`, or hold a lock that makes
the build fail. This copies every table of schema `marts` (with its table and column comments) into

    <out>/warehouse_marts.duckdb  one DuckDB file, written in storage format v1.0.0 (STORAGE_VERSION),
                                  which DuckDB 1.0 and later open, not only the pinned 1.5 (files in a
                                  newer storage version are refused by older readers). Its tables are
                                  marts.<mart> as in the warehouse (a file named marts.duckdb would
                                  make `marts.fct_orders` ambiguous between catalog and schema)
    <out>/parquet/<mart>.parquet  one Parquet file per mart, for tools that read Parquet
    <out>/manifest.json           what was published: tables, rows, columns, storage version, time

Each file is written under a temporary name in the same folder and renamed into place, so a reader
opens either the previous file or the new one, never a half-written one; a reader that has the old
file open keeps reading it. Table main.snapshot_info in the DuckDB file and manifest.json say what
the snapshot holds. A failed publication (a warehouse being written, say) removes its temporary files
and leaves the previous snapshot as it was. Exit status 2 when nothing could be published.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse_tools.warehouse_lock import explain

from warehouse_tools.project import ROOT
SCHEMA = "marts"
SNAPSHOT_NAME = "warehouse_marts.duckdb"
# The oldest storage format DuckDB 1.5 writes; DuckDB 1.0 and 1.1 read it (file header version 64).
STORAGE_VERSION = "v1.0.0"
STORAGE_FORMAT_NUMBER = 64


class CannotPublish(RuntimeError):
    """Nothing was published (no warehouse, a lock held by a writer, no marts)."""


@dataclass
class PublishedTable:
    name: str
    rows: int
    columns: int
    parquet: str | None


@dataclass
class Publication:
    source: str
    snapshot: str
    storage_version: str
    published_at: str
    duckdb_version: str
    tables: list[PublishedTable]
    parquet_dir: str | None
    seconds: float


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _attach_source(con: duckdb.DuckDBPyConnection, duckdb_path: Path) -> None:
    if not duckdb_path.exists():
        raise CannotPublish(f"no warehouse at {duckdb_path}: run `make build` first")
    try:
        con.execute(f"attach {_literal(str(duckdb_path))} as src (read_only)")
    except duckdb.Error as error:  # a writer (dbt build) holds the file
        raise CannotPublish(explain(duckdb_path, error)) from error


def publish(duckdb_path: Path, out_dir: Path, parquet: bool = True,
            progress: Callable[[str], None] = lambda _: None) -> Publication:
    """Copy every table of schema marts of `duckdb_path` into `out_dir` (see the module docstring)."""
    started = time.perf_counter()
    duckdb_path, out_dir = Path(duckdb_path).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet_dir = out_dir / "parquet"
    suffix = f".tmp-{os.getpid()}-{time.time_ns()}"
    snapshot = out_dir / SNAPSHOT_NAME
    snapshot_tmp = out_dir / f".{SNAPSHOT_NAME}{suffix}"
    temporary: list[Path] = [snapshot_tmp, Path(f"{snapshot_tmp}.wal")]
    renames: list[tuple[Path, Path]] = []
    published_at = datetime.now(timezone.utc).replace(tzinfo=None)

    con = duckdb.connect()  # in memory: the warehouse and the snapshot are attached to it
    try:
        _attach_source(con, duckdb_path)
        tables = con.execute(
            "select table_name, comment from duckdb_tables() where database_name = 'src' and schema_name = ?"
            " order by table_name", [SCHEMA]).fetchall()
        if not tables:
            raise CannotPublish(f"{duckdb_path} has no tables in schema {SCHEMA}: run `make build` first")
        con.execute(f"attach {_literal(str(snapshot_tmp))} as snap (storage_version '{STORAGE_VERSION}')")
        con.execute(f"create schema snap.{SCHEMA}")
        published: list[PublishedTable] = []
        if parquet:
            parquet_dir.mkdir(exist_ok=True)
        for name, comment in tables:
            source, target = f"src.{SCHEMA}.{_quote(name)}", f"snap.{SCHEMA}.{_quote(name)}"
            con.execute(f"create table {target} as select * from {source}")
            if comment:
                con.execute(f"comment on table {target} is {_literal(comment)}")
            columns = con.execute(
                "select column_name, comment from duckdb_columns()"
                " where database_name = 'src' and schema_name = ? and table_name = ? order by column_index",
                [SCHEMA, name]).fetchall()
            for column, column_comment in columns:
                if column_comment:
                    con.execute(f"comment on column {target}.{_quote(column)} is {_literal(column_comment)}")
            rows = con.execute(f"select count(*) from {target}").fetchone()[0]
            parquet_file = None
            if parquet:
                final = parquet_dir / f"{name}.parquet"
                tmp = parquet_dir / f".{name}.parquet{suffix}"
                temporary.append(tmp)
                con.execute(f"copy {target} to {_literal(str(tmp))} (format parquet, compression zstd)")
                renames.append((tmp, final))
                parquet_file = str(final)
            published.append(PublishedTable(name, rows, len(columns), parquet_file))
            progress(f"  {SCHEMA}.{name:<28} {rows:>9,} rows  {len(columns):>3} columns")

        con.execute("create table snap.main.snapshot_info (schema_name varchar, table_name varchar, row_count bigint,"
                    " column_count integer, published_at timestamp, source_file varchar, storage_version varchar)")
        con.executemany("insert into snap.main.snapshot_info values (?, ?, ?, ?, ?, ?, ?)",
                        [(SCHEMA, t.name, t.rows, t.columns, published_at, str(duckdb_path), STORAGE_VERSION)
                         for t in published])
        con.execute("comment on table snap.main.snapshot_info is"
                    " 'What this snapshot holds: one row per mart, when it was published and from which file.'")
        con.execute("detach snap")  # checkpoints: everything is in the file, no WAL beside it
        con.execute("detach src")
        con.close()

        # everything is written: rename into place, the DuckDB file first, then the Parquet files
        renames.insert(0, (snapshot_tmp, snapshot))
        for tmp, final in renames:
            os.replace(tmp, final)
        publication = Publication(
            source=str(duckdb_path), snapshot=str(snapshot), storage_version=STORAGE_VERSION,
            published_at=published_at.isoformat(timespec="seconds") + "Z", duckdb_version=duckdb.__version__,
            tables=published, parquet_dir=str(parquet_dir) if parquet else None,
            seconds=round(time.perf_counter() - started, 2))
        manifest_tmp = out_dir / f".manifest.json{suffix}"
        temporary.append(manifest_tmp)
        manifest = asdict(publication)  # paths inside the folder relative to it, so the folder can move
        manifest["snapshot"] = SNAPSHOT_NAME
        manifest["parquet_dir"] = "parquet" if parquet else None
        for table in manifest["tables"]:
            table["parquet"] = f"parquet/{table['name']}.parquet" if parquet else None
        manifest_tmp.write_text(json.dumps(manifest, indent=2) + "\n")
        os.replace(manifest_tmp, out_dir / "manifest.json")
        return publication
    finally:
        con.close()
        for path in temporary:
            path.unlink(missing_ok=True)


def describe(publication: Publication) -> str:
    lines = [f"snapshot: {publication.snapshot} ({Path(publication.snapshot).stat().st_size / 1e6:.1f} MB,"
             f" DuckDB storage {publication.storage_version}: opens in DuckDB 1.0 and later, read-only)"]
    if publication.parquet_dir:
        size = sum(Path(t.parquet).stat().st_size for t in publication.tables if t.parquet)
        lines.append(f"parquet:  {publication.parquet_dir}/<mart>.parquet ({len(publication.tables)} files,"
                     f" {size / 1e6:.1f} MB)")
    lines.append(f"manifest: {Path(publication.snapshot).parent / 'manifest.json'}")
    lines.append(f"published {len(publication.tables)} marts, "
                 f"{sum(t.rows for t in publication.tables):,} rows, at {publication.published_at}"
                 f" ({publication.seconds:.1f} s)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb-path", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "warehouse.duckdb")),
                        help="the warehouse to publish from (default: $DUCKDB_PATH, else warehouse.duckdb)")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("PUBLISH_DIR", ROOT / "publish")),
                        help="the folder BI tools read (default: $PUBLISH_DIR, else publish/)")
    parser.add_argument("--no-parquet", action="store_true", help="write only the DuckDB snapshot")
    args = parser.parse_args(argv)

    print(f"==> publishing schema {SCHEMA} of {args.duckdb_path} to {args.out}", flush=True)
    try:
        publication = publish(args.duckdb_path, args.out, parquet=not args.no_parquet,
                              progress=lambda line: print(line, flush=True))
    except CannotPublish as error:
        print(f"nothing published: {error}", file=sys.stderr)
        return 2
    print(describe(publication))
    return 0


if __name__ == "__main__":
    sys.exit(main())
