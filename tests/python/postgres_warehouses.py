"""Throwaway PostgreSQL warehouses for tests that load a landing folder more than once (test_ingest_once,
test_five_extracts): a server (pgserver, PostgreSQL 16) with one database per warehouse, a landing
folder the server can read, and SQL on a database.

The server reads the landing files itself, as its own OS user (pgserver runs it as `pgserver` when
started by root): pytest's folders are private, so the landing folder is a readable temporary one,
and every file in it is made readable again before each dbt command (tests write new files into it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def postgres_server(tmp_path: Path) -> Iterator[tuple[object, Path]]:
    """A server with its data under `tmp_path`, and an empty folder it can read (the landing goes
    under it); the server is stopped and the folder removed afterwards."""
    import pgserver

    readable = Path(tempfile.mkdtemp(prefix="landing-"))
    readable.chmod(0o755)
    server = pgserver.get_server(tmp_path / "data", cleanup_mode="stop")
    try:
        yield server, readable
    finally:
        server.cleanup()
        shutil.rmtree(readable, ignore_errors=True)


def database(server, tmp_path: Path, name: str) -> dict[str, str]:
    """Create database `name` on the server; its settings (the POSTGRES_* variables profiles.yml reads)."""
    from warehouse_tools.local_postgres import create_database, environment

    create_database(server, name)
    return environment(server, tmp_path / "data", name)


def make_readable(folder: Path) -> None:
    """Every folder and file under `folder` readable by the server's OS user."""
    for parent, _, files in os.walk(folder):
        os.chmod(parent, 0o755)
        for name in files:
            os.chmod(os.path.join(parent, name), 0o644)


def query(settings: dict[str, str], sql: str) -> tuple[list[str], list[tuple]]:
    """The column names and rows of a query on the database of `settings`."""
    import psycopg2

    connection = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                  user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DB"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [column.name for column in cursor.description], cursor.fetchall()
    finally:
        connection.close()
