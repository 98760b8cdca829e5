"""dbt's `target` for linting: the default target, DuckDB (models may configure per engine)."""

type = "duckdb"  # noqa: A001 - mirrors target.type
name = "duckdb"
schema = "main"
