"""The expectation suites in gx/: all pass on the demo warehouse, and a corrupted mart fails its suites.

Each negative case copies the demo warehouse, corrupts one mart the way a broken model would, and
requires exactly the suites that depend on that mart to fail, on the expectation that guards the
rule, while every other suite still passes. Every expectation is classified as an invariant (fails
the run) or a distribution band (warns): valid data of another shape than the demo's passes with
warnings, and a broken invariant on it still fails.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse_tools.validate_marts import BAND, GX_DIR, INVARIANT, main, summary, validate_marts

ROOT = Path(__file__).resolve().parents[2]
SUITE_DIR = GX_DIR / "expectations"


def _suite_files() -> list[Path]:
    return sorted(SUITE_DIR.rglob("*.json"))


def test_every_mart_has_a_suite_named_after_its_table() -> None:
    marts = {path.stem for pattern in ("*.sql", "*.py") for path in (ROOT / "models" / "marts").rglob(pattern)}
    suites = {}
    for path in _suite_files():
        suite = json.loads(path.read_text())
        name = ".".join(path.relative_to(SUITE_DIR).with_suffix("").parts)
        assert suite["name"] == name, f"{path}: the suite of table {name} must be named {name!r}"
        assert suite.get("id"), f"{path}: a suite needs an id (any UUID) to be run"
        assert suite["meta"].get("table") == name, f"{path}: meta.table must be {name!r}"
        for expectation in suite["expectations"]:
            query = expectation["kwargs"].get("unexpected_rows_query")
            assert query is None or "{batch}" in query, f"{path}: custom SQL must read its table as {{batch}}"
        suites[name] = suite["id"]
    assert len(set(suites.values())) == len(suites), "suite ids must be unique"
    missing = sorted(f"marts.{mart}" for mart in marts if f"marts.{mart}" not in suites)
    assert missing == [], f"marts without an expectation suite (docs/data-quality.md, 'A new mart'): {missing}"


# Expectations that measure a distribution: whatever their range, it is fitted to some data, so a
# valid data set of another organisation can fall outside it. They must be bands.
DISTRIBUTION_TYPES = {"expect_column_mean_to_be_between", "expect_column_median_to_be_between",
                      "expect_column_stdev_to_be_between", "expect_column_quantile_values_to_be_between",
                      "expect_column_proportion_of_unique_values_to_be_between"}


def test_every_expectation_is_classified_as_an_invariant_or_a_band() -> None:
    """Explicitly: GX's default severity would make a forgotten band fail the build on valid data."""
    counts = {INVARIANT: 0, BAND: 0}
    for path in _suite_files():
        suite = json.loads(path.read_text())
        for number, expectation in enumerate(suite["expectations"]):
            where = f"{path.name} expectation {number} ({expectation.get('description')})"
            severity = expectation.get("severity")
            assert severity in counts, (f"{where}: set \"severity\" to \"{INVARIANT}\" (an invariant: fails the build)"
                                        f" or \"{BAND}\" (a distribution band: warns), docs/data-quality.md")
            counts[severity] += 1
            if severity == BAND:
                assert expectation.get("notes"), f"{where}: a band says in its notes where its range comes from"
            else:
                measures_a_distribution = (expectation["type"] in DISTRIBUTION_TYPES
                                           or "mostly" in expectation["kwargs"])
                assert not measures_a_distribution, f"{where}: measures a distribution, so it must be a band"
    assert counts[INVARIANT] >= 150 and counts[BAND] >= 10, counts


@pytest.fixture(scope="module")
def demo_report(demo_warehouse, tmp_path_factory: pytest.TempPathFactory):
    return validate_marts(demo_warehouse.duckdb_path, output_dir=tmp_path_factory.mktemp("gx"),
                          progress=lambda _: None)


@pytest.mark.slow
def test_every_suite_passes_on_the_demo_warehouse(demo_report) -> None:
    assert [outcome.suite for outcome in demo_report.outcomes] == sorted(
        ".".join(path.relative_to(SUITE_DIR).with_suffix("").parts) for path in _suite_files()
    )
    assert demo_report.success, summary(demo_report)
    assert sum(outcome.expectations for outcome in demo_report.outcomes) >= 100
    assert demo_report.data_docs is not None and demo_report.data_docs.name == "index.html"


