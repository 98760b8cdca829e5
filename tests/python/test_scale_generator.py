"""The scale generator (demo_data.scale): deterministic, the demo's landing shapes, and a warehouse that builds.

One 20,000-order landing folder is generated per module and built once with dbt (see conftest.py);
the tests check what the generator promises: byte-identical files for a seed, the pre-flight check,
every raw row accounted for, the intended split of orders between the sources, the quarantine
exercised, an honest ground truth, valid phone numbers, identifiers unique per person and people
shared between systems.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import duckdb
import phonenumbers
import pytest

from warehouse_tools.check_landing_files import check
from conftest import run_dbt
from warehouse_tools.demo_data.generate import TRUTH_FILE
from warehouse_tools.demo_data.output import TRANSACTIONS_CSV
from warehouse_tools.demo_data.scale import ORDER_SHARES, STEPS, generate_scale
from landing_accounting import EXPECTED_QUARANTINE, LANDING_TABLES, check_row_accounting

# the staged orders of each source and the share of all orders it is meant to hold
ORDER_MODELS = {
    "humanitix": "stg_humanitix__orders",
    "ticket_tailor": "stg_ticket_tailor__orders",
    "kajabi": "stg_kajabi__transactions",
    "paypal": "stg_paypal__transactions",
    "webshop": "stg_webshop__shop_orders",
}
# truth table -> (staged model, record key, [(phone column, default country)], [email columns])
CUSTOMER_RECORDS = {
    "humanitix__orders": ("stg_humanitix__orders", "order_id", [("phone", "AU")], ["email"]),
    "ticket_tailor__orders": ("stg_ticket_tailor__orders", "order_id", [("phone", "US")], ["email"]),
    "kajabi__contacts": ("stg_kajabi__contacts", "contact_id", [("phone", "US")], ["email"]),
    "kajabi__transactions": ("stg_kajabi__transactions", "transaction_id", [], ["email"]),
    "zoho__contacts": ("stg_zoho__contacts", "contact_id", [("phone", "US"), ("mobile", "US")], ["email"]),
    "paypal__transactions": ("stg_paypal__transactions", "transaction_id", [("phone", "US")], ["email"]),
    "webshop__shop_customers": ("stg_webshop__shop_customers", "shop_customer_id", [("phone", "GH")], ["email"]),
    "webshop__shop_orders": ("stg_webshop__shop_orders", "shop_order_id", [("phone", "GH")], ["email"]),
}

ORDERS = 20_000
SEED = 42

PLACEHOLDER_PHONES = {"0400000000", "0000000000", "1234567890", "none", "N/A"}


def _quiet(_: str) -> None:
    pass


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def scale_landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("scale")
    generate_scale(root / "raw", root / "ground_truth", orders=ORDERS, seed=SEED, progress=_quiet)
    return root / "raw", root / "ground_truth"


@pytest.fixture(scope="module")
def scale_warehouse(scale_landing, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt build` of the whole project on the scale landing data."""
    raw_dir, _ = scale_landing
    duckdb_path = tmp_path_factory.mktemp("scale_warehouse") / "scale.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAW_DATA_DIR", str(raw_dir))
        run_dbt(["build"], duckdb_path)
    return duckdb_path


def test_same_seed_gives_identical_files(scale_landing, tmp_path: Path) -> None:
    raw_dir, truth_dir = scale_landing
    generate_scale(tmp_path / "same" / "raw", tmp_path / "same" / "truth", orders=ORDERS, seed=SEED, progress=_quiet)
    generate_scale(tmp_path / "other" / "raw", tmp_path / "other" / "truth", orders=ORDERS, seed=SEED + 1,
                   progress=_quiet)

    def digests(root: Path, truth: Path) -> dict[str, str]:
        return {**_digest(root), **{f"truth/{k}": v for k, v in _digest(truth).items()}}
    first = digests(raw_dir, truth_dir)
    same = digests(tmp_path / "same" / "raw", tmp_path / "same" / "truth")
    other = digests(tmp_path / "other" / "raw", tmp_path / "other" / "truth")
    assert len(first) == 20  # 17 landing files, the transactions CSV's header, the demo marker and the truth
    assert first == same
    assert set(other) == set(first)
    # every file but the header-only transactions CSV (the same for every seed) depends on the seed
    assert all(other[name] != digest for name, digest in first.items() if name != TRANSACTIONS_CSV)


def test_returns_the_rows_written_per_file(tmp_path: Path) -> None:
    steps: list[str] = []
    counts = generate_scale(tmp_path / "raw", tmp_path / "truth", orders=1000, seed=3, progress=steps.append)
    assert len(steps) == STEPS, f"the progress bar counts STEPS calls: {steps}"
    for path, rows in counts.items():
        file = tmp_path / "raw" / path
        lines = len(file.read_text(encoding="utf-8").splitlines())
        assert rows == (lines if path.endswith(".jsonl") else lines - 1), path


