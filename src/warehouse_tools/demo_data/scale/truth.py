"""The ground truth of the scale generator: the person behind every customer record, from the truth_* tables
the sources leave behind, in the demo's file (generate.TRUTH_FILE)."""

from __future__ import annotations

from pathlib import Path

from ..generate import TRUTH_FILE
from .render import lit, sql_list
from .state import ScaleRun

# The ground truth's source tables, in the order of its rows.
TRUTH_TABLES = ["humanitix__orders", "ticket_tailor__orders", "kajabi__contacts", "kajabi__transactions",
                "zoho__contacts", "paypal__transactions", "webshop__shop_customers", "webshop__shop_orders"]


def write_truth(gen: ScaleRun, truth_dir: Path) -> int:
    """Write the ground truth under truth_dir; returns its number of rows."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    tables = ["truth_humanitix", "truth_ticket_tailor", "truth_kajabi", "truth_zoho", "truth_paypal",
              "truth_webshop"]
    union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
    target = truth_dir / TRUTH_FILE
    names = sql_list(TRUTH_TABLES)
    return int(gen.con.execute(
        f"COPY (SELECT {names}[src + 1] AS source_table, record_key, person_id(k) AS person_id "
        f"FROM ({union}) ORDER BY src, i) TO {lit(str(target))} (FORMAT csv, HEADER true)").fetchone()[0])