CORRUPTIONS = {
    "customer_duplicated": (
        "insert into marts.dim_customers select * from marts.dim_customers"
        " where customer_id = (select min(customer_id) from marts.dim_customers)",
        {"marts.dim_customers": "expect_column_values_to_be_unique(customer_id)"},
    ),
    "rfm_score_7": (
        "update marts.fct_customer_rfm set recency_score = 7"
        " where customer_id = (select min(customer_id) from marts.fct_customer_rfm)",
        {"marts.fct_customer_rfm": "expect_column_values_to_be_in_set(recency_score)"},
    ),
    "money_identity_broken": (
        "update marts.fct_orders set net_amount = net_amount + 1"
        " where order_key = (select min(order_key) from marts.fct_orders)",
        {"marts.fct_orders": "gross = discount + fee + refund + net"},
    ),
    "month_0_retention_0_9": (
        "update marts.rpt_retention_cohorts set retention_rate = 0.9"
        " where months_since_first_order = 0 and source_system = 'all'"
        " and cohort_month = (select max(cohort_month) from marts.rpt_retention_cohorts)",
        {"marts.rpt_retention_cohorts": "month 0 is the whole cohort"},
    ),
    # A model that lost its recency: every buyer at the top churn probability. The insights no longer
    # match their rule (an invariant: fails), and the lifecycle mart's mean leaves its band (warns).
    "churn_probability_stuck_at_0_8": (
        "update marts.fct_customer_lifecycle set rule_churn_probability = 0.8 where paid_orders > 0",
        {"marts.fct_customer_insights": "exactly the customers of fct_customer_lifecycle that pass each rule"},
        {"marts.fct_customer_lifecycle": "expect_column_mean_to_be_between(rule_churn_probability)"},
    ),
    "clv_negative": (
        "update marts.fct_customer_clv set clv_reporting = -1"
        " where customer_id = (select min(customer_id) from marts.fct_customer_clv)",
        {"marts.fct_customer_clv": "expect_column_values_to_be_between(clv_reporting)"},
    ),
    "churn_probability_above_1": (
        "update marts.fct_customer_churn set churn_probability = 1.5"
        " where customer_id = (select min(customer_id) from marts.fct_customer_churn)",
        {"marts.fct_customer_churn": "expect_column_values_to_be_between(churn_probability)"},
    ),
    # one cent off in one row of the partner summary: the reconciliation with fct_orders fails
    "partner_gross_off_by_one_cent": (
        "update marts.rpt_partner_summary set gross_reporting = gross_reporting + 0.01"
        " where (partner_id, asset_id, order_month) = (select (partner_id, asset_id, order_month)"
        " from marts.rpt_partner_summary order by partner_id, asset_id, order_month limit 1)",
        {"marts.rpt_partner_summary": "partner totals reconcile with fct_orders to the cent"},
    ),
    "partner_key_leaks_the_customer_id": (
        "update marts.rpt_partner_customers set customer_key = (select min(customer_id) from marts.dim_customers)"
        " where customer_key = (select min(customer_key) from marts.rpt_partner_customers)",
        {"marts.rpt_partner_customers": "the key is not a customer id"},
    ),
}


