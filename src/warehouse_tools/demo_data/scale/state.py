"""The state of one scale generation run and its plumbing: the DuckDB connection, SQL templates filled from
the run's sizes, COPY to the landing files, appending the few invalid rows with Python, and their random ids.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from string import Template

import duckdb
import numpy as np

from .macros import create_macros
from .render import ALNUM, ident, lit

# Split of the orders between the sources (the web shop takes the rest, about 25%).
ORDER_SHARES = {"humanitix": 0.10, "ticket_tailor": 0.25, "kajabi": 0.25, "paypal": 0.15, "webshop": 0.25}
PEOPLE_PER_ORDER = 0.25


def dumps(record: dict) -> str:
    """One JSON line as DuckDB's COPY writes them (no spaces after separators)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class ScaleRun:
    """One generation run: a DuckDB connection with the seeded macros, the counts, the output folder, and the
    sizes of the sources and of the person pool that the SQL templates refer to ($n_hx, $P, $a1, ...)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw_dir: Path, orders: int, seed: int) -> None:
        self.con = con
        self.raw = raw_dir
        self.seed = seed
        self.counts: dict[str, int] = {}
        self.rng = np.random.default_rng([seed, 20251])  # only for the handful of invalid rows
        n = orders
        self.n_hx = round(n * ORDER_SHARES["humanitix"])
        self.n_tt = round(n * ORDER_SHARES["ticket_tailor"])
        self.n_kj = round(n * ORDER_SHARES["kajabi"])
        self.n_pp = round(n * ORDER_SHARES["paypal"])
        self.n_ws = n - self.n_hx - self.n_tt - self.n_kj - self.n_pp
        # the person pool: Australians (Humanitix), Ghanaians (web shop), North Americans (StarHouse)
        p = max(round(n * PEOPLE_PER_ORDER), 250)
        self.P = p
        self.n_au = round(0.15 * p)
        self.n_gh = round(0.32 * p)
        self.na0 = self.n_au + self.n_gh
        self.n_na = p - self.na0
        self.n_au_kj = max(1, round(0.03 * self.n_au))  # Australians also in Kajabi
        self.n_gh_kj = max(1, round(0.02 * self.n_gh))  # Ghanaians also in Kajabi
        # North Americans by index j: Kajabi contacts [0, a1), Zoho only [a1, a2), Ticket Tailor only
        # [a2, a3), PayPal only [a3, n_na)
        self.a1 = round(0.60 * self.n_na)
        self.a2 = round(0.80 * self.n_na)
        self.a3 = round(0.95 * self.n_na)
        create_macros(con, seed)

    # -- SQL ----------------------------------------------------------------------------------------

    def sql(self, template: str, **params) -> str:
        """Fill $name in a SQL template from params and the run's counts (self.n_hx, self.P, ...)."""
        values = {k: str(v) for k, v in vars(self).items() if isinstance(v, int)}
        values.update({k: str(v) for k, v in params.items()})
        return Template(template).substitute(values)

    def run(self, template: str, **params) -> None:
        self.con.execute(self.sql(template, **params))

    def scalar(self, template: str, **params):
        return self.con.execute(self.sql(template, **params)).fetchone()[0]

    def copy(self, path: str, query: str, columns: list[str] | None = None) -> int:
        """COPY a query (already ordered) to a landing file: JSON Lines or CSV with a header."""
        target = self.raw / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if columns is not None:  # CSV: exactly the demo's header, in its order
            query = f"SELECT {', '.join(ident(c) for c in columns)} FROM ({query})"
        options = "FORMAT json" if path.endswith(".jsonl") else "FORMAT csv, HEADER true, DELIMITER ','"
        n = self.con.execute(f"COPY ({query}) TO {lit(str(target))} ({options})").fetchone()[0]
        self.counts[path] = int(n)
        return int(n)

    @staticmethod
    def sorted_source(aliases: str, joins: str, where: str, order: str) -> str:
        """FROM a subquery that joins and sorts the inputs of a projection, each table as one struct column
        (a table alias that is also one of its column names must be renamed: "zz AS z").

        The projection above it refers to alias.column as before (now a struct field), and is evaluated
        after the sort, in parallel, in order (SELECT and COPY preserve the order of their input): so the
        sort moves the narrow inputs, not the wide output text.
        """
        return f"FROM (SELECT {aliases} FROM {joins} WHERE {where} ORDER BY {order})"

    def drop(self, *tables: str) -> None:
        """Free the working tables of a source once its files and truth are written."""
        for table in tables:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")

    # -- the invalid rows, appended with Python (a truncated JSON line cannot come out of COPY) --------

    def append_lines(self, path: str, lines: list[str]) -> None:
        with (self.raw / path).open("a", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line + "\n")
        self.counts[path] += len(lines)

    def append_csv(self, path: str, columns: list[str], rows: list[dict]) -> None:
        with (self.raw / path).open("a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row in rows:
                writer.writerow(["" if row[c] is None else row[c] for c in columns])
        self.counts[path] += len(rows)

    def json_rows(self, query: str) -> list[dict]:
        """The rows of a query as JSON objects (templates for invalid JSON lines)."""
        return [json.loads(r[0]) for r in self.con.execute(f"SELECT to_json(q) FROM ({query}) q").fetchall()]

    def dict_rows(self, query: str) -> list[dict]:
        """The rows of a query as dicts (templates for invalid CSV rows)."""
        cur = self.con.execute(query)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def hex_id(self, length: int = 24) -> str:
        return "".join(self.rng.choice(list("0123456789abcdef"), size=length))

    def alnum_id(self, length: int) -> str:
        return "".join(self.rng.choice(list(ALNUM), size=length))

    def uuid(self) -> str:
        h = self.hex_id(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
