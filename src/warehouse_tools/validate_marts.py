"""Run every expectation suite in gx/ against the marts of a DuckDB file (docs/data-quality.md).

    warehouse validate-marts                          # $DUCKDB_PATH, default warehouse.duckdb
    warehouse validate-marts --duckdb-path /tmp/wh.duckdb --output-dir /tmp/gx-run

Suite `marts.fct_orders` (file gx/expectations/marts/fct_orders.json) validates table
`marts.fct_orders`: every suite in the folder runs, so a new mart needs only its suite file. The
work runs in DuckDB through GX's SQL path (gx_duckdb.py), on the file opened read-only.

Every expectation is an invariant (GX severity "critical": keys, ranges, reconciliation to the cent,
row accounting) or a distribution band (severity "warning": a share or mean calibrated on the demo
that another organisation's valid data may fall outside). Prints one line per suite as it goes,
then the bands outside their range (warnings) and the broken invariants, each with its suite,
expectation and observed value. Exit status 0 when every invariant holds (bands may warn), 1 when
an invariant broke or a suite could not run on its table, 2 when the suites could not run at all
(no file, a lock held by another process). Writes the run as one self-contained HTML page,
<output-dir>/validation_report.html (validation_report.py: opens offline), and GX's Data Docs site,
<output-dir>/data_docs/local_site/index.html (its CSS and scripts come from CDNs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from warehouse_tools.project import ROOT
GX_DIR = ROOT / "gx"
UNCOMMITTED = "uncommitted/"
DATASOURCE_NAME = "warehouse"
# a value set or custom SQL names the sources of a registry role as this token, filled at run time
SOURCE_SYSTEMS = re.compile(r"\{source_systems:([a-z_]+)\}")
SAMPLE_ROWS = 3  # rows shown per failed custom-SQL expectation
REPORT_FILE = "validation_report.html"
# GX's severity of an expectation says which kind of check it is (docs/data-quality.md)
INVARIANT, BAND = "critical", "warning"
KINDS = {INVARIANT: "invariant", BAND: "band"}


@dataclass
class Checked:
    """One expectation of a run: what it checks, its kind, whether it held and what it saw."""

    expectation: str  # type and its column(s), e.g. expect_column_values_to_be_unique(customer_id)
    description: str
    severity: str  # INVARIANT or BAND
    success: bool
    observed: str
    notes: str = ""

    @property
    def kind(self) -> str:
        return KINDS.get(self.severity, self.severity)




@dataclass
class SuiteOutcome:
    suite: str
    expectations: int
    checked: list[Checked] = field(default_factory=list)
    error: str | None = None  # the suite could not be validated at all (a missing table, say)
    seconds: float = 0.0

    @property
    def failures(self) -> list[Checked]:
        """Broken invariants: they fail the build."""
        return [c for c in self.checked if not c.success and c.severity != BAND]

    @property
    def warnings(self) -> list[Checked]:
        """Distribution bands the data fall outside: reported, the build goes on."""
        return [c for c in self.checked if not c.success and c.severity == BAND]

    @property
    def success(self) -> bool:
        return self.error is None and not self.failures


@dataclass
class Report:
    outcomes: list[SuiteOutcome]
    data_docs: Path | None
    html_report: Path | None = None

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def warned_suites(self) -> list[str]:
        return [outcome.suite for outcome in self.outcomes if outcome.warnings]

    def outcome(self, suite: str) -> SuiteOutcome:
        return next(outcome for outcome in self.outcomes if outcome.suite == suite)

    @property
    def failed_suites(self) -> list[str]:
        return [outcome.suite for outcome in self.outcomes if not outcome.success]


class CannotValidate(RuntimeError):
    """The suites could not run at all: no DuckDB file, the file locked by a writer, a bad suite."""


def open_context(gx_dir: Path = GX_DIR, output_dir: Path | None = None):
    """The GX project in `gx_dir`, as a context whose datasource and validations live in memory.

    Stores keep the paths of gx/great_expectations.yml, and whatever lies under uncommitted/
    (results, Data Docs) is written to `output_dir` instead (default gx_dir/uncommitted). The
    suites are read from gx_dir/expectations with their source names filled from the source
    registry (fill_source_systems) into `output_dir`/expectations. The context is ephemeral so
    that adding the datasource and assets of this run never rewrites the project's YAML.
    """
    import great_expectations as gx

    output_dir = (output_dir or gx_dir / UNCOMMITTED).resolve()
    config = yaml.safe_load((gx_dir / "great_expectations.yml").read_text())
    suites_store = config["stores"][config["expectations_store_name"]]["store_backend"]
    suites_store["base_directory"] = str(_filled_suites(gx_dir / suites_store["base_directory"], output_dir / "expectations"))
    backends = [store["store_backend"] for store in config["stores"].values()]
    backends += [site["store_backend"] for site in config["data_docs_sites"].values()]
    for backend in backends:
        if "base_directory" in backend:
            relative = backend["base_directory"]
            if relative.startswith(UNCOMMITTED):
                backend["base_directory"] = str(output_dir / relative.removeprefix(UNCOMMITTED))
            else:
                backend["base_directory"] = str((gx_dir / relative).resolve())
    return gx.get_context(mode="ephemeral", project_config=config)


def fill_source_systems(suite: dict[str, Any], entries: list[dict[str, Any]], where: str = "") -> dict[str, Any]:
    """The suite with every `{source_systems:<role>}` token replaced by the sources of that role.

    In a value_set, the token (a whole element) becomes the source names, one element each; in
    custom SQL it becomes them quoted and comma-separated, for `in (...)`. The roles are the
    registry's (src/warehouse_tools/source_registry.py): customer_records, orders, contact_quality,
    base_model, and events (sources whose orders are for events). So no suite lists sources.
    """
    from warehouse_tools.source_registry import source_systems

    def systems(role: str) -> list[str]:
        names = source_systems(entries, role)
        if not names:
            raise CannotValidate(f"{where}: no source in the registry has the role {role!r}")
        return names

    for expectation in suite.get("expectations", []):
        kwargs = expectation.get("kwargs", {})
        if isinstance(kwargs.get("value_set"), list):
            filled: list[Any] = []
            for value in kwargs["value_set"]:
                token = SOURCE_SYSTEMS.fullmatch(value) if isinstance(value, str) else None
                filled += systems(token.group(1)) if token else [value]
            kwargs["value_set"] = filled
        if isinstance(kwargs.get("unexpected_rows_query"), str):
            kwargs["unexpected_rows_query"] = SOURCE_SYSTEMS.sub(
                lambda token: ", ".join(f"'{name}'" for name in systems(token.group(1))),
                kwargs["unexpected_rows_query"])
    return suite


def _filled_suites(suites_dir: Path, out_dir: Path) -> Path:
    """Copy the suites in `suites_dir` (<project>/gx/expectations) to `out_dir`, source names filled from the project's registry."""
    from warehouse_tools.source_registry import RegistryError, load

    try:
        entries = load(suites_dir.parents[1])  # the project the gx/ folder belongs to
    except RegistryError as error:
        raise CannotValidate(str(error)) from error
    shutil.rmtree(out_dir, ignore_errors=True)
    for path in sorted(suites_dir.rglob("*.json")):
        target = out_dir / path.relative_to(suites_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        suite = fill_source_systems(json.loads(path.read_text()), entries, str(path))
        target.write_text(json.dumps(suite, indent=2))
    return out_dir


def table_of(suite_name: str) -> tuple[str, str]:
    """`marts.fct_orders` -> ("marts", "fct_orders")."""
    schema, dot, table = suite_name.partition(".")
    if not dot or not schema or not table or "." in table:
        raise CannotValidate(f"suite {suite_name!r} is not named <schema>.<table> (docs/data-quality.md)")
    return schema, table


def _expectation_label(config) -> str:
    kwargs = config.kwargs
    columns = kwargs.get("column") or kwargs.get("column_list") or [
        kwargs[key] for key in ("column_A", "column_B") if key in kwargs
    ]
    if isinstance(columns, list):
        columns = ", ".join(columns)
    return f"{config.type}({columns})" if columns else config.type


def _short(value: Any, limit: int = 160) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0]}" if lines else repr(error)


