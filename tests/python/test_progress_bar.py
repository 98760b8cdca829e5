"""Long scripts show a progress bar on a terminal, plain step lines elsewhere, nothing when quiet."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from conftest import PROJECT_DIR
from warehouse_tools.progress_bar import StepProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(stream: io.StringIO, quiet: bool = False) -> str:
    with StepProgress(3, "work", quiet=quiet, stream=stream, indent="  ") as steps:
        steps("first done")
        steps.write("a result")
        steps("second done")
        steps("third done")
    return stream.getvalue()


def test_a_terminal_gets_a_bar() -> None:
    out = _run(Terminal())
    assert "work: 100%" in out and "3/3" in out and "third done" in out
    assert "a result" in out
    assert "\n  first done\n" not in out


def test_a_log_gets_one_line_per_step() -> None:
    assert _run(io.StringIO()) == "  first done\na result\n  second done\n  third done\n"


def test_quiet_prints_only_results() -> None:
    assert _run(io.StringIO(), quiet=True) == "a result\n"
    assert _run(Terminal(), quiet=True) == "a result\n"


def test_the_generator_prints_step_lines_when_not_on_a_terminal(tmp_path) -> None:
    script = [sys.executable, "-m", "warehouse_tools", "generate-demo-data"]
    run = subprocess.run([*script, "--out", str(tmp_path / "raw")], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0].startswith("people: ") and any(line.startswith("kajabi: ") for line in lines)
    assert "\r" not in run.stderr and "%|" not in run.stderr
    quiet = subprocess.run([*script, "--out", str(tmp_path / "raw2"), "--quiet"],
                           capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and len(quiet.stderr.splitlines()) == 1 and "done in" in quiet.stderr


def test_build_says_what_it_does_at_each_step() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    recipe = makefile.split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    steps = [line for line in recipe.splitlines() if '@echo "==> [' in line]
    assert len(steps) >= 4 and all(f"[{i}/5]" in recipe for i in range(1, 6))
    assert "$(WAREHOUSE) build-summary" in recipe


@pytest.mark.slow
def test_build_summary_says_where_the_results_are(demo_warehouse, tmp_path) -> None:
    from warehouse_tools.build_summary import summary

    docs = tmp_path / "index.html"
    docs.write_text("<html></html>")
    report = tmp_path / "validation_report.html"
    report.write_text("<html></html>")
    lines = summary(demo_warehouse.duckdb_path, docs, report)
    text = "\n".join(lines)
    assert lines[0].startswith(f"warehouse    {demo_warehouse.duckdb_path}")
    assert "marts.dim_customers" in lines[2], "the main marts come first"
    assert "marts.fct_orders" in text and "audit.audit_quarantined_rows" in text
    assert f"Data Docs    {docs.as_uri()}" in text
    assert f"checks       {report.as_uri()}  (the expectation suites' results: one page, opens offline)" in text
    missing = "\n".join(summary(demo_warehouse.duckdb_path, tmp_path / "nothing.html", tmp_path / "none.html"))
    assert "Data Docs    not written" in missing and "checks       not written" in missing
