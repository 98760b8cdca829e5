"""A keyed pseudonym for every customer of every partner: customer_key = HMAC-SHA256(secret,
'<partner_id>:<customer_id>'), hex. Keyed per partner, so two partners cannot join their lists on it;
without the secret nobody can recompute it from a customer id.

The secret is read from the environment variable PARTNER_HASH_SECRET here, in Python, so it never
appears in compiled SQL or dbt's logs. Without it, a clearly marked demo secret is used only on the
demo generator's data: a landing folder (env RAW_DATA_DIR) holding the marker DEMO_MARKER that
src/warehouse_tools/demo_data/marker.py writes, and key_secret_source then says 'demo_default'. On any other
landing folder the model stops with one line saying what to set (docs/privacy.md), and so does
src/warehouse_tools/check_partner_secret.py, which `make build` runs before dbt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

DEMO_SECRET = "demo-only-partner-hash-secret-not-for-production"
DEMO_MARKER = ".demo_data.json"  # src/warehouse_tools/demo_data/marker.py writes it; the tests check the two agree


class MissingPartnerSecret(RuntimeError):
    """Real (non-demo) landing data and no PARTNER_HASH_SECRET: no partner key may be written."""


def is_demo_landing(raw_dir: Path) -> bool:
    """The landing folder is the demo generator's: its marker is there and says which generator wrote it."""
    try:
        return bool(json.loads((raw_dir / DEMO_MARKER).read_text(encoding="utf-8")).get("generator"))
    except (OSError, ValueError, AttributeError):
        return False


def key_secret(environ: Mapping[str, str] = os.environ) -> tuple[bytes, str]:
    """(secret, key_secret_source): PARTNER_HASH_SECRET, or the demo secret on demo data; else raise."""
    secret = (environ.get("PARTNER_HASH_SECRET") or "").strip()
    raw_dir = Path(environ.get("RAW_DATA_DIR") or "data/raw")
    demo = is_demo_landing(raw_dir)
    if secret and (secret != DEMO_SECRET or demo):
        return secret.encode("utf-8"), "environment"
    if demo:
        return DEMO_SECRET.encode("utf-8"), "demo_default"
    cause = "is the demo secret" if secret else "is not set"
    raise MissingPartnerSecret(
        f"PARTNER_HASH_SECRET {cause} and the landing data in {raw_dir} is not the demo's (no {DEMO_MARKER}):"
        " set PARTNER_HASH_SECRET to a long random secret kept out of git, e.g."
        " `export PARTNER_HASH_SECRET=$(openssl rand -hex 32)`, to write partner keys (docs/privacy.md)")


# Per pair, nothing else: on Spark, src/warehouse_tools/build_on_engine.py runs score() on the executors over
# batches of PER_ROW_INPUT; the secret reaches them inside the serialised function, never as SQL
# text, a plan's literal or a log line (docs/engines.md, docs/privacy.md).
PER_ROW_INPUT = "int_partner_customers"


def parameters(dbt) -> dict:
    key, source = key_secret()
    return {"key": key, "source": source}


def score(pairs: pd.DataFrame, params: dict) -> pd.DataFrame:
    key = params["key"]
    out = pairs[["partner_id", "customer_id"]].copy()
    out["customer_key"] = pd.Series([
        hmac.new(key, f"{partner}:{customer}".encode("utf-8"), hashlib.sha256).hexdigest()
        for partner, customer in zip(pairs["partner_id"], pairs["customer_id"])
    ], index=out.index, dtype=object)
    out["key_secret_source"] = params["source"]
    return out


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    return score(dbt.ref("int_partner_customers").df(), parameters(dbt))
