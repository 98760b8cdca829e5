"""dbt-bouncer check: every model has a primary-key test (dbt-bouncer.yml, docs/conventions.md).

dbt-bouncer's own check_model_has_unique_test accepts a `unique` test alone; a primary key also
needs its column to be NOT NULL. Loaded by dbt-bouncer from `custom_checks_dir`.
"""

from dbt_bouncer.check_framework.decorator import check, fail


def _test_name(test) -> str:
    metadata = getattr(test, "test_metadata", None)
    return getattr(metadata, "name", "") or ""


def _test_column(test) -> str | None:
    column = getattr(test, "column_name", None)
    if column:
        return str(column)
    metadata = getattr(test, "test_metadata", None)
    kwargs = getattr(metadata, "kwargs", None) or {}
    return kwargs.get("column_name")


@check
def check_model_has_primary_key_test(model, ctx, *, combination_tests: list[str] | None = None):
    """Models must have a primary-key test: unique and not_null on one column, or a combination test.

    Parameters:
        combination_tests (list[str] | None): Model-level tests that assert a combination of
            columns is unique (default: unique_combination, this project's own).
    """
    combination = set(combination_tests or ["unique_combination"])
    unique_columns: set[str] = set()
    not_null_columns: set[str] = set()
    for test in ctx.tests_by_attached_node.get(model.unique_id, []):
        name = _test_name(test)
        if name in combination:
            return
        column = _test_column(test)
        if column is None:
            continue
        if name == "unique":
            unique_columns.add(column.lower())
        elif name == "not_null":
            not_null_columns.add(column.lower())
    if unique_columns & not_null_columns:
        return
    detail = (f" (unique on {sorted(unique_columns)} but not not_null)" if unique_columns else "")
    fail(f"`{model.name}` has no primary-key test: give one column both `unique` and `not_null`, "
         f"or the model a `{sorted(combination)[0]}` test{detail}.")
