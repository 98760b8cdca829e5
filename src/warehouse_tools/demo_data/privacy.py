"""Erasure requests from the privacy team (landing folder privacy/): who asked to be forgotten.

Picks people deterministically from the population (no draw from the shared random state, so the
other sources' data stay the same): one known to Kajabi and Ticket Tailor by email, written in another
case; one Humanitix buyer by mobile, written with spaces; one person who is not in the data; and a
request with a national-format phone, which cannot be matched safely and is quarantined.
"""

from __future__ import annotations

from .output import LandingFile, SourceOutput
from .people import Person

COLUMNS = ["request_id", "identifier_type", "identifier", "requested_at", "_extracted_at"]
EXTRACTED_AT = "2025-11-15T09:00:00Z"


def erasure_subjects(kajabi: list[Person], ticket_tailor: list[Person],
                     humanitix: list[Person]) -> tuple[Person, Person]:
    """The two people of the demo data who ask to be erased: a Kajabi contact who also bought on
    Ticket Tailor (by email) and a Humanitix buyer who is also a Kajabi contact (by mobile)."""
    in_kajabi = {p.person_id for p in kajabi}
    in_ticket_tailor = {p.person_id for p in ticket_tailor}
    by_email = next(p for p in kajabi if p.person_id in in_ticket_tailor and p.shared_phone is None)
    by_phone = next(p for p in humanitix if p.person_id in in_kajabi and p.mobile is not None
                    and p.shared_phone is None and p.person_id != by_email.person_id)
    return by_email, by_phone


def spaced(e164: str) -> str:
    """'+61412345678' -> '+61 412 345 678', as a person types it."""
    return f"{e164[:3]} {e164[3:6]} {e164[6:9]} {e164[9:]}"


def generate(kajabi: list[Person], ticket_tailor: list[Person], humanitix: list[Person]) -> SourceOutput:
    by_email, by_phone = erasure_subjects(kajabi, ticket_tailor, humanitix)
    requests = [
        {"request_id": "ER-1001", "identifier_type": "email", "identifier": by_email.email.upper(),
         "requested_at": "2025-11-03T10:15:00+11:00", "_extracted_at": EXTRACTED_AT},
        {"request_id": "ER-1002", "identifier_type": "phone", "identifier": spaced(by_phone.mobile.e164),
         "requested_at": "2025-11-07T16:40:00+11:00", "_extracted_at": EXTRACTED_AT},
        {"request_id": "ER-1003", "identifier_type": "email", "identifier": "never.a.customer@example.org",
         "requested_at": "2025-11-10T08:00:00+00:00", "_extracted_at": EXTRACTED_AT},
        {"request_id": "ER-1004", "identifier_type": "phone", "identifier": "0412 000 000",
         "requested_at": "2025-11-12T12:00:00+11:00", "_extracted_at": EXTRACTED_AT},
    ]
    out = SourceOutput()
    out.files = [LandingFile("privacy/erasure_requests.csv", requests, COLUMNS)]
    return out
