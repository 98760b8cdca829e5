"""A warehouse file another process holds: every command says so in one line with the holder's PID.

A subprocess opens a DuckDB file for writing (as a running `dbt build` or a BI tool does) and keeps
it open; `make build`, `make docs`, `make validate`, `make publish`, `make summary` and
src/warehouse_tools/export_partner.py then run against that file and must each stop with exit status 2 and one
line naming the holder's PID, without a traceback (src/warehouse_tools/warehouse_lock.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse_tools.warehouse_lock import check, explain

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table if not exists t as select 1 as x")
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """(a DuckDB file, the PID of the process holding its write lock)."""
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield path, holder.pid
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def _one_line_with_the_pid(result: subprocess.CompletedProcess, pid: int) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    said = [line for line in output.splitlines() if f"PID {pid}" in line]
    assert len(said) == 1, output
    assert said[0].startswith("error: ") or said[0].startswith("nothing published: ") \
        or said[0].startswith("cannot run the expectation suites: "), said[0]
    assert f"is locked by another process (PID {pid}," in said[0]
    # besides that line: make's own 'Error 2' and the announcing lines (==> ...), nothing
    others = [line for line in output.splitlines() if line.strip() and line != said[0]
              and not line.startswith("==>") and not re.match(r"make(\[\d+\])?: \*\*\* ", line)
              and not line.startswith(".venv/bin/warehouse ") and "require_minimum_pandas_version" not in line
              and "FutureWarning" not in line]
    assert others == [], output


def test_explain_names_the_holder(locked) -> None:
    path, pid = locked
    with pytest.raises(duckdb.IOException) as error:
        duckdb.connect(str(path), read_only=True)
    line = explain(path, error.value)
    assert f"(PID {pid}," in line and "\n" not in line
    assert check(path) == line and check(path, write=True) == line
    assert explain(path, ValueError("not a DuckDB file\nmore")) == f"cannot open {path}: not a DuckDB file"


def test_a_free_file_passes_the_check(tmp_path: Path) -> None:
    path = tmp_path / "free.duckdb"
    assert check(path, write=True) is None  # dbt creates it
    assert "no warehouse at" in check(path)
    duckdb.connect(str(path)).close()
    assert check(path) is None and check(path, write=True) is None


def _make(target: str, duckdb_path: Path, raw_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DUCKDB_PATH=str(duckdb_path), RAW_DATA_DIR=str(raw_dir),
               PUBLISH_DIR=str(tmp_path / "publish"))
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("target", ["build", "docs", "validate", "publish", "summary"])
def test_make_targets_say_the_warehouse_is_locked_in_one_line(target, locked, demo_landing, tmp_path) -> None:
    path, pid = locked
    raw_dir, _ = demo_landing
    _one_line_with_the_pid(_make(target, path, raw_dir, tmp_path), pid)


@pytest.mark.parametrize("args", [["--list"], ["--partner", "starhouse"]])
def test_export_partner_says_the_warehouse_is_locked_in_one_line(args, locked, tmp_path) -> None:
    path, pid = locked
    result = subprocess.run([sys.executable, "-m", "warehouse_tools", "export-partner", "--duckdb", str(path),
                             "--out", str(tmp_path / "out"), *args], capture_output=True, text=True, timeout=120)
    _one_line_with_the_pid(result, pid)
