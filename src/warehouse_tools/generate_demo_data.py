"""Generate the demo landing data (six source systems) and the identity ground truth.

    warehouse generate-demo-data                      # demo data into data/demo/raw, truth into data/demo/ground_truth
    warehouse generate-demo-data --out /tmp/raw --seed 7
    warehouse generate-demo-data --scale 1000000      # a million orders for benchmarks

One command, two engines: the demo (Python, calibrated figures and hand-placed identity cases) and, with
--scale, the same six sources' shapes generated in DuckDB SQL (docs/decisions.md, "One demo command,
two engines"). It writes only to its own folder: it rewrites a landing folder that is empty or that it
wrote before (the marker .demo_data.json), and stops on any other, so landed exports are never deleted.

On a terminal it shows a progress bar over the generator's steps; otherwise (a log, CI) one line per
step; --quiet prints only the final line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from warehouse_tools.demo_data.generate import generate_demo
from warehouse_tools.demo_data.marker import NotDemoFolder, check_landing_folder
from warehouse_tools.progress_bar import StepProgress

from warehouse_tools.project import DEMO_RAW_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEMO_RAW_DIR,
                        help="landing folder to (re)write: empty or written by this command before (default data/demo/raw)")
    parser.add_argument("--truth", type=Path, default=None,
                        help="folder for the ground truth (default: ground_truth beside the landing folder)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--scale", type=int, default=None, metavar="ORDERS",
                        help="generate about this many orders across sources, vectorised, for benchmarks")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or step lines, only the final line")
    args = parser.parse_args(argv)
    if args.scale is not None and args.scale < 1000:
        parser.error("--scale must be at least 1000 orders")
    truth = args.truth or args.out.parent / "ground_truth"
    try:
        check_landing_folder(args.out)  # before the work: the generators check again before deleting
    except NotDemoFolder as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    if args.scale:
        from warehouse_tools.demo_data.scale import STEPS, generate_scale

        with StepProgress(STEPS, f"{args.scale:,} orders", quiet=args.quiet) as progress:
            counts = generate_scale(args.out, truth, orders=args.scale, seed=args.seed, progress=progress)
    else:
        from warehouse_tools.demo_data.generate import STEPS

        with StepProgress(STEPS, "demo data", quiet=args.quiet) as progress:
            counts = generate_demo(args.out, truth, seed=args.seed, progress=progress)
    print(f"{sum(counts.values()):,} landing rows in {len(counts)} files under {args.out}, ground truth in {truth}: "
          f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
