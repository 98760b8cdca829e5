"""Erasure requests at scale (as privacy.py): the landing file every build reads, with one request
for a person who is not in the data (the scale data carries no known person to erase)."""

from __future__ import annotations

from .. import privacy as demo


def generate(gen) -> None:
    gen.copy("privacy/erasure_requests.csv", """
        SELECT 'ER-0001' AS request_id, 'email' AS identifier_type,
               'never.a.customer@example.org' AS identifier,
               '2025-11-10T08:00:00+00:00' AS requested_at, '2025-11-15T09:00:00Z' AS _extracted_at
    """, demo.COLUMNS)
