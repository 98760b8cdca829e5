"""The file the demo generators leave at the top of the landing folder they write: DEMO_MARKER.

It says "these are the generator's synthetic people". The partner pseudonyms
(models/intermediate/partners/int_partner_customer_keys.py, which holds the same name) may fall back
to the marked demo secret only on a landing folder that carries it; on any other folder the build
refuses to write partner keys until PARTNER_HASH_SECRET is set (docs/privacy.md). Real exports never
carry it: the generators write it, nothing else does. Its content is deterministic (no time), so one
seed still gives identical files.
"""

from __future__ import annotations

import json
from pathlib import Path

DEMO_MARKER = ".demo_data.json"


def write_marker(raw_dir: Path, generator: str, seed: int, **details: int) -> Path:
    path = Path(raw_dir) / DEMO_MARKER
    path.write_text(json.dumps({
        "generator": generator,
        "seed": seed,
        **details,
        "note": "Synthetic landing data written by scripts/generate_demo_data.py: no real person. The partner "
                "pseudonyms may use the marked demo secret here (docs/privacy.md); real exports never carry this file.",
    }, indent=2) + "\n", encoding="utf-8")
    return path
