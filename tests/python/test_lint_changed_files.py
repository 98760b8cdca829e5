"""`make lint` lints the SQL a change touches; CI and LINT_ALL=1 lint every file (scripts/lint_sql.sh).

Each test works in a throwaway clone of this repository (its committed state), with the repository's .venv,
so that what counts as "changed" is only what the test changes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PATHS = ["models", "tests/generic"]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", "--local", str(PROJECT_DIR), str(target)], check=True)
    # the clone's main is the repository's HEAD, so only what the test changes is new
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", "-B", "main"], check=True)
    (target / ".venv").symlink_to((PROJECT_DIR / ".venv").resolve())
    return target


def _lint(repo: Path, paths: list[str] = PATHS, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("CI", "LINT_ALL", "LINT_BASE")}
    environment.update(env)
    return subprocess.run(["bash", "scripts/lint_sql.sh", *paths], cwd=repo, env=environment,
                          capture_output=True, text=True)


def test_nothing_changed_lints_nothing(clone: Path) -> None:
    result = _lint(clone)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no SQL file changed since main" in result.stdout


def test_only_the_changed_file_is_linted_and_its_fault_fails(clone: Path) -> None:
    (clone / "models" / "staging" / "new_model.sql").write_text("SELECT 1 AS x\n")
    (clone / "docs" / "notes.md").write_text("not SQL\n")
    result = _lint(clone)
    assert result.returncode == 1
    assert "1 SQL file(s) changed since main" in result.stdout
    assert "models/staging/new_model.sql" in result.stdout and "CP01" in result.stdout


def test_a_committed_change_on_a_branch_counts(clone: Path) -> None:
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "-b", "feature"], check=True)
    model = next((clone / "models" / "marts" / "orders").glob("*.sql"))
    model.write_text(model.read_text() + "\n-- a comment at the end\n")
    subprocess.run(["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet",
                    "-am", "touch"], check=True)
    result = _lint(clone)
    assert "1 SQL file(s) changed since main" in result.stdout, result.stdout


@pytest.mark.parametrize("env", [{"CI": "true"}, {"LINT_ALL": "1"}])
def test_ci_and_lint_all_lint_every_file(clone: Path, env: dict[str, str]) -> None:
    # tests/generic alone keeps the whole-tree run short; a fault there is found although nothing changed
    untouched = clone / "tests" / "generic" / "unique_combination.sql"
    subprocess.run(["git", "-C", str(clone), "update-index", "--assume-unchanged", str(untouched)], check=True)
    untouched.write_text(untouched.read_text() + "\nSELECT 1 AS x\n")
    result = _lint(clone, ["tests/generic"], **env)
    assert "every SQL file under tests/generic" in result.stdout, result.stdout
    assert result.returncode == 1 and "unique_combination.sql" in result.stdout, result.stdout


def test_a_macro_change_lints_every_file(clone: Path) -> None:
    macro = clone / "macros" / "clean_text.sql"
    macro.write_text(macro.read_text() + "\n")
    result = _lint(clone, ["tests/generic"])
    assert "the templating changed" in result.stdout, result.stdout
