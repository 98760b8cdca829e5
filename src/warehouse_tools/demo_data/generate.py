"""Builds every source's landing files and the ground truth from one seeded random state."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from . import humanitix, kajabi, paypal, privacy, ticket_tailor, webshop, zoho
from .buying import Lives
from .identity_cases import CASES_FILE, add_identity_cases
from .marker import clear_landing_folder, write_marker
from .output import TRANSACTIONS_CSV, write_transactions_csv_header
from .people import PeopleFactory
from .population import build_population

TRUTH_FILE = "record_persons.csv"
SOURCES = ("humanitix", "ticket_tailor", "kajabi", "zoho", "paypal", "webshop", "privacy")
# progress() is called once per finished step: the people, each source, the identity cases, the
# writing of the files
STEPS = 1 + len(SOURCES) + 1 + 1


def generate_demo(raw_dir: Path, truth_dir: Path, seed: int = 42, progress=print) -> dict[str, int]:
    """Write the demo landing files under raw_dir and the ground truth under truth_dir.

    Returns the number of rows written per landing file. `progress` gets one line per finished
    step (STEPS of them).
    """
    rng = np.random.default_rng(seed)
    factory = PeopleFactory(rng, seed)
    pop = build_population(factory, rng)
    lives = Lives(np.random.default_rng([seed, 16]))  # who buys for how long, drawn once per person
    progress(f"people: {len(pop.everyone):,} in the pool, with their overlaps between systems")
    outputs = []
    steps = [
        ("humanitix", lambda: humanitix.generate(rng, pop.humanitix, factory.new_phone, lives)),
        ("ticket_tailor", lambda: ticket_tailor.generate(rng, pop.ticket_tailor, lives)),
        ("kajabi", lambda: kajabi.generate(rng, pop.kajabi, lives)),
        ("zoho", lambda: zoho.generate(rng, pop.zoho, pop.zoho_duplicates, {p.person_id for p in pop.kajabi})),
        ("paypal", lambda: paypal.generate(rng, pop.paypal)),
        ("webshop", lambda: webshop.generate(rng, pop.webshop, pop.webshop_two_shops, lives)),
        ("privacy", lambda: privacy.generate(pop.kajabi, pop.ticket_tailor, pop.humanitix)),
    ]
    assert tuple(name for name, _ in steps) == SOURCES
    for name, make in steps:
        outputs.append(make())
        progress(f"{name}: {sum(len(landing.records) for landing in outputs[-1].files):,} rows")

    cases = add_identity_cases(seed, factory, dict(zip(SOURCES, outputs)))
    progress(f"identity cases: {len(cases):,} records of households, guest orders, system addresses, "
             "source keys and nicknames")

    clear_landing_folder(raw_dir)
    counts: dict[str, int] = {}
    for out in outputs:
        for landing in out.files:
            landing.write(raw_dir)
            counts[landing.path] = len(landing.records)
    write_marker(raw_dir, "demo", seed)

    write_transactions_csv_header(raw_dir)
    counts[TRANSACTIONS_CSV] = 0
    truth_dir.mkdir(parents=True, exist_ok=True)
    with (truth_dir / TRUTH_FILE).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_table", "record_key", "person_id"])
        for out in outputs:
            writer.writerows(sorted(out.truth))
    with (truth_dir / CASES_FILE).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_table", "record_key", "case"])
        writer.writerows(sorted(cases))
    progress(f"wrote {sum(counts.values()):,} landing rows in {len(counts)} files to {raw_dir}")
    return counts
