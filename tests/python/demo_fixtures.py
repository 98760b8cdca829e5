"""Session fixtures: demo landing data and a demo warehouse built once, on temporary files."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import environment, run_dbt
from warehouse_tools.demo_data.generate import generate_demo


@dataclass
class DemoWarehouse:
    raw_dir: Path
    truth_dir: Path
    duckdb_path: Path
    build_results: list


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo landing folder and ground truth, generated once (seed 42, as `make build` does)."""
    root = tmp_path_factory.mktemp("demo")
    generate_demo(root / "raw", root / "ground_truth", seed=42, progress=lambda _: None)
    return root / "raw", root / "ground_truth"


@pytest.fixture(scope="session")
def demo_warehouse(demo_landing, tmp_path_factory: pytest.TempPathFactory) -> DemoWarehouse:
    """`dbt build` of the whole project on the demo data into a temporary DuckDB file."""
    raw_dir, truth_dir = demo_landing
    duckdb_path = tmp_path_factory.mktemp("warehouse") / "demo.duckdb"
    with environment(RAW_DATA_DIR=str(raw_dir)):
        result = run_dbt(["build"], duckdb_path)
    return DemoWarehouse(raw_dir, truth_dir, duckdb_path, list(result.result.results))


@pytest.fixture
def landing_copy(demo_landing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo landing folder that a test may corrupt; RAW_DATA_DIR points at it."""
    raw_dir, _ = demo_landing
    copy = tmp_path / "raw"
    shutil.copytree(raw_dir, copy)
    monkeypatch.setenv("RAW_DATA_DIR", str(copy))
    return copy


@pytest.fixture(scope="session")
def other_warehouse(tmp_path_factory: pytest.TempPathFactory) -> DemoWarehouse:
    """Valid data shaped unlike the demo: the scale generator's 3,000 orders (seed 5), built with `dbt build`.

    Fewer customers who never bought (13% 'new' against the band of 25-75% fitted to the demo), and a
    calibration-period BG/NBD fit that is degenerate (failed, with its reason), so no holdout error:
    the distribution bands warn on it, the invariants hold.
    """
    from warehouse_tools.demo_data.scale import generate_scale

    root = tmp_path_factory.mktemp("other")
    generate_scale(root / "raw", root / "ground_truth", orders=3000, seed=5, progress=lambda _: None)
    duckdb_path = root / "other.duckdb"
    with environment(RAW_DATA_DIR=str(root / "raw")):
        result = run_dbt(["build"], duckdb_path)
    return DemoWarehouse(root / "raw", root / "ground_truth", duckdb_path, list(result.result.results))
