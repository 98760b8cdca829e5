"""Erasure requests at scale (as privacy.py): one person of the pool asks to be erased by email
(written in upper case), one request names nobody in the data, and one gives a national-format phone,
which staging quarantines (the same invalid row as the demo)."""

from __future__ import annotations

from .. import privacy as demo


def generate(gen) -> None:
    gen.copy("privacy/erasure_requests.csv", f"""
        SELECT * FROM (
            SELECT 'ER-1001' AS request_id, 'email' AS identifier_type, upper(email) AS identifier,
                   '2025-11-03T10:15:00+11:00' AS requested_at, '{demo.EXTRACTED_AT}' AS _extracted_at
            FROM (SELECT email FROM persons ORDER BY hash(person_id), person_id LIMIT 1)
            UNION ALL
            SELECT 'ER-1003', 'email', 'never.a.customer@example.org', '2025-11-10T08:00:00+00:00',
                   '{demo.EXTRACTED_AT}'
            UNION ALL
            SELECT 'ER-1004', 'phone', '0412 000 000', '2025-11-12T12:00:00+11:00', '{demo.EXTRACTED_AT}'
        ) ORDER BY request_id
    """, demo.COLUMNS)
