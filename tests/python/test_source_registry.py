"""The source registry (src/warehouse_tools/source_registry.py): each source table's meta.registry in its YAML.

Every list of sources derives from it, so none may be typed out elsewhere; a malformed entry is
refused with its file, table and cause; the expectation suites get their source sets from it at run
time. (The build's own check, that the registry dbt reads agrees with the YAML, and the unions,
audits and marts built from it are exercised by tests/python/test_adding_a_source.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import PROJECT_DIR
from warehouse_tools.source_registry import RegistryError, load, source_systems
from warehouse_tools.validate_marts import CannotValidate, fill_source_systems

# A model about one domain that only some named sources have (subscriptions: Kajabi's and PayPal's
# own columns), not a list of every source of a role.
DOMAIN_MODELS = {"models/intermediate/customer_value/int_subscription_payments.sql"}


def test_the_registry_has_every_source_and_role() -> None:
    entries = load(PROJECT_DIR)
    assert source_systems(entries, "orders") == ["humanitix", "kajabi", "paypal", "ticket_tailor",
                                                 "transactions_csv", "webshop"]
    assert source_systems(entries, "events") == ["humanitix", "ticket_tailor"]
    assert "zoho" in source_systems(entries, "customer_records")
    assert "privacy" in source_systems(entries, "base_model")
    models = {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")}
    for entry in entries:
        named = [entry.get("base_model"), entry.get("orders", {}).get("model"), entry.get("orders", {}).get("staged"),
                 entry.get("contact_quality", {}).get("model")]
        records = entry.get("customer_records", [])
        named += [records] if isinstance(records, str) else records
        missing = [name for name in named if name and name not in models]
        assert not missing, f"{entry['source_system']}.{entry['source_table']} names no model {missing}"


def test_no_list_of_sources_is_typed_out_beside_the_registry() -> None:
    names = sorted({entry["source_system"] for entry in load(PROJECT_DIR)})
    paths = [path for folder in ("models", "macros", "tests/generic", "tests/reconciliation", "gx/expectations")
             for path in (PROJECT_DIR / folder).rglob("*") if path.suffix in {".sql", ".json"}]
    lists = {}
    for path in paths:
        relative = path.relative_to(PROJECT_DIR).as_posix()
        if relative.startswith(("models/staging/", "macros/generated/")) or relative in DOMAIN_MODELS:
            continue
        found = [name for name in names if re.search(rf"(?<![a-z_]){name}(?![a-z_])", path.read_text())]
        if len(found) > 1:
            lists[relative] = found
    assert not lists, f"lists of sources outside the registry (docs/adding-a-source.md): {lists}"


def test_a_malformed_entry_names_its_file_table_and_cause(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "staging" / "acme"
    folder.mkdir(parents=True)
    (folder / "_acme__sources.yml").write_text("""
version: 2
sources:
  - name: acme
    tables:
      - name: orders
        config:
          meta:
            registry:
              order: {model: stg_acme__orders}
""")
    with pytest.raises(RegistryError, match=r"_acme__sources\.yml: source acme, table orders: unknown registry key 'order'"):
        load(tmp_path)
    (folder / "_acme__sources.yml").write_text((folder / "_acme__sources.yml").read_text().replace(
        "order: {model: stg_acme__orders}", "orders: {model: stg_acme__orders}"))
    with pytest.raises(RegistryError, match=r"table orders: registry.orders takes model, staged, stated_amount \(optional: events\); "
                                          r"missing: staged, stated_amount, unknown: -"):
        load(tmp_path)


def test_the_suites_source_sets_are_filled_from_the_registry() -> None:
    entries = [
        {"source_system": "b", "source_table": "t", "orders": {"model": "m", "staged": "s", "stated_amount": "x",
                                                               "events": True}},
        {"source_system": "a", "source_table": "t", "orders": {"model": "m", "staged": "s", "stated_amount": "x",
                                                               "events": False}},
    ]
    suite = {"expectations": [
        {"kwargs": {"column": "source_system", "value_set": ["all", "{source_systems:orders}"]}},
        {"kwargs": {"unexpected_rows_query": "select * from {batch} where s not in ({source_systems:events})"}},
        {"kwargs": {"column": "currency", "value_set": ["USD"]}},
    ]}
    filled = fill_source_systems(suite, entries)
    assert filled["expectations"][0]["kwargs"]["value_set"] == ["all", "a", "b"]
    assert filled["expectations"][1]["kwargs"]["unexpected_rows_query"] == "select * from {batch} where s not in ('b')"
    assert filled["expectations"][2]["kwargs"]["value_set"] == ["USD"]
    with pytest.raises(CannotValidate, match="no source in the registry has the role 'contact_quality'"):
        fill_source_systems({"expectations": [{"kwargs": {"value_set": ["{source_systems:contact_quality}"]}}]},
                            entries, "x.json")
