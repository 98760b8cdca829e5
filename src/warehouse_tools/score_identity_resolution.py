"""Score identity resolution against the generator's ground truth: pairwise precision and recall.

    warehouse score-identity-resolution           # $DUCKDB_PATH, truth beside $RAW_DATA_DIR

Every pair of customer records is either merged (same customer) or not, by the warehouse and by
the truth. Precision: of the pairs the warehouse merged, the share that are one person. Recall: of
the pairs that are one person, the share the warehouse merged. Counted from cluster sizes
(n choose 2 per cluster and per cluster intersection), so no pair is ever materialised.
With the case labels beside the truth (record_cases.csv: the records of the people of each
identity case the demo adds, warehouse_tools/demo_data/identity_cases.py), it also prints a table per
case: the pairs of the case's records that are one person (expected merges), how many of them the
warehouse merged, and the wrong merges (merged pairs with at least one of the case's records that
are not one person).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse_tools.project import ROOT


@dataclass
class Score:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    customers: int
    people: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def score(con: duckdb.DuckDBPyConnection, truth_csv: Path, components: str = "intermediate.int_customer_components"
          ) -> Score:
    """Pairwise scores of `components` (customer_record_id, component_id) against the truth file."""
    con.execute(f"""
        create or replace temp table scored as
        select
            truth.source_table || ':' || truth.record_key as customer_record_id,
            truth.person_id,
            predicted.component_id
        from read_csv('{truth_csv}', all_varchar = true) as truth
        inner join {components} as predicted
            on predicted.customer_record_id = truth.source_table || ':' || truth.record_key
    """)
    pairs = "sum(n * (n - 1) / 2)"
    true_pairs = con.execute(f"select {pairs} from (select count(*) as n from scored group by person_id)").fetchone()[0]
    predicted = con.execute(f"select {pairs} from (select count(*) as n from scored group by component_id)").fetchone()[0]
    correct = con.execute(
        f"select {pairs} from (select count(*) as n from scored group by person_id, component_id)").fetchone()[0]
    records, customers, people = con.execute(
        "select count(*), count(distinct component_id), count(distinct person_id) from scored").fetchone()
    return Score(records, int(true_pairs or 0), int(predicted or 0), int(correct or 0), customers, people)


@dataclass
class CaseScore:
    case: str
    records: int
    expected_merges: int
    merges_made: int
    wrong_merges: int


def score_cases(con: duckdb.DuckDBPyConnection, cases_csv: Path) -> list[CaseScore]:
    """Per case: expected merges, merges made of those, and wrong merges touching the case's records.

    Needs the temp table `scored` that score() leaves. Counted from cluster sizes: the pairs a
    component makes with at least one case record are C(n, 2) - C(n - k, 2) for n records of which
    k belong to the case; the correct ones among them are the pairs inside (person, component).
    """
    con.execute(f"""
        create or replace temp table case_labels as
        select source_table || ':' || record_key as customer_record_id, "case"
        from read_csv('{cases_csv}', all_varchar = true)
    """)
    rows = con.execute("""
        with labelled as (
            select scored.*, case_labels."case"
            from scored left join case_labels using (customer_record_id)
        ),
        cases as (select distinct "case" from case_labels),
        per_component as (
            select cases."case", count(*) as n, count(labelled."case") filter (where labelled."case" = cases."case") as k
            from cases cross join labelled
            group by cases."case", labelled.component_id
        ),
        merged as (
            select "case", sum(n * (n - 1) / 2 - (n - k) * (n - k - 1) / 2) as pairs
            from per_component where k > 0 group by "case"
        ),
        expected as (
            select "case", sum(n * (n - 1) / 2) as pairs, sum(n) as records
            from (select "case", person_id, count(*) as n from labelled where "case" is not null group by all)
            group by "case"
        ),
        correct as (
            select "case", sum(n * (n - 1) / 2) as pairs
            from (select "case", person_id, component_id, count(*) as n from labelled
                  where "case" is not null group by all)
            group by "case"
        )
        select expected."case", expected.records, expected.pairs, correct.pairs,
            coalesce(merged.pairs, 0) - correct.pairs
        from expected
        inner join correct using ("case")
        left join merged using ("case")
        order by expected."case"
    """).fetchall()
    return [CaseScore(case, int(records), int(exp), int(made), int(wrong)) for case, records, exp, made, wrong in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    raw = Path(os.environ.get("RAW_DATA_DIR", ROOT / "data" / "raw"))
    parser.add_argument("--database", type=Path, default=Path(os.environ.get("DUCKDB_PATH", ROOT / "warehouse.duckdb")))
    parser.add_argument("--truth", type=Path, default=raw.parent / "ground_truth" / "record_persons.csv")
    parser.add_argument("--cases", type=Path, default=raw.parent / "ground_truth" / "record_cases.csv",
                        help="case labels of records (skipped when the file does not exist)")
    parser.add_argument("--min-precision", type=float, default=0.995)
    parser.add_argument("--min-recall", type=float, default=0.99)
    args = parser.parse_args(argv)
    for path, hint in ((args.database, "run `make build`"), (args.truth, "generate the demo data")):
        if not path.exists():
            parser.error(f"{path} does not exist: {hint}")
    with duckdb.connect(str(args.database), read_only=True) as con:
        result = score(con, args.truth)
        cases = score_cases(con, args.cases) if args.cases.exists() else []
    print(f"records scored        {result.records:,}")
    print(f"people (truth)        {result.people:,}")
    print(f"customers (resolved)  {result.customers:,}")
    print(f"pairs: true {result.true_pairs:,}, merged {result.predicted_pairs:,}, correct {result.correct_pairs:,}")
    print(f"pairwise precision    {result.precision:.4f}   (at least {args.min_precision})")
    print(f"pairwise recall       {result.recall:.4f}   (at least {args.min_recall})")
    if cases:
        print(f"\n{'case':<24} {'records':>8} {'expected merges':>16} {'merges made':>12} {'wrong merges':>13}")
        for c in cases:
            print(f"{c.case:<24} {c.records:>8,} {c.expected_merges:>16,} {c.merges_made:>12,} {c.wrong_merges:>13,}")
    ok = result.precision >= args.min_precision and result.recall >= args.min_recall
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
