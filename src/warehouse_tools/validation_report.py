"""The expectation suites' run as one self-contained HTML page (docs/data-quality.md, "The report").

validate_marts.py writes it beside GX's Data Docs, as <output-dir>/validation_report.html. GX's
Data Docs take their CSS and scripts from CDNs, and fill their list of validation runs with those
scripts: offline (a laptop, a CI artefact) that list stays empty. This page holds everything
inline (CSS, no scripts, no external resource), like the partner report of export_partner.py: the
validation runs (one row per suite), then every expectation with its kind (invariant or band),
whether it held, what it observed and the reasoning in its notes.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warehouse_tools.validate_marts import Checked, Report, SuiteOutcome

STYLE = """
body { font: 13px system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #222; padding: 0 12px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 28px 0 6px; }
.sub { color: #555; margin-bottom: 14px; }
.banner { padding: 10px 14px; border-radius: 4px; font-size: 15px; font-weight: 600; margin-bottom: 8px; }
.banner.ok { background: #dff3e4; color: #14532d; border-left: 6px solid #2e9e4f; }
.banner.failed { background: #fbe1e1; color: #7f1d1d; border-left: 6px solid #d23c3c; }
.banner.warned { background: #fff1d6; color: #7a4b00; border-left: 6px solid #e59a00; font-weight: 500; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #2f3b52; color: #fff; font-weight: 600; }
tr.run td:first-child { font-family: ui-monospace, monospace; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 11px; font-weight: 700;
         color: #fff; white-space: nowrap; }
.pass { background: #2e9e4f; } .fail { background: #d23c3c; } .warn { background: #e59a00; }
.error { background: #7f1d1d; } .invariant { background: #44546f; } .band { background: #8a6fb0; }
td.observed { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-word; }
td.what small { display: block; color: #666; margin-top: 2px; }
code { font-size: 12px; }
"""


def _badge(text: str, css: str) -> str:
    return f'<span class="badge {css}">{html.escape(text)}</span>'


def _suite_status(outcome: SuiteOutcome) -> str:
    if outcome.error:
        return _badge("error", "error")
    if outcome.failures:
        return _badge("failed", "fail")
    if outcome.warnings:
        return _badge("passed, warned", "warn")
    return _badge("passed", "pass")


def _result(checked: Checked) -> str:
    if checked.success:
        return _badge("held", "pass")
    return _badge("outside band", "warn") if checked.kind == "band" else _badge("broken", "fail")


def _run_row(outcome: SuiteOutcome) -> str:
    invariants = [c for c in outcome.checked if c.kind != "band"]
    bands = [c for c in outcome.checked if c.kind == "band"]
    anchor = html.escape(outcome.suite)
    return (f'<tr class="run" data-suite="{anchor}"><td><a href="#{anchor}">{anchor}</a></td>'
            f"<td>{_suite_status(outcome)}</td><td>{outcome.expectations}</td>"
            f"<td>{sum(c.success for c in invariants)} of {len(invariants)}</td>"
            f"<td>{sum(c.success for c in bands)} of {len(bands)}</td><td>{outcome.seconds:.1f} s</td></tr>")


def _suite_section(outcome: SuiteOutcome) -> str:
    anchor = html.escape(outcome.suite)
    parts = [f'<h2 id="{anchor}">{anchor} {_suite_status(outcome)}</h2>']
    if outcome.error:
        parts.append(f"<p>Could not validate: <code>{html.escape(outcome.error)}</code></p>")
    rows = []
    # broken invariants first, then bands outside, then what held: the page reads like the summary
    order = sorted(outcome.checked, key=lambda c: (c.success, c.kind == "band"))
    for checked in order:
        notes = f"<small>{html.escape(checked.notes)}</small>" if checked.notes else ""
        rows.append(f'<tr class="expectation"><td>{_badge(checked.kind, checked.kind)}</td><td>{_result(checked)}</td>'
                    f'<td class="what">{html.escape(checked.description)}<small><code>'
                    f"{html.escape(checked.expectation)}</code></small>{notes}</td>"
                    f'<td class="observed">{html.escape(checked.observed)}</td></tr>')
    if rows:
        parts.append("<table><tr><th>kind</th><th>result</th><th>expectation</th><th>observed</th></tr>"
                     + "".join(rows) + "</table>")
    return "".join(parts)


def render(report: Report, source: str, generated_at: datetime | None = None) -> str:
    """The page as a string."""
    generated_at = generated_at or datetime.now(timezone.utc)
    outcomes = report.outcomes
    failed = [o for o in outcomes if not o.success]
    warnings = sum(len(o.warnings) for o in outcomes)
    checked = sum(len(o.checked) for o in outcomes)
    if failed:
        banner = (f'<div class="banner failed">{len(failed)} of {len(outcomes)} suites failed: an invariant broke '
                  "(the build fails)</div>")
    else:
        banner = f'<div class="banner ok">All {len(outcomes)} suites passed: every invariant holds</div>'
    if warnings:
        banner += (f'<div class="banner warned">{warnings} distribution band{"s" if warnings != 1 else ""} outside'
                   " the range calibrated on the demo: a warning (valid data of another organisation may differ);"
                   " look at the observed values below.</div>")
    runs = "".join(_run_row(o) for o in outcomes)
    # the suites' sections: failed first, then those that warned, then the rest (each in name order)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Expectation suites: validation report</title>
<style>{STYLE}</style></head><body>
<h1>Expectation suites on the marts</h1>
<div class="sub">{html.escape(source)}, validated {generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")}:
{len(outcomes)} suites, {checked} expectations. Invariants (keys, ranges, reconciliation to the cent, row
accounting) fail the build; distribution bands warn. docs/data-quality.md explains both.</div>
{banner}
<h2>Validation runs</h2>
<table id="runs"><tr><th>suite</th><th>status</th><th>expectations</th><th>invariants held</th>
<th>bands in range</th><th>time</th></tr>{runs}</table>
{"".join(_suite_section(o) for o in sorted(outcomes, key=lambda o: (o.success, not o.warnings)))}
</body></html>
"""


def write_report(report: Report, path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report, source), encoding="utf-8")
    return path