def _corrupted_copy(demo_warehouse, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / "corrupted.duckdb"
    shutil.copyfile(demo_warehouse.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(sql)
    return copy


@pytest.mark.slow
@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupted_mart_fails_its_suites_and_only_those(demo_warehouse, tmp_path: Path, corruption) -> None:
    sql, expected, *warned = CORRUPTIONS[corruption]
    expected_warnings = warned[0] if warned else {}
    report = validate_marts(_corrupted_copy(demo_warehouse, tmp_path, sql), output_dir=tmp_path / "gx",
                            progress=lambda _: None)
    assert sorted(report.failed_suites) == sorted(expected), summary(report)
    assert sorted(report.warned_suites) == sorted(expected_warnings), summary(report)
    for found, wanted in (("failures", expected), ("warnings", expected_warnings)):
        for suite, guard in wanted.items():
            outcome = report.outcome(suite)
            assert outcome.error is None, outcome.error
            items = [f"{item.expectation}: {item.description}" for item in getattr(outcome, found)]
            assert any(guard in item for item in items), f"{suite}: no {guard!r} in its {found}: {items}"


@pytest.mark.slow
def test_the_runner_prints_what_failed_and_exits_1(demo_warehouse, tmp_path: Path, capsys) -> None:
    sql, _ = CORRUPTIONS["rfm_score_7"]
    corrupted = _corrupted_copy(demo_warehouse, tmp_path, sql)
    status = main(["--duckdb-path", str(corrupted), "--output-dir", str(tmp_path / "gx")])
    out = capsys.readouterr().out
    assert status == 1
    suites = len(_suite_files())
    last = sorted(path.stem for path in _suite_files())[-1]
    assert f"[{suites}/{suites}] marts.{last}" in out  # progress, one line per suite, in name order
    assert f"1 of {suites} suites failed (an invariant broke: the build fails):" in out
    assert "[invariant] expect_column_values_to_be_in_set(recency_score): recency scores are 1-5" in out
    assert "observed: 1 of " in out and "e.g. [7]" in out
    assert "recency_score=7" in out  # a row of the failed custom-SQL check (the RFM code)
    assert f"Data Docs: {tmp_path / 'gx' / 'data_docs' / 'local_site' / 'index.html'}" in out
    assert (tmp_path / "gx" / "data_docs" / "local_site" / "index.html").is_file()
    assert f"Report: {tmp_path / 'gx' / 'validation_report.html'}" in out


def test_the_runner_exits_2_without_a_warehouse(tmp_path: Path, capsys) -> None:
    status = main(["--duckdb-path", str(tmp_path / "missing.duckdb"), "--output-dir", str(tmp_path / "gx")])
    assert status == 2
    assert "no warehouse at" in capsys.readouterr().err


@pytest.fixture(scope="module")
def other_report(other_warehouse, tmp_path_factory: pytest.TempPathFactory):
    return validate_marts(other_warehouse.duckdb_path, output_dir=tmp_path_factory.mktemp("gx_other"),
                          progress=lambda _: None)


@pytest.mark.slow
def test_valid_data_unlike_the_demo_passes_with_warnings(other_report) -> None:
    """The scale generator's small data set (see other_warehouse) is valid but shaped differently from
    the demo: its share of customers who never bought and its holdout error fall outside the bands
    fitted to the demo. Those warn; every invariant holds, so the run passes."""
    assert other_report.success, summary(other_report)
    warned = {(outcome.suite, item.description) for outcome in other_report.outcomes for item in outcome.warnings}
    assert ("marts.fct_customer_lifecycle", "25-75% of customers are 'new' (no paid order yet)") in warned, warned
    assert all(item.kind == "band" for outcome in other_report.outcomes for item in outcome.warnings)
    text = summary(other_report)
    assert text.startswith("WARNING: ") and "[band]" in text and "new_share=" in text
    assert f"all {len(other_report.outcomes)} suites passed" in text


@pytest.mark.slow
def test_the_runner_exits_0_on_warnings_and_1_on_a_broken_invariant(other_warehouse, tmp_path: Path, capsys) -> None:
    assert main(["--duckdb-path", str(other_warehouse.duckdb_path), "--output-dir", str(tmp_path / "ok")]) == 0
    assert "WARNING: " in capsys.readouterr().out
    sql, expected = CORRUPTIONS["money_identity_broken"]
    status = main(["--duckdb-path", str(_corrupted_copy(other_warehouse, tmp_path, sql)),
                   "--output-dir", str(tmp_path / "broken")])
    out = capsys.readouterr().out
    assert status == 1
    assert "suites failed (an invariant broke: the build fails):" in out
    assert "[invariant] unexpected_rows_expectation: the money adds up on every row" in out
