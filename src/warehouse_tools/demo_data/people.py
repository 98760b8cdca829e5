"""The pool of people behind the demo data, and how each source writes their identifiers.

Every record the generator writes belongs to one person of this pool (that is the ground truth).
The mess of real exports is applied when a record *renders* a person's email or phone: case and
whitespace noise, national/international/punctuated phone formats, placeholders, typos.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from faker import Faker

# National significant numbers are drawn from ranges that libphonenumber accepts as valid.
US_AREA_CODES = ["212", "303", "312", "415", "503", "512", "617", "646", "719", "720", "773", "970", "206", "505"]
GH_MOBILE_PREFIXES = ["20", "24", "26", "27", "50", "54", "55", "57"]
CALLING_CODES = {"AU": "61", "US": "1", "CA": "1", "GB": "44", "GH": "233", "NZ": "64"}
TRUNK_PREFIXES = {"AU": "0", "US": "1", "CA": "1", "GB": "0", "GH": "0", "NZ": "0"}

EMAIL_DOMAINS = {
    "AU": ["gmail.com", "bigpond.com", "outlook.com", "icloud.com", "optusnet.com.au", "hotmail.com"],
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net", "aol.com"],
    "CA": ["gmail.com", "outlook.com", "shaw.ca", "yahoo.ca"],
    "GB": ["gmail.com", "btinternet.com", "outlook.com"],
    "GH": ["gmail.com", "yahoo.com", "outlook.com"],
}
FAKER_LOCALES = {"AU": "en_AU", "US": "en_US", "CA": "en_CA", "GB": "en_GB", "GH": "en_US"}
GH_FIRST = ["Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Abena", "Kojo", "Efua", "Kwabena", "Adwoa", "Esi", "Kwaku"]
GH_LAST = ["Mensah", "Owusu", "Boateng", "Asante", "Osei", "Agyemang", "Appiah", "Darko", "Addo", "Ofori"]

PLACEHOLDER_EMAILS = ["test@test.com", "none", "noemail@example.com", "n/a", "no@email.com"]
PLACEHOLDER_PHONES = {"AU": ["0400000000", "0000000000"], "US": ["1234567890", "0000000000"], "GH": ["0000000000"]}


@dataclass
class Phone:
    """A phone number as (country, national significant number); rendered per source."""

    country: str
    nsn: str

    @property
    def e164(self) -> str:
        return f"+{CALLING_CODES[self.country]}{self.nsn}"


@dataclass
class Person:
    person_id: str
    first_name: str
    last_name: str
    country: str
    email: str
    alt_email: str | None = None
    mobile: Phone | None = None
    shared_phone: Phone | None = None  # a household or office number used by several people
    sources: set[str] = field(default_factory=set)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


class PeopleFactory:
    """Creates people with unique emails and phones, deterministic for a seed."""

    def __init__(self, rng: np.random.Generator, seed: int) -> None:
        self.rng = rng
        self.fakers = {c: Faker(loc) for c, loc in FAKER_LOCALES.items()}
        for offset, fk in enumerate(self.fakers.values()):
            fk.seed_instance(seed + offset)
        self._emails: set[str] = set()
        self._phones: set[str] = set()
        self._count = 0

    def new_phone(self, country: str, kind: str = "mobile") -> Phone:
        while True:
            digits = "".join(self.rng.choice(list("0123456789"), size=10))
            if country == "AU":
                nsn = ("4" + str(self.rng.integers(0, 4)) + digits[:7]) if kind == "mobile" else (
                    str(self.rng.choice(["29", "39", "73"])) + digits[:7])
            elif country in ("US", "CA"):
                exchange = str(self.rng.integers(2, 10)) + digits[:2]
                if exchange in ("555", "911", "411", "611") or exchange[1:] == "11":
                    continue
                nsn = str(self.rng.choice(US_AREA_CODES)) + exchange + digits[2:6]
            elif country == "GH":
                # a fixed line of Accra's 0302 area, or a mobile
                nsn = ("302" + digits[:6]) if kind == "landline" else (
                    str(self.rng.choice(GH_MOBILE_PREFIXES)) + digits[:7])
            elif country == "GB":
                nsn = "7" + str(self.rng.choice(["4", "5", "8"])) + digits[:8]
            else:
                raise ValueError(country)
            if nsn not in self._phones:
                self._phones.add(nsn)
                return Phone(country, nsn)

    def _email(self, first: str, last: str, country: str) -> str:
        domains = EMAIL_DOMAINS[country]
        base = [f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)}{_ascii(last)}",
                f"{_ascii(first)[:1]}{_ascii(last)}", f"{_ascii(first)}_{_ascii(last)}"]
        style = base[int(self.rng.integers(0, len(base)))]
        domain = domains[int(self.rng.integers(0, len(domains)))]
        candidate = f"{style}@{domain}"
        n = 1
        while candidate in self._emails:
            n += 1
            candidate = f"{style}{n if n < 10 else self.rng.integers(10, 999)}@{domain}"
        self._emails.add(candidate)
        return candidate

    def unique_email(self, first: str, last: str, country: str) -> str:
        """An email built from the name, used by nobody else in the demo."""
        return self._email(first, last, country)

    def new_person(self, country: str, last_name: str | None = None, mobile_rate: float = 0.9,
                   alt_email_rate: float = 0.12) -> Person:
        self._count += 1
        if country == "GH":
            first = str(self.rng.choice(GH_FIRST))
            last = last_name or str(self.rng.choice(GH_LAST))
        else:
            fk = self.fakers[country]
            first, last = fk.first_name(), last_name or fk.last_name()
        person = Person(
            person_id=f"P{self._count:06d}",
            first_name=first,
            last_name=last,
            country=country,
            email=self._email(first, last, country),
        )
        if self.rng.random() < alt_email_rate:
            person.alt_email = self._email(first, last, country)
        if self.rng.random() < mobile_rate:
            person.mobile = self.new_phone(country)
        return person


class Renderer:
    """Writes identifiers the way messy exports do. One instance per source, with its default country."""

    def __init__(self, rng: np.random.Generator, default_country: str, case_noise: float = 0.08,
                 space_noise: float = 0.03) -> None:
        self.rng = rng
        self.default_country = default_country
        self.case_noise = case_noise
        self.space_noise = space_noise

    def email(self, address: str) -> str:
        r = self.rng.random()
        if r < self.case_noise / 2:
            address = address.upper()
        elif r < self.case_noise:
            address = address[:1].upper() + address[1:]
        if self.rng.random() < self.space_noise:
            address = str(self.rng.choice([" ", "  ", "\t"])) + address + str(self.rng.choice(["", " "]))
        return address

    def phone(self, phone: Phone) -> str:
        """A national format when the number is from the source's default country, else international."""
        c, nsn = phone.country, phone.nsn
        cc = CALLING_CODES[c]
        same_plan = CALLING_CODES[self.default_country] == cc
        style = int(self.rng.integers(0, 6))
        if c == "AU":
            national = [f"0{nsn}", f"0{nsn[:3]} {nsn[3:6]} {nsn[6:]}", f"0{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}",
                        f"(0{nsn[0]}) {nsn[1:5]} {nsn[5:]}", nsn, f"0{nsn[:3]} {nsn[3:6]} {nsn[6:]}"]
            intl = [f"+61 {nsn[:3]} {nsn[3:6]} {nsn[6:]}", f"+61{nsn}", f"61{nsn}" if same_plan else f"+61{nsn}",
                    f"+61 (0){nsn[:3]} {nsn[3:6]} {nsn[6:]}", f"0011 61 {nsn}" if same_plan else f"+61 {nsn}",
                    f"+61-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"]
        elif c in ("US", "CA"):
            a, e, s = nsn[:3], nsn[3:6], nsn[6:]
            national = [f"({a}) {e}-{s}", f"{a}-{e}-{s}", f"{a}.{e}.{s}", nsn, f"1-{a}-{e}-{s}", f"1{nsn}"]
            intl = [f"+1 {a} {e} {s}", f"+1 ({a}) {e}-{s}", f"+1{nsn}", f"+1-{a}-{e}-{s}", f"+1 {a}-{e}-{s}",
                    f"+1{nsn}"]
        elif c == "GH":
            national = [f"0{nsn}", f"0{nsn[:2]} {nsn[2:5]} {nsn[5:]}", f"0{nsn[:2]}-{nsn[2:5]}-{nsn[5:]}",
                        f"233{nsn}" if same_plan else f"0{nsn}", f"0{nsn[:2]} {nsn[2:]}", f"0{nsn}"]
            intl = [f"+233 {nsn[:2]} {nsn[2:5]} {nsn[5:]}", f"+233{nsn}", f"+233 {nsn}", f"00233{nsn}"
                    if same_plan else f"+233{nsn}", f"+233-{nsn[:2]}-{nsn[2:5]}-{nsn[5:]}", f"+233{nsn}"]
        else:  # GB
            national = [f"0{nsn[:4]} {nsn[4:]}", f"0{nsn}"] * 3
            intl = [f"+44 {nsn[:4]} {nsn[4:]}", f"+44{nsn}"] * 3
        if same_plan and self.rng.random() < 0.7:
            return national[style]
        return intl[style]

    def placeholder_phone(self) -> str:
        options = PLACEHOLDER_PHONES.get(self.default_country, ["0000000000"]) + ["none", "N/A"]
        return str(self.rng.choice(options))

    def placeholder_email(self) -> str:
        return str(self.rng.choice(PLACEHOLDER_EMAILS))
