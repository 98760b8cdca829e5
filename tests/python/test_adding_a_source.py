"""Adding a source (docs/adding-a-source.md) touches no intermediate or mart model.

The test copies the project and the demo warehouse, adds the fixture source BoxOffice
(tests/fixtures/adding_a_source: its source YAML, one staging model and that model's tests) and
lists the staging model in the var customer_record_models (the registry dbt needs to order the
build; docs/decisions.md), writes BoxOffice landing files whose buyers reuse the emails and phones of
customers already in the warehouse, builds the new source and everything downstream of it, and
checks that those buyers joined the existing customers in dim_customers under their existing
customer_id, that BoxOffice's rows_accounted_for test ran, and that no intermediate or mart model
file differs from the repository's.
"""

from __future__ import annotations

import csv
import filecmp
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, DbtCommandError, run_dbt

pytestmark = pytest.mark.slow

FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "adding_a_source"
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "target", "logs", "data", "*.duckdb", "*.duckdb.wal",
                                     "uncommitted", "__pycache__", ".pytest_cache", "exports", "fixtures")
EXISTING_BY_EMAIL = 10
EXISTING_BY_PHONE = 10
NEW_PEOPLE = 5


def _copy_project(destination: Path, register: bool) -> Path:
    """The project with the fixture source added (and, if `register`, listed in the registry var)."""
    shutil.copytree(PROJECT_DIR, destination, ignore=COPY_IGNORE)
    shutil.copytree(FIXTURE / "models", destination / "models", dirs_exist_ok=True)
    if register:
        project = destination / "dbt_project.yml"
        text = project.read_text()
        registry = "  customer_record_models:\n"
        assert text.count(registry) == 1
        project.write_text(text.replace(registry, registry + "    - stg_boxoffice__orders\n"))
    return destination


def _pick_existing_customers(duckdb_path: Path) -> tuple[list[tuple], list[tuple]]:
    """Customers of the demo warehouse with a linkable email, and others with a linkable US phone."""
    linkable = """
        select identifier_value from intermediate.int_customer_identifiers_classified
        where identifier_type = '{kind}' and not is_blocklisted and not is_shared
    """
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        by_email = con.execute(f"""
            select customer_id, primary_email, first_name, last_name from marts.dim_customers
            where primary_email in ({linkable.format(kind='email')}) and first_name is not null
            order by customer_id limit {EXISTING_BY_EMAIL}
        """).fetchall()
        taken = [row[0] for row in by_email]
        by_phone = con.execute(f"""
            select customer_id, primary_phone_e164, first_name, last_name from marts.dim_customers
            where primary_phone_e164 in ({linkable.format(kind='phone')}) and primary_phone_e164 like '+1%'
                and first_name is not null and customer_id not in (select unnest(?))
            order by customer_id desc limit {EXISTING_BY_PHONE}
        """, [taken]).fetchall()
    assert len(by_email) == EXISTING_BY_EMAIL and len(by_phone) == EXISTING_BY_PHONE
    return by_email, by_phone


def _write_landing(raw_dir: Path, by_email: list[tuple], by_phone: list[tuple]) -> dict[str, str | None]:
    """BoxOffice's export: buyers written the way a checkout form gets them. Returns order -> expected id."""
    folder = raw_dir / "boxoffice"
    folder.mkdir()
    expected: dict[str, str | None] = {}
    rows = []
    for i, (customer_id, email, first, last) in enumerate(by_email):
        order = f"BO-{1000 + i}"
        expected[order] = customer_id
        rows.append([order, f"  {email.upper()} ", "", first.upper(), last or "", "yes", "45.00", "usd", "paid",
                     f"2025-11-0{1 + i % 9}T19:30:00-05:00"])
    for i, (customer_id, phone, first, last) in enumerate(by_phone):
        order = f"BO-{2000 + i}"
        expected[order] = customer_id
        national = phone[2:]  # +1 and ten digits -> a US number written without the country code
        rows.append([order, "", f"({national[:3]}) {national[3:6]}-{national[6:]}", first, last or "", "",
                     "30.00", "USD", "paid", f"2025-11-1{i % 9}T20:00:00-05:00"])
    for i in range(NEW_PEOPLE):
        order = f"BO-{3000 + i}"
        expected[order] = None
        rows.append([order, f"first.buyer{i}@boxoffice-fixture.org", "", f"Newcomer{i}", "Buyer", "no", "25.50",
                     "USD", "refunded" if i == 0 else "paid", "2025-11-20T18:00:00+00:00"])
    with (folder / "orders_2025-11-21.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["order_number", "buyer_email", "buyer_phone", "buyer_first_name", "buyer_last_name",
                         "marketing_consent", "total", "currency", "status", "purchased_at", "_extracted_at"])
        writer.writerows(row + ["2025-11-21T06:00:00Z"] for row in rows)
    return expected


