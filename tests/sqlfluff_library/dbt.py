"""dbt's cross-database macros (dbt.hash, dbt.concat, ...) as plain SQL for linting."""


def hash(field):  # noqa: A001 - mirrors dbt.hash
    return f"md5({field})"


def concat(fields):
    return f"concat({', '.join(fields)})"


def type_string():
    return "varchar"
