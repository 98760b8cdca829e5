"""Runs the scale generator: one DuckDB connection, the person pool, the six sources, the ground truth."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from . import humanitix, kajabi, paypal, privacy, ticket_tailor, webshop, zoho
from ..marker import clear_landing_folder, write_marker
from ..output import write_transactions_csv_header
from .people_pool import build_people
from .state import ScaleRun
from .truth import write_truth

MEMORY_LIMIT = "6GB"  # DuckDB's own limit; it spills to a temporary folder beyond it
SOURCES = ("humanitix", "ticket_tailor", "kajabi", "zoho", "paypal", "webshop", "privacy")
# progress() is called once per finished step: the people, each source, the ground truth, the summary
STEPS = 1 + len(SOURCES) + 2


def generate_scale(raw_dir: Path, truth_dir: Path, orders: int, seed: int = 42, progress=print) -> dict[str, int]:
    """Write about `orders` orders across the six sources under raw_dir, the ground truth under truth_dir.

    Returns the number of rows written per landing file (relative path -> rows). `progress` gets
    one line per finished step (STEPS of them).
    """
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    if orders < 1000:
        raise ValueError("generate at least 1,000 orders")
    started = time.perf_counter()
    clear_landing_folder(raw_dir)
    raw_dir.mkdir(parents=True)
    spill = Path(tempfile.mkdtemp(prefix="scale_spill_"))  # where DuckDB spills beyond MEMORY_LIMIT
    con = None
    try:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill),
                                     "preserve_insertion_order": True})
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        gen = ScaleRun(con, raw_dir, orders, seed)
        steps = [("people", build_people), ("humanitix", humanitix.generate),
                 ("ticket_tailor", ticket_tailor.generate), ("kajabi", kajabi.generate), ("zoho", zoho.generate),
                 ("paypal", paypal.generate), ("webshop", webshop.generate), ("privacy", privacy.generate)]
        assert tuple(name for name, _ in steps[1:]) == SOURCES
        for name, step in steps:
            before = dict(gen.counts)
            t = time.perf_counter()
            step(gen)
            if name == "people":
                rows = gen.scalar("SELECT count(*) FROM persons")
                progress(f"people: {rows:,} people in the pool ({time.perf_counter() - t:.1f} s)")
            else:
                written = {k: v for k, v in gen.counts.items() if k not in before}
                detail = ", ".join(f"{Path(k).name} {v:,}" for k, v in written.items())
                progress(f"{name}: {sum(written.values()):,} rows ({detail}) in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        truth_rows = write_truth(gen, truth_dir)
        progress(f"ground truth: {truth_rows:,} rows in {time.perf_counter() - t:.1f} s")
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
    counts = gen.counts
    write_marker(raw_dir, "scale", seed, orders=orders)
    write_transactions_csv_header(raw_dir)
    progress(f"wrote {sum(counts.values()):,} landing rows in {len(counts)} files to {raw_dir} "
             f"in {time.perf_counter() - started:.1f} s")
    return counts
