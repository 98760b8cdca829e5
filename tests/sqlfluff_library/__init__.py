"""Stand-ins for dbt's `adapter` and `dbt` objects so sqlfluff's jinja templater can render models.

sqlfluff lints the SQL we write; the SQL produced by dispatched and cross-database macros is
replaced by a call of the same name (for example `json_text(doc, '$.email')`), which keeps the
rendered model valid SQL for the linter.
"""
