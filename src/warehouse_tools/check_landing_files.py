"""Check the landing files before a build: every file the sources expect is there and readable.

    warehouse check-landing-files            # checks $RAW_DATA_DIR (default data/raw)

The globs come from the sources' `meta.landing_files` in models/staging/*/_*__sources.yml, the
files the build's on-run-start hook reads, so the check matches what dbt will read. It follows the
hook's policy (docs/sources.md) and reports, with file and line:
- errors (the build stops): a source table whose glob matches no file; an unterminated quote;
- notes (the build goes on): a CSV row whose number of fields differs from the header (quarantined),
  a file that is Latin-1 (decoded) or Windows-1252 (quarantined whole), a CSV header that lacks
  columns of the source (NULL for that file), a file no source reads (ignored), corrupt JSON lines.
Exits 1 when the build would stop on a file.
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

from warehouse_tools.project import ROOT


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
                files = ((table.get("config") or {}).get("meta") or {}).get("landing_files")
                if files:
                    globs[f"{source['name']}.{table['name']}"] = files
    return globs


def decoding(path: Path) -> str | None:
    """The encoding the build reads a file with: utf-8, latin-1 when it is not UTF-8 and has no byte
    0x80-0x9F (then Latin-1 and Windows-1252 agree), None when it cannot be decoded (quarantined)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return None if re.search(rb"[\x80-\x9f]", data) else "latin-1"


def check_csv(path: Path, report: Report, encoding: str = "utf-8", columns: list[str] | None = None) -> int:
    """Rows in a CSV file; field-count and quoting problems reported with the line the row starts on."""
    # utf-8-sig: a BOM (Excel's "CSV UTF-8") is not part of the first column's name, as in the build
    with path.open(newline="", encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="strict") as fh:
        reader = csv.reader(fh, strict=True)
        header = next(reader, None)
        if header is None:
            report.notes.append(f"{path}: empty file (no header, no rows)")
            return 0
        missing = [column for column in columns or [] if column not in header]
        if missing:
            report.notes.append(f"{path}: the header lacks {', '.join(missing)} (NULL for this file's rows)")
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
            if not row:
                continue
            rows += 1
            if len(row) != len(header):
                if reader.line_num - start > 1:
                    report.errors.append(f"{path}:{start}: the row spans lines {start}-{reader.line_num} and has "
                                         f"{len(row)} fields, not {len(header)}: an unterminated quote?")
                    return rows
                report.notes.append(f"{path}:{start}: expected {len(header)} fields as in the header, found "
                                    f"{len(row)}; the build quarantines the line (unreadable_csv_row)")


def check_jsonl(path: Path, report: Report, encoding: str = "utf-8") -> int:
    malformed, rows = 0, 0
    with path.open(encoding=encoding, errors="strict") as fh:
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
    read: set[Path] = set()
    for table, glob in expected_globs(project_dir).items():
        files = sorted(raw_dir.glob(glob))
        if not files:
            report.errors.append(f"{table}: no landing file matches {raw_dir / glob}")
            continue
        columns = source_columns(project_dir).get(table)
        for path in files:
            read.add(path)
            encoding = decoding(path)
            if encoding is None:
                report.notes.append(f"{path}: not UTF-8, and bytes 0x80-0x9F make it Windows-1252 or another "
                                    "code page: the build quarantines the file (re-export it as UTF-8)")
                continue
            if encoding != "utf-8":
                report.notes.append(f"{path}: not UTF-8; read as Latin-1 (no byte 0x80-0x9F, so Windows-1252 "
                                    "reads the same)")
            rows = check_jsonl(path, report, encoding) if path.suffix == ".jsonl" \
                else check_csv(path, report, encoding, columns)
            progress(f"  {table:<28} {path.relative_to(raw_dir)}: {rows:,} rows")
    for path in sorted(raw_dir.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
        if path.is_file() and not hidden and path not in read:
            report.notes.append(f"{path}: no source reads this file: ignored (listed in audit_landing_files)")
    return report


def source_columns(project_dir: Path = ROOT) -> dict[str, list[str]]:
    """source.table -> the columns its YAML lists (the CSV header fields the build reads)."""
    columns = {}
    for path in sorted(project_dir.glob("models/staging/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            for table in source.get("tables", []):
                columns[f"{source['name']}.{table['name']}"] = [
                    column["name"] for column in table.get("columns", []) if column["name"] != "filename"]
    return columns


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
