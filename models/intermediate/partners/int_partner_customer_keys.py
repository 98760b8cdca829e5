"""A keyed pseudonym for every customer of every partner: customer_key = HMAC-SHA256(secret,
'<partner_id>:<customer_id>'), hex. Keyed per partner, so two partners cannot join their lists on it;
without the secret nobody can recompute it from a customer id.

The secret is read from the environment variable PARTNER_HASH_SECRET here, in Python, so it never
appears in compiled SQL or dbt's logs. Without it a clearly marked demo secret is used and
key_secret_source says 'demo_default' (docs/privacy.md): set the variable in any real deployment.
"""

from __future__ import annotations

import hashlib
import hmac
import os

DEMO_SECRET = "demo-only-partner-hash-secret-not-for-production"


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    pairs = dbt.ref("int_partner_customers").df()
    secret = os.environ.get("PARTNER_HASH_SECRET")
    source = "environment" if secret else "demo_default"
    key = (secret or DEMO_SECRET).encode("utf-8")
    pairs["customer_key"] = [
        hmac.new(key, f"{partner}:{customer}".encode("utf-8"), hashlib.sha256).hexdigest()
        for partner, customer in zip(pairs["partner_id"], pairs["customer_id"])
    ]
    pairs["key_secret_source"] = source
    return pairs[["partner_id", "customer_id", "customer_key", "key_secret_source"]]
