#!/usr/bin/env python3
"""Check the landing files before a build: every file the sources expect is there and readable.

    python scripts/check_landing_files.py            # checks $RAW_DATA_DIR (default data/raw)

The globs come from the sources' `external_location` in models/staging/*/_*__sources.yml, so the
check always matches what dbt will read. It reports, with file and line:
- a source table whose glob matches no file;
- a file that is not UTF-8;
- a CSV row whose number of fields differs from the header, or an unterminated quote.
Problems inside a row (a bad date, an unknown currency, a corrupt JSON line) are not errors here:
staging quarantines those rows with a reason. Exits 1 when the build would fail on a file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GLOB_PATTERN = re.compile(r"RAW_DATA_DIR', 'data/raw'\) \}\}/([^']+)'")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def expected_globs(project_dir: Path = ROOT) -> dict[str, str]:
    """source.table -> glob under the landing folder, read from the sources' YAML."""
    globs = {}
    for path in sorted(project_dir.glob("models/staging/*/_*__sources.yml")):
        spec = yaml.safe_load(path.read_text())
        for source in spec.get("sources", []):
            for table in source.get("tables", []):
                location = (table.get("config") or {}).get("external_location", "")
                match = GLOB_PATTERN.search(location)
                if match:
                    globs[f"{source['name']}.{table['name']}"] = match.group(1)
    return globs


def check_csv(path: Path, report: Report) -> int:
    """Rows in a CSV file; field-count and quoting problems reported with the line the row starts on."""
    with path.open(newline="", encoding="utf-8", errors="strict") as fh:
        reader = csv.reader(fh, strict=True)
        header = next(reader, None)
        if header is None:
            report.notes.append(f"{path}: empty file (no header, no rows)")
            return 0
        rows = 0
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return rows
            except csv.Error as exc:
                report.errors.append(f"{path}:{start}: the row starting here cannot be read ({exc}); "
                                     "an unterminated quote?")
                return rows
            rows += 1
            if len(row) != len(header):
                spans = f" (the row spans lines {start}-{reader.line_num}: an unterminated quote?)" \
                    if reader.line_num > start else ""
                report.errors.append(f"{path}:{start}: expected {len(header)} fields as in the header, "
                                     f"found {len(row)}{spans}")


def check_jsonl(path: Path, report: Report) -> int:
    malformed, rows = 0, 0
    with path.open(encoding="utf-8", errors="strict") as fh:
        for rows, line in enumerate(fh, start=1):
            try:
                json.loads(line)
            except json.JSONDecodeError:
                malformed += 1
    if malformed:
        report.notes.append(f"{path}: {malformed} line(s) are not valid JSON; staging will quarantine them")
    return rows


def check(raw_dir: Path, project_dir: Path = ROOT, progress=print) -> Report:
    report = Report()
    if not raw_dir.is_dir():
        report.errors.append(f"{raw_dir}: the landing folder does not exist (set RAW_DATA_DIR or run `make data`)")
        return report
    for table, glob in expected_globs(project_dir).items():
        files = sorted(raw_dir.glob(glob))
        if not files:
            report.errors.append(f"{table}: no landing file matches {raw_dir / glob}")
            continue
        for path in files:
            try:
                rows = check_jsonl(path, report) if path.suffix == ".jsonl" else check_csv(path, report)
            except UnicodeDecodeError as exc:
                report.errors.append(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            progress(f"  {table:<28} {path.relative_to(raw_dir)}: {rows:,} rows")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("raw_dir", nargs="?", type=Path,
                        default=Path(os.environ.get("RAW_DATA_DIR", ROOT / "data" / "raw")))
    args = parser.parse_args(argv)
    print(f"==> checking landing files in {args.raw_dir}")
    report = check(args.raw_dir)
    for note in report.notes:
        print(f"note: {note}")
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} landing file problem(s): fix the files or the export, then build again",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
