"""Macro unnest_json_array: one row per element of a nested JSON array, the same on every engine.

The parents cover the shapes an API export holds: several children (with nested objects and an
array inside a child), one child, an empty array, the key absent, JSON null, and an object where an
array was expected. The expected child rows come from Python's json module, independently of the
SQL; each engine's rows must equal them (elements compared as parsed JSON, since engines space JSON
text differently), and json_text must read a child's nested field. DuckDB runs everywhere; the
PostgreSQL case starts its own server (pgserver, as tests/python/test_engines.py does). Spark's form
runs on the cluster of tests/python/test_engines.py (make test-spark), with inline_sql and check_rows.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest

from conftest import compile_inline, run_dbt

PARENTS = {
    "O1": {"attendees": [
        {"id": "A1", "profile": {"email": "ada@example.org", "first_name": "Ada"}, "answers": [{"q": 1}]},
        {"id": "A2", "profile": {"email": "bo@example.org", "first_name": "Bo"}},
        {"id": "A3", "profile": {}},
    ]},
    "O2": {"attendees": [{"id": "A4", "profile": {"email": "cy@example.org"}}]},
    "O3": {"attendees": []},
    "O4": {"costs": {"gross": 100}},
    "O5": {"attendees": None},
    "O6": {"attendees": {"id": "not-a-list"}},
}
# the expected children, from json alone: (order, 1-based index, element)
EXPECTED = sorted(
    (order, index, element)
    for order, doc in PARENTS.items()
    if isinstance(doc.get("attendees"), list)
    for index, element in enumerate(doc["attendees"], start=1)
)

SQL = """
with parents as (
    {%- for order, doc in parents.items() %}
    select '{{ order }}' as order_id, '{{ doc }}' as doc {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

attendees as (
    {{ unnest_json_array('parents', 'doc', '$.attendees', ['order_id']) }}
)

select order_id, element_index, element, {{ json_text('element', '$.profile.email') }} as email
from attendees
"""


def inline_sql() -> str:
    parents = {order: json.dumps(doc) for order, doc in PARENTS.items()}
    return "{% set parents = " + json.dumps(parents) + " %}" + SQL


def check_rows(rows: list[tuple]) -> None:
    got = sorted((order, index, json.loads(element)) for order, index, element, _ in rows)
    assert [(o, i) for o, i, _ in got] == [(o, i) for o, i, _ in EXPECTED]
    assert got == EXPECTED
    emails = {(order, index): email for order, index, _, email in rows}
    assert emails == {(o, i): e.get("profile", {}).get("email") for o, i, e in EXPECTED}


def test_duckdb(duckdb_path: Path) -> None:
    sql = compile_inline(inline_sql(), duckdb_path)
    with duckdb.connect(str(duckdb_path)) as con:
        rows = con.sql(sql).fetchall()
    check_rows(rows)


@pytest.mark.postgres
def test_postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pgserver = pytest.importorskip("pgserver")
    import psycopg2

    from warehouse_tools.local_postgres import create_database, environment

    # pgserver runs the server as its own OS user when started by root: pytest's folders are private
    folder = Path(tempfile.mkdtemp(prefix="unnest-pg-"))
    folder.chmod(0o755)
    server = pgserver.get_server(folder / "data", cleanup_mode="stop")
    try:
        create_database(server)
        settings = environment(server, folder / "data")
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        result = run_dbt(["compile", "--target", "postgres", "--inline", inline_sql()], tmp_path / "unused.duckdb")
        sql = result.result.results[0].node.compiled_code
        connection = psycopg2.connect(host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"],
                                      user=settings["POSTGRES_USER"], dbname=settings["POSTGRES_DB"])
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
        finally:
            connection.close()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    check_rows(rows)

