"""The demo landing data at scale: about N orders across the six sources, generated in DuckDB SQL.

    warehouse generate-demo-data --scale 10000000 --out /tmp/raw

The files have exactly the shapes of the demo generator (same paths, JSON fields and nesting, CSV
headers, time, money and boolean formats, `_extracted_at` on every row) so the unchanged dbt project
builds on them; the column lists and constants are imported from the demo modules. Nothing is
generated row by row in Python: every table is a DuckDB query over `range()`, and every random
value is a pure function of (row id, salt, seed) through `hash()` (`u()` uniform in [0, 1),
`ri()` an integer below n), so the files are byte-identical for a seed whatever the number of
threads (with the same DuckDB version: `hash()` is DuckDB's); every COPY orders its rows by id.

Ids that must be unique are unique by construction: numbered ids as in the demo, hex/uuid/alnum
ids carry a bijective 48-bit scramble of the row number, emails get a number appended within a
collision group, phone numbers are a bijection (k * A + B mod M) of the person (or household)
number onto the valid ranges people.py draws from.

The mix of the demo is kept at scale: people in several systems, shared household and office
phones, messy phone and email renderings and placeholders, refunds, free orders, several
currencies, re-exports and later updates across two extracts where the demo has two, and a handful
of invalid rows per source of the kinds the demo writes (appended to the later extract with Python,
since a truncated JSON line cannot come out of COPY).

The package, one job a module: state.py (the run: connection, sizes, COPY and append helpers), macros.py (the
seeded DuckDB macros), render.py (SQL literals, random picks, email and phone renderings), times.py, people_pool.py
(the person pool), one module a source system (humanitix.py, ticket_tailor.py, kajabi.py, zoho.py, paypal.py,
webshop.py, as the demo generator's), truth.py (the ground truth) and generate.py (the run, step by step).
"""

from .generate import MEMORY_LIMIT, STEPS, generate_scale
from .state import ORDER_SHARES, PEOPLE_PER_ORDER
from .truth import TRUTH_TABLES

__all__ = ["MEMORY_LIMIT", "ORDER_SHARES", "PEOPLE_PER_ORDER", "STEPS", "TRUTH_TABLES", "generate_scale"]
