"""The source registry: what each landing table feeds, read from its source's own YAML.

Every source declares, in `models/staging/<source>/_<source>__sources.yml`, under each table's
`config.meta.registry`, which models read it:

    base_model / record_key   the base model that classifies every raw row, and its record key
                              (audit_quarantined_rows, audit_landing_files)
    customer_records          its model(s) in the customer-record contract (int_customer_identifiers_unioned):
                              a name, or a list when the table holds more than one kind of person
                              (an order's buyer and its nested attendees)
    orders                    {model, staged, stated_amount, events}: its model in the order contract
                              (int_orders_unioned), the staging model and column whose money
                              fct_orders must reconcile with, and whether its orders are for events
    contact_quality           {model, phone_raw, phone, name, repeat_key}: its row in rpt_data_quality
                              (the staging model, SQL of its raw and normalised phone and its name)
                              and its rows in the demo figures (src/warehouse_tools/demo_figures.py: phone
                              coverage, and the repeat rate by the optional repeat_key column)

Every list of source names derives from these entries: the unions, the audits, the data-quality
mart, the reconciliation test, the test on fct_orders.source_system (dbt, through the macro
source_registry), the value sets of the expectation suites (src/warehouse_tools/validate_marts.py) and the
demo figures' coverage rows (src/warehouse_tools/demo_figures.py).

dbt records a model's parents from the ref() calls it makes while parsing, when neither the
project graph nor any file other than macros and dbt_project.yml is readable from Jinja
(docs/decisions.md). So this module writes the entries as a macro, `macros/generated/
source_registry.sql` (not in git), before dbt runs (`make`, the tests' run_dbt), and the macro
source_registry checks at execution that it agrees with the sources' YAML in dbt's own graph,
failing the build with this command when a source was added or changed since.

    warehouse source-registry [--project-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from warehouse_tools.project import ROOT as PROJECT_DIR  # noqa: E402
GENERATED = Path("macros") / "generated" / "source_registry.sql"
KEYS = {
    "base_model": str, "record_key": str, "customer_records": (str, list), "orders": dict, "contact_quality": dict,
}
SUB_KEYS = {
    "orders": {"model", "staged", "stated_amount", "events"},
    "contact_quality": {"model", "phone_raw", "phone", "name", "repeat_key"},
}
OPTIONAL_SUB_KEYS = {"events", "repeat_key"}


class RegistryError(ValueError):
    """A source's registry entry is malformed; the message names the file, the table and the cause."""


def _entry(path: Path, source: str, table: dict[str, Any]) -> dict[str, Any] | None:
    registry = ((table.get("config") or {}).get("meta") or {}).get("registry")
    if registry is None:
        return None
    where = f"{path}: source {source}, table {table.get('name')}"
    if not isinstance(registry, dict):
        raise RegistryError(f"{where}: meta.registry must be a mapping")
    for key, value in registry.items():
        if key not in KEYS:
            raise RegistryError(f"{where}: unknown registry key {key!r} (known: {', '.join(KEYS)})")
        if not isinstance(value, KEYS[key]):
            kinds = KEYS[key] if isinstance(KEYS[key], tuple) else (KEYS[key],)
            raise RegistryError(f"{where}: registry key {key!r} must be a {' or '.join(k.__name__ for k in kinds)}")
        if key in SUB_KEYS:
            missing = SUB_KEYS[key] - set(value) - OPTIONAL_SUB_KEYS
            unknown = set(value) - SUB_KEYS[key]
            if missing or unknown:
                required = sorted(SUB_KEYS[key] - OPTIONAL_SUB_KEYS)
                optional = sorted(SUB_KEYS[key] & OPTIONAL_SUB_KEYS)
                raise RegistryError(f"{where}: registry.{key} takes {', '.join(required)} (optional: "
                                    f"{', '.join(optional)}); missing: {', '.join(sorted(missing)) or '-'}, "
                                    f"unknown: {', '.join(sorted(unknown)) or '-'}")
    if ("base_model" in registry) != ("record_key" in registry):
        raise RegistryError(f"{where}: registry needs base_model and record_key together")
    entry = {"source_system": source, "source_table": table["name"], **registry}
    if "orders" in entry:
        entry["orders"] = {"events": False, **entry["orders"]}
    return entry


def load(project_dir: Path = PROJECT_DIR) -> list[dict[str, Any]]:
    """The registry entries of every source table, sorted by source and table name."""
    entries = []
    for path in sorted((project_dir / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources") or []:
            for table in source.get("tables") or []:
                entry = _entry(path.relative_to(project_dir), source["name"], table)
                if entry is not None:
                    entries.append(entry)
    return sorted(entries, key=lambda e: (e["source_system"], e["source_table"]))


def source_systems(entries: list[dict[str, Any]], role: str) -> list[str]:
    """The sources with at least one table in `role` (or, for `events`, whose orders are for events)."""
    if role == "events":
        names = {e["source_system"] for e in entries if e.get("orders", {}).get("events")}
    else:
        names = {e["source_system"] for e in entries if role in e}
    return sorted(names)


def render_macro(entries: list[dict[str, Any]]) -> str:
    return (
        "{#- Written by warehouse source-registry from the sources' YAML (meta.registry); do not edit. -#}\n"
        "{% macro generated_source_registry() -%}\n"
        f"    {{{{ return({json.dumps(entries, sort_keys=True)}) }}}}\n"
        "{%- endmacro %}\n"
    )


def write(project_dir: Path = PROJECT_DIR) -> Path:
    """Write the registry macro (only when it changed, so dbt's partial parsing keeps its cache)."""
    target = project_dir / GENERATED
    text = render_macro(load(project_dir))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    args = parser.parse_args(argv)
    try:
        write(args.project_dir)
    except RegistryError as error:
        print(f"source registry: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
