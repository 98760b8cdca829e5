"""Time DuckDB's landing hook: a one-model `dbt run` (time_spine_daily reads no landing data, so the
run is the hook plus dbt's own start-up) on an empty DuckDB file, then again on the same file.

    warehouse benchmark-landing-hook /tmp/scale1m/raw /tmp/scale10m/raw

Each landing folder comes from `generate_demo_data.py --scale N --out DIR`. Prints one Markdown row per
folder and invocation: wall seconds and peak resident memory of the dbt process (GNU time).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from warehouse_tools.project import ROOT as PROJECT_DIR
DBT = PROJECT_DIR / ".venv" / "bin" / "dbt"


def _landing_bytes(raw: Path) -> int:
    return sum(path.stat().st_size for path in raw.rglob("*") if path.is_file() and not path.name.startswith("."))


def _timed_run(raw: Path, duckdb_path: Path, work: Path) -> tuple[float, int]:
    env = dict(os.environ, DBT_PROFILES_DIR=str(PROJECT_DIR), RAW_DATA_DIR=str(raw), DUCKDB_PATH=str(duckdb_path),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", PARTNER_HASH_SECRET=os.environ.get("PARTNER_HASH_SECRET", "x"))
    command = ["/usr/bin/time", "-f", "%e %M", str(DBT), "run", "--select", "time_spine_daily", "--quiet",
               "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"dbt failed on {raw}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("landing", nargs="+", type=Path, help="landing folders (generate_demo_data.py --out)")
    args = parser.parse_args()
    print("| landing | size | invocation | seconds | peak RSS |")
    print("|---|---:|---|---:|---:|")
    for raw in args.landing:
        size = _landing_bytes(raw) / 2**30
        with tempfile.TemporaryDirectory(prefix="landing_bench_") as work:
            duckdb_path = Path(work) / "bench.duckdb"
            for invocation in ("empty DuckDB file", "second, files unchanged"):
                seconds, kilobytes = _timed_run(raw.resolve(), duckdb_path, Path(work))
                print(f"| {raw} | {size:.2f} GiB | {invocation} | {seconds:.1f} | {kilobytes / 1024:,.0f} MiB |",
                      flush=True)


if __name__ == "__main__":
    main()
