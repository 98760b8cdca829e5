"""Partner-facing marts carry no personal data; erased people leave no trace; partner exports hold
only their partner's rows; customer keys are HMACs of the secret."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import DbtCommandError, run_dbt
from warehouse_tools.export_partner import export

ROOT = Path(__file__).resolve().parents[2]
PARTNER_FACING = sorted(p.stem for p in (ROOT / "models" / "marts" / "partners").glob("*.sql"))
DEMO_SECRET = b"demo-only-partner-hash-secret-not-for-production"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
PHONE = re.compile(r"\+\d[\d ()\-]{7,}\d")  # written internationally
DIGITS = re.compile(r"\d[\d ()\-]{7,}\d")  # any long run of digits: compared with the known numbers
PERSONAL_COLUMNS = {"email", "primary_email", "phone_e164", "primary_phone_e164", "first_name", "last_name",
                    "customer_id", "customer_record_id", "order_id", "source_record_ids"}

pytestmark = pytest.mark.slow


def personal_values(con: duckdb.DuckDBPyConnection, where: str = "true") -> set[str]:
    """Every customer's identifying strings: ids, record ids, emails, phones, full names."""
    values: set[str] = set()
    for column in ["customer_id", "customer_record_id"]:
        values |= {r[0] for r in con.sql(f"select {column} from intermediate.int_customer_ids where {where}").fetchall()}
    records = con.sql(f"""select email, phone_e164, first_name || ' ' || last_name
                          from intermediate.int_customer_identifiers_unioned
                          where customer_record_id in (select customer_record_id from intermediate.int_customer_ids
                                                       where {where})""").fetchall()
    values |= {v for row in records for v in row if v}
    return values


