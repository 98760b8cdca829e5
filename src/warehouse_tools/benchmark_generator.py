"""Time the scale generator (demo_data.scale.generate_scale) at one or more sizes.

    warehouse benchmark-generator                    # 1,000,000 orders
    warehouse benchmark-generator 1000000 10000000   # several sizes, smallest first

Each size is generated into a temporary folder under /tmp (or $TMPDIR) that is deleted afterwards:
nothing is kept. Prints the time, landing rows per second, the size on disk and the peak resident
memory of this process (resource.getrusage: the generator runs in-process, DuckDB included; with
several sizes it is the peak so far, so give them smallest first). On a terminal each size shows a
progress bar over the generator's steps; otherwise one line per step; --quiet prints only results.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from warehouse_tools.demo_data.scale import STEPS, generate_scale
from warehouse_tools.progress_bar import StepProgress


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000_000], metavar="ORDERS",
                        help="numbers of orders to generate (default 1000000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quiet", action="store_true", help="no progress bar or step lines, only the results")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="markdown file the figures are appended to (default docs/benchmarks.md)")
    args = parser.parse_args(argv)
    results = []
    for orders in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="scale_benchmark_"))
        try:
            print(f"==> {orders:,} orders into {work}", flush=True)
            started = time.perf_counter()
            with StepProgress(STEPS, f"{orders:,} orders", quiet=args.quiet, stream=sys.stdout,
                              indent="    ") as progress:
                counts = generate_scale(work / "raw", work / "ground_truth", orders=orders, seed=args.seed,
                                        progress=progress)
            elapsed = time.perf_counter() - started
            rows = sum(counts.values())
            size = _size_on_disk(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        peak = _peak_rss_mib()
        results.append((orders, elapsed, rows, size, peak))
        print(f"    {orders:,} orders: {elapsed:.1f} s, {rows:,} landing rows ({rows / elapsed:,.0f} rows/s, "
              f"{orders / elapsed:,.0f} orders/s), {size / 2**30:.2f} GiB written, peak RSS {peak:,.0f} MiB",
              flush=True)
    print("\norders        seconds   rows/s       GiB   peak RSS MiB")
    for orders, elapsed, rows, size, peak in results:
        print(f"{orders:<12,}  {elapsed:7.1f}   {rows / elapsed:<11,.0f}  {size / 2**30:5.2f}  {peak:,.0f}")
    lines = [f"\n## Demo data at scale ({time.strftime('%Y-%m-%d')})\n",
             "`warehouse benchmark-generator 1000000 10000000`: `generate_demo_data.py --scale` in process.\n",
             "| orders | seconds | landing rows/s | written | peak RSS |", "|---:|---:|---:|---:|---:|"]
    lines += [f"| {orders:,} | {elapsed:.1f} | {rows / elapsed:,.0f} | {size / 2**30:.2f} GiB | {peak:,.0f} MiB |"
              for orders, elapsed, rows, size, peak in results]
    with args.report.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"appended to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
