"""Before `dbt build`: may partner keys be written? One line and exit status 2 when they may not.

    warehouse check-partner-secret        # reads PARTNER_HASH_SECRET and RAW_DATA_DIR

The rule lives in the model that writes the keys (models/intermediate/partners/
int_partner_customer_keys.py, `key_secret`), loaded here from its file, so that the build and this
check cannot disagree: the demo secret only on the demo generator's landing data, PARTNER_HASH_SECRET
everywhere else (docs/privacy.md). Run by `make build` so that a missing secret stops the build
before dbt, in one line, rather than as a failed model among hundreds of lines.
"""

from __future__ import annotations

import importlib.util
import sys

from warehouse_tools.project import ROOT
KEYS_MODEL = ROOT / "models" / "intermediate" / "partners" / "int_partner_customer_keys.py"


def keys_model():
    spec = importlib.util.spec_from_file_location("int_partner_customer_keys", KEYS_MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    module = keys_model()
    try:
        _, source = module.key_secret()
    except module.MissingPartnerSecret as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if source == "demo_default":
        print("==> partner keys: the marked demo secret (demo landing data, PARTNER_HASH_SECRET not set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
