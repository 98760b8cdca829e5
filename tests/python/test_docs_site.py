"""`make docs`: the static dbt docs site is one self-contained file with the exposures and the semantic layer."""

from __future__ import annotations

import re

import pytest

from conftest import run_dbt

pytestmark = pytest.mark.slow


def test_static_docs_site_holds_models_metrics_and_exposures(demo_warehouse):
    run_dbt(["docs", "generate", "--static"], demo_warehouse.duckdb_path)
    target = demo_warehouse.duckdb_path.parent / f"{demo_warehouse.duckdb_path.stem}_dbt" / "target"
    site = (target / "static_index.html").read_text()
    # manifest and catalog are inlined: nothing to serve beside the file, no scripts or styles from elsewhere
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", site)
    for node in ["exposure.customer_warehouse.partner_export",
                 "exposure.customer_warehouse.revenue_and_partner_dashboard",
                 "exposure.customer_warehouse.customer_health_dashboard",
                 "semantic_model.customer_warehouse.orders", "metric.customer_warehouse.repeat_rate",
                 "saved_query.customer_warehouse.partner_report_monthly",
                 "model.customer_warehouse.time_spine_daily", "macro.customer_warehouse.normalize_phone"]:
        assert f'"{node}"' in site, node
    # the catalog is inlined too: column types as the warehouse reports them
    assert 'catalog:{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/' in site
    assert '"type": "DECIMAL(18,2)"' in site