def test_files_have_the_demo_shapes(scale_landing, demo_landing) -> None:
    """The same files, CSV headers, and JSON fields (nested ones too) with the same value types."""
    raw_dir, _ = scale_landing
    demo_raw, _ = demo_landing
    files = sorted(str(p.relative_to(raw_dir)) for p in raw_dir.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(demo_raw)) for p in demo_raw.rglob("*") if p.is_file())
    for name in files:
        if name.endswith(".csv"):
            headers = [(folder / name).open(encoding="utf-8").readline() for folder in (raw_dir, demo_raw)]
            assert headers[0] == headers[1], name
    for table in ("humanitix/events", "humanitix/orders_", "ticket_tailor/events", "ticket_tailor/orders_"):
        shapes = [_json_shape(sorted(folder.glob(f"{table}*.jsonl"))) for folder in (raw_dir, demo_raw)]
        assert shapes[0] == shapes[1], table


def _json_shape(paths: list[Path]) -> dict[str, set[str]]:
    """JSON path -> the types of its non-null values, over every valid line of the files."""
    shape: dict[str, set[str]] = {}

    def walk(value, where: str) -> None:
        kinds = shape.setdefault(where, set())
        if isinstance(value, dict):
            kinds.add("object")
            for key, child in value.items():
                walk(child, f"{where}.{key}")
        elif isinstance(value, list):
            kinds.add("array")
            for child in value:
                walk(child, f"{where}[]")
        elif value is not None:
            kinds.add("number" if isinstance(value, (int, float)) and not isinstance(value, bool)
                      else type(value).__name__)

    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    walk(json.loads(line), "$")
                except json.JSONDecodeError:
                    continue
    return shape


def test_passes_the_preflight_check(scale_landing) -> None:
    raw_dir, _ = scale_landing
    report = check(raw_dir, progress=_quiet)
    assert report.errors == []
    assert sum("not valid JSON" in note for note in report.notes) == 2  # Humanitix and Ticket Tailor


@pytest.mark.parametrize("table", list(LANDING_TABLES), ids=lambda t: "__".join(t))
def test_every_raw_row_is_staged_quarantined_or_superseded(scale_landing, scale_warehouse, table) -> None:
    raw_dir, _ = scale_landing
    rows = check_row_accounting(raw_dir, scale_warehouse, table)
    assert rows.staged > 0


def test_extracts_carry_re_exports_and_later_updates(scale_warehouse) -> None:
    """Where the demo has two extracts, the later one repeats some records: superseded versions exist."""
    with duckdb.connect(str(scale_warehouse), read_only=True) as con:
        for model in ("base_humanitix__orders", "base_ticket_tailor__orders", "base_kajabi__contacts",
                      "base_paypal__transactions"):
            superseded = con.execute(f"select count(*) from staging.{model} where version_rank > 1").fetchone()[0]
            assert superseded > 0, model
        refunded = con.execute("select count(*) from staging.stg_humanitix__orders "
                               "where order_status = 'refunded'").fetchone()[0]
        free = con.execute("select count(*) from staging.stg_humanitix__orders where is_free").fetchone()[0]
        currencies = {r[0] for r in con.execute(
            "select currency_code from staging.stg_ticket_tailor__orders union "
            "select currency_code from staging.stg_webshop__shop_orders union "
            "select currency_code from staging.stg_humanitix__orders").fetchall()}
    assert refunded > 0 and free > 0
    assert {"USD", "CAD", "AUD", "GHS"} <= currencies


def test_staged_orders_follow_the_intended_split(scale_warehouse) -> None:
    with duckdb.connect(str(scale_warehouse), read_only=True) as con:
        staged = {source: con.execute(f"select count(*) from staging.{model}").fetchone()[0]
                  for source, model in ORDER_MODELS.items()}
    for source, count in staged.items():
        intended = ORDERS * ORDER_SHARES[source]
        assert abs(count - intended) <= 0.10 * intended, (source, count, intended)
    assert abs(sum(staged.values()) - ORDERS) <= 0.02 * ORDERS


def test_quarantine_holds_the_generators_invalid_rows(scale_warehouse) -> None:
    with duckdb.connect(str(scale_warehouse), read_only=True) as con:
        reasons = dict(((s, t, r), n) for s, t, r, n in con.execute(
            "select source_system, source_table, quarantine_reason, count(*) "
            "from audit.audit_quarantined_rows group by all").fetchall())
    assert reasons == EXPECTED_QUARANTINE


