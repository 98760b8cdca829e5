"""The project's conventions (dbt-bouncer.yml), checked by dbt-bouncer.

`make lint` runs the manifest checks (names, descriptions, primary-key tests, source freshness).
Here: the catalog checks on the demo warehouse, which need the built tables (every column a model or
seed really has is declared in its properties file, hence described), and proof that the manifest
checks fail on a project that breaks them, so a green `make lint` means something.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR, run_dbt

BOUNCER = Path(sys.executable).with_name("dbt-bouncer")
CONFIG = PROJECT_DIR / "dbt-bouncer.yml"


def _bouncer(artifacts: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run dbt-bouncer with the project's checks on the artifacts in `artifacts`."""
    config = yaml.safe_load(CONFIG.read_text())
    config["dbt_artifacts_dir"] = str(artifacts)
    config["custom_checks_dir"] = str(PROJECT_DIR / config["custom_checks_dir"])
    path = tmp_path / "dbt-bouncer.yml"
    path.write_text(yaml.safe_dump(config))
    return subprocess.run([str(BOUNCER), "--config-file", str(path), *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}, timeout=300)


@pytest.fixture(scope="module")
def demo_artifacts(demo_warehouse) -> Path:
    """manifest.json and catalog.json of the demo warehouse (dbt docs generate, without compiling)."""
    run_dbt(["docs", "generate", "--no-compile"], demo_warehouse.duckdb_path)
    target = demo_warehouse.duckdb_path.parent / f"{demo_warehouse.duckdb_path.stem}_dbt" / "target"
    assert (target / "catalog.json").exists() and (target / "manifest.json").exists()
    return target


@pytest.mark.slow
def test_every_built_column_is_declared_and_described(demo_artifacts, tmp_path: Path) -> None:
    catalog = json.loads((demo_artifacts / "catalog.json").read_text())
    assert len(catalog["nodes"]) >= 60, "the catalog must cover the built models and seeds"
    result = _bouncer(demo_artifacts, tmp_path, "--only", "catalog_checks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_manifest_conventions_hold(demo_artifacts, tmp_path: Path) -> None:
    result = _bouncer(demo_artifacts, tmp_path, "--only", "manifest_checks")
    assert result.returncode == 0, result.stdout + result.stderr


def _drop_tests(manifest: dict, model: str, names: set[str]) -> None:
    uid = f"model.customer_warehouse.{model}"
    for key in [k for k, n in manifest["nodes"].items() if n["resource_type"] == "test"
                and n.get("attached_node") == uid and (n.get("test_metadata") or {}).get("name") in names]:
        del manifest["nodes"][key]


def _break_primary_key(manifest: dict) -> None:
    # unique without not_null is not a primary key
    _drop_tests(manifest, "fct_orders", {"not_null"})


def _break_column_description(manifest: dict) -> None:
    manifest["nodes"]["model.customer_warehouse.dim_customers"]["columns"]["customer_id"]["description"] = ""


def _break_name(manifest: dict) -> None:
    node = manifest["nodes"]["model.customer_warehouse.dim_customers"]
    node["name"] = "customers"


def _break_freshness(manifest: dict) -> None:
    source = next(s for s in manifest["sources"].values() if s["source_name"] == "kajabi")
    source["freshness"] = {"warn_after": {"count": None, "period": None},
                           "error_after": {"count": None, "period": None}, "filter": None}
    source["config"]["freshness"] = None


def _break_layers(manifest: dict) -> None:
    # an intermediate model reading a mart, as int_customer_order_summary once read fct_orders
    node = manifest["nodes"]["model.customer_warehouse.int_customer_order_summary"]
    node["depends_on"]["nodes"].append("model.customer_warehouse.fct_orders")


def _break_macro_description(manifest: dict) -> None:
    manifest["macros"]["macro.customer_warehouse.normalize_email"]["description"] = ""


@pytest.mark.slow
@pytest.mark.parametrize(("breakage", "check", "culprit"), [
    (_break_primary_key, "check_model_has_primary_key_test", "fct_orders"),
    (_break_column_description, "check_model_column_description_populated", "dim_customers"),
    (_break_name, "check_model_names", "customers"),
    (_break_freshness, "check_source_freshness_populated", "kajabi"),
    (_break_macro_description, "check_macro_description_populated", "normalize_email"),
    (_break_layers, "check_model_reads_no_later_layer", "int_customer_order_summary"),
], ids=["primary_key", "column_description", "name", "freshness", "macro_description", "layers"])
def test_a_broken_convention_fails_the_lint(demo_artifacts, tmp_path: Path, breakage, check, culprit) -> None:
    manifest = json.loads((demo_artifacts / "manifest.json").read_text())
    broken = copy.deepcopy(manifest)
    breakage(broken)
    artifacts = tmp_path / "target"
    artifacts.mkdir()
    (artifacts / "manifest.json").write_text(json.dumps(broken))
    result = _bouncer(artifacts, tmp_path, "--only", "manifest_checks")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert check in output and culprit in output, output


def test_pre_commit_hooks_run_tools_from_the_venv() -> None:
    config_path = PROJECT_DIR / ".pre-commit-config.yaml"
    pre_commit = Path(sys.executable).with_name("pre-commit")
    validated = subprocess.run([str(pre_commit), "validate-config", str(config_path)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    hooks = [hook for repo in yaml.safe_load(config_path.read_text())["repos"] for hook in repo["hooks"]]
    assert {"trailing-whitespace", "end-of-file-fixer", "check-yaml", "sqlfluff-lint", "dbt-conventions"} <= {
        hook["id"] for hook in hooks}
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        tools = [word for word in hook["entry"].replace("'", " ").split() if word.startswith(".venv/bin/")]
        assert tools, f"{hook['id']} must run a tool from .venv"
        for tool in tools:
            assert Path(sys.executable).with_name(Path(tool).name).exists(), f"{hook['id']}: {tool} is not installed"


def test_github_workflow_runs_the_readme_test_command() -> None:
    workflow = yaml.safe_load((PROJECT_DIR / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["test"]["steps"]
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11" and setup["with"]["cache"] == "pip"
    assert any(step.get("uses", "").startswith("actions/checkout") for step in steps)
    assert [step["run"] for step in steps if "run" in step] == ["bash .ci/run"]
    assert "make test" in (PROJECT_DIR / ".ci" / "run").read_text()