@pytest.fixture(scope="module")
def added_source(demo_warehouse, tmp_path_factory):
    """A copy of the demo warehouse, built again with BoxOffice added to a copy of the project."""
    root = tmp_path_factory.mktemp("adding_a_source")
    project = _copy_project(root / "project", register=True)
    raw_dir = root / "raw"
    shutil.copytree(demo_warehouse.raw_dir, raw_dir)
    # the same file name: DuckDB names the catalog after the file, and the demo's views refer to it
    duckdb_path = root / demo_warehouse.duckdb_path.name
    shutil.copy(demo_warehouse.duckdb_path, duckdb_path)
    by_email, by_phone = _pick_existing_customers(duckdb_path)
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        customers_before = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    expected = _write_landing(raw_dir, by_email, by_phone)
    mp = pytest.MonkeyPatch()
    mp.setenv("RAW_DATA_DIR", str(raw_dir))
    try:
        result = run_dbt(["build", "--select", "source:boxoffice+"], duckdb_path, project_dir=project)
    finally:
        mp.undo()
    return {"project": project, "duckdb_path": duckdb_path, "expected": expected,
            "customers_before": customers_before, "results": list(result.result.results)}


def test_only_staging_files_and_the_registry_were_added(added_source) -> None:
    project = added_source["project"]
    for layer in ("models/intermediate", "models/marts"):
        comparison = filecmp.dircmp(PROJECT_DIR / layer, project / layer)
        stack, differences = [comparison], []
        while stack:
            c = stack.pop()
            differences += c.left_only + c.right_only + c.diff_files + c.funny_files
            stack += c.subdirs.values()
        assert not differences, f"{layer} differs: {differences}"
    added = sorted(p.relative_to(project).as_posix() for p in (project / "models" / "staging" / "boxoffice").rglob("*"))
    assert added == ["models/staging/boxoffice/_boxoffice__models.yml", "models/staging/boxoffice/_boxoffice__sources.yml",
                     "models/staging/boxoffice/stg_boxoffice__orders.sql"]


def test_the_build_ran_the_new_sources_tests(added_source) -> None:
    results = added_source["results"]
    # exposures and saved queries have nothing to run (no-op); everything else must pass
    # expected: the demo's churn-model warning (docs/customer-value.md)
    failed = [(r.node.name, str(r.status)) for r in results
              if str(r.status) not in {"pass", "success"}
              and not (r.node.resource_type in {"exposure", "saved_query"} and str(r.status) == "no-op")
              and not (r.node.name == "chosen_churn_model_beats_the_baselines" and str(r.status) == "warn")]
    assert not failed, failed
    names = {r.node.name for r in results}
    assert "stg_boxoffice__orders" in names and "dim_customers" in names
    accounted = [r for r in results if r.node.resource_type == "test"
                 and r.node.name.startswith("rows_accounted_for_stg_boxoffice__orders")]
    assert len(accounted) == 1 and str(accounted[0].status) == "pass"


def test_boxoffice_buyers_join_the_existing_customers(added_source) -> None:
    expected = added_source["expected"]
    with duckdb.connect(str(added_source["duckdb_path"]), read_only=True) as con:
        ids = dict(con.execute("""
            select replace(customer_record_id, 'boxoffice__orders:', ''), customer_id
            from intermediate.int_customer_ids where customer_record_id like 'boxoffice__orders:%'
        """).fetchall())
        systems = dict(con.execute("select customer_id, source_systems from marts.dim_customers").fetchall())
        customers_after = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    assert set(ids) == set(expected)
    for order, customer_id in expected.items():
        if customer_id is None:
            continue
        assert ids[order] == customer_id, f"{order} should have joined {customer_id}, got {ids[order]}"
        assert "boxoffice" in systems[customer_id] and systems[customer_id] != "boxoffice"
    newcomers = {ids[order] for order, customer_id in expected.items() if customer_id is None}
    assert len(newcomers) == NEW_PEOPLE and all(systems[c] == "boxoffice" for c in newcomers)
    assert customers_after == added_source["customers_before"] + NEW_PEOPLE


def test_the_added_source_meets_the_conventions(added_source, tmp_path: Path) -> None:
    from test_conventions import _bouncer

    duckdb_path = added_source["duckdb_path"]
    target = duckdb_path.parent / f"{duckdb_path.stem}_dbt" / "target"
    result = _bouncer(target, tmp_path, "--only", "manifest_checks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_contract_model_left_out_of_the_registry_fails_the_build(demo_warehouse, tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project", register=False)
    duckdb_path = tmp_path / demo_warehouse.duckdb_path.name
    shutil.copy(demo_warehouse.duckdb_path, duckdb_path)
    with pytest.raises(DbtCommandError) as failure:
        run_dbt(["compile", "--select", "int_customer_identifiers_unioned"], duckdb_path, project_dir=project)
    message = re.sub(r"\s+", " ", str(failure.value))
    assert "not listed in the var customer_record_models" in message and "stg_boxoffice__orders" in message
