"""Identity cases that real households and exports produce, added to the demo with their ground truth.

Each case is a failure class of identity resolution (docs/identity.md, "Cases the demo measures"):

- same_name_household: parent and child of one name (both Nancy Jackson), each with their own email
  and mobile, on the home phone: a US landline held as the Zoho contact's Phone beside the Mobile
  (and given on PayPal payments), or a Ghanaian fixed line typed at web-shop checkout;
- guest_family_phone: web-shop guest orders (no shop customer, no email) of family members with
  different given names on the family's mobile;
- system_address: unrelated PayPal payers under a booking platform's no-reply or bounce address,
  some of them with one given name;
- source_key_other_email: a Kajabi transaction (or a web-shop order) typed with an email its
  contact (or shop customer) never used, linked to it only by the source's own key;
- nickname_own_mobile: one person as Robert Young in the CRM and as Bob Young on a payment, two
  emails, one mobile.

The records are appended after every source is generated, from their own random state, so the rest
of the demo is the same as without them. `record_cases.csv` labels every record of a case's people.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from .helpers import UTC, alnum_id, random_time, uuid_from
from .output import SourceOutput
from .paypal import _money, _when
from .people import PeopleFactory, Person, Phone, Renderer
from .webshop import TRACKING_STARTED, pg_time
from .zoho import zoho_time

CASES_FILE = "record_cases.csv"
CASE_NAMES = ("same_name_household", "guest_family_phone", "system_address", "source_key_other_email",
              "nickname_own_mobile")
SAME_NAMES_US = [("Nancy", "Jackson"), ("Maria", "Garcia"), ("James", "Walker"), ("Linda", "Brown"),
                 ("Susan", "Clark"), ("Daniel", "Lewis")]
SAME_NAMES_GH = [("Ama", "Mensah"), ("Kofi", "Boateng"), ("Esi", "Owusu")]
NICKNAMES = [("Robert", "Bob", "Young"), ("William", "Bill", "Turner"), ("Elizabeth", "Liz", "Parker"),
             ("Katherine", "Kate", "Morris"), ("Michael", "Mike", "Reed"), ("Margaret", "Peggy", "Hill"),
             ("Thomas", "Tom", "Baker"), ("Jennifer", "Jen", "Cole")]
SYSTEM_PAYERS = [("noreply@bookings.com", "Alice", "Nguyen"), ("noreply@bookings.com", "Omar", "Haddad"),
                 ("noreply@bookings.com", "Grace", "Kim"), ("noreply@bookings.com", "Victor", "Stone"),
                 ("bounce@mail.bookings.com", "David", "Lee"), ("bounce@mail.bookings.com", "David", "Moore")]


class CaseWriter:
    """Appends case records to the generated sources and keeps their truth and case labels."""

    def __init__(self, rng: np.random.Generator, factory: PeopleFactory, outputs: dict[str, SourceOutput]) -> None:
        self.rng = rng
        self.factory = factory
        self.outputs = outputs
        self.labels: list[tuple[str, str, str]] = []  # (source table, record key, case)
        self._people = 0

    def person(self, first: str, last: str, country: str, email: str | None = None) -> Person:
        self._people += 1
        return Person(person_id=f"C{self._people:05d}", first_name=first, last_name=last, country=country,
                      email=email or self.factory.unique_email(first, last, country))

    def record(self, source: str, table: str, key: str, person_id: str, case: str) -> None:
        self.outputs[source].truth.append((table, key, person_id))
        self.labels.append((table, key, case))

    def file(self, source: str, suffix: str) -> list:
        return next(f for f in self.outputs[source].files if f.path.endswith(suffix)).records

    # -- sources -----------------------------------------------------------------------------------
    def zoho_contact(self, person: Person, case: str, mobile: Phone | None, home: Phone | None) -> None:
        render = Renderer(self.rng, "US")
        rows = self.file("zoho", "contacts.csv")
        record_id = str(4876876000008800000 + self._people * 7)
        created = random_time(self.rng, datetime(2023, 1, 1, tzinfo=UTC), datetime(2025, 10, 1, tzinfo=UTC))
        rows.insert(len(rows) - 2, {  # before the two invalid rows the file ends with
            "Record Id": record_id, "Contact Owner": "Dana Reyes", "First Name": person.first_name,
            "Last Name": person.last_name, "Email": render.email(person.email), "Secondary Email": None,
            "Phone": render.phone(home) if home else None, "Mobile": render.phone(mobile) if mobile else None,
            "Mailing City": None, "Mailing Country": "United States", "Lead Source": "Event",
            "Email Opt Out": "false", "Created Time": zoho_time(created),
            "Modified Time": zoho_time(created + timedelta(days=3)), "_extracted_at": "2025-11-12T07:30:00Z"})
        self.record("zoho", "zoho__contacts", record_id, person.person_id, case)

    def paypal_payment(self, person: Person, case: str, first_name: str, email: str, phone: Phone | None) -> None:
        render = Renderer(self.rng, "US", case_noise=0.0, space_noise=0.0)
        when = random_time(self.rng, datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC))
        date, time, tz = _when(when)
        tx_id = alnum_id(self.rng, 17)
        self.file("paypal", "activity_2025-11-12.csv").insert(0, {
            "Date": date, "Time": time, "TimeZone": tz, "Name": f"{first_name} {person.last_name}",
            "Type": "General Payment", "Status": "Completed", "Currency": "USD", "Gross": _money(45.0),
            "Fee": _money(-1.61), "Net": _money(43.39), "From Email Address": email,
            "To Email Address": "payments@starhouse.org", "Transaction ID": tx_id, "Item Title": "Workshop Booking",
            "Item ID": "P-WORKSHOP", "Reference Txn ID": None,
            "Contact Phone Number": render.phone(phone) if phone else None, "Country Code": "US",
            "Balance Impact": "Credit", "_extracted_at": "2025-11-12T08:00:00Z"})
        self.record("paypal", "paypal__transactions", tx_id, person.person_id, case)

    def webshop_order(self, person: Person, case: str, phone: Phone | None, email: str | None,
                      shop_customer_id: str | None = None, shop_id: str | None = None) -> None:
        render = Renderer(self.rng, "GH", case_noise=0.0, space_noise=0.0)
        shops = self.file("webshop", "shops.csv")
        start = TRACKING_STARTED if shop_customer_id else datetime(2025, 6, 1, tzinfo=UTC)
        end = datetime(2025, 12, 19, tzinfo=UTC) if shop_customer_id else TRACKING_STARTED - timedelta(days=1)
        when = random_time(self.rng, start, end)
        order_id = uuid_from(self.rng)
        self.file("webshop", "shop_orders.csv").insert(0, {
            "id": order_id, "shop_id": shop_id or shops[int(self.rng.integers(len(shops)))]["id"],
            "shop_customer_id": shop_customer_id, "customer_name": f"{person.first_name} {person.last_name}",
            "customer_phone": render.phone(phone) if phone else None, "customer_email": email,
            "network": "MTN", "package": "2.5GB", "quantity": 1, "amount": "20.00", "currency": "GHS",
            "status": "completed", "payment_reference": f"PAY-{uuid_from(self.rng)[:8].upper()}",
            "created_at": pg_time(when), "updated_at": pg_time(when + timedelta(seconds=30)),
            "_extracted_at": "2025-12-20T00:00:00Z"})
        self.record("webshop", "webshop__shop_orders", order_id, person.person_id, case)

    def label_existing(self, person_id: str, case: str) -> None:
        """Label every record a person already has (their case pairs include them)."""
        for out in self.outputs.values():
            self.labels.extend((table, key, case) for table, key, pid in out.truth if pid == person_id)

    # -- cases -------------------------------------------------------------------------------------
    def same_name_household(self) -> None:
        case = "same_name_household"
        for first, last in SAME_NAMES_US:
            home = self.factory.new_phone("US", "landline")
            for _ in range(2):  # parent and child
                person = self.person(first, last, "US")
                self.zoho_contact(person, case, mobile=self.factory.new_phone("US"), home=home)
                self.paypal_payment(person, case, first, person.email, phone=home)
        for first, last in SAME_NAMES_GH:
            home = self.factory.new_phone("GH", "landline")
            for _ in range(2):
                person = self.person(first, last, "GH")
                for _ in range(2):
                    self.webshop_order(person, case, phone=home, email=person.email)

    def guest_family_phone(self) -> None:
        case = "guest_family_phone"
        for family in range(6):
            phone = self.factory.new_phone("GH")
            last = ["Mensah", "Owusu", "Asante", "Osei", "Darko", "Addo"][family]
            firsts = [str(name) for name in self.rng.choice(["Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Abena",
                                                             "Kojo", "Efua"], size=3, replace=False)]
            for first in firsts:
                self.webshop_order(self.person(first, last, "GH"), case, phone=phone, email=None)

    def system_address(self) -> None:
        case = "system_address"
        for address, first, last in SYSTEM_PAYERS:
            person = self.person(first, last, "US", email=address)
            self.paypal_payment(person, case, first, address, phone=None)

    def source_key_other_email(self) -> None:
        case = "source_key_other_email"
        contacts = {c["ID"]: c for c in self.file("kajabi", "contacts_2025-11-12.csv") if c["ID"]}
        person_of = {key: pid for table, key, pid in self.outputs["kajabi"].truth if table == "kajabi__contacts"}
        transactions = self.file("kajabi", "transactions.csv")
        buyers = sorted({tx["Customer ID"] for tx in transactions
                         if tx["Customer ID"] in contacts and tx["Type"] != "Refund" and tx["ID"]})
        for i, contact_id in enumerate(self.rng.choice(buyers, size=10, replace=False)):
            contact = contacts[str(contact_id)]
            first, _, last = contact["Name"].partition(" ")
            email = self.factory.unique_email(first, last or "member", "US").replace("@", ".work@", 1)
            template = next(tx for tx in transactions if tx["Customer ID"] == contact_id and tx["Type"] != "Refund")
            tx = dict(template, ID=str(3199000000 + i * 7), **{"Customer Email": email, "Coupon Used": None})
            transactions.insert(len(transactions) - 4, tx)  # before the four invalid rows
            person_id = person_of[str(contact_id)]
            self.record("kajabi", "kajabi__transactions", tx["ID"], person_id, case)
            self.label_existing(person_id, case)
        customers = [c for c in self.file("webshop", "shop_customers.csv")]
        person_of = {key: pid for table, key, pid in self.outputs["webshop"].truth
                     if table == "webshop__shop_customers"}
        for index in self.rng.choice(len(customers), size=6, replace=False):
            customer = customers[int(index)]
            first, _, last = customer["name"].partition(" ")
            person = Person(person_of[customer["id"]], first, last, "GH", email="")
            email = self.factory.unique_email(first, last or "buyer", "GH")
            self.webshop_order(person, case, phone=None, email=email, shop_customer_id=customer["id"],
                               shop_id=customer["shop_id"])
            self.label_existing(person.person_id, case)

    def nickname_own_mobile(self) -> None:
        case = "nickname_own_mobile"
        for given, nickname, last in NICKNAMES:
            person = self.person(given, last, "US")
            mobile = self.factory.new_phone("US")
            self.zoho_contact(person, case, mobile=mobile, home=None)
            self.paypal_payment(person, case, nickname, self.factory.unique_email(nickname, last, "US"), mobile)


def add_identity_cases(seed: int, factory: PeopleFactory, outputs: dict[str, SourceOutput]
                       ) -> list[tuple[str, str, str]]:
    """Append every case's records to `outputs` (truth included); returns the case label of each record."""
    writer = CaseWriter(np.random.default_rng(seed + 15), factory, outputs)
    for case in CASE_NAMES:
        getattr(writer, case)()
    # a record is labelled once, with the first case that names it
    seen: set[tuple[str, str]] = set()
    labels = []
    for table, key, case in writer.labels:
        if (table, key) not in seen:
            seen.add((table, key))
            labels.append((table, key, case))
    return labels