def test_staged_customer_records_match_the_ground_truth(scale_landing, scale_warehouse) -> None:
    """Every staged customer record is in the truth, and every record of the truth is staged."""
    _, truth_dir = scale_landing
    truth: dict[str, set[str]] = {}
    with (truth_dir / TRUTH_FILE).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        truth.setdefault(row["source_table"], set()).add(row["record_key"])
    assert max(Counter((r["source_table"], r["record_key"]) for r in rows).values()) == 1
    assert set(truth) == set(CUSTOMER_RECORDS)
    with duckdb.connect(str(scale_warehouse), read_only=True) as con:
        for table, (model, key, _, _) in CUSTOMER_RECORDS.items():
            staged = {str(r[0]) for r in con.execute(f"select {key} from staging.{model}").fetchall()}
            assert staged - truth[table] == set(), f"{table}: staged records without a person in the truth"
            assert truth[table] - staged == set(), f"{table}: records of the truth that were not staged"


def _identifiers(scale_landing, scale_warehouse, kind: str) -> list[tuple[str, str, str, str]]:
    """(person, source table, raw value, normalised value) of every staged phone or email."""
    _, truth_dir = scale_landing
    parts = []
    for table, (model, key, phones, emails) in CUSTOMER_RECORDS.items():
        columns = [(f"{c}_raw", f"{c}_e164") for c, _ in phones] if kind == "phone" else [("email_raw", "email")]
        for raw, normalised in columns:
            parts.append(f"select t.person_id, '{table}' as source_table, s.{raw}, s.{normalised} "
                         f"from staging.{model} s join truth t on t.source_table = '{table}' "
                         f"and t.record_key = cast(s.{key} as varchar) where s.{raw} is not null")
    with duckdb.connect(str(scale_warehouse), read_only=True) as con:
        con.execute(f"create temp table truth as "
                    f"select * from read_csv('{truth_dir / TRUTH_FILE}', all_varchar = true)")
        return con.execute(" union all ".join(parts)).fetchall()


def test_phones_are_valid_numbers_shared_only_by_households(scale_landing, scale_warehouse) -> None:
    rows = _identifiers(scale_landing, scale_warehouse, "phone")
    defaults = {table: spec[2][0][1] for table, spec in CUSTOMER_RECORDS.items() if spec[2]}
    persons: dict[str, set[str]] = {}
    for person, table, raw, _ in rows:
        if raw.strip() in PLACEHOLDER_PHONES:
            continue
        parsed = phonenumbers.parse(raw, defaults[table])  # libphonenumber's reading, not the warehouse's
        assert phonenumbers.is_valid_number(parsed), (table, raw)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        persons.setdefault(e164, set()).add(person)
    sizes = Counter(len(p) for p in persons.values())
    assert max(sizes) <= 14, "a number is shared by more people than a household or an office"
    assert sum(n for size, n in sizes.items() if size >= 3) > 0, "households and offices share a number"
    formats = {raw[:1] for _, _, raw, _ in rows}
    assert {"+", "0", "("} <= formats, "national, international and punctuated formats"


def test_emails_belong_to_one_person_each(scale_landing, scale_warehouse) -> None:
    rows = _identifiers(scale_landing, scale_warehouse, "email")
    persons: dict[str, set[str]] = {}
    for person, _, raw, email in rows:
        if "@" in email and email not in {"test@test.com", "noemail@example.com", "no@email.com"}:
            persons.setdefault(email, set()).add(person)
    shared = {email: p for email, p in persons.items() if len(p) > 1}
    assert shared == {}
    raw_values = [raw for _, _, raw, _ in rows]
    assert any(r != r.strip() for r in raw_values), "whitespace noise"
    assert any(r != r.lower() for r in raw_values), "case noise"
    assert {"test@test.com", "none"} & {r.strip().lower() for r in raw_values}, "placeholders"
    emails_per_person = Counter(p for p, _, raw, email in rows if "@" in email)
    assert len({email for email, _ in persons.items()}) > len(emails_per_person), "alternative emails"


def test_people_appear_in_several_systems(scale_landing) -> None:
    _, truth_dir = scale_landing
    systems: dict[str, set[str]] = {}
    with (truth_dir / TRUTH_FILE).open(newline="") as fh:
        for row in csv.DictReader(fh):
            systems.setdefault(row["source_table"], set()).add(row["person_id"])
    for a, b in [("kajabi__contacts", "zoho__contacts"), ("kajabi__contacts", "ticket_tailor__orders"),
                 ("kajabi__contacts", "paypal__transactions"), ("zoho__contacts", "ticket_tailor__orders"),
                 ("kajabi__contacts", "humanitix__orders"), ("kajabi__contacts", "webshop__shop_customers")]:
        assert systems[a] & systems[b], (a, b)
    assert len(set().union(*systems.values())) <= ORDERS // 4
