#!/usr/bin/env python3
"""Generate the demo landing data (six source systems) and the identity ground truth.

    python scripts/generate_demo_data.py                      # demo data into data/raw, truth into data/ground_truth
    python scripts/generate_demo_data.py --out /tmp/raw --seed 7
    python scripts/generate_demo_data.py --scale 1000000      # a million orders for benchmarks

On a terminal it shows a progress bar over the generator's steps; otherwise (a log, CI) one line per
step; --quiet prints only the final line.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from demo_data.generate import generate_demo
from progress_bar import StepProgress

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("RAW_DATA_DIR", ROOT / "data" / "raw")),
                        help="landing folder to (re)write (default: $RAW_DATA_DIR or data/raw)")
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
    started = time.perf_counter()
    if args.scale:
        from demo_data.scale import STEPS, generate_scale

        with StepProgress(STEPS, f"{args.scale:,} orders", quiet=args.quiet) as progress:
            counts = generate_scale(args.out, truth, orders=args.scale, seed=args.seed, progress=progress)
    else:
        from demo_data.generate import STEPS

        with StepProgress(STEPS, "demo data", quiet=args.quiet) as progress:
            counts = generate_demo(args.out, truth, seed=args.seed, progress=progress)
    print(f"{sum(counts.values()):,} landing rows in {len(counts)} files under {args.out}, ground truth in {truth}: "
          f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