def _observed(result, sample_rows: Callable[[], list[dict]]) -> str:
    """What the expectation saw, in one line (with a few rows for a custom-SQL expectation)."""
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return "error: " + _short(str(info.get("exception_message")).splitlines()[0])
    nested = [value for value in info.values() if isinstance(value, dict) and value.get("exception_message")]
    if nested:
        return "error: " + _short(str(nested[0]["exception_message"]).splitlines()[0])
    outcome = result.result or {}
    if result.expectation_config.type == "unexpected_rows_expectation":
        rows = sample_rows()
        count = outcome.get("observed_value")
        shown = "; ".join(_short(", ".join(f"{key}={value}" for key, value in row.items()), 200) for row in rows)
        return f"{count} unexpected row{'s' if count != 1 else ''}" + (f": {shown}" if shown else "")
    missing = ((outcome.get("details") or {}).get("mismatched") or {}).get("missing")
    if missing:  # a column-set expectation: the columns that are not there
        return f"missing columns: {', '.join(missing)}"
    if "unexpected_count" in outcome:
        examples = outcome.get("partial_unexpected_list") or []
        return (f"{outcome['unexpected_count']} of {outcome.get('element_count')} values unexpected "
                f"({outcome.get('unexpected_percent') or 0:.2f}%)" + (f", e.g. {_short(examples[:5], 120)}"
                                                                       if examples else ""))
    if "observed_value" in outcome:
        return _short(outcome["observed_value"])
    return _short(outcome) or "(no result)"


