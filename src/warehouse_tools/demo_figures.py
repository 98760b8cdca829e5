"""Print the demo data's figures, measured in the built warehouse, beside the calibration targets.

    warehouse demo-figures                  # reads $DUCKDB_PATH (default warehouse.duckdb)
    warehouse demo-figures --check          # exit 1 when a figure is off its target

Figures are measured on the staging models (after normalisation, de-duplication and quarantine),
the way the source documents in shared/seeds/ counted them: customers of one system by email.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse_tools.demo_data import targets

from warehouse_tools.project import ROOT
COUNT_TOLERANCE = 0.03  # relative, for counts and money
RATE_TOLERANCE = 0.01  # absolute, for shares (one percentage point)


@dataclass
class Figure:
    """A measured figure; `target` is None where the source documents give none (shown, not checked)."""

    source: str
    name: str
    target: float | None
    measured: float
    is_rate: bool = False

    @property
    def deviation(self) -> float:
        if self.target is None:
            return 0.0
        if self.is_rate:
            return abs(self.measured - self.target)
        return abs(self.measured - self.target) / self.target

    @property
    def ok(self) -> bool:
        return self.deviation <= (RATE_TOLERANCE if self.is_rate else COUNT_TOLERANCE)

    def formatted(self, value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value:.1%}" if self.is_rate else f"{value:,.2f}".rstrip("0").rstrip(".")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    value = con.execute(sql).fetchone()[0]
    return float(value or 0)


def measure(con: duckdb.DuckDBPyConnection) -> list[Figure]:
    hx, tt, kj = targets.HUMANITIX, targets.TICKET_TAILOR, targets.KAJABI
    q = lambda sql: _one(con, sql)  # noqa: E731 - local shorthand
    hx_orders = "staging.stg_humanitix__orders"
    figures = [
        Figure("humanitix", "orders", hx["orders"], q(f"select count(*) from {hx_orders}")),
        Figure("humanitix", "events", hx["events"], q("select count(*) from staging.stg_humanitix__events")),
        Figure("humanitix", "customers (by email)", hx["customers"], q(f"select count(distinct email) from {hx_orders}")),
        Figure("humanitix", "repeat customer rate", hx["repeat_customer_rate"], q(
            f"select avg((n > 1)::int) from (select email, count(*) as n from {hx_orders} group by email)"), True),
        Figure("humanitix", "orders with a mobile", hx["mobile_coverage"],
               q(f"select avg((phone_raw is not null)::int) from {hx_orders}"), True),
        Figure("humanitix", "free orders", hx["free_order_rate"], q(f"select avg(is_free::int) from {hx_orders}"), True),
        Figure("humanitix", "refunded orders", hx["refunded_order_rate"],
               q(f"select avg((order_status = 'refunded')::int) from {hx_orders}"), True),
        Figure("humanitix", "average order value (AUD)", hx["average_order_value"],
               q(f"select avg(total_amount) from {hx_orders}")),
    ]
    for gateway, share in hx["gateway_share"].items():
        figures.append(Figure("humanitix", f"gateway {gateway}", share,
                              q(f"select avg((payment_gateway = '{gateway}')::int) from {hx_orders}"), True))
    tt_orders = "staging.stg_ticket_tailor__orders"
    figures += [
        Figure("ticket_tailor", "orders", tt["orders"], q(f"select count(*) from {tt_orders}")),
        Figure("ticket_tailor", "customers (by email)", tt["customers"], q(f"select count(distinct email) from {tt_orders}")),
        Figure("ticket_tailor", "revenue of completed orders", tt["revenue"], q(
            f"select sum(total_amount) from {tt_orders} "
            "where order_status in ('completed', 'refunded', 'partially_refunded')")),
    ]
    kj_tx = "staging.stg_kajabi__transactions"
    figures += [
        Figure("kajabi", "transactions", kj["transactions"], q(f"select count(*) from {kj_tx}")),
        Figure("kajabi", "paying customers", kj["customers"], q(f"select count(distinct customer_id) from {kj_tx}")),
        Figure("kajabi", "revenue (charges)", kj["revenue"], q(f"select sum(amount) from {kj_tx} where not is_refund")),
        Figure("kajabi", "contacts", kj["contacts"], q("select count(*) from staging.stg_kajabi__contacts")),
        Figure("kajabi", "contacts with a phone", kj["contacts_with_phone"] / kj["contacts"],
               q("select avg((phone_raw is not null)::int) from staging.stg_kajabi__contacts"), True),
        Figure("zoho", "contacts", targets.ZOHO["contacts"], q("select count(*) from staging.stg_zoho__contacts")),
        Figure("zoho", "contacts also in Kajabi (by email)", targets.ZOHO["also_in_kajabi"], q(
            "select count(distinct zoho.email) from staging.stg_zoho__contacts as zoho "
            "inner join staging.stg_kajabi__contacts as kajabi on zoho.email = kajabi.email")),
        Figure("all", "contacts (distinct valid emails in Kajabi, Zoho, Ticket Tailor, PayPal)",
               targets.ALL_CONTACTS, q(
                   "select count(distinct email) from ("
                   " select email, is_email_valid from staging.stg_kajabi__contacts"
                   " union all select email, is_email_valid from staging.stg_zoho__contacts"
                   " union all select email, is_email_valid from staging.stg_ticket_tailor__orders"
                   " union all select email, is_email_valid from staging.stg_paypal__transactions"
                   ") where is_email_valid")),
    ]
    pp, ws = targets.PAYPAL, targets.WEBSHOP
    pp_tx = "staging.stg_paypal__transactions"
    figures += [
        Figure("paypal", "subscriptions", pp["subscriptions"], q(f"select count(distinct subscription_id) from {pp_tx}")),
        Figure("paypal", "subscriptions without a product", pp["subscriptions_without_product"], q(
            f"select count(distinct subscription_id) from {pp_tx} where item_title is null")),
        Figure("paypal", "cancelled subscriptions", pp["cancellation_rate"], q(
            f"select avg((last_paid < (select max(transacted_at) from {pp_tx}) - interval 60 day)::int) from ("
            f" select subscription_id, max(transacted_at) as last_paid from {pp_tx}"
            " where subscription_id is not null group by 1)"), True),
        Figure("webshop", "shops", ws["shops"], q("select count(*) from staging.stg_webshop__shops")),
        Figure("webshop", "customers per shop", ws["customers_per_shop"],
               q("select count(*) / count(distinct shop_id) from staging.stg_webshop__shop_customers")),
        Figure("webshop", "repeat customer rate", ws["repeat_customer_rate"],
               q("select avg(is_repeat_customer::int) from staging.stg_webshop__shop_customers"), True),
        Figure("webshop", "average lifetime value (GHS)", ws["average_ltv_ghs"], q(
            "select sum(amount) / (select count(*) from staging.stg_webshop__shop_customers)"
            " from staging.stg_webshop__shop_orders where order_status = 'completed'")),
    ]
    return figures + _coverage(q)


def _coverage(q) -> list[Figure]:
    """Phone coverage and repeat rate of every customer-bearing table (no documented targets): the
    source registry's contact_quality tables (src/warehouse_tools/source_registry.py); a source without demo
    data shows 0."""
    from warehouse_tools.source_registry import load

    tables = [(entry["source_system"], f"staging.{entry['contact_quality']['model']}",
               None if entry["contact_quality"]["phone_raw"] == "null" else entry["contact_quality"]["phone_raw"],
               entry["contact_quality"].get("repeat_key"))
              for entry in load(ROOT) if "contact_quality" in entry]
    figures = []
    for source, table, phone, customer in tables:
        if phone:
            figures.append(Figure(source, f"rows with a phone ({table.split('.')[1]})", None,
                                  q(f"select avg(({phone} is not null)::int) from {table}"), True))
        if customer:
            figures.append(Figure(source, f"repeat customer rate (by {customer})", None, q(
                f"select avg((n > 1)::int) from (select {customer}, count(*) as n from {table} group by 1)"), True))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path,
                        default=Path(os.environ.get("DUCKDB_PATH", ROOT / "warehouse.duckdb")))
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is off its target")
    args = parser.parse_args(argv)
    if not args.database.exists():
        parser.error(f"no warehouse at {args.database}: run `make build` first")
    with duckdb.connect(str(args.database), read_only=True) as con:
        figures = measure(con)
    print(f"{'source':<14} {'figure':<72} {'target':>12} {'measured':>12}  ok")
    for f in figures:
        print(f"{f.source:<14} {f.name:<72} {f.formatted(f.target):>12} {f.formatted(f.measured):>12}  "
              f"{'-' if f.target is None else 'yes' if f.ok else 'NO'}")
    off = [f for f in figures if not f.ok]
    checked = [f for f in figures if f.target is not None]
    print(f"{len(checked) - len(off)} of {len(checked)} calibrated figures within tolerance "
          f"({COUNT_TOLERANCE:.0%} relative for counts and money, {RATE_TOLERANCE:.0%} points for shares)")
    return 1 if (off and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
