"""Where the project's files are: the checkout this package is installed from (editable install)."""

from __future__ import annotations

from pathlib import Path

# src/warehouse_tools/project.py -> the repository root (dbt_project.yml, models/, gx/, docs/)
ROOT = Path(__file__).resolve().parents[2]
# The demo generator's own folder: its landing files and ground truth. Users land theirs elsewhere
# (data/raw by default) and a build never deletes them.
DEMO_DIR = ROOT / "data" / "demo"
DEMO_RAW_DIR = DEMO_DIR / "raw"
DEMO_TRUTH_DIR = DEMO_DIR / "ground_truth"
