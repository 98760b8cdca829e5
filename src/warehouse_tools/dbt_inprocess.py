"""dbt in this process (dbtRunner) against one DuckDB file, with its own target/ and logs/ beside it.

The tests' fixtures and the benchmarks run dbt through `run_dbt` here: dbt starts in about 3 s a
command as a process, in-process it does not. Every command gets the project as --project-dir and
--profiles-dir and DUCKDB_PATH set to the given file (profiles.yml reads it), so nothing touches
warehouse.duckdb or the project's target/. DuckDB allows one writer per file: close your own
connections to the file before calling dbt again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

from warehouse_tools import source_registry
from warehouse_tools.project import ROOT as PROJECT_DIR


class DbtCommandError(RuntimeError):
    """A dbt command failed; the message carries dbt's own log lines."""


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a `with` block, then restore them (unset ones unset)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a command.

    dbt-duckdb holds one environment (and its DuckDB connection) per process for speed; until it is
    closed, DuckDB refuses another connection to the file with a different configuration (such as
    read_only=True from a test). There is no public API for this, hence the private attributes.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def run_dbt(args: Sequence[str], duckdb_path: str | os.PathLike[str],
            project_dir: str | os.PathLike[str] = PROJECT_DIR) -> dbtRunnerResult:
    """Run one dbt command in-process against the DuckDB file `duckdb_path`.

    `args` is the command line after `dbt`, e.g. ["seed", "--select", "my_seed"]. Returns dbt's
    result object (`.result` holds the command's results); raises DbtCommandError, with the
    command's log output, if the command did not succeed. `project_dir` runs another copy of the
    project (a test that adds files to it).
    """
    duckdb_path = Path(duckdb_path).resolve()
    work_dir = duckdb_path.parent / f"{duckdb_path.stem}_dbt"
    source_registry.write(Path(project_dir))  # what make does before dbt: the registry macro from the sources' YAML
    messages: list[str] = []

    def collect(event) -> None:
        text = event.info.msg
        if text:
            messages.append(f"[{event.info.level}] {text}")

    full_args = [
        *args,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
    ]
    with environment(DUCKDB_PATH=str(duckdb_path)):
        try:
            result = dbtRunner(callbacks=[collect]).invoke(full_args)
        finally:
            release_duckdb()
    if not result.success:
        output = "\n".join(messages[-200:])
        raise DbtCommandError(
            f"dbt {' '.join(args)} failed (exception: {result.exception!r}).\n"
            f"dbt output (last 200 lines):\n{output}"
        )
    return result
