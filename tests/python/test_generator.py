"""The demo data generator: deterministic, valid phone numbers by construction, honest ground truth."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import numpy as np
import phonenumbers
import pytest

from warehouse_tools.demo_data.generate import STEPS, TRUTH_FILE, generate_demo
from warehouse_tools.demo_data.people import PeopleFactory, Renderer


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    steps: list[str] = []
    generate_demo(tmp_path / "a" / "raw", tmp_path / "a" / "truth", seed=7, progress=steps.append)
    assert len(steps) == STEPS, f"the progress bar counts STEPS calls: {steps}"
    generate_demo(tmp_path / "b" / "raw", tmp_path / "b" / "truth", seed=7, progress=lambda _: None)
    generate_demo(tmp_path / "c" / "raw", tmp_path / "c" / "truth", seed=8, progress=lambda _: None)
    first, second, other = (_digest(tmp_path / x) for x in "abc")
    assert len(first) >= 17
    assert first == second
    assert first != other


@pytest.mark.parametrize("country", ["AU", "US", "CA", "GB", "GH"])
def test_generated_phones_are_valid_numbers(country: str) -> None:
    factory = PeopleFactory(np.random.default_rng(1), seed=1)
    phones = [factory.new_phone(country, kind) for kind in ("mobile", "landline") for _ in range(500)]
    invalid = [p.e164 for p in phones if not phonenumbers.is_valid_number(phonenumbers.parse(p.e164))]
    assert invalid == []
    assert len({p.nsn for p in phones}) == len(phones), "phone numbers must be unique per person"


@pytest.mark.parametrize("default_country", ["AU", "US", "GH"])
def test_rendered_phones_parse_back_to_the_same_number(default_country: str) -> None:
    """Every messy format the sources write still means the same number (libphonenumber's reading)."""
    rng = np.random.default_rng(3)
    factory = PeopleFactory(rng, seed=3)
    render = Renderer(rng, default_country)
    for country in ("AU", "US", "GH"):
        for _ in range(300):
            phone = factory.new_phone(country)
            written = render.phone(phone)
            parsed = phonenumbers.parse(written, default_country)
            assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone.e164, written


def test_ground_truth_covers_every_customer_record(tmp_path: Path) -> None:
    raw, truth = tmp_path / "raw", tmp_path / "truth"
    generate_demo(raw, truth, seed=42, progress=lambda _: None)
    with (truth / TRUTH_FILE).open() as fh:
        rows = list(csv.DictReader(fh))
    keys = Counter((r["source_table"], r["record_key"]) for r in rows)
    assert max(keys.values()) == 1, "a record belongs to exactly one person"
    by_table = Counter(r["source_table"] for r in rows)
    # every valid Humanitix order line and Zoho contact row is in the truth, nothing more
    hx_ids = set()
    for path in raw.glob("humanitix/orders_*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            hx_ids.add(record.get("_id"))
    truth_hx = {k for t, k in keys if t == "humanitix__orders"}
    assert truth_hx <= hx_ids
    assert by_table["humanitix__orders"] == 746
    assert by_table["ticket_tailor__orders"] == 4280
    assert by_table["kajabi__contacts"] == 5905
    assert by_table["zoho__contacts"] == 1955 + 20  # + the identity cases' CRM contacts
    people_per_table = {t: len({r["person_id"] for r in rows if r["source_table"] == t}) for t in by_table}
    assert people_per_table["humanitix__orders"] == 677
    assert people_per_table["ticket_tailor__orders"] == 2242
    assert people_per_table["kajabi__transactions"] == 981


def test_the_generators_rewrite_their_own_folder_and_never_delete_landed_files(tmp_path: Path) -> None:
    """Both engines rewrite a folder they wrote (the marker) or an empty one; a folder of someone's exports
    stops them before anything is written or deleted, and the command says so in one line (exit 2)."""
    import subprocess
    import sys

    from warehouse_tools.demo_data.marker import DEMO_MARKER, NotDemoFolder
    from warehouse_tools.demo_data.scale import generate_scale

    ours = tmp_path / "demo" / "raw"
    ours.mkdir(parents=True)  # empty: allowed
    generate_demo(ours, tmp_path / "demo" / "truth", seed=3, progress=lambda _: None)
    stale = ours / "kajabi" / "contacts_1999-01-01.csv"  # a file left from an older generator
    stale.write_text("Email\n", encoding="utf-8")
    generate_scale(ours, tmp_path / "demo" / "truth", orders=1000, seed=3, progress=lambda _: None)
    assert (ours / DEMO_MARKER).is_file() and not stale.exists(), "its own folder is rewritten whole"

    landed = tmp_path / "raw" / "kajabi" / "contacts_2026-01-01.csv"
    landed.parent.mkdir(parents=True)
    landed.write_text("Email\nsomeone@example.org\n", encoding="utf-8")
    for generate in (lambda: generate_demo(tmp_path / "raw", tmp_path / "truth", progress=lambda _: None),
                     lambda: generate_scale(tmp_path / "raw", tmp_path / "truth", orders=1000, progress=lambda _: None)):
        with pytest.raises(NotDemoFolder, match="did not write"):
            generate()
    run = subprocess.run([sys.executable, "-m", "warehouse_tools", "generate-demo-data", "--out", str(tmp_path / "raw")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and str(tmp_path / "raw") in run.stderr
    assert [p.name for p in (tmp_path / "raw").rglob("*")] == ["kajabi", "contacts_2026-01-01.csv"]
    assert landed.read_text(encoding="utf-8") == "Email\nsomeone@example.org\n"
    assert not (tmp_path / "truth").exists()


def test_make_data_writes_only_the_demo_folder() -> None:
    """`make data` generates into data/demo/raw, never into data/raw where users land their exports."""
    from warehouse_tools.project import DEMO_RAW_DIR, ROOT

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "DEMO_DATA_DIR := $(CURDIR)/data/demo/raw\n" in makefile
    assert DEMO_RAW_DIR == ROOT / "data" / "demo" / "raw"
    calls = [line.strip() for line in makefile.splitlines() if "generate-demo-data" in line]
    assert calls == ["$(WAREHOUSE) generate-demo-data --out $(DEMO_DATA_DIR)"], calls
