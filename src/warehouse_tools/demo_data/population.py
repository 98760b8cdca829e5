"""Who is in which system: the overlaps between sources, households and offices that share a phone.

Membership is person-level and mirrors the calibration documents: the StarHouse community (Kajabi,
Zoho CRM, Ticket Tailor, PayPal) is mostly North American, the Humanitix comedy audience Australian,
the web shop's customers Ghanaian, with a few people crossing between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .people import PeopleFactory, Person
from .targets import HUMANITIX, KAJABI, TICKET_TAILOR, WEBSHOP, ZOHO


@dataclass
class Population:
    humanitix: list[Person]
    kajabi: list[Person]
    zoho: list[Person]
    zoho_duplicates: list[Person]  # people entered twice in Zoho CRM
    ticket_tailor: list[Person]
    paypal: list[Person]
    webshop: list[Person]
    webshop_two_shops: list[Person]  # people who bought from two shops (one customer row per shop)
    everyone: list[Person] = field(default_factory=list)


def _pick(rng: np.random.Generator, people: list[Person], k: int) -> list[Person]:
    idx = rng.choice(len(people), size=k, replace=False)
    return [people[int(i)] for i in sorted(idx)]


def build_population(factory: PeopleFactory, rng: np.random.Generator) -> Population:
    hx_only = [factory.new_person("AU", mobile_rate=0.93) for _ in range(HUMANITIX["customers"] - 60)]
    hx_and_kajabi = [factory.new_person("AU", mobile_rate=0.93) for _ in range(60)]
    gh_people = [factory.new_person("GH", mobile_rate=1.0) for _ in range(330)]
    gh_in_kajabi = gh_people[:15]
    na_count = KAJABI["contacts"] - len(hx_and_kajabi) - len(gh_in_kajabi)
    north_america = [factory.new_person("CA" if rng.random() < 0.08 else "US") for _ in range(na_count)]
    kajabi = north_america + hx_and_kajabi + gh_in_kajabi

    zoho_overlap = _pick(rng, north_america, ZOHO["also_in_kajabi"])
    zoho_only = [factory.new_person("US") for _ in range(ZOHO["contacts"] - ZOHO["also_in_kajabi"] - 30)]
    zoho = zoho_overlap + zoho_only
    zoho_duplicates = _pick(rng, zoho, 30)

    starhouse_known = north_america + zoho_only
    tt_only = [factory.new_person("US", mobile_rate=0.8) for _ in range(400)]
    ticket_tailor = _pick(rng, starhouse_known, TICKET_TAILOR["customers"] - len(tt_only)) + tt_only

    paypal_only = [factory.new_person("US") for _ in range(43)]
    paypal = _pick(rng, north_america, 137) + paypal_only

    webshop_rows = WEBSHOP["shops"] * WEBSHOP["customers_per_shop"]
    two_shops = gh_people[15:45]
    webshop = gh_people[: webshop_rows - len(two_shops)]

    everyone = hx_only + hx_and_kajabi + gh_people + north_america + zoho_only + tt_only + paypal_only
    population = Population(hx_only + hx_and_kajabi, kajabi, zoho, zoho_duplicates, ticket_tailor,
                            paypal, webshop, two_shops, everyone)
    _share_phones(factory, rng, population)
    return population


def _share_phones(factory: PeopleFactory, rng: np.random.Generator, population: Population) -> None:
    """Families (3-5 people) share a home phone; offices (8-14 people) share a switchboard number."""
    taken: set[str] = set()

    def group(pool: list[Person], size: int, country: str, kind: str) -> None:
        free = [p for p in pool if p.person_id not in taken]
        members = _pick(rng, free, size)
        phone = factory.new_phone(country, kind)
        last = members[0].last_name
        for m in members:
            taken.add(m.person_id)
            m.shared_phone = phone
            if kind == "landline" and rng.random() < 0.6:
                m.last_name = last  # families often share a surname, not always
    for _ in range(25):
        group(population.humanitix, int(rng.integers(3, 6)), "AU", "landline")
    for _ in range(40):
        group(population.zoho, int(rng.integers(3, 6)), "US", "landline")
    for _ in range(6):
        group(population.zoho, int(rng.integers(8, 15)), "US", "landline")
