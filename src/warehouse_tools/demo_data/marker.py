"""The file the demo generators leave at the top of the landing folder they write: DEMO_MARKER.

It says "these are the generator's synthetic people". The partner pseudonyms
(models/intermediate/partners/int_partner_customer_keys.py, which holds the same name) may fall back
to the marked demo secret only on a landing folder that carries it; on any other folder the build
refuses to write partner keys until PARTNER_HASH_SECRET is set (docs/privacy.md). Real exports never
carry it: the generators write it, nothing else does. Its content is deterministic (no time), so one
seed still gives identical files.

The marker also guards users' files: a generator rewrites a landing folder only when it is empty or
carries the marker (clear_landing_folder), so pointing it at a folder of real exports stops it before
it deletes anything.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

DEMO_MARKER = ".demo_data.json"


def write_marker(raw_dir: Path, generator: str, seed: int, **details: int) -> Path:
    path = Path(raw_dir) / DEMO_MARKER
    path.write_text(json.dumps({
        "generator": generator,
        "seed": seed,
        **details,
        "note": "Synthetic landing data written by `warehouse generate-demo-data`: no real person. The partner "
                "pseudonyms may use the marked demo secret here (docs/privacy.md); real exports never carry this file.",
    }, indent=2) + "\n", encoding="utf-8")
    return path


class NotDemoFolder(RuntimeError):
    """The folder a generator was to rewrite holds files it did not write."""


def check_landing_folder(raw_dir: Path) -> None:
    """Raise NotDemoFolder when raw_dir holds files but no DEMO_MARKER: someone's data, not the generators'."""
    raw_dir = Path(raw_dir)
    if raw_dir.exists() and not (raw_dir / DEMO_MARKER).is_file() and any(raw_dir.iterdir()):
        raise NotDemoFolder(f"{raw_dir}: holds files the demo generator did not write (no {DEMO_MARKER}); it "
                            "deletes nothing there: choose an empty folder or the demo's own (data/demo/raw)")


def clear_landing_folder(raw_dir: Path) -> None:
    """Delete a previous run's landing folder before writing it again: only one the generators wrote.

    A missing or empty folder is fine; one holding files but no DEMO_MARKER holds someone's data
    (landed exports), and the generator stops with NotDemoFolder instead of deleting them.
    """
    check_landing_folder(raw_dir)
    if Path(raw_dir).exists():
        shutil.rmtree(raw_dir)
