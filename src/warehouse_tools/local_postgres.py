"""A local PostgreSQL 16 for the postgres target, from the PyPI package pgserver (no install, no root).

    warehouse local-postgres start [--dir .postgres]   # prints the POSTGRES_* settings to export
    warehouse local-postgres stop [--dir .postgres]

`start` starts the server in the folder (or finds it running), listening on a Unix socket there,
and creates the database customer_warehouse with the C collation (text sorts by code point, as on
DuckDB and Spark: identity resolution numbers records in customer_record_id order). `make
build-postgres` uses it when POSTGRES_HOST is not set. The tests start their own in a temporary
folder (tests/python/test_engines.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse_tools.project import ROOT
DATABASE = "customer_warehouse"


def create_database(server, name: str = DATABASE) -> None:
    """Create database `name` (UTF-8, C collation) on a pgserver server unless it exists."""
    exists = server.psql(f"select 1 from pg_database where datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f"create database {name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C.UTF-8';")


def environment(server, folder: Path, name: str = DATABASE) -> dict[str, str]:
    """The settings profiles.yml reads for the postgres target."""
    return {"POSTGRES_HOST": str(folder), "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres",
            "POSTGRES_PASSWORD": "", "POSTGRES_DB": name}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", type=Path, default=ROOT / ".postgres", help="the server's folder (default .postgres)")
    args = parser.parse_args(argv)
    import pgserver

    folder = args.dir.resolve()
    if args.action == "stop":
        if not (folder / "postmaster.pid").exists():
            print(f"no server running in {folder}")
            return 0
        pgserver.get_server(folder, cleanup_mode="stop").cleanup()
        print(f"stopped the server in {folder}")
        return 0
    server = pgserver.get_server(folder, cleanup_mode=None)
    create_database(server)
    for name, value in environment(server, folder).items():
        print(f"export {name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
