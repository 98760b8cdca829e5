#!/usr/bin/env python3
"""Does the time since the last purchase tell who buys again? The demo warehouse beside CDNOW.

    .venv/bin/warehouse churn-timing-evidence [--duckdb-path warehouse.duckdb]

For the customers at the end of calibration (int_customer_clv_calibration of a built warehouse;
CDNOW's sample from the lifetimes wheel, 39-week calibration), the share with no purchase in the
holdout by repeat count (0, 1, 2, 3+) and quartile of recency within it (1 = bought most recently).
In real non-contractual buying (CDNOW) the share rises with recency in every row: that is what the
purchase models assume. Where it is flat, recency carries no information and a repeat count ranks
as well as any model can (docs/customer-value.md, "On the demo").
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb
import pandas as pd

from customer_value.transactions import summarise
from warehouse_tools.churn_calibration_cdnow import CALIBRATION_END, HOLDOUT_END, load
from warehouse_tools.project import ROOT


def by_recency(frame: pd.DataFrame) -> pd.DataFrame:
    """Share with no holdout purchase by repeat count (3 = 3+) and recency quartile within it."""
    frame = frame.assign(repeats=frame["x"].clip(upper=3), recency=frame["t_age"] - frame["t_x"])
    frame["quartile"] = frame.groupby("repeats")["recency"].transform(
        lambda r: pd.qcut(r.rank(method="first"), 4, labels=False) + 1)
    return frame.pivot_table(index="repeats", columns="quartile", values="no_purchase", aggfunc="mean").round(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb-path", default=os.environ.get("DUCKDB_PATH", str(ROOT / "warehouse.duckdb")))
    args = parser.parse_args()
    with duckdb.connect(args.duckdb_path, read_only=True) as con:
        warehouse = con.sql("select x, t_x, t_age, has_no_holdout_purchase as no_purchase "
                            "from intermediate.int_customer_clv_calibration").df()
    ids, weeks = load("sample")
    cdnow = summarise(ids, weeks, CALIBRATION_END, HOLDOUT_END)
    cdnow = pd.DataFrame({"x": cdnow.x, "t_x": cdnow.t_x, "t_age": cdnow.T, "no_purchase": cdnow.holdout_purchases == 0})
    for title, frame in ((f"{args.duckdb_path}", warehouse), ("CDNOW sample", cdnow)):
        print(f"{title}: share with no holdout purchase, rows repeat count (3 = 3+), columns recency quartile")
        print(by_recency(frame).to_string())
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
