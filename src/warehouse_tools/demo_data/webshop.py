"""The web shop: `shops`, `shop_customers` and `shop_orders` exported from its Postgres database.

Ghanaian mobile-data shops selling in GHS. Postgres `COPY ... CSV HEADER` writes timestamptz as
"2025-11-01 10:00:00.123456+00", booleans as t/f and NULL as an empty field. A shop customer is one
row per shop (someone buying from two shops has two rows); orders from before customer tracking
existed have no shop_customer_id, only the phone typed at checkout.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from .buying import MOBILE_DATA, Lives, draw_life, spread_in_life
from .helpers import UTC, exact_flags, random_time, uuid_from
from .output import LandingFile, SourceOutput
from .people import Person, Renderer
from .targets import WEBSHOP

SHOP_COLUMNS = ["id", "owner_id", "name", "slug", "currency", "country", "created_at", "updated_at", "_extracted_at"]
CUSTOMER_COLUMNS = ["id", "shop_id", "phone", "email", "name", "first_purchase_at", "last_purchase_at",
                    "total_purchases", "total_spent", "repeat_customer", "first_source_slug", "created_at",
                    "updated_at", "_extracted_at"]
ORDER_COLUMNS = ["id", "shop_id", "shop_customer_id", "customer_name", "customer_phone", "customer_email", "network",
                 "package", "quantity", "amount", "currency", "status", "payment_reference", "created_at",
                 "updated_at", "_extracted_at"]
EXTRACTED_AT = "2025-12-20T00:00:00Z"
TRACKING_STARTED = datetime(2025, 12, 19, tzinfo=UTC) - timedelta(days=120)
# The shops and their ids, fixed like their names: seeds/partner_assets.csv names each shop by its id
SHOPS = [
    ("Kofi Data Hub", "9089cad9-00f3-46e0-a01a-40ea28e6b769"),
    ("Accra Bundles", "8489fca1-75fb-4c74-a01e-21cb5ef7251b"),
    ("Kumasi Connect", "9a63bb78-a6df-4c9a-a786-39762bd239bf"),
    ("Tema Data Plug", "2842d62b-2c48-4a11-a14c-4800930efcb7"),
    ("Volta Net Shop", "6d7fde6e-2b37-447b-a61b-a6a696a55e19"),
    ("Cape Coast Data", "fd5dc2e0-3a9c-49ef-a21b-cd1fa49e2017"),
    ("Tamale Bytes", "51597e00-e2d0-467f-a6aa-064757dd0c54"),
    ("Osu Data Point", "73264a2a-c358-4ab3-a62d-ddd5757e332a"),
]
PACKAGES = [("1GB", 10.0), ("2.5GB", 20.0), ("5GB", 45.0), ("10GB", 80.0), ("20GB", 150.0), ("50GB", 300.0)]


def pg_time(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + "+00"


def generate(rng: np.random.Generator, people: list[Person], two_shops: list[Person], lives: Lives) -> SourceOutput:
    out = SourceOutput()
    render = Renderer(rng, "GH")
    shops = []
    for i in range(WEBSHOP["shops"]):
        created = datetime(2025, 5, 1, tzinfo=UTC) + timedelta(days=7 * i)
        name, shop_id = SHOPS[i]
        shops.append({"id": shop_id, "owner_id": uuid_from(rng), "name": name,
                      "slug": name.lower().replace(" ", "-"), "currency": "GHS", "country": "GH",
                      "created_at": pg_time(created), "updated_at": pg_time(created + timedelta(days=30)),
                      "_extracted_at": EXTRACTED_AT})
    memberships = [(p, shops[i % len(shops)]) for i, p in enumerate(people)]
    for j, p in enumerate(two_shops):
        first_shop = next(s for q, s in memberships if q is p)
        memberships.append((p, shops[(shops.index(first_shop) + 1 + j % 3) % len(shops)]))

    customers, orders = [], []
    repeat = exact_flags(rng, len(memberships), round(WEBSHOP["repeat_customer_rate"] * len(memberships)))
    for (person, shop), is_repeat in zip(memberships, repeat):
        customer_id = uuid_from(rng)
        n_orders = int(rng.integers(2, 5)) if is_repeat else 1
        email = None
        r = rng.random()
        if r < 0.5:
            email = render.email(person.email)
        elif r < 0.55:
            email = render.placeholder_email()
        # repeat customers, as the dashboard counts them, bought while the app tracked customers: their
        # orders follow their buying life from then on (buying.py); one-time buyers came any time
        if is_repeat:
            life = lives.of(person.person_id, MOBILE_DATA)
            if life.start < TRACKING_STARTED:
                life = draw_life(rng, MOBILE_DATA, acquired_after=TRACKING_STARTED)
            times = spread_in_life(rng, life, n_orders)
        else:
            times = [random_time(rng, datetime(2025, 6, 1, tzinfo=UTC), MOBILE_DATA.end)]
        my_orders = []
        for k, when in enumerate(times):
            package, price = PACKAGES[int(rng.choice(len(PACKAGES), p=[0.15, 0.25, 0.25, 0.2, 0.1, 0.05]))]
            status = str(rng.choice(["completed", "failed", "pending", "refunded"], p=[0.9, 0.06, 0.03, 0.01]))
            if is_repeat and k < 2:
                status = "completed"  # a repeat customer, as the shop app counts them, has 2+ completed orders
            my_orders.append({"id": uuid_from(rng), "shop_id": shop["id"],
                              "shop_customer_id": customer_id if when >= TRACKING_STARTED else None,
                              "customer_name": f"{person.first_name} {person.last_name}",
                              "customer_phone": render.phone(person.mobile) if person.mobile else render.placeholder_phone(),
                              "customer_email": email, "network": str(rng.choice(["MTN", "Telecel", "AirtelTigo"])),
                              "package": package, "quantity": 1, "amount": price, "currency": "GHS",
                              "status": status, "payment_reference": f"PAY-{uuid_from(rng)[:8].upper()}",
                              "created_at": pg_time(when),
                              "updated_at": pg_time(when + timedelta(seconds=float(rng.uniform(5, 90)))),
                              "_extracted_at": EXTRACTED_AT})
        orders.extend(my_orders)
        customers.append({"id": customer_id, "shop_id": shop["id"],
                          "phone": f"0{person.mobile.nsn}" if person.mobile else None, "email": email,
                          "name": f"{person.first_name} {person.last_name}", "_orders": my_orders,
                          "first_source_slug": shop["slug"], "_extracted_at": EXTRACTED_AT})
        out.truth.append(("webshop__shop_customers", customer_id, person.person_id))
        out.truth.extend(("webshop__shop_orders", o["id"], person.person_id) for o in my_orders)

    _calibrate(orders, len(customers))
    for c in customers:  # the app's running totals count the orders it tracked (linked to the customer)
        tracked = [o for o in c.pop("_orders") if o["shop_customer_id"] and o["status"] == "completed"]
        times = [o["created_at"] for o in tracked]
        c.update(first_purchase_at=min(times) if times else None, last_purchase_at=max(times) if times else None,
                 total_purchases=len(tracked), total_spent=f"{sum(o['amount'] for o in tracked):.2f}",
                 repeat_customer="t" if len(tracked) > 1 else "f",
                 created_at=min(times) if times else pg_time(TRACKING_STARTED),
                 updated_at=max(times) if times else pg_time(TRACKING_STARTED))
    for o in orders:
        o["amount"] = f"{o['amount']:.2f}"
    orders.sort(key=lambda o: o["created_at"])
    orders += [dict(orders[0], id=uuid_from(rng), amount="-20.00"),
               dict(orders[1], id=uuid_from(rng), created_at="0000-00-00 00:00:00+00"),
               dict(orders[2], id=uuid_from(rng), shop_id=None)]
    out.files = [LandingFile("webshop/shops.csv", shops, SHOP_COLUMNS),
                 LandingFile("webshop/shop_customers.csv", customers, CUSTOMER_COLUMNS),
                 LandingFile("webshop/shop_orders.csv", orders, ORDER_COLUMNS)]
    return out


def _calibrate(orders: list[dict], n_customers: int) -> None:
    """Scale package prices so completed revenue per customer row is the documented GHS 125.50."""
    done = [o for o in orders if o["status"] == "completed"]
    factor = WEBSHOP["average_ltv_ghs"] * n_customers / sum(o["amount"] for o in done)
    for o in orders:
        o["amount"] = round(o["amount"] * factor, 2)
