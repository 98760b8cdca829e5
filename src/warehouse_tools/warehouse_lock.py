"""One line when the warehouse file cannot be opened: the cause and, for a lock, the holder's PID.

    warehouse warehouse-lock --write warehouse.duckdb    # before `dbt build` / `dbt docs generate`
    warehouse warehouse-lock warehouse.duckdb            # before reading it

DuckDB lets one process write a file and locks every other process out meanwhile (readers too).
Every command that opens the warehouse (make build, docs, validate, publish, summary, and
warehouse_tools/export_partner.py) reports that the same way, through `explain` here: one line naming the
file, the holding process and its PID, and what to do, instead of a traceback. Exit status 2 when
the file cannot be opened, 0 when it can (or does not exist yet and --write is given: dbt creates it).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

# DuckDB 1.x: 'IO Error: Could not set lock on file "...": Conflicting lock is held in <program> (PID <n>)...'
HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseUnavailable(RuntimeError):
    """The warehouse file cannot be opened; the message is one line saying why."""


def lock_holder(error: BaseException) -> tuple[int, str] | None:
    """(PID, program) of the process whose lock made `error`, or None if it is not a lock conflict."""
    match = HOLDER.search(str(error))
    return (int(match["pid"]), match["program"]) if match else None


def explain(path: str | Path, error: BaseException) -> str:
    """The one line for a failure to open `path`: a lock with its holder, or DuckDB's first line."""
    holder = lock_holder(error)
    if holder:
        pid, program = holder
        return (f"{path} is locked by another process (PID {pid}, {program}): DuckDB allows one writer and no"
                f" reader beside it; wait for that process (a `dbt build`?) to finish or stop it, then run this again")
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"cannot open {path}: {lines[0] if lines else type(error).__name__}"


def connect(path: str | Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, or raise WarehouseUnavailable with the one line."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseUnavailable(f"no warehouse at {path}: run `make build` first")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise WarehouseUnavailable(explain(path, error)) from error


def check(path: str | Path, write: bool = False) -> str | None:
    """None when `path` can be opened (for writing with `write`), else the one line saying why not."""
    path = Path(path)
    if write and not path.exists():
        return None  # dbt will create it
    try:
        connect(path, read_only=not write).close()
    except WarehouseUnavailable as error:
        return str(error)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("duckdb_path", type=Path, help="the warehouse file")
    parser.add_argument("--write", action="store_true", help="check that it can be opened for writing")
    args = parser.parse_args(argv)
    problem = check(args.duckdb_path, write=args.write)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