def _severity(config) -> str:
    severity = getattr(config, "severity", None) or INVARIANT
    return str(getattr(severity, "value", severity))


def validate_marts(
    duckdb_path: str | os.PathLike[str],
    gx_dir: Path = GX_DIR,
    output_dir: Path | None = None,
    progress: Callable[[str], None] = print,
) -> Report:
    """Validate every suite in `gx_dir` against `duckdb_path` and build the Data Docs site."""
    from warehouse_tools.gx_duckdb import add_duckdb_datasource, close_datasource
    from warehouse_tools.warehouse_lock import check, explain

    problem = check(duckdb_path)  # before GX: a lock held by another process, in one line
    if problem:
        raise CannotValidate(problem)
    output_dir = (output_dir or gx_dir / UNCOMMITTED).resolve()
    for previous in ("validations", "data_docs"):  # the site shows this run only
        shutil.rmtree(output_dir / previous, ignore_errors=True)
    (output_dir / REPORT_FILE).unlink(missing_ok=True)
    context = open_context(gx_dir, output_dir)
    suites = sorted(context.suites.all(), key=lambda suite: suite.name)
    if not suites:
        raise CannotValidate(f"no expectation suites in {gx_dir / 'expectations'}")
    try:  # GX connects once when the datasource is added
        datasource = add_duckdb_datasource(context, DATASOURCE_NAME, duckdb_path)
    except FileNotFoundError as error:
        raise CannotValidate(str(error)) from error
    except Exception as error:  # a lock taken since the check, not a DuckDB file, ...
        raise CannotValidate(explain(duckdb_path, error)) from error

    outcomes: list[SuiteOutcome] = []
    try:
        width = max(len(suite.name) for suite in suites)
        for number, suite in enumerate(suites, start=1):
            outcome = _validate_suite(context, datasource, suite)
            progress(f"[{number}/{len(suites)}] {suite.name:<{width}}  {_status(outcome)} ({outcome.seconds:.1f} s)")
            outcomes.append(outcome)
    finally:
        close_datasource(datasource)

    from warehouse_tools.validation_report import write_report

    sites = context.build_data_docs()
    index = output_dir / "data_docs" / "local_site" / "index.html"
    report = Report(outcomes, index if sites and index.exists() else None)
    report.html_report = write_report(report, output_dir / REPORT_FILE, str(duckdb_path))
    return report


