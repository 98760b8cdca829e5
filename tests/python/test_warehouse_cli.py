"""The tooling's one command: `warehouse <subcommand>` (src/warehouse_tools/cli.py), installed by make install."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from warehouse_tools import cli
from warehouse_tools.project import ROOT


def test_every_module_with_a_main_is_a_subcommand_and_nothing_else() -> None:
    listed = cli.commands()
    with_main = {path.stem.replace("_", "-") for path in (ROOT / "src" / "warehouse_tools").glob("*.py")
                 if re.search(r"^def main\(", path.read_text(encoding="utf-8"), re.MULTILINE)}
    assert set(listed) == with_main - {"cli"}
    assert {"generate-demo-data", "check-landing-files", "validate-marts", "publish-marts", "export-partner",
            "build-on-engine", "benchmark-build"} <= set(listed)
    assert all(summary for _, summary in listed.values()), "each subcommand says what it does"


def test_the_command_runs_a_subcommand_and_refuses_an_unknown_one() -> None:
    command = [sys.executable, "-m", "warehouse_tools"]
    listed = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "generate-demo-data" in listed.stdout
    sub = subprocess.run([*command, "generate-demo-data", "--help"], capture_output=True, text=True, timeout=60)
    assert sub.returncode == 0 and sub.stdout.startswith("usage: warehouse generate-demo-data")
    unknown = subprocess.run([*command, "no-such-tool"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "unknown subcommand 'no-such-tool'" in unknown.stderr
    installed = Path(sys.executable).parent / "warehouse"  # the entry point make install writes into .venv
    assert installed.is_file(), "make install installs the warehouse command"


def test_no_module_patches_the_import_path() -> None:
    """The packages are installed; nothing reaches src/, scripts/ or the tests through sys.path."""
    offenders = [f"{path.relative_to(ROOT)}:{n}" for folder in ("src", "scripts")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "sys.path" in line]
    assert offenders == []
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^pythonpath = \["tests/python"\]$', pyproject, re.MULTILINE)
    assert "module_paths" not in (ROOT / "profiles.yml").read_text(encoding="utf-8")
