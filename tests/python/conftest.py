"""Shared helpers for Python tests that run this dbt project in-process against a throwaway DuckDB.

Typical use::

    def test_something(duckdb_path):
        run_dbt(["seed", "--select", "country_phone_rules"], duckdb_path)
        sql = compile_inline("select {{ normalize_phone('phone', \"'AU'\") }} from t", duckdb_path)
        with duckdb.connect(str(duckdb_path)) as con:
            con.sql(sql)

Every dbt command gets the repository root as --project-dir and --profiles-dir, DUCKDB_PATH set to
the given file (profiles.yml reads it), and its own target/ and logs/ folders next to that file, so
tests never touch warehouse.duckdb or the repository's target/ (and can run in parallel with
pytest-xdist). DuckDB allows one writer per file: close your own connections to the file before
calling dbt again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from warehouse_tools import source_registry
from warehouse_tools.dbt_inprocess import DbtCommandError, environment, run_dbt  # noqa: F401  (the tests import these from here)
from warehouse_tools.project import ROOT as WAREHOUSE_TOOLS_ROOT

PROJECT_DIR = Path(__file__).resolve().parents[2]

if WAREHOUSE_TOOLS_ROOT != PROJECT_DIR:  # a .venv installed from another checkout would test that one's code
    raise pytest.UsageError(f"the .venv's packages are installed from {WAREHOUSE_TOOLS_ROOT}, not {PROJECT_DIR}: "
                            "run make install in this checkout (its own .venv)")

# session fixtures for the demo warehouse (demo_landing, demo_warehouse, landing_copy)
pytest_plugins = ["demo_fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _source_registry_written() -> None:
    """The source registry macro, as `make` writes it before dbt (warehouse source-registry)."""
    source_registry.write(PROJECT_DIR)


def compile_inline(sql: str, duckdb_path: str | os.PathLike[str]) -> str:
    """Compile a Jinja SQL snippet (refs and macros of this project) and return the compiled SQL.

    Relations from ref() are named as they are in `duckdb_path`; the query is not executed.
    """
    result = run_dbt(["compile", "--inline", sql], duckdb_path)
    return result.result.results[0].node.compiled_code


@pytest.fixture
def duckdb_path(tmp_path: Path) -> Path:
    """Path of a fresh DuckDB file (not yet created) in the test's temporary directory."""
    return tmp_path / "test_warehouse.duckdb"