def _status(outcome: SuiteOutcome) -> str:
    if outcome.error:
        return f"ERROR: {outcome.error}"
    parts = []
    if outcome.failures:
        parts.append(f"FAILED {_count(len(outcome.failures), 'invariant')} of {outcome.expectations} expectations")
    else:
        parts.append(f"{outcome.expectations} expectations: invariants hold")
    if outcome.warnings:
        parts.append(f"{_count(len(outcome.warnings), 'band')} outside (warning)")
    return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _validate_suite(context, datasource, suite) -> SuiteOutcome:
    """Validate one suite against its table (whole table, in DuckDB) and collect the failures."""
    import great_expectations as gx

    started = time.perf_counter()
    outcome = SuiteOutcome(suite.name, len(suite.expectations))
    try:
        schema, table = table_of(suite.name)
        asset = datasource.add_table_asset(name=suite.name, table_name=table, schema_name=schema)
        batch_definition = asset.add_batch_definition_whole_table("whole table")
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=suite)
        )
        result = validation.run(result_format="SUMMARY")
        for expectation_result in result.results:
            config = expectation_result.expectation_config
            success = bool(expectation_result.success)
            samples = (lambda: []) if success else (lambda: _sample_rows(batch_definition, config))
            notes = config.notes if isinstance(config.notes, str) else " ".join(config.notes or [])
            outcome.checked.append(Checked(_expectation_label(config), config.description or "", _severity(config),
                                           success, _observed(expectation_result, samples), notes))
    except Exception as error:
        outcome.error = _short(_first_line(error), 300)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _sample_rows(batch_definition, config) -> list[dict]:
    """A few rows a failed custom-SQL expectation found.

    GX keeps them only in COMPLETE results (at most 200 rows), and a COMPLETE run of a whole suite
    would fetch every unexpected value of every column check; so ask again for this one alone.
    """
    try:
        again = batch_definition.get_batch().validate(config.to_domain_obj(), result_format="COMPLETE")
    except Exception:  # only an illustration: the failure itself is already recorded
        return []
    return ((again.result or {}).get("details") or {}).get("unexpected_rows", [])[:SAMPLE_ROWS]


def summary(report: Report) -> str:
    """Bands outside their range (warnings), then broken invariants: suite, expectation, observed value."""
    suites = len(report.outcomes)
    checked = [c for outcome in report.outcomes for c in outcome.checked]
    bands = sum(c.severity == BAND for c in checked)
    lines = []
    warned = [outcome for outcome in report.outcomes if outcome.warnings]
    if warned:
        count = sum(len(outcome.warnings) for outcome in warned)
        lines.append(f"WARNING: {_count(count, 'distribution band')} of {bands} outside the range calibrated on the"
                     " demo (valid data may differ; the build goes on):")
        for outcome in warned:
            lines += _listed(outcome.suite, outcome.warnings)
    failed = [outcome for outcome in report.outcomes if not outcome.success]
    if not failed:
        lines.append(f"all {suites} suites passed: {len(checked) - bands} invariants hold"
                     + (f", {bands - sum(len(o.warnings) for o in warned)} of {bands} bands in range" if bands else ""))
        return "\n".join(lines)
    lines.append(f"{len(failed)} of {suites} suites failed (an invariant broke: the build fails):")
    for outcome in failed:
        if outcome.error:
            lines += [f"  {outcome.suite}", f"    could not validate: {outcome.error}"]
        lines += _listed(outcome.suite, outcome.failures) if outcome.failures else []
    return "\n".join(lines)


def _listed(suite: str, checked: list[Checked]) -> list[str]:
    lines = [f"  {suite}"]
    for item in checked:
        lines.append(f"    [{item.kind}] {item.expectation}" + (f": {item.description}" if item.description else ""))
        lines.append(f"      observed: {item.observed}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb-path", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "warehouse.duckdb")),
                        help="the DuckDB file to validate (default: $DUCKDB_PATH, else warehouse.duckdb)")
    parser.add_argument("--gx-dir", type=Path, default=GX_DIR, help="the GX project (default: gx/ of the repository)")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="where results and Data Docs go (default: <gx-dir>/uncommitted)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    print(f"==> expectation suites ({args.gx_dir}) on {args.duckdb_path}", flush=True)
    try:
        report = validate_marts(args.duckdb_path, args.gx_dir, args.output_dir,
                                progress=lambda line: print(line, flush=True))
    except CannotValidate as error:
        print(f"cannot run the expectation suites: {error}", file=sys.stderr)
        return 2
    print(summary(report))
    if report.html_report:
        print(f"Report: {report.html_report} (one self-contained page: opens offline)")
    if report.data_docs:
        print(f"Data Docs: {report.data_docs}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0 if report.success else 1


if __name__ == "__main__":
    sys.exit(main())
