"""Zoho CRM: the Contacts module exported as CSV.

Zoho writes "Record Id" as a long number, separate Phone and Mobile fields, an "Email Opt Out"
flag, and "Created Time"/"Modified Time" in the organisation's local time without an offset.
Some people were entered twice, some have no email, some a placeholder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from .helpers import DENVER, UTC, random_time
from .output import LandingFile, SourceOutput
from .people import Person, Renderer

COLUMNS = ["Record Id", "Contact Owner", "First Name", "Last Name", "Email", "Secondary Email", "Phone", "Mobile",
           "Mailing City", "Mailing Country", "Lead Source", "Email Opt Out", "Created Time", "Modified Time",
           "_extracted_at"]
EXTRACTED_AT = "2025-11-12T07:30:00Z"
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "AU": "Australia", "GB": "United Kingdom", "GH": "Ghana"}


def zoho_time(ts: datetime) -> str:
    """Local organisation time (America/Denver), written without an offset."""
    return ts.astimezone(DENVER).strftime("%Y-%m-%d %H:%M:%S")


def _row(rng: np.random.Generator, render: Renderer, record_id: str, person: Person, email: str | None) -> dict:
    created = random_time(rng, datetime(2019, 3, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC))
    mobile = render.phone(person.mobile) if person.mobile and rng.random() < 0.6 else None
    phone = render.phone(person.shared_phone) if person.shared_phone and rng.random() < 0.85 else None
    return {"Record Id": record_id, "Contact Owner": str(rng.choice(["Dana Reyes", "Sam Ortiz"])),
            "First Name": person.first_name, "Last Name": person.last_name, "Email": email,
            "Secondary Email": None, "Phone": phone, "Mobile": mobile,
            "Mailing City": None, "Mailing Country": COUNTRY_NAMES[person.country],
            "Lead Source": str(rng.choice(["Website", "Event", "Referral", "Kajabi import"])),
            "Email Opt Out": "true" if rng.random() < 0.45 else "false",
            "Created Time": zoho_time(created),
            "Modified Time": zoho_time(created + timedelta(days=float(rng.uniform(0, 200)))),
            "_extracted_at": EXTRACTED_AT}


def generate(rng: np.random.Generator, people: list[Person], duplicates: list[Person],
             in_kajabi: set[str]) -> SourceOutput:
    """Contacts also in Kajabi mostly carry the same email there (that is how the 1,425 were counted)."""
    out = SourceOutput()
    render = Renderer(rng, "US", case_noise=0.15)
    rows = []
    for i, person in enumerate(people):
        r = rng.random()
        shared_with_kajabi = person.person_id in in_kajabi
        if r < 0.04 and person.mobile and not shared_with_kajabi:
            email = None  # phone-only contact
        elif r < 0.06 and not shared_with_kajabi:
            email = render.placeholder_email()
        else:
            use_alt = person.alt_email and rng.random() < (0.2 if shared_with_kajabi else 0.5)
            email = render.email(person.alt_email if use_alt else person.email)
        record_id = str(4876876000000100000 + i * 1117)
        rows.append(_row(rng, render, record_id, person, email))
        out.truth.append(("zoho__contacts", record_id, person.person_id))
    for j, person in enumerate(duplicates):
        record_id = str(4876876000009900000 + j * 331)
        email = render.email((person.alt_email or person.email).upper() if j % 2 else (person.alt_email or person.email))
        row = _row(rng, render, record_id, person, email)
        if not row["Mobile"] and person.mobile:
            row["Mobile"] = render.phone(person.mobile)
        rows.append(row)
        out.truth.append(("zoho__contacts", record_id, person.person_id))
    rows.append(dict(rows[10], **{"Record Id": ""}))
    rows.append(dict(rows[11], **{"Record Id": "4876876000009999999", "Created Time": "2024-02-30 10:00:00"}))
    out.files = [LandingFile("zoho/contacts.csv", rows, COLUMNS)]
    return out
