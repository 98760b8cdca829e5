"""Landing files as a new user's exports arrive (tests/python/landing_corpus.py): each case staged,
quarantined (row or whole file, with a reason) or stopping the build with one line, as docs/sources.md
says; and no row lost: per landing table and per file, raw = staged + superseded + quarantined.

All the cases that build go into one landing folder and one whole `dbt build` (seeds, models, data
and unit tests), which must pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse_tools.check_landing_files import check
from conftest import DbtCommandError, environment, run_dbt
from landing_accounting import LANDING_TABLES, check_row_accounting, count_file_rows
from landing_corpus import apply_building_cases, unterminated_quote


@pytest.fixture(scope="module")
def corpus(demo_landing, tmp_path_factory: pytest.TempPathFactory):
    """The demo landing folder with every building case applied, and its whole `dbt build`."""
    root = tmp_path_factory.mktemp("corpus")
    raw = root / "raw"
    shutil.copytree(demo_landing[0], raw)
    cases = apply_building_cases(raw)
    duckdb_path = root / "corpus.duckdb"
    with environment(RAW_DATA_DIR=str(raw)):
        run_dbt(["build"], duckdb_path)
    log = (root / "corpus_dbt" / "logs" / "dbt.log").read_text(encoding="utf-8", errors="replace")
    return raw, duckdb_path, cases, log


def _query(duckdb_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _file(duckdb_path: Path, path: Path) -> dict:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        cursor = con.execute("select * from audit.audit_landing_files where file_path = ?", [str(path)])
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1, f"{path} is not listed once in audit_landing_files: {rows}"
    return dict(zip(names, rows[0]))


def _quarantined(duckdb_path: Path, reason: str, record_key: str | None = None) -> list[tuple]:
    sql = "select record_key, source_file, source_line from audit.audit_quarantined_rows where quarantine_reason = ?"
    params = [reason]
    if record_key is not None:
        sql += " and record_key = ?"
        params.append(record_key)
    return _query(duckdb_path, sql + " order by source_line", params)


def test_no_row_is_lost_per_landing_table(corpus):
    raw, duckdb_path, _, _ = corpus
    for table in LANDING_TABLES:
        check_row_accounting(raw, duckdb_path, table)


def test_every_file_is_read_quarantined_or_ignored_and_no_row_is_lost_per_file(corpus):
    raw, duckdb_path, _, _ = corpus
    files = sorted(path for path in raw.rglob("*") if path.is_file() and not path.name.startswith("."))
    listed = {row[0] for row in _query(duckdb_path, "select file_path from audit.audit_landing_files")}
    assert listed == {str(path) for path in files}
    for path in files:
        audit = _file(duckdb_path, path)
        rows = count_file_rows(path)
        if audit["file_status"] == "read":
            assert rows == audit["raw_rows"] == (
                audit["staged_rows"] + audit["superseded_rows"] + audit["quarantined_rows"]), audit
        else:
            assert audit["staged_rows"] + audit["superseded_rows"] == 0, audit


def test_cr_cr_lf_line_endings_are_read(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["cr_cr_lf_line_endings"]
    audit = _file(duckdb_path, case["file"])
    assert (audit["file_status"], audit["rows_read"], audit["rejected_lines"]) == ("read", case["rows"], 0)
    # no carriage return or line feed is left in a field (at the end of the last, the start of the first)
    assert _query(duckdb_path, "select count(*) from zoho.contacts where regexp_matches(\"Record Id\" || "
                               "_extracted_at, '[\\r\\n]')") == [(0,)]
    assert _query(duckdb_path, "select count(*) from staging.stg_zoho__contacts where extracted_at is null") == [(0,)]


def test_an_unquoted_line_break_quarantines_its_two_lines_with_file_and_line(corpus):
    _, duckdb_path, cases, log = corpus
    case = cases["unquoted_newline_in_free_text"]
    rows = _quarantined(duckdb_path, "unreadable_csv_row")
    assert rows == [(None, str(case["file"]), line) for line in case["lines"]]
    assert _query(duckdb_path, "select count(*) from staging.stg_kajabi__transactions where transaction_id = ?",
                  [case["transaction_id"]]) == [(0,)]
    assert f"landing file {case['file']}: 2 line(s) from line {case['lines'][0]} quarantined" in log


def test_a_column_missing_from_a_single_file_table_is_null_and_recorded(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["missing_column_in_single_file_table"]
    audit = _file(duckdb_path, case["file"])
    assert (audit["missing_columns"], audit["staged_rows"]) == ("Interval", case["rows"])
    assert _query(duckdb_path, "select count(billing_interval) from staging.stg_kajabi__offers") == [(0,)]


def test_a_quoted_line_break_is_staged_intact(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["quoted_newline_in_title"]
    # the parsed row keeps the line break (a staged row keeps no raw text, only its typed columns);
    # staging collapses whitespace in titles as it always does
    title_raw, raw_record, title = _query(
        duckdb_path, "select base.offer_title_raw, base.raw_record, stg.offer_title from staging.base_kajabi__offers "
        "as base join staging.stg_kajabi__offers as stg on base.offer_id = stg.offer_id and base.version_rank = 1 "
        "where base.offer_id = ?", [case["offer_id"]])[0]
    assert (title_raw, raw_record) == (case["title"], None)
    assert title == " ".join(case["title"].split())


def test_control_characters_never_reach_staging(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["nul_byte_in_a_name"]
    assert _query(duckdb_path, "select full_name from staging.stg_webshop__shop_customers where shop_customer_id = ?",
                  [case["shop_customer_id"]]) == [(case["name"],)]
    escaped = cases["nul_escape_in_json"]
    # the versions in the changed extract (an earlier extract holds other versions of these orders)
    names = dict(_query(duckdb_path, "select order_id, first_name_raw from staging.base_humanitix__orders "
                                     "where order_id in (?, ?) and source_file = ?",
                        [escaped["nul_order_id"], escaped["backslash_order_id"], str(escaped["file"])]))
    assert names == {escaped["nul_order_id"]: "Cheryl", escaped["backslash_order_id"]: "Back\\u0000slash"}
    tables = [row[0] for row in _query(
        duckdb_path, "select table_name from information_schema.tables where table_schema = 'staging'")]
    for table in tables:
        columns = [row[0] for row in _query(
            duckdb_path, "select column_name from information_schema.columns where table_schema = 'staging' "
            "and table_name = ? and data_type = 'VARCHAR'", [table])]
        for column in columns:
            found = _query(duckdb_path, f'select count(*) from staging.{table} '
                                        f"where regexp_matches(\"{column}\", '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]')")
            assert found == [(0,)], f"{table}.{column}"


def test_a_column_missing_from_one_extract_is_null_for_that_extract_only(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["column_missing_from_one_extract"]
    assert _file(duckdb_path, case["file"])["missing_columns"] == "Phone Number"
    staged = dict(_query(duckdb_path, "select contact_id, phone_raw from staging.stg_kajabi__contacts "
                                      "where source_file like '%contacts_2025-11-12.csv'"))
    november_with_phone = case["november_ids_with_phone"] & staged.keys()
    assert len(november_with_phone) > 2000
    assert all(staged[contact_id] for contact_id in november_with_phone)


def test_a_negative_humanitix_total_is_quarantined(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["negative_humanitix_total"]
    assert [row[0] for row in _quarantined(duckdb_path, "negative_amount", case["order_id"])] == [case["order_id"]]
    assert _query(duckdb_path, "select count(*) from marts.fct_orders where order_id = ?", [case["order_id"]]) == [(0,)]


def test_orders_outside_the_plausible_window_or_fx_rates_are_quarantined_and_the_marts_build(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["implausible_dates"]
    assert {row[0] for row in _quarantined(duckdb_path, "implausible_date")} == {
        case["ticket_tailor_order_id"], case["kajabi_transaction_id"]}
    assert [row[0] for row in _quarantined(duckdb_path, "missing_fx_rate")] == [case["webshop_order_id"]]
    assert _query(duckdb_path, "select count(*), count(gross_amount_reporting) from marts.fct_orders "
                               "where year(ordered_at) not between 2019 and 2026")[0][0] == 0


def test_a_byte_order_mark_is_not_part_of_the_first_column(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["byte_order_mark"]
    audit = _file(duckdb_path, case["file"])
    assert (audit["missing_columns"], audit["extra_columns"], audit["rows_read"]) == (None, None, case["rows"])


def test_a_latin1_extract_is_decoded(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["latin1_extract"]
    assert _file(duckdb_path, case["file"])["encoding"] == "latin-1"
    names = {row[0] for row in _query(duckdb_path, "select first_name from staging.stg_zoho__contacts "
                                                   "where source_file = ?", [str(case["file"])])}
    assert set(case["names"]) <= names


def test_a_windows_1252_extract_is_quarantined_whole(corpus):
    _, duckdb_path, cases, log = corpus
    case = cases["windows_1252_extract"]
    audit = _file(duckdb_path, case["file"])
    assert (audit["file_status"], audit["staged_rows"]) == ("quarantined", 0)
    assert "Windows-1252" in audit["file_reason"]
    assert f"landing file {case['file']} quarantined" in log
    # its contacts keep their version from the earlier export
    assert _query(duckdb_path, "select count(*) from staging.stg_zoho__contacts where contact_id in (?, ?)",
                  case["record_ids"]) == [(2,)]


def test_a_file_no_source_reads_is_listed_and_warned_about(corpus):
    _, duckdb_path, cases, log = corpus
    case = cases["unmatched_file_name"]
    audit = _file(duckdb_path, case["file"])
    assert (audit["file_status"], audit["source_table"]) == ("ignored", None)
    assert f"landing file {case['file']} is read by no source" in log


def test_conflicting_versions_in_one_extract_are_quarantined_identical_copies_superseded(corpus):
    _, duckdb_path, cases, _ = corpus
    case = cases["conflicting_duplicate"]
    assert [row[0] for row in _quarantined(duckdb_path, "conflicting_versions")] == [case["conflicted_id"]] * 2
    assert _query(duckdb_path, "select count(*) from staging.stg_paypal__transactions where transaction_id = ?",
                  [case["conflicted_id"]]) == [(0,)]
    assert _query(duckdb_path, "select count(*) from staging.stg_paypal__transactions where transaction_id = ?",
                  [case["repeated_id"]]) == [(1,)]
    assert _query(duckdb_path, "select count(*) from staging.base_paypal__transactions where transaction_id = ? "
                               "and version_rank > 1", [case["repeated_id"]]) == [(1,)]


def test_an_unterminated_quote_stops_the_build_with_file_and_line(landing_copy: Path, duckdb_path: Path):
    case = unterminated_quote(landing_copy)
    with pytest.raises(DbtCommandError) as error:
        run_dbt(["run", "--select", "stg_landing__files"], duckdb_path)
    assert f"landing file {case['file']}: line {case['line']}: " in str(error.value)
    assert "unterminated quote" in str(error.value)


def test_a_relative_landing_path_reaches_the_engine_absolute(landing_copy: Path, duckdb_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(landing_copy.parent)
    monkeypatch.setenv("PWD", str(landing_copy.parent))
    monkeypatch.setenv("RAW_DATA_DIR", "./raw/../raw")
    run_dbt(["run", "--select", "stg_landing__files"], duckdb_path)
    paths = [Path(row[0]) for row in _query(duckdb_path, "select file_path from staging.stg_landing__files")]
    files = [path for path in landing_copy.rglob("*") if path.is_file() and not path.name.startswith(".")]
    assert len(paths) == len(files) > 10
    assert all(path.is_absolute() and path.parent.parent == landing_copy for path in paths), paths[:3]


def test_the_preflight_check_names_each_case_and_stops_on_none(corpus):
    raw, _, cases, _ = corpus
    report = check(raw, progress=lambda _: None)
    assert report.errors == []
    notes = "\n".join(report.notes)
    expected = [
        f"{cases['unquoted_newline_in_free_text']['file']}:10: expected 17 fields",
        f"{cases['column_missing_from_one_extract']['file']}: the header lacks Phone Number",
        f"{cases['missing_column_in_single_file_table']['file']}: the header lacks Interval",
        f"{cases['latin1_extract']['file']}: not UTF-8; read as Latin-1",
        f"{cases['windows_1252_extract']['file']}: not UTF-8, and bytes 0x80-0x9F",
        f"{cases['unmatched_file_name']['file']}: no source reads this file",
    ]
    assert [line for line in expected if line not in notes] == []
    assert f"{cases['byte_order_mark']['file']}: the header lacks" not in notes


def test_a_system_without_files_is_built_empty_and_a_misnamed_extract_stops(landing_copy: Path, duckdb_path: Path):
    """An organisation that does not use PayPal has no paypal/ files: its tables build empty (with a warning),
    the rest as usual. A paypal/ folder whose files all miss the pattern is a mistake, and stops the build."""
    shutil.rmtree(landing_copy / "paypal")
    run_dbt(["seed"], duckdb_path)
    run_dbt(["run", "--select", "base_paypal__transactions", "base_zoho__contacts"], duckdb_path)
    assert _query(duckdb_path, "select count(*) from staging.base_paypal__transactions") == [(0,)]
    assert _query(duckdb_path, "select count(*) from staging.base_zoho__contacts")[0][0] > 1000

    (landing_copy / "paypal").mkdir()
    (landing_copy / "paypal" / "Download.CSV").write_text("Date,Time\n01/01/2025,10:00:00\n", encoding="utf-8")
    with pytest.raises(DbtCommandError, match="source paypal.transactions: no landing file matches"):
        run_dbt(["run", "--select", "base_paypal__transactions"], duckdb_path)
