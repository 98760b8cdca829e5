"""What a source generator returns, and how it is written to the landing folder."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LandingFile:
    """One landing file: JSON Lines (records are dicts, or raw strings for corrupt lines) or CSV."""

    path: str  # relative to the landing folder, e.g. "humanitix/orders_2025-07-08.jsonl"
    records: list
    columns: list[str] | None = None  # CSV only

    def write(self, root: Path) -> None:
        target = root / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.path.endswith(".jsonl"):
            with target.open("w", encoding="utf-8") as fh:
                for rec in self.records:
                    fh.write(rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False))
                    fh.write("\n")
        else:
            with target.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=self.columns, extrasaction="raise")
                writer.writeheader()
                for rec in self.records:
                    writer.writerow({k: ("" if v is None else v) for k, v in rec.items()})


@dataclass
class SourceOutput:
    files: list[LandingFile] = field(default_factory=list)
    # ground truth: (source table, record key, person id) for every customer-bearing record
    truth: list[tuple[str, str, str]] = field(default_factory=list)


# The generic transactions CSV (models/staging/transactions_csv): the demo data has no such export, so
# both generators write its header alone (warehouse_tools/land_cdnow.py fills one with real data). On DuckDB a
# missing folder would build empty anyway; Spark and PostgreSQL need a file to read.
TRANSACTIONS_CSV = "transactions_csv/transactions.csv"


def write_transactions_csv_header(raw_dir: Path) -> None:
    path = raw_dir / TRANSACTIONS_CSV
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("customer_id,transaction_date,amount,currency,order_id\n", encoding="utf-8")
