"""Calibration targets for the demo data, taken from the documents in shared/seeds/.

The generator aims at them and `warehouse_tools/demo_figures.py` prints the measured figures beside them.
"""

HUMANITIX = {
    "orders": 746,
    "events": 22,
    "customers": 677,
    "repeat_customer_rate": 51 / 677,  # 7.5 %
    "mobile_coverage": 684 / 746,  # 91.7 % of orders
    "free_order_rate": 187 / 746,  # 25.1 %
    "refunded_order_rate": 9 / 746,  # 1.2 %
    "gateway_share": {"braintree": 638 / 746, "manual": 105 / 746, "stripe-payments": 3 / 746},
    "average_order_value": 43.52,  # AUD, over all orders
    "international_orders": 10,
}
TICKET_TAILOR = {"orders": 4280, "customers": 2242, "revenue": 114309.0}
KAJABI = {"transactions": 4403, "customers": 981, "revenue": 273903.0, "contacts": 5905, "contacts_with_phone": 2166}
ZOHO = {"contacts": 1955, "also_in_kajabi": 1425}
ALL_CONTACTS = 6878  # Kajabi + Zoho + Ticket Tailor + PayPal people, by email
WEBSHOP = {"shops": 8, "customers_per_shop": 45, "repeat_customer_rate": 0.267, "average_ltv_ghs": 125.50}
PAYPAL = {"subscriptions": 180, "subscriptions_without_product": 63, "cancellation_rate": 0.422}
