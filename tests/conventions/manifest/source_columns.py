"""dbt-bouncer check: every source table lists its columns, each described (dbt-bouncer.yml).

Our sources read landing files in place (external_location), so dbt's catalog cannot see their
columns and dbt-bouncer's catalog check for sources does not apply; this checks what the
properties file declares. Loaded by dbt-bouncer from `custom_checks_dir`.
"""

from dbt_bouncer.check_framework.decorator import check, fail
from dbt_bouncer.utils import is_description_populated


@check
def check_source_columns_declared_and_described(source, *, min_description_length: int = 4):
    """Source tables must declare their columns, and every declared column must have a description.

    Parameters:
        min_description_length (int): Shortest description that counts as written.
    """
    display = f"{source.source_name}.{source.name}"
    columns = source.columns or {}
    if not columns:
        fail(f"`{display}` declares no columns: list the landing columns in its properties file.")
    undescribed = [name for name, column in columns.items()
                   if not is_description_populated(column.description or "", min_description_length)]
    if undescribed:
        fail(f"`{display}` has columns without a description: {undescribed}")