def phone_tails(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The last nine digits of every customer's phone: a number written in any national format ends so."""
    rows = con.sql("select phone_e164 from intermediate.int_customer_identifiers_unioned "
                   "where phone_e164 is not null").fetchall()
    return {phone[-9:] for (phone,) in rows}


def looks_like_a_known_phone(value: str, tails: set[str]) -> bool:
    runs = (re.sub(r"\D", "", run) for run in DIGITS.findall(value))
    return any(len(run) >= 9 and run[-9:] in tails for run in runs)


def leaks(con: duckdb.DuckDBPyConnection, table: str, forbidden: set[str]) -> list[str]:
    """What in `table` looks like personal data: a personal column, an email, a phone written
    internationally or any customer's phone in any format, a forbidden value."""
    tails = phone_tails(con)
    found = []
    columns = con.sql(f"describe {table}").fetchall()
    found += [f"column {name}" for name, *_ in columns if name in PERSONAL_COLUMNS]
    for name, kind, *_ in columns:
        if kind != "VARCHAR":
            continue
        for (value,) in con.sql(f"select distinct {name} from {table} where {name} is not null").fetchall():
            if (EMAIL.search(value) or PHONE.search(value) or looks_like_a_known_phone(value, tails)
                    or value in forbidden):
                found.append(f"{name} = {value!r}")
    return found


def test_partner_facing_models_carry_no_personal_data(demo_warehouse) -> None:
    assert PARTNER_FACING, "no partner-facing models found"
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as con:
        forbidden = personal_values(con)
        for model in PARTNER_FACING:
            assert con.sql(f"select count(*) from marts.{model}").fetchone()[0] > 0, model
            assert leaks(con, f"marts.{model}", forbidden) == [], model
        # the scan finds personal data where there is some
        assert len(leaks(con, "marts.dim_customers", forbidden)) > 1000


def test_customer_keys_are_hmacs_keyed_per_partner(demo_warehouse) -> None:
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as con:
        rows = con.sql("select partner_id, customer_id, customer_key, key_secret_source "
                       "from intermediate.int_partner_customer_keys").fetchall()
    assert rows and {r[3] for r in rows} == {"demo_default"}
    for partner_id, customer_id, key, _ in rows:
        assert key == hmac.new(DEMO_SECRET, f"{partner_id}:{customer_id}".encode(), hashlib.sha256).hexdigest()
    by_customer: dict[str, set[str]] = {}
    for partner_id, customer_id, key, _ in rows:
        by_customer.setdefault(customer_id, set()).add(key)
    assert any(len(keys) > 1 for keys in by_customer.values()), "a customer of two partners has two keys"


def test_the_secret_comes_from_the_environment(demo_warehouse, tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / demo_warehouse.duckdb_path.name  # same file name: DuckDB names the catalog after it
    shutil.copy(demo_warehouse.duckdb_path, copy)
    monkeypatch.setenv("PARTNER_HASH_SECRET", "a-real-secret")
    monkeypatch.setenv("RAW_DATA_DIR", str(demo_warehouse.raw_dir))
    run_dbt(["run", "--select", "int_partner_customer_keys"], copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        partner_id, customer_id, key, source = con.sql(
            "select partner_id, customer_id, customer_key, key_secret_source "
            "from intermediate.int_partner_customer_keys limit 1").fetchone()
    assert source == "environment"
    assert key == hmac.new(b"a-real-secret", f"{partner_id}:{customer_id}".encode(), hashlib.sha256).hexdigest()


def test_erased_people_leave_no_trace_in_the_marts(demo_warehouse) -> None:
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as con:
        audit = dict(con.sql("select request_id, customers_erased from audit.audit_erasure_requests").fetchall())
        assert audit["ER-1001"] >= 1 and audit["ER-1002"] >= 1 and audit["ER-1003"] == 0
        assert "ER-1004" not in audit  # a national-format phone cannot be matched safely: quarantined
        assert con.sql("select quarantine_reason from audit.audit_quarantined_rows "
                       "where record_key = 'ER-1004'").fetchone() == ("invalid_identifier",)
        erased = "customer_id in (select customer_id from intermediate.int_erased_customers)"
        traces = personal_values(con, erased)
        order_ids = {r[0] for r in con.sql(f"""
            select order_id from intermediate.int_orders_unioned where customer_record_id in
            (select customer_record_id from intermediate.int_customer_ids where {erased})""").fetchall()}
        assert traces and order_ids
        # every record of these people per the ground truth belongs to the erased customers
        truth = list(csv.DictReader((demo_warehouse.truth_dir / "record_persons.csv").open()))
        record_ids = {f"{r['source_table']}:{r['record_key']}": r["person_id"] for r in truth}
        erased_records = {r[0] for r in con.sql(
            f"select customer_record_id from intermediate.int_customer_ids where {erased}").fetchall()}
        persons = {record_ids[r] for r in erased_records}
        assert {r for r, p in record_ids.items() if p in persons} <= erased_records

        tables = [r[0] for r in con.sql("select table_name from information_schema.tables "
                                        "where table_schema = 'marts'").fetchall()]
        for table in tables:
            for name, kind, *_ in con.sql(f"describe marts.{table}").fetchall():
                if kind != "VARCHAR":
                    continue
                values = {r[0] for r in con.sql(f"select distinct {name} from marts.{table}").fetchall()}
                assert not values & (traces | order_ids), f"marts.{table}.{name}"
        # their orders stay, anonymous, so partner totals still reconcile (a dbt test ties them)
        assert con.sql("select count(*) from marts.fct_orders where is_customer_erased").fetchone()[0] \
            == len(order_ids)


def test_partner_export_holds_only_that_partner(demo_warehouse, tmp_path: Path) -> None:
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as con:
        all_partners = dict(con.sql("select partner_id, partner_name from reference.partners").fetchall())
        paths = export(con, "comedy_store", tmp_path / "comedy_store")
        with pytest.raises(SystemExit):
            export(con, "no_such_partner", tmp_path / "nobody")
    rows = list(csv.DictReader(paths["csv"].open()))
    assert rows and {r["partner_id"] for r in rows} == {"comedy_store"}
    document = json.loads(paths["json"].read_text())
    assert {r["partner_id"] for r in document["rows"]} == {"comedy_store"}
    page = paths["html"].read_text()
    assert "<svg" in page and "http" not in page.replace("http://www.w3.org", "")
    others = [v for k, v in all_partners.items() if k != "comedy_store"] + \
        [k for k in all_partners if k != "comedy_store"]
    for text in [paths["csv"].read_text(), paths["json"].read_text(), page]:
        assert not EMAIL.search(text)
        assert not [o for o in others if o in text]


def _keys_model():
    from warehouse_tools.check_partner_secret import keys_model

    return keys_model()


def test_the_generators_mark_their_data_as_the_demo_s(demo_landing, tmp_path: Path) -> None:
    from warehouse_tools.demo_data.marker import DEMO_MARKER
    from warehouse_tools.demo_data.scale import generate_scale

    keys = _keys_model()
    assert keys.DEMO_MARKER == DEMO_MARKER, "the model and the generators must name the same marker"
    raw_dir, _ = demo_landing
    generate_scale(tmp_path / "scale", tmp_path / "truth", orders=1000, seed=3, progress=lambda _: None)
    for folder in (raw_dir, tmp_path / "scale"):
        assert keys.is_demo_landing(folder), folder
        assert keys.key_secret({"RAW_DATA_DIR": str(folder)}) == (DEMO_SECRET, "demo_default")


@pytest.mark.parametrize("marker", [None, "", "{not json", '{"seed": 42}', "[1]"])
def test_without_the_demo_marker_partner_keys_need_the_secret(marker, demo_landing, tmp_path: Path) -> None:
    """Real exports (here the demo's files without a valid marker) and no secret: refuse, in one line."""
    keys = _keys_model()
    raw_dir, _ = demo_landing
    real = tmp_path / "exports"
    shutil.copytree(raw_dir, real)
    (real / keys.DEMO_MARKER).unlink()
    if marker is not None:
        (real / keys.DEMO_MARKER).write_text(marker)
    for environ in ({"RAW_DATA_DIR": str(real)}, {"RAW_DATA_DIR": str(real), "PARTNER_HASH_SECRET": "  "},
                    {"RAW_DATA_DIR": str(real), "PARTNER_HASH_SECRET": DEMO_SECRET.decode()}):
        with pytest.raises(keys.MissingPartnerSecret) as refused:
            keys.key_secret(environ)
        message = str(refused.value)
        assert "\n" not in message and "set PARTNER_HASH_SECRET" in message and str(real) in message
    assert keys.key_secret({"RAW_DATA_DIR": str(real), "PARTNER_HASH_SECRET": "s3cret"}) == (b"s3cret", "environment")


def test_the_build_refuses_partner_keys_on_real_data_without_a_secret(demo_warehouse, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """Both ways, through dbt and through the check `make build` runs first."""
    keys = _keys_model()
    real = tmp_path / "exports"
    shutil.copytree(demo_warehouse.raw_dir, real)
    (real / keys.DEMO_MARKER).unlink()
    copy = tmp_path / demo_warehouse.duckdb_path.name
    shutil.copy(demo_warehouse.duckdb_path, copy)
    monkeypatch.delenv("PARTNER_HASH_SECRET", raising=False)
    monkeypatch.setenv("RAW_DATA_DIR", str(real))

    with pytest.raises(DbtCommandError, match="PARTNER_HASH_SECRET is not set and the landing data in"):
        run_dbt(["run", "--select", "int_partner_customer_keys"], copy)
    with duckdb.connect(str(copy), read_only=True) as con:  # the demo's keys were not replaced
        assert con.sql("select distinct key_secret_source from intermediate.int_partner_customer_keys"
                       ).fetchall() == [("demo_default",)]
    check = [sys.executable, "-m", "warehouse_tools", "check-partner-secret"]
    refused = subprocess.run(check, capture_output=True, text=True, env=dict(os.environ))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: PARTNER_HASH_SECRET is not set")

    monkeypatch.setenv("PARTNER_HASH_SECRET", "a-real-secret")
    assert subprocess.run(check, capture_output=True, text=True, env=dict(os.environ)).returncode == 0
    run_dbt(["run", "--select", "int_partner_customer_keys"], copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.sql("select distinct key_secret_source from intermediate.int_partner_customer_keys"
                       ).fetchall() == [("environment",)]

    monkeypatch.delenv("PARTNER_HASH_SECRET")  # the demo's own landing data: the demo secret, and a word
    monkeypatch.setenv("RAW_DATA_DIR", str(demo_warehouse.raw_dir))
    demo = subprocess.run(check, capture_output=True, text=True, env=dict(os.environ))
    assert demo.returncode == 0 and "demo secret" in demo.stdout
